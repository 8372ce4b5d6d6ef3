/**
 * Built-in kinds in the states they reach, judged by the model of gitops-engine's Go checks
 * (test/support/go-health.ts), then fed to the sync model: a Pending claim holds back nothing. A
 * Degraded Deployment and a PostgreSQL slow to get ready are shown with gitops-engine's own checks by
 * the cluster harness (test/cluster/sync_test.go, "stuck rollout", "waits for PostgreSQL").
 */
import { goHealth } from './support/go-health';
import { appliedWhileStuck } from './support/sync-order';
import { standardSynthesis } from './support/synthesis';

const environments = standardSynthesis().environments;
const all = environments.flatMap(({ manifests }) => manifests.map((m) => ({ manifests, m: m as any })));
const holdsBack = (manifests: any[], stuck: any) => manifests.filter((x) => !appliedWhileStuck(manifests, stuck).has(x));

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
