import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ANNOTATION } from '../../lib/argocd/annotations';
import { applySyncWaves, SyncWave } from '../../lib/argocd/sync-waves';
import { testChart } from '../support/synthesis';

describe('sync waves', () => {
  test('annotates objects by kind and keeps a wave set explicitly', () => {
    const chart = testChart();
    new k8s.KubeConfigMap(chart, 'Config', { metadata: { name: 'config' } });
    new k8s.KubeService(chart, 'Early', { metadata: { name: 'early', annotations: { [ANNOTATION.syncWave]: '-5' } }, spec: {} });
    applySyncWaves(chart);
    const waves = chart.toJson().map((m: any) => m.metadata.annotations[ANNOTATION.syncWave]);
    expect(waves).toEqual([String(SyncWave.CONFIGURATION), '-5']);
  });

  test('refuses a kind that has no wave, so nothing is applied in an unplanned order', () => {
    const chart = testChart();
    new ApiObject(chart, 'Odd', { apiVersion: 'example.org/v1', kind: 'Gadget', metadata: { name: 'g' } });
    expect(() => applySyncWaves(chart)).toThrowErrorMatchingSnapshot();
  });
});
