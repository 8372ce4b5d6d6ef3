import { parseImageReference } from '../../lib/config/image';
import { secretDatabaseUrl } from '../../lib/database/database-connection';
import { Backend, BackendProps } from '../../lib/workloads/backend';
import { MigrationJob } from '../../lib/workloads/migration-job';
import { find, testChart, validManifests } from '../support/synthesis';

const props: BackendProps = {
  image: parseImageReference('quay.io/example/backend:2.0.0'),
  serviceAccountName: 'app',
  replicas: { min: 2, max: 4 },
  resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  secretName: 'backend-secrets',
  database: secretDatabaseUrl('backend-secrets', 15),
  settings: { ENVIRONMENT: 'production', LOG_LEVEL: 'INFO' },
  allowIngressFrom: [{ namespaceLabels: { router: 'true' } }],
};

const configChecksum = (manifests: any[]) => (find(manifests, 'Deployment', 'backend')[0] as any).spec.template.metadata.annotations['co2-calculator.epfl.ch/config-checksum'];

describe('Backend', () => {
  test('renders its settings into backend-config and reads every secret by reference', () => {
    const chart = testChart();
    new Backend(chart, 'Backend', props);
    const manifests = validManifests(chart) as any[];
    expect(manifests).toMatchSnapshot();
    expect(find(manifests, 'ConfigMap', 'backend-config')[0].data).toEqual(props.settings);
    const container = (find(manifests, 'Deployment', 'backend')[0] as any).spec.template.spec.containers[0];
    expect(container.env.map((v: any) => [v.name, v.valueFrom.secretKeyRef.name, v.value])).toEqual([
      ['DB_URL', 'backend-secrets', undefined],
      ['SECRET_KEY', 'backend-secrets', undefined],
      ['OAUTH_CLIENT_ID', 'backend-secrets', undefined],
      ['OAUTH_CLIENT_SECRET', 'backend-secrets', undefined],
      ['OAUTH_ISSUER_URL', 'backend-secrets', undefined],
    ]);
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/ready');
  });

  test('a settings change rolls the pods (the template carries a checksum of the settings)', () => {
    const render = (settings: Record<string, string>) => {
      const chart = testChart();
      new Backend(chart, 'Backend', { ...props, settings });
      return configChecksum(validManifests(chart));
    };
    expect(render({ A: '1', B: '2' })).toBe(render({ B: '2', A: '1' }));
    expect(render({ A: '1' })).not.toBe(render({ A: '2' }));
  });

  test('refuses a secret among the plain settings', () => {
    expect(() => new Backend(testChart(), 'Backend', { ...props, settings: { SECRET_KEY: 'x' } })).toThrowErrorMatchingSnapshot();
  });
});

describe('MigrationJob', () => {
  test('minimal props: alembic upgrade head as an ArgoCD Sync hook, with the backend image and environment', () => {
    const chart = testChart();
    const backend = new Backend(chart, 'Backend', props);
    new MigrationJob(chart, 'Migration', { runtime: backend.runtime, serviceAccountName: 'app', resources: props.resources });
    const [job] = find(validManifests(chart), 'Job') as any[];
    expect(job).toMatchSnapshot();
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toBe('quay.io/example/backend:2.0.0');
    expect(container.env).toEqual(backend.runtime.env);
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
