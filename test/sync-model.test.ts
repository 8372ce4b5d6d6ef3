/**
 * The models the sync-order tests rely on (test/support/sync-order.ts, test/support/references.ts),
 * tried on small hand-written inputs: each must find what a real cluster would trip over.
 */
import { Manifest } from '../lib/core/manifest';
import { endpointHosts, expandEnvironment, reachedServices, serviceNameOf } from './support/references';
import { runsBefore, runsNoLaterThan, syncSteps, waveOf } from './support/sync-order';

const NS = 'co2-calculator-x';
const object = (kind: string, name: string, annotations: Record<string, string> = {}, rest: Record<string, unknown> = {}): Manifest =>
  ({ apiVersion: kind === 'Job' ? 'batch/v1' : kind === 'StatefulSet' ? 'apps/v1' : 'v1', kind, metadata: { name, namespace: NS, annotations }, ...rest }) as Manifest;
const job = (env: unknown[], annotations: Record<string, string>, args?: string[]) =>
  object('Job', 'migrate', annotations, { spec: { template: { metadata: { labels: {} }, spec: { containers: [{ name: 'c', env, args }] } } } });
const postgres = (wave: string) => [
  object('Service', 'postgres', { 'argocd.argoproj.io/sync-wave': wave }, { spec: { selector: { app: 'pg' } } }),
  object('StatefulSet', 'postgres', { 'argocd.argoproj.io/sync-wave': wave }, { spec: { template: { metadata: { labels: { app: 'pg' } }, spec: { containers: [{ name: 'pg' }] } } } }),
];

describe('ArgoCD sync order', () => {
  test('waves parse like strconv.Atoi, fall back to the Helm hook weight, else 0', () => {
    expect(waveOf(object('ConfigMap', 'a', { 'argocd.argoproj.io/sync-wave': '-2' }))).toBe(-2);
    expect(waveOf(object('ConfigMap', 'a', { 'argocd.argoproj.io/sync-wave': ' 3' }))).toBe(0);
    expect(waveOf(object('ConfigMap', 'a', { 'helm.sh/hook-weight': '4' }))).toBe(4);
    expect(waveOf(object('ConfigMap', 'a'))).toBe(0);
  });

  test('phases come before waves: a PreSync hook in wave 9 runs before a plain object in wave -5', () => {
    const preSync = object('Job', 'early', { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/sync-wave': '9' });
    const plain = object('ConfigMap', 'late', { 'argocd.argoproj.io/sync-wave': '-5' });
    expect(runsBefore(preSync, plain)).toBe(true);
    expect(runsBefore(plain, preSync)).toBe(false);
    expect(syncSteps(object('Job', 'twice', { 'argocd.argoproj.io/hook': 'PreSync,PostSync' })).map((s) => s.phase)).toEqual(['PreSync', 'PostSync']);
    expect(syncSteps(object('Job', 'skipped', { 'argocd.argoproj.io/hook': 'Skip' }))).toEqual([]);
  });

  test('objects of the same phase and wave run together: neither runs before the other', () => {
    const a = object('ConfigMap', 'a', { 'argocd.argoproj.io/sync-wave': '1' });
    const hook = object('Job', 'h', { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '1' });
    expect(runsBefore(a, hook)).toBe(false);
    expect(runsNoLaterThan(a, hook)).toBe(true);
  });
});

describe('endpoints in environment values and arguments', () => {
  test('$(VAR) expands from earlier variables only; $$ escapes; values from Secrets stay unexpanded', () => {
    const env = expandEnvironment([
      { name: 'PASSWORD' },
      { name: 'HOST', value: 'postgres' },
      { name: 'URL', value: 'postgresql://u:$(PASSWORD)@$(HOST):5432/$(LATER)' },
      { name: 'LATER', value: 'db' },
      { name: 'LITERAL', value: '$$(HOST)' },
    ]);
    expect(env.get('URL')).toBe('postgresql://u:$(PASSWORD)@postgres:5432/$(LATER)');
    expect(env.get('LITERAL')).toBe('$(HOST)');
  });

  test.each([
    ['postgresql://$(USER):$(PASSWORD)@postgres:5432/$(DB)', ['postgres']],
    ['http://otel-collector-collector:4317', ['otel-collector-collector']],
    ['--target=jaeger-collector.co2-calculator-x.svc:14250', ['jaeger-collector.co2-calculator-x.svc']],
    ['redis:6379,cache:6380', ['redis', 'cache']],
    ['https://co2-calculator.epfl.ch/api', ['co2-calculator.epfl.ch']],
    ['0.0.0.0:8889 and 12:30', ['0.0.0.0', '12']],
    ['INFO', []],
  ])('%s names the hosts %j', (text, hosts) => {
    expect(endpointHosts(text)).toEqual(hosts);
  });

  test.each([
    ['postgres', 'postgres'],
    [`postgres.${NS}`, 'postgres'],
    [`postgres.${NS}.svc`, 'postgres'],
    [`postgres.${NS}.svc.cluster.local`, 'postgres'],
    ['postgres.other-namespace', undefined],
    ['db.epfl.ch', undefined],
  ])('%s is Service %s of the namespace', (host, service) => {
    expect(serviceNameOf(host, NS)).toBe(service);
  });
});

describe('the Services a hook reaches', () => {
  test('a database host assembled from other variables is found, with the StatefulSet behind it', () => {
    const hook = job([{ name: 'DB_HOST', value: 'postgres' }, { name: 'DB_URL', value: 'postgresql://u@$(DB_HOST):5432/db' }], { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '1' });
    const manifests = [hook, ...postgres('2')];
    const [reached] = reachedServices(hook, manifests);
    expect(reached.service).toBe('postgres');
    expect(reached.backends.map((m) => m.kind)).toEqual(['StatefulSet']);
    // The layout that kept previews from ever coming up: the database a wave after its migration.
    expect([reached.producer, ...reached.backends].filter((peer) => !runsBefore(peer, hook)).map((m) => m.kind)).toEqual(['Service', 'StatefulSet']);
    expect([reached.producer, ...reached.backends].every((peer) => runsBefore(peer, job([], { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '3' })))).toBe(true);
  });

  test('an endpoint in an argument names a Service an operator creates, produced by its custom resource', () => {
    const collector = { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'otel-collector', namespace: NS }, spec: {} } as Manifest;
    const hook = job([], { 'argocd.argoproj.io/hook': 'PreSync' }, ['--otlp=http://otel-collector-collector:4317']);
    const [reached] = reachedServices(hook, [hook, collector]);
    expect(reached).toMatchObject({ service: 'otel-collector-collector', producer: collector, backends: [collector], where: 'container c args[0]' });
  });

  test('hosts outside the namespace and unknown Services are not peers of the sync', () => {
    const hook = job([{ name: 'DB_URL', value: 'postgresql://u@db.epfl.ch:5432/db' }, { name: 'OTHER', value: 'http://missing:80' }], { 'argocd.argoproj.io/hook': 'Sync' });
    expect(reachedServices(hook, [hook, ...postgres('0')])).toEqual([]);
  });
});
