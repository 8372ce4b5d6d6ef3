import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ANNOTATION } from '../../lib/core/annotations';
import { applySyncWaves, SyncWave } from '../../lib/argocd/sync-waves';
import { LABEL } from '../../lib/core/labels';
import { DATABASE_COMPONENT } from '../../lib/database/in-cluster-postgres';
import { testChart } from '../support/synthesis';

const waves = (chart: ReturnType<typeof testChart>) =>
  Object.fromEntries(chart.toJson().map((m: any) => [`${m.kind}/${m.metadata.name}`, Number(m.metadata.annotations[ANNOTATION.syncWave])]));

/** A pod spec mounting one claim. */
const mounting = (claimName: string) => ({
  containers: [{ name: 'c', image: 'example.org/c:1' }],
  volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
});
const claim = (chart: ReturnType<typeof testChart>, name: string) =>
  new k8s.KubePersistentVolumeClaim(chart, `Claim-${name}`, { metadata: { name }, spec: { accessModes: ['ReadWriteOnce'] } });

describe('sync waves', () => {
  test('annotates objects by kind and keeps a wave set explicitly', () => {
    const chart = testChart();
    new k8s.KubeConfigMap(chart, 'Config', { metadata: { name: 'config' } });
    new k8s.KubeService(chart, 'Early', { metadata: { name: 'early', annotations: { [ANNOTATION.syncWave]: '-5' } }, spec: {} });
    new k8s.KubeNamespace(chart, 'Namespace', { metadata: { name: 'ns' } });
    applySyncWaves(chart);
    expect(waves(chart)).toEqual({ 'ConfigMap/config': SyncWave.CONFIGURATION, 'Service/early': -5, 'Namespace/ns': SyncWave.NAMESPACE });
  });

  test('the database a hook connects to starts before the migration; its configuration before it', () => {
    const chart = testChart();
    const labels = { [LABEL.component]: DATABASE_COMPONENT };
    new k8s.KubeService(chart, 'Service', { metadata: { name: 'postgres', labels }, spec: {} });
    new k8s.KubeStatefulSet(chart, 'StatefulSet', { metadata: { name: 'postgres', labels }, spec: { serviceName: 'postgres', selector: {}, template: { spec: mounting('x') } } });
    new k8s.KubeNetworkPolicy(chart, 'Policy', { metadata: { name: 'postgres-network-policy', labels }, spec: { podSelector: {} } });
    new k8s.KubeService(chart, 'Other', { metadata: { name: 'backend-service' }, spec: {} });
    applySyncWaves(chart);
    expect(waves(chart)).toMatchObject({
      'Service/postgres': SyncWave.BACKING_SERVICES,
      'StatefulSet/postgres': SyncWave.BACKING_SERVICES,
      'NetworkPolicy/postgres-network-policy': SyncWave.CONFIGURATION,
      'Service/backend-service': SyncWave.WORKLOADS,
    });
    expect(SyncWave.CONFIGURATION < SyncWave.BACKING_SERVICES && SyncWave.BACKING_SERVICES < SyncWave.MIGRATION && SyncWave.MIGRATION < SyncWave.WORKLOADS).toBe(true);
  });

  test('a claim takes the wave of the first workload whose pods mount it on apply; CronJob-only and unmounted claims go last', () => {
    const chart = testChart();
    claim(chart, 'uploads');
    claim(chart, 'dumps');
    claim(chart, 'shared');
    claim(chart, 'unused');
    new k8s.KubeDeployment(chart, 'Backend', { metadata: { name: 'backend' }, spec: { selector: {}, template: { spec: mounting('uploads') } } });
    new k8s.KubeCronJob(chart, 'Dump', { metadata: { name: 'dump' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: mounting('dumps') } } } } });
    new k8s.KubeCronJob(chart, 'Report', { metadata: { name: 'report' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: mounting('shared') } } } } });
    new k8s.KubeJob(chart, 'Seed', { metadata: { name: 'seed', annotations: { [ANNOTATION.syncWave]: '1' } }, spec: { template: { spec: mounting('shared') } } });
    applySyncWaves(chart);
    expect(waves(chart)).toMatchObject({
      'PersistentVolumeClaim/uploads': SyncWave.WORKLOADS,
      'PersistentVolumeClaim/dumps': SyncWave.CLAIMS,
      'PersistentVolumeClaim/shared': 1,
      'PersistentVolumeClaim/unused': SyncWave.CLAIMS,
    });
  });

  test('refuses a kind that has no wave, so nothing is applied in an unplanned order', () => {
    const chart = testChart();
    new ApiObject(chart, 'Odd', { apiVersion: 'example.org/v1', kind: 'Gadget', metadata: { name: 'g' } });
    expect(() => applySyncWaves(chart)).toThrowErrorMatchingSnapshot();
  });
});
