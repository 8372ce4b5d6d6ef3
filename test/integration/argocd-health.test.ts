/**
 * Argo CD 3.3's own Lua health scripts (argo-cd v3.3.10 resource_customizations/, pinned copies in
 * argocd-health/ with SOURCES.md) run under lua5.1 against the states our objects really reach, and
 * the verdict fed to the sync model: whatever the verdict, every other object of the environment is
 * still applied (test/support/sync-order.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Manifest } from '../../lib/core/manifest';
import { appliedWhileStuck } from '../support/sync-order';
import { standardSynthesis } from '../support/synthesis';
import { luaHealth } from './support/lua';

const script = (file: string) => readFileSync(join(__dirname, 'argocd-health', file), 'utf8');
const health = (check: string, object: unknown): string => luaHealth(check, object).status;

const environments = standardSynthesis().environments;
const cases: Array<[string, string, string, Record<string, unknown>, string]> = [
  ['the backup CronJob after its last Job failed', 'CronJob', 'batch_CronJob.lua', { lastScheduleTime: '2026-12-03T02:00:00Z', lastSuccessfulTime: '2026-12-02T02:04:11Z' }, 'Degraded'],
  ['the collector while its pod starts', 'OpenTelemetryCollector', 'opentelemetry.io_OpenTelemetryCollector.lua', { scale: { replicas: 1, statusReplicas: '0/1', selector: 'app.kubernetes.io/component=opentelemetry-collector' }, version: '0.140.0' }, 'Degraded'],
  ['a collector the operator has not reconciled', 'OpenTelemetryCollector', 'opentelemetry.io_OpenTelemetryCollector.lua', {}, 'Progressing'],
  ['a dashboard no Grafana operator reconciles', 'GrafanaDashboard', 'grafana.integreatly.org_GrafanaDashboard.lua', undefined as any, 'Progressing'],
  ['a dashboard whose Grafana refuses it', 'GrafanaDashboard', 'grafana.integreatly.org_GrafanaDashboard.lua', { conditions: [{ type: 'DashboardSynchronized', status: 'False', reason: 'ApplyFailed', message: 'no matching instances' }] }, 'Degraded'],
  ['a Route not admitted by the router', 'Route', 'route.openshift.io_Route.lua', { ingress: [{ host: 'x', conditions: [{ type: 'Admitted', status: 'False', reason: 'HostAlreadyClaimed' }] }] }, 'Degraded'],
];

describe.each(cases)('%s', (_what, kind, file, status, verdict) => {
  test(`is ${verdict} under Argo CD 3.3's script, and holds back no other object`, () => {
    let seen = 0;
    for (const { manifests } of environments) {
      for (const stuck of manifests.filter((m) => m.kind === kind)) {
        expect(health(script(file), { ...stuck, status })).toBe(verdict);
        const applied = appliedWhileStuck(manifests, stuck);
        expect(manifests.filter((m: Manifest) => !applied.has(m)).map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([]);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

test('an ExternalSecret not ready is Degraded, and gates the migration it feeds (on purpose)', () => {
  const external = environments.flatMap((e) => e.manifests.map((m) => [e.manifests, m] as const)).filter(([, m]) => m.kind === 'ExternalSecret');
  expect(external.length).toBeGreaterThan(0);
  for (const [manifests, secret] of external) {
    const status = { conditions: [{ type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: 'could not get secret data from provider' }] };
    expect(health(script('external-secrets.io_ExternalSecret.lua'), { ...secret, status })).toBe('Degraded');
    expect(health(script('external-secrets.io_ExternalSecret.lua'), { ...secret })).toBe('Progressing');
    const applied = appliedWhileStuck(manifests, secret);
    expect(manifests.filter((m) => m.kind === 'Job' && !applied.has(m)).length).toBeGreaterThan(0);
  }
});
