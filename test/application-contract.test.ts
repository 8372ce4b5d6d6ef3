/**
 * Every environment, previews and local included, against the application contract
 * (lib/application/contract.ts): what the images read, serve and write, the Secret keys the enabled
 * features need, and what the edge must allow for the application to work (timeouts, body size, the
 * docs prefix).
 */
import { backendFeatures, backendSecretKeys } from '../lib/application/backend-settings';
import { ANNOTATION } from '../lib/core/annotations';
import { Manifest } from '../lib/core/manifest';
import { contractViolations } from './support/application-contract';
import { podTemplates, ref } from './support/kubernetes';
import { standardSynthesis } from './support/synthesis';

const synthesis = standardSynthesis();
const environments = synthesis.environments.map(({ environment, manifests }) => [environment.name, environment, manifests] as const);
const get = (manifests: readonly Manifest[], kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name) as any;

describe.each(environments)('%s', (_name, environment, manifests) => {
  const config = get(manifests, 'ConfigMap', 'backend-config').data as Record<string, string>;
  const openshift = environment.platform.name === 'openshift';
  const edge = (name: string) => get(manifests, openshift ? 'Route' : 'HTTPRoute', name);

  test('every workload of the application images provides what its process reads, nothing it does not, and a volume wherever it writes', () => {
    expect(contractViolations(environment, manifests)).toEqual([]);
  });

  test('the role provider is Accred on EPFL\'s clusters (the provider the stored users carry), the JWT claims elsewhere', () => {
    const epfl = openshift && environment.database.mode === 'managed';
    expect(config.PROVIDER_PLUGIN).toBe(epfl ? 'accred' : 'default');
    const api = get(manifests, 'Deployment', 'backend').spec.template.spec.containers[0];
    const accred = api.env.filter((v: any) => v.name.startsWith('ACCRED_')).map((v: any) => [v.name, v.valueFrom?.secretKeyRef?.key]);
    expect(accred).toEqual(epfl ? [['ACCRED_API_URL', 'ACCRED_API_URL'], ['ACCRED_API_USERNAME', 'ACCRED_API_USERNAME'], ['ACCRED_API_KEY', 'ACCRED_API_KEY']] : []);
  });

  test('the check sees the API, the migration, the SPA and the docs', () => {
    const images = Object.values(environment.images).map((image) => image.repository);
    const checked = podTemplates(manifests)
      .filter(({ spec }) => spec.containers.some((c: any) => images.some((repository) => c.image.startsWith(`${repository}:`) || c.image.startsWith(`${repository}@`))))
      .map(({ owner }) => ref(owner))
      .sort();
    expect(checked).toEqual(['Deployment/backend', 'Deployment/docs', 'Deployment/frontend', 'Job/backend-migration']);
  });

  test('the backend Secret holds the keys of the features the environment turns on, and no other', () => {
    const keys = backendSecretKeys(backendFeatures(environment.backend), { managedDatabase: environment.database.mode === 'managed' });
    const producer = manifests.find((m) => ['ExternalSecret', 'InfisicalSecret'].includes(m.kind) && m.metadata.name === environment.secrets.names.backend) as any;
    // Keys the environment generates (a preview's SECRET_KEY) are in `<backend Secret>-generated`.
    const generated = environment.secrets.strategy === 'external-secrets' ? (environment.secrets.generatedKeys as readonly string[]) : [];
    if (producer?.kind === 'ExternalSecret') expect(producer.spec.data.map((d: any) => d.secretKey)).toEqual(keys.filter((key) => !generated.includes(key)));
    const generator = manifests.find((m) => m.kind === 'ExternalSecret' && m.metadata.name === `${environment.secrets.names.backend}-generated`) as any;
    expect(generator?.spec.dataFrom.length ?? 0).toBe(generated.length);
    const referenced = new Set(
      JSON.stringify(manifests)
        .match(/"secretKeyRef":\{"key":"[A-Z_]+","name":"[^"]+"\}/g)!
        .filter((match) => match.includes(`"name":"${environment.secrets.names.backend}"`) || match.includes(`"name":"${environment.secrets.names.backend}-generated"`))
        .map((match) => match.match(/"key":"([A-Z_]+)"/)![1]),
    );
    expect([...referenced].filter((key) => !keys.includes(key))).toEqual([]);
    const s3 = environment.backend.files.s3;
    expect(['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].map((key) => keys.includes(key))).toEqual([s3, s3]);
    expect(keys.includes('ELASTICSEARCH_API_KEY')).toBe(environment.backend.integrations.elasticsearch);
    expect(keys.includes('TABLEAU_CONNECTED_APP_SECRET_VALUE')).toBe(environment.backend.integrations.tableau);
  });

  test('/api stays open while a job stream may be silent, and the edge admits an upload at the limit', () => {
    const silence = Number(config.STALE_JOB_TIMEOUT_MINUTES) * 60;
    const api = edge('backend');
    if (openshift) {
      expect(Number(api.metadata.annotations['haproxy.router.openshift.io/timeout'].replace(/s$/, ''))).toBeGreaterThan(silence);
    } else {
      // The route's whole-request timeout, which Envoy Gateway also makes the stream idle timeout (v1.9.0
      // internal/xds/translator/route.go idleTimeout): a silent stream is not cut before it.
      const [, h, m, s] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(api.spec.rules[0].timeouts.request)!.map(Number);
      expect((h || 0) * 3600 + (m || 0) * 60 + (s || 0)).toBeGreaterThan(silence);
      // requestBuffer refuses larger bodies with 413; "Mi" counts as FILES_MAX_SIZE_MB does (MB * 1024 * 1024).
      const policy = get(manifests, 'BackendTrafficPolicy', 'backend');
      expect(policy.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'backend' }]);
      expect(Number(policy.spec.requestBuffer.limit.replace(/Mi$/, ''))).toBeGreaterThan(Number(config.FILES_MAX_SIZE_MB));
    }
  });

  test('/docs reaches the docs server with its prefix (the server redirects /docs to /docs/), on the environment\'s router shard', () => {
    const docs = edge('docs');
    const annotations = docs.metadata.annotations ?? {};
    expect(Object.keys(annotations).filter((key) => /rewrite-target|use-regex/.test(key))).toEqual([]);
    if (openshift) {
      expect(docs.spec.path).toBe('/docs');
      const platform = environment.platform as Extract<typeof environment.platform, { name: 'openshift' }>;
      expect(docs.metadata.labels).toMatchObject(platform.routeLabels.docs);
    } else {
      expect(docs.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/docs' } }]);
      expect(docs.spec.rules[0].filters.map((f: any) => f.type)).not.toContain('URLRewrite');
    }
    const server = get(manifests, 'ConfigMap', 'docs-server-config').data['default.conf'];
    expect(server).toContain('location = /docs {\n        return 301 /docs/$is_args$args;');
    expect(server).toContain('absolute_redirect off;');
  });

  test('the files claim is kept through any change in git exactly where the environment keeps it; a preview leaves nothing behind', () => {
    const claim = get(manifests, 'PersistentVolumeClaim', 'backend-files');
    const options = claim.metadata.annotations?.[ANNOTATION.syncOptions];
    expect(options === 'Prune=false,Delete=false').toBe(environment.backend.files.volume.retain);
    if (environment.name.startsWith('preview-')) {
      expect(manifests.filter((m) => m.metadata.annotations?.[ANNOTATION.syncOptions]?.includes('Delete=false')).map(ref)).toEqual([]);
    }
  });
});

describe('the contract check', () => {
  const [, prod, prodManifests] = environments.find(([name]) => name === 'prod')!;
  const [, local, localManifests] = environments.find(([name]) => name === 'local')!;
  /** A deep copy of the manifests with one thing broken. */
  const broken = (manifests: readonly Manifest[], kind: string, name: string, change: (object: any) => void) => {
    const copy = JSON.parse(JSON.stringify(manifests)) as Manifest[];
    change(get(copy, kind, name));
    return copy;
  };
  const container = (object: any) => object.spec.template.spec.containers[0];

  test.each([
    ['the storage path missing', 'Deployment', 'backend', (d: any) => (container(d).env = container(d).env.filter((v: any) => v.name !== 'FILES_STORAGE_PATH')), /does not provide FILES_STORAGE_PATH/],
    ['a setting nothing reads', 'ConfigMap', 'backend-config', (c: any) => (c.data.ENVIRONMENT = 'production'), /sets ENVIRONMENT, which the deployment must not set/],
    ['an unknown setting', 'ConfigMap', 'backend-config', (c: any) => (c.data.FEATURE_X = '1'), /sets FEATURE_X, which the application does not read/],
    ['a secret as plain configuration', 'Deployment', 'backend', (d: any) => (container(d).env.find((v: any) => v.name === 'ACCRED_API_KEY').valueFrom = undefined, container(d).env.find((v: any) => v.name === 'ACCRED_API_KEY').value = 'key'), /ACCRED_API_KEY is a secret but comes as plain/],
    ['no volume for /tmp', 'Deployment', 'backend', (d: any) => (container(d).volumeMounts = container(d).volumeMounts.filter((m: any) => m.mountPath !== '/tmp')), /\/tmp is written by the application but has no writable volume/],
    ['a writable directory nobody writes', 'Deployment', 'frontend', (d: any) => {
      d.spec.template.spec.volumes.push({ name: 'cache', emptyDir: {} });
      container(d).volumeMounts.push({ name: 'cache', mountPath: '/var/cache/nginx' });
    }, /writable volume at \/var\/cache\/nginx, which the contract does not ask for/],
    ['a secret published to browsers', 'Deployment', 'frontend', (d: any) => container(d).env.push({ name: 'APP_SENTRY_DSN', valueFrom: { secretKeyRef: { name: 'x', key: 'dsn' } } }), /APP_SENTRY_DSN comes from a Secret/],
    ['a replica-shared claim that is ReadWriteOnce', 'PersistentVolumeClaim', 'backend-files', (c: any) => (c.spec.accessModes = ['ReadWriteOnce']), /several replicas store files on PersistentVolumeClaim\/backend-files/],
    ['the migration given a setting it does not read', 'Job', 'backend-migration', (j: any) => container(j).env.push({ name: 'SECRET_KEY', valueFrom: { secretKeyRef: { name: 'backend-secrets', key: 'SECRET_KEY' } } }), /sets SECRET_KEY, which the migration does not read/],
    ['a key the Secret is not said to hold', 'Deployment', 'backend', (d: any) => (container(d).env.find((v: any) => v.name === 'ACCRED_API_KEY').valueFrom.secretKeyRef.key = 'ACCRED_KEY'), /reads key ACCRED_KEY, which the environment's backend-secrets is not said to hold/],
    ['the CA file not where ELASTICSEARCH_CA_CERT points', 'Deployment', 'backend', (d: any) => (container(d).env.find((v: any) => v.name === 'ELASTICSEARCH_CA_CERT').value = '/etc/ssl/certs/ca.crt'), /ELASTICSEARCH_CA_CERT \/etc\/ssl\/certs\/ca.crt is not the ELASTICSEARCH_CA_CERT_FILE key/],
    ['docs probed where its server does not answer', 'Deployment', 'docs', (d: any) => (container(d).livenessProbe.httpGet.path = '/'), /livenessProbe on \/, which the server config does not answer/],
  ])('finds %s', (_case, kind, name, change, expected) => {
    expect(contractViolations(prod, prodManifests)).toEqual([]);
    expect(contractViolations(prod, broken(prodManifests, kind as string, name as string, change as (o: any) => void)).join('\n')).toMatch(expected as RegExp);
  });

  test('finds S3 settings in an environment that does not store files in S3', () => {
    const manifests = broken(localManifests, 'ConfigMap', 'backend-config', (c) => (c.data.S3_REGION = 'us-east-1'));
    expect(contractViolations(local, manifests)).toEqual([expect.stringMatching(/sets S3_REGION of s3, which is off/)]);
  });
});
