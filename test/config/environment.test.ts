import { COMPONENT_DEFAULTS, parseEnvironment, parseEnvironments } from '../../lib/config/environment';
import { baseEnvironment } from '../support/synthesis';

const resources = (memory: string) => ({ requests: { cpu: '100m', memory }, limits: { cpu: '500m', memory: '1Gi' } });
const { observability } = baseEnvironment() as any;
const alerting = observability.alerting;
const images = (backend: string) => ({ ...(baseEnvironment().images as Record<string, string>), backend });

describe('a valid environment', () => {
  test('gets its defaults filled in', () => {
    const environment = parseEnvironment(baseEnvironment());
    expect(environment.namespace).toBe('co2-calculator-test');
    expect(environment.platform).toEqual({
      name: 'openshift',
      routeLabels: { frontend: {}, backend: {}, docs: { route: 'private' } },
      clusterNetworks: { pods: ['10.128.0.0/14'], services: ['172.30.0.0/16'] },
    });
    expect(environment.logLevel).toBe('INFO');
    expect(environment.frontend).toEqual({ ...COMPONENT_DEFAULTS.frontend, sentryDsn: undefined });
    expect(environment.backend).toEqual({
      ...COMPONENT_DEFAULTS.backend,
      debug: false,
      staleJobTimeoutMinutes: 60,
      files: { maxUploadSizeMb: 100, s3: false, encryption: false, volume: { size: '1Gi', storageClass: 'rcp-nas', retain: true } },
      integrations: { elasticsearch: false, tableau: false },
      roleProvider: 'default',
      settings: {},
      extraSettings: {},
    });
    expect(environment.docs).toEqual(COMPONENT_DEFAULTS.docs);
    expect(environment.migration).toEqual(COMPONENT_DEFAULTS.migration);
  });

  test('keeps what it sets, and takes defaults for the rest of a component', () => {
    const environment = parseEnvironment(baseEnvironment({ namespace: 'svc1751-co2-calculator-test', backend: { replicas: { min: 3, max: 6 } } }));
    expect(environment.namespace).toBe('svc1751-co2-calculator-test');
    expect(environment.backend.replicas).toEqual({ min: 3, max: 6 });
    expect(environment.backend.resources).toEqual(COMPONENT_DEFAULTS.backend.resources);
  });

  test('parses pinned image references into their parts', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const environment = parseEnvironment(baseEnvironment({ images: images(`quay-its.epfl.ch/svc1751/co2-calculator-backend@${digest}`) }));
    expect(environment.images.backend).toEqual({ repository: 'quay-its.epfl.ch/svc1751/co2-calculator-backend', tag: undefined, digest });
  });
});

describe('backend settings follow the application contract', () => {
  test('an environment may tune what the application reads, including the tunables of the features it turns on', () => {
    const environment = parseEnvironment(
      baseEnvironment({
        backend: {
          integrations: { elasticsearch: true },
          settings: { POLLER_INTERVAL_SECONDS: '5', AUDIT_SYNC_SKIP_ENTITY_TYPES: 'User' },
          extraSettings: { NEW_FLAG: { value: '1', readBy: 'app/new_module.py in images after 1.5' } },
        },
      }),
    );
    expect(environment.backend.settings).toEqual({ POLLER_INTERVAL_SECONDS: '5', AUDIT_SYNC_SKIP_ENTITY_TYPES: 'User' });
  });

  test('debug is for development environments only', () => {
    expect(parseEnvironment(baseEnvironment({ appEnvironment: 'development', backend: { debug: true } })).backend.debug).toBe(true);
  });
});

describe('a bad environment fails with the environment and the field', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an empty host', { host: '' }, /environment "test": host: must not be empty/],
    ['a host that is not a DNS name', { host: 'https://co2.epfl.ch/' }, /host: must be a lowercase DNS name/],
    ['minReplicas above maxReplicas', { backend: { replicas: { min: 5, max: 3 } } }, /backend\.replicas\.min: 5 is above max \(3\)/],
    ['a replica minimum of zero', { docs: { replicas: { min: 0, max: 1 } } }, /docs\.replicas\.min: must be at least 1/],
    ['a quantity like 512MB', { frontend: { resources: resources('512MB') } }, /frontend\.resources\.requests\.memory: "512MB" is not a Kubernetes quantity/],
    ['a request above its limit', { backend: { resources: resources('2Gi') } }, /backend\.resources\.requests\.memory: request 2Gi is above the limit 1Gi/],
    ['a name that is not DNS-1123', { name: 'Dev_1' }, /environment "Dev_1": name: must be a DNS-1123 label/],
    ['a namespace that is not DNS-1123', { namespace: 'CO2-Calculator' }, /namespace: must be a DNS-1123 label/],
    ['an image tagged latest', { images: images('quay-its.epfl.ch/svc1751/co2-calculator-backend:latest') }, /images\.backend: .* floating tag "latest"/],
    ['an image without tag or digest', { images: images('quay-its.epfl.ch/svc1751/co2-calculator-backend') }, /images\.backend: .* is not pinned/],
    ['a malformed digest', { images: images('quay-its.epfl.ch/svc1751/co2-calculator-backend@sha256:abc') }, /images\.backend: .*digest must be sha256/],
    ['an unknown field', { replica: 3 }, /environment "test": unknown field "replica"/],
    ['an unknown field in a component', { frontend: { replica: 3 } }, /frontend: unknown field "replica"/],
    ['a secret among the plain settings', { backend: { settings: { OAUTH_CLIENT_SECRET: 'x' } } }, /backend\.settings\.OAUTH_CLIENT_SECRET: OAUTH_CLIENT_SECRET is a secret/],
    ['a feature secret among the plain settings', { backend: { files: { s3: true }, settings: { S3_SECRET_ACCESS_KEY: 'x' } } }, /backend\.settings\.S3_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY is a secret/],
    ['a database URL among the plain settings', { backend: { settings: { DB_URL: 'postgresql://app@db/app' } } }, /backend\.settings\.DB_URL: DB_URL is derived from database/],
    ['a setting the application does not read', { backend: { settings: { LOG_FORMAT: 'json' } } }, /backend\.settings\.LOG_FORMAT: LOG_FORMAT is not a setting the application reads/],
    ['ENVIRONMENT, which nothing reads', { backend: { settings: { ENVIRONMENT: 'production' } } }, /backend\.settings\.ENVIRONMENT: ENVIRONMENT is not for the deployment to set: not declared/],
    ['a worker count', { backend: { settings: { WORKERS: '4' } } }, /backend\.settings\.WORKERS: WORKERS is not for the deployment to set/],
    ['an override of the frontend URL', { backend: { settings: { FRONTEND_URL: 'https://elsewhere.epfl.ch' } } }, /backend\.settings\.FRONTEND_URL: FRONTEND_URL is derived from host/],
    ['an override of the version', { backend: { settings: { APP_VERSION: '9.9.9' } } }, /backend\.settings\.APP_VERSION: APP_VERSION is derived from images\.backend/],
    ['an override of the storage path', { backend: { settings: { FILES_STORAGE_PATH: '/tmp/files' } } }, /backend\.settings\.FILES_STORAGE_PATH: FILES_STORAGE_PATH is derived from the files volume/],
    ['an override of the cookie flag', { backend: { settings: { COOKIE_SECURE: 'false' } } }, /backend\.settings\.COOKIE_SECURE: COOKIE_SECURE is derived from the platform/],
    ['a telemetry setting', { backend: { settings: { OTEL_TRACES_SAMPLER: 'always_off' } } }, /backend\.settings\.OTEL_TRACES_SAMPLER: OTEL_TRACES_SAMPLER is derived from observability/],
    ['the pod name', { backend: { settings: { HOSTNAME: 'backend-0' } } }, /backend\.settings\.HOSTNAME: HOSTNAME is set by Kubernetes/],
    ['a tunable of an integration that is off', { backend: { settings: { AUDIT_SYNC_SKIP_HANDLER_IDS: 'csv_ingestion' } } }, /backend\.settings\.AUDIT_SYNC_SKIP_HANDLER_IDS: .* belongs to elasticsearch, which is off .*backend\.integrations\.elasticsearch/],
    ['an extra setting the contract knows', { backend: { extraSettings: { LOG_LEVEL: { value: 'DEBUG', readBy: 'the app' } } } }, /backend\.extraSettings\.LOG_LEVEL: LOG_LEVEL is in the application contract/],
    ['an extra setting without its reader', { backend: { extraSettings: { NEW_FLAG: { value: '1', readBy: '' } } } }, /backend\.extraSettings\.NEW_FLAG\.readBy: must say who reads it/],
    ['debug in production', { appEnvironment: 'production', backend: { debug: true } }, /backend\.debug: true registers the \/login-test authentication bypass .* a production environment may not/],
    ['a stale-job timeout of zero', { backend: { staleJobTimeoutMinutes: 0 } }, /backend\.staleJobTimeoutMinutes: must be at least 1/],
    ['an upload limit of zero', { backend: { files: { maxUploadSizeMb: 0 } } }, /backend\.files\.maxUploadSizeMb: must be at least 1/],
    ['a files volume size like 1GB', { backend: { files: { volume: { size: '1GB' } } } }, /backend\.files\.volume\.size: "1GB" is not a Kubernetes quantity/],
    ['a GlitchTip DSN over plain HTTP', { frontend: { sentryDsn: 'http://key@glitchtip.epfl.ch/1' } }, /frontend\.sentryDsn: must be an https URL/],
    ['a backend tag longer than the version column', { images: images(`quay-its.epfl.ch/svc1751/co2-calculator-backend:${'v'.repeat(65)}`) }, /images\.backend: image tag .* 64-character column/],
    ['a route label that is not a label', { platform: { name: 'openshift', routeLabels: { docs: { 'route shard': 'private' } } } }, /platform\.routeLabels\.docs\.route shard: must be a label key/],
    ['a setting that is not a variable name', { backend: { settings: { 'LOG-FORMAT': 'json' } } }, /backend\.settings\.LOG-FORMAT: must be an environment variable name/],
    ['an unknown secret strategy', { secrets: { strategy: 'vault' } }, /secrets\.strategy: Invalid discriminator value/],
    ['a Secret name that is not DNS-1123', { secrets: { strategy: 'existing', names: { backend: 'Backend_Secrets' } } }, /secrets\.names\.backend: must be a DNS-1123 subdomain/],
    [
      'an Infisical strategy without its project',
      { secrets: { strategy: 'infisical', hostApi: 'https://app.infisical.com/api', envSlug: 'dev', credentialsSecretName: 'x' } },
      /secrets\.projectSlug: required field is missing/,
    ],
    [
      'an Infisical API over plain HTTP',
      {
        secrets: {
          strategy: 'infisical',
          hostApi: 'http://infisical.local/api',
          projectSlug: 'p',
          envSlug: 'dev',
          credentialsSecretName: 'x',
        },
      },
      /secrets\.hostApi: must be an https URL/,
    ],
    ['an alert recipient that is not an address', { observability: { ...observability, alerting: { ...alerting, critical: ['on call'] } } }, /observability\.alerting\.critical\.0: must be an email address/],
    ['no warning recipient', { observability: { ...observability, alerting: { ...alerting, warning: [] } } }, /observability\.alerting\.warning: needs at least one address/],
    ['a smarthost without port', { observability: { ...observability, alerting: { ...alerting, smarthost: 'mail.epfl.ch' } } }, /observability\.alerting\.smarthost: must be host:port/],
    ['an empty Grafana instance selector', { observability: { ...observability, grafana: { instanceSelector: {} } } }, /observability\.grafana\.instanceSelector: must select at least one label/],
    ['a trace limit that is too small', { observability: { ...observability, tracing: { maxTraces: 10 } } }, /observability\.tracing\.maxTraces: must be at least 1000/],
    ['a collector image tagged latest', { observability: { ...observability, collector: { image: 'otel/collector:latest' } } }, /observability\.collector\.image: .*floating tag "latest"/],
    ['a backup schedule that is not cron', { backup: { storageSize: '1Gi', schedule: 'nightly' } }, /backup\.schedule: must be a five-field cron schedule/],
    ['a backup schedule carrying a time zone', { backup: { storageSize: '1Gi', schedule: 'CRON_TZ=UTC 0 2 * * *' } }, /backup\.schedule: must not carry a time zone: set timeZone instead/],
    ['a backup volume size like 10GB', { backup: { storageSize: '10GB' } }, /backup\.storageSize: "10GB" is not a Kubernetes quantity/],
    ['a retention of zero dumps', { backup: { storageSize: '1Gi', retentionCount: 0 } }, /backup\.retentionCount: must be at least 1/],
    ['a database server too old', { database: { mode: 'managed', serverMajorVersion: 9, tls: { insecureReason: 'a test of the version, not of TLS' } } }, /database\.serverMajorVersion: must be 12 or later/],
    ['a database TLS setting that is neither a CA nor a reason', { database: { mode: 'managed', serverMajorVersion: 15, tls: { sslMode: 'require' } } }, /database\.tls: must be \{ caConfigMap: \{ name, key \} \} or \{ insecureReason: /],
    ['a managed database without a TLS setting', { database: { mode: 'managed', serverMajorVersion: 15 } }, /database\.tls: must be \{ caConfigMap/],
    ['an unverified database certificate without a real reason', { database: { mode: 'managed', serverMajorVersion: 15, tls: { insecureReason: 'no' } } }, /database\.tls\.insecureReason: must say why the certificate cannot be verified/],
    ['an own key the strategy does not know', { secrets: { strategy: 'external-secrets', storeRef: { kind: 'SecretStore', name: 's' }, ownKeys: ['DB_URL'] } }, /secrets\.ownKeys\.0: "DB_URL" is not one of "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET"/],
    ['an unknown claim retention of the in-cluster database', { database: { mode: 'in-cluster', storageSize: '1Gi', claimsWhenDeleted: 'Keep' } }, /database\.claimsWhenDeleted: "Keep" is not one of "Retain", "Delete"/],
    ['a namespace ownership that is not a boolean', { ownsNamespace: 'yes' }, /ownsNamespace: /],
    ['an unknown application environment', { appEnvironment: 'qa' }, /appEnvironment: "qa" is not one of "development", "staging", "production"/],
    ['an unknown platform', { platform: { name: 'nomad' } }, /platform\.name: Invalid discriminator value/],
    ['a Kubernetes platform without a certificate issuer', { platform: { name: 'kubernetes' } }, /platform\.clusterIssuer: required field is missing/],
    ['an in-cluster database without storage', { database: { mode: 'in-cluster' } }, /database\.storageSize: required field is missing/],
    ['an in-cluster database image tagged latest', { database: { mode: 'in-cluster', storageSize: '1Gi', image: 'quay.io/sclorg/postgresql-16-c9s:latest' } }, /database\.image: .*floating tag "latest"/],
    ['a delivery that is neither false nor settings', { delivery: true }, /delivery: /],
  ];

  test.each(cases)('%s', (_description, overrides, expected) => {
    const parse = () => parseEnvironment(baseEnvironment(overrides));
    expect(parse).toThrow(expected);
    expect(parse).toThrowErrorMatchingSnapshot();
  });

  test('every problem of an environment is reported at once', () => {
    expect(() => parseEnvironment(baseEnvironment({ host: '', backend: { replicas: { min: 5, max: 3 } } }))).toThrow(
      /host: must not be empty; backend\.replicas\.min: 5 is above max \(3\)/,
    );
  });
});

describe('a set of environments', () => {
  test('refuses two environments writing to the same folder', () => {
    expect(() => parseEnvironments([baseEnvironment(), baseEnvironment({ namespace: 'other' })])).toThrowErrorMatchingSnapshot();
  });

  test('refuses two environments deploying into the same namespace', () => {
    expect(() => parseEnvironments([baseEnvironment(), baseEnvironment({ name: 'test2', namespace: 'co2-calculator-test' })])).toThrow(
      'environment "test2": namespace: "co2-calculator-test" is already used by environment "test"',
    );
  });
});
