/**
 * Built-in kinds in the states they reach, judged by the model of gitops-engine's Go checks
 * (test/support/go-health.ts), then fed to the sync model: a stuck workload holds back nothing, and
 * only the in-cluster PostgreSQL the migration needs gates the sync.
 */
import { goHealth } from './support/go-health';
import { appliedWhileStuck } from './support/sync-order';
import { standardSynthesis } from './support/synthesis';

const environments = standardSynthesis().environments;
const all = environments.flatMap(({ manifests }) => manifests.map((m) => ({ manifests, m: m as any })));
const holdsBack = (manifests: any[], stuck: any) => manifests.filter((x) => !appliedWhileStuck(manifests, stuck).has(x));

test('a Deployment past its progress deadline is Degraded and holds back nothing', () => {
  const deployments = all.filter(({ m }) => m.kind === 'Deployment');
  expect(deployments.length).toBeGreaterThan(0);
  for (const { manifests, m } of deployments) {
    const status = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] };
    expect(goHealth({ ...m, metadata: { ...m.metadata, generation: 1 }, status })).toBe('Degraded');
    expect(goHealth({ ...m, metadata: { ...m.metadata, generation: 1 }, status: { ...status, conditions: [], availableReplicas: 1 } })).toBe('Healthy');
    expect(holdsBack(manifests, m)).toEqual([]);
  }
});

test('an HPA whose metrics are missing stays Healthy (AbleToScale comes first)', () => {
  const hpa = all.find(({ m }) => m.kind === 'HorizontalPodAutoscaler')!.m;
  const conditions = [
    { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' },
    { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' },
  ];
  expect(goHealth({ ...hpa, status: { conditions } })).toBe('Healthy');
  expect(goHealth({ ...hpa, status: { conditions: conditions.slice(1) } })).toBe('Degraded');
});

test('a claim left Pending and every ClusterIP Service hold back nothing', () => {
  for (const { manifests, m } of all.filter(({ m }) => m.kind === 'PersistentVolumeClaim')) {
    expect(goHealth({ ...m, status: { phase: 'Pending' } })).toBe('Progressing');
    expect(holdsBack(manifests, m)).toEqual([]);
  }
  expect(all.filter(({ m }) => m.kind === 'Service' && goHealth(m) !== 'Healthy').map(({ m }) => m.metadata.name)).toEqual([]);
});

test('an in-cluster PostgreSQL that never gets ready gates only the migration and what follows it', () => {
  const databases = all.filter(({ m }) => m.kind === 'StatefulSet' && m.metadata.name.includes('postgres'));
  expect(databases.length).toBeGreaterThan(0);
  for (const { manifests, m } of databases) {
    expect(goHealth({ ...m, metadata: { ...m.metadata, generation: 1 }, status: { observedGeneration: 1, replicas: 1, readyReplicas: 0 } })).toBe('Progressing');
    expect(holdsBack(manifests, m).some((x) => x.kind === 'Job')).toBe(true);
  }
});
