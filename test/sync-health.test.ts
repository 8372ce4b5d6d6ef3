/**
 * Under Argo CD 3.3 health (test/support/sync-order.ts), one object stuck Degraded or Progressing
 * must not keep any other object of its environment from being applied. The only objects allowed to
 * gate the rest are those the migration hook needs ready: the Secret producers and the in-cluster
 * PostgreSQL (a release that cannot migrate must not roll out).
 */
import { Manifest } from '../lib/core/manifest';
import { ref } from './support/kubernetes';
import { appliedWhileStuck, BAD_HEALTH, isHook, runsBefore } from './support/sync-order';
import { standardSynthesis } from './support/synthesis';

const synthesis = standardSynthesis();
const GATES = new Set(['ExternalSecret', 'InfisicalSecret', 'Secret']);
const gatesOnPurpose = (m: Manifest, manifests: readonly Manifest[]) =>
  GATES.has(m.kind) || manifests.some((hook) => isHook(hook) && runsBefore(m, hook) && ['StatefulSet', 'Service'].includes(m.kind));

describe.each(synthesis.environments.map(({ environment, manifests }) => [environment.name, manifests] as const))('Argo CD 3.3 health in %s', (_name, manifests) => {
  test('no object stuck in a bad health state keeps another from being applied', () => {
    const blocked: string[] = [];
    for (const stuck of manifests.filter((m) => BAD_HEALTH[m.kind] && !gatesOnPurpose(m, manifests))) {
      const applied = appliedWhileStuck(manifests, stuck);
      const missing = manifests.filter((m) => !applied.has(m));
      if (missing.length > 0) blocked.push(`${ref(stuck)} ${BAD_HEALTH[stuck.kind].join('/')} holds back ${missing.map(ref).join(', ')}`);
    }
    expect(blocked).toEqual([]);
  });

  test('the backup CronJob, the collector and the dashboards share the last wave', () => {
    const all = new Set(manifests);
    for (const kind of ['CronJob', 'OpenTelemetryCollector', 'GrafanaDashboard']) {
      for (const m of manifests.filter((x) => x.kind === kind)) expect(appliedWhileStuck(manifests, m)).toEqual(all);
    }
  });
});

describe('the model', () => {
  const obj = (kind: string, wave: number) => ({ apiVersion: 'v1', kind, metadata: { name: `${kind}-${wave}`, annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } } }) as Manifest;
  test('a stuck object holds back later waves, except in the last one', () => {
    const [cron, route, dash] = [obj('CronJob', 3), obj('Route', 4), obj('GrafanaDashboard', 4)];
    expect([...appliedWhileStuck([cron, route, dash], cron)].map(ref)).toEqual(['CronJob/CronJob-3']);
    expect(appliedWhileStuck([cron, route, dash], dash).size).toBe(3);
  });
});
