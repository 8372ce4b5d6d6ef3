import { backendSecretKeys, BackendFeatures } from '../../lib/application/backend-settings';
import { ELASTICSEARCH_CA_SECRET_KEY, FILES_STORAGE_PATH } from '../../lib/application/contract';
import { ANNOTATION } from '../../lib/core/annotations';
import { parseImageReference } from '../../lib/core/image';
import { secretDatabaseUrl } from '../../lib/database/database-connection';
import { Backend, BackendProps } from '../../lib/workloads/backend';
import { MigrationJob } from '../../lib/workloads/migration-job';
import { find, testChart, validManifests } from '../support/synthesis';

const NONE: BackendFeatures = { s3: false, filesEncryption: false, elasticsearch: false, tableau: false, accred: false };
const ALL: BackendFeatures = { s3: true, filesEncryption: true, elasticsearch: true, tableau: true, accred: true };

const props: BackendProps = {
  image: parseImageReference('quay.io/example/backend:2.0.0'),
  serviceAccountName: 'app',
  replicas: { min: 2, max: 4 },
  resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  secret: { name: 'backend-secrets', keys: backendSecretKeys(NONE, { managedDatabase: true }) },
  database: secretDatabaseUrl('backend-secrets', 15),
  features: NONE,
  settings: { LOG_LEVEL: 'INFO', FRONTEND_URL: 'https://co2.example.org' },
  filesVolume: { size: '1Gi', storageClassName: 'rcp-nas' },
  allowIngressFrom: [{ namespaceLabels: { router: 'true' } }],
};
const withFeatures = (features: BackendFeatures): BackendProps => ({
  ...props,
  features,
  secret: { name: 'backend-secrets', keys: backendSecretKeys(features, { managedDatabase: true }) },
});

const render = (overrides: Partial<BackendProps> = {}) => {
  const chart = testChart();
  new Backend(chart, 'Backend', { ...props, ...overrides });
  return validManifests(chart) as any[];
};
const containerOf = (manifests: any[]) => (find(manifests, 'Deployment', 'backend') as any[])[0].spec.template.spec.containers[0];
const configChecksum = (manifests: any[]) => (find(manifests, 'Deployment', 'backend') as any[])[0].spec.template.metadata.annotations['co2-calculator.epfl.ch/config-checksum'];
const envOf = (manifests: any[]) => Object.fromEntries(containerOf(manifests).env.map((v: any) => [v.name, v.value ?? `secret:${v.valueFrom.secretKeyRef.key}`]));

describe('Backend', () => {
  test('renders its settings into backend-config, reads every secret by reference, and stores files on a claim', () => {
    const manifests = render();
    expect(manifests).toMatchSnapshot();
    expect((find(manifests, 'ConfigMap', 'backend-config') as any[])[0].data).toEqual(props.settings);
    expect(envOf(manifests)).toEqual({
      DB_URL: 'secret:DB_URL',
      SECRET_KEY: 'secret:SECRET_KEY',
      OAUTH_CLIENT_ID: 'secret:OAUTH_CLIENT_ID',
      OAUTH_CLIENT_SECRET: 'secret:OAUTH_CLIENT_SECRET',
      OAUTH_ISSUER_URL: 'secret:OAUTH_ISSUER_URL',
      APP_VERSION: '2.0.0',
      FILES_STORAGE_PATH,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: '45',
    });
    const container = containerOf(manifests);
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(container.volumeMounts).toContainEqual({ name: 'files', mountPath: FILES_STORAGE_PATH });
  });

  test('several replicas share one ReadWriteMany claim, retained, and roll one pod at a time', () => {
    const manifests = render();
    const [claim] = find(manifests, 'PersistentVolumeClaim', 'backend-files') as any[];
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    // Its wave comes from its consumer (lib/argocd/sync-waves.ts, tested in test/argocd.test.ts).
    expect(claim.metadata.annotations).toEqual({ [ANNOTATION.syncOptions]: 'Prune=false,Delete=false' });
    expect((find(manifests, 'Deployment', 'backend') as any[])[0].spec.strategy.type).toBe('RollingUpdate');
  });

  test('a single replica gets a ReadWriteOnce claim and is recreated, so its new pod never waits for the volume on another node', () => {
    const manifests = render({ replicas: { min: 1, max: 1 }, filesVolume: { ...props.filesVolume, retain: false } });
    const [claim] = find(manifests, 'PersistentVolumeClaim', 'backend-files') as any[];
    expect(claim.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(claim.metadata.annotations).toBeUndefined();
    expect((find(manifests, 'Deployment', 'backend') as any[])[0].spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('every feature on: S3, encryption, Elasticsearch and Tableau credentials by reference, the CA file mounted where ELASTICSEARCH_CA_CERT points', () => {
    const manifests = render(withFeatures(ALL));
    const env = envOf(manifests);
    for (const key of ['S3_ENDPOINT_HOSTNAME', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'FILES_ENCRYPTION_KEY', 'FILES_ENCRYPTION_SALT', 'ELASTICSEARCH_API_KEY', 'TABLEAU_CONNECTED_APP_SECRET_VALUE']) {
      expect(env[key]).toBe(`secret:${key}`);
    }
    const deployment = (find(manifests, 'Deployment', 'backend') as any[])[0];
    const volume = deployment.spec.template.spec.volumes.find((v: any) => v.secret);
    expect(volume.secret).toEqual({ secretName: 'backend-secrets', items: [{ key: ELASTICSEARCH_CA_SECRET_KEY, path: 'ca.crt' }] });
    const mount = containerOf(manifests).volumeMounts.find((m: any) => m.name === volume.name);
    expect(mount.readOnly).toBe(true);
    expect(env.ELASTICSEARCH_CA_CERT).toBe(`${mount.mountPath}/ca.crt`);
  });

  test('APP_VERSION and GIT_SHA follow the image reference', () => {
    const version = (reference: string) => {
      const env = envOf(render({ image: parseImageReference(reference) }));
      return [env.APP_VERSION, env.GIT_SHA];
    };
    const commit = '3f9c2e1a0b4c5d6e7f8091a2b3c4d5e6f7a8b9c0';
    const digest = `sha256:${'ab12'.repeat(16)}`;
    expect(version('quay.io/example/backend:1.4.2')).toEqual(['1.4.2', undefined]);
    expect(version('quay.io/example/backend:sha-3f9c2e1')).toEqual(['sha-3f9c2e1', '3f9c2e1']);
    expect(version(`quay.io/example/backend:${commit}`)).toEqual([commit, commit]);
    expect(version(`quay.io/example/backend@${digest}`)).toEqual(['sha256:ab12ab12ab12', undefined]);
    expect(version(`quay.io/example/backend:1.4.2@${digest}`)).toEqual(['1.4.2', undefined]);
  });

  test('a settings change rolls the pods (the template carries a checksum of the settings)', () => {
    const checksum = (settings: Record<string, string>) => configChecksum(render({ settings }));
    expect(checksum({ A: '1', B: '2' })).toBe(checksum({ B: '2', A: '1' }));
    expect(checksum({ A: '1' })).not.toBe(checksum({ A: '2' }));
  });

  test('refuses a secret among the plain settings', () => {
    expect(() => new Backend(testChart(), 'Backend', { ...props, settings: { SECRET_KEY: 'x' } })).toThrowErrorMatchingSnapshot();
  });

  test('refuses an integration whose keys the Secret does not provide', () => {
    expect(() => new Backend(testChart(), 'Backend', { ...props, features: { ...NONE, elasticsearch: true } })).toThrowErrorMatchingSnapshot();
  });
});

describe('MigrationJob', () => {
  test('minimal props: alembic upgrade head as an ArgoCD Sync hook, with the backend image and only the database connection', () => {
    const chart = testChart();
    const backend = new Backend(chart, 'Backend', props);
    new MigrationJob(chart, 'Migration', { runtime: backend.runtime, serviceAccountName: 'app', resources: props.resources });
    const [job] = find(validManifests(chart), 'Job') as any[];
    expect(job).toMatchSnapshot();
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toBe('quay.io/example/backend:2.0.0');
    expect(container.command).toEqual(['alembic', 'upgrade', 'head']);
    expect(container.env).toEqual(props.database.env);
    expect(container.envFrom).toBeUndefined();
    expect(job.spec.template.spec.volumes).toBeUndefined();
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('all props: command, retries and deadline', () => {
    const chart = testChart();
    const backend = new Backend(chart, 'Backend', props);
    new MigrationJob(chart, 'Migration', {
      runtime: backend.runtime,
      serviceAccountName: 'app',
      resources: props.resources,
      command: ['python', '-m', 'app.migrate'],
      backoffLimit: 0,
      activeDeadlineSeconds: 120,
    });
    const [job] = find(validManifests(chart), 'Job') as any[];
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 120 });
    expect(job.spec.template.spec.containers[0].command).toEqual(['python', '-m', 'app.migrate']);
  });
});
