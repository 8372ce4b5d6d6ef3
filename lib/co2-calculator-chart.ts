import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { backendFeatures, backendSecretKeys } from './application/backend-settings';
import { BACKEND_IMAGE, DOCS_IMAGE, EgressNeed, FRONTEND_IMAGE, POSTGRES_IMAGE, WORKLOAD_EGRESS } from './application/contract';
import { applySyncWaves } from './argocd/sync-waves';
import { DatabaseBackup } from './backup/database-backup';
import { Environment, OUTSIDE_CLUSTER } from './config/environment';
import { ALL_IPV4 } from './core/cidr';
import { EnvironmentNamespace } from './core/environment-namespace';
import { componentLabels, environmentInstance, environmentLabels, selectorLabels } from './core/labels';
import { DatabaseConnection, secretDatabaseUrl } from './database/database-connection';
import { InClusterPostgres, POSTGRES_PORT } from './database/in-cluster-postgres';
import { AllowEgress, DefaultDeny, EgressRule } from './networking/network-policy';
import { COLLECTOR_PORTS } from './observability/otel-collector';
import { Observability } from './observability/observability';
import { Platform, platformFor } from './platform';
import { SECRET_BUNDLES, SecretBundleId } from './application/secret-bundles';
import { SecretSource } from './secrets/secret-source';
import { Backend } from './workloads/backend';
import { docsServer } from './workloads/docs-server';
import { FRONTEND_NGINX_CONF, frontendNginxConf } from './workloads/frontend-server';
import { MigrationJob } from './workloads/migration-job';
import { StaticSite } from './workloads/static-site';

/** Where the docs are published on the host. */
const DOCS_PATH = '/docs';

/** The ServiceAccount every pod of the application runs as; it holds no API permissions. */
export const WORKLOAD_SERVICE_ACCOUNT = 'co2-calculator';

/** What every environment shares, from the delivery configuration. */
export interface ProjectContext {
  /** Address of docs/runbooks.md, linked from every alert. */
  readonly runbooksUrl: string;
  /** Namespace of the ArgoCD instance that deploys the environments (it manages the namespaces they own). */
  readonly argocdNamespace: string;
}

/**
 * The whole CO2 Calculator in one environment. Everything that differs between environments comes in
 * through `environment`; everything that differs between platforms through the platform it names.
 * Optional parts (telemetry, an in-cluster database) are present when the environment describes them.
 */
export class Co2CalculatorChart extends Chart {
  readonly environment: Environment;
  readonly platform: Platform;
  readonly frontend: StaticSite;
  readonly backend: Backend;
  readonly docs: StaticSite;
  readonly database: DatabaseConnection;
  private inClusterDatabase?: InClusterPostgres;

  constructor(scope: Construct, environment: Environment, private readonly project: ProjectContext) {
    super(scope, environment.name, {
      namespace: environment.namespace,
      labels: environmentLabels(environmentInstance(environment.name)),
      disableResourceNameHashes: true,
    });
    this.environment = environment;
    this.platform = platformFor(environment.platform);

    if (environment.ownsNamespace) {
      new EnvironmentNamespace(this, 'Namespace', { name: environment.namespace, argocdNamespace: project.argocdNamespace });
    }

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: WORKLOAD_SERVICE_ACCOUNT, labels: componentLabels(this, { name: WORKLOAD_SERVICE_ACCOUNT, component: 'workload-identity' }) },
      // None of our pods talks to the Kubernetes API.
      automountServiceAccountToken: false,
    });
    new DefaultDeny(this, 'DefaultDeny', {
      metadata: { labels: componentLabels(this, { name: 'default-deny', component: 'network-policy' }) },
    });

    const files = environment.backend.files;
    const features = backendFeatures(environment.backend);
    const backendSecret = this.secret('backend', Backend.IDENTITY, backendSecretKeys(features, { managedDatabase: environment.database.mode === 'managed' }));
    this.database = this.provisionDatabase();
    const observability = environment.observability ? this.provisionObservability(environment.observability) : undefined;

    this.frontend = new StaticSite(this, 'Frontend', {
      name: 'frontend',
      component: 'web',
      image: environment.images.frontend,
      contract: FRONTEND_IMAGE,
      // The image's nginx.conf with our server block: relative redirects, no loop, no open redirect.
      serverConfig: { ...FRONTEND_NGINX_CONF, content: frontendNginxConf(), fileOnly: true },
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      user: this.platform.podUser(FRONTEND_IMAGE.user),
      replicas: environment.frontend.replicas,
      resources: environment.frontend.resources,
      // Published to every browser in /injectEnv.js: plain values only (FRONTEND_SETTINGS).
      env: {
        APP_ENVIRONMENT: environment.appEnvironment,
        ...(environment.frontend.sentryDsn ? { APP_SENTRY_DSN: environment.frontend.sentryDsn } : {}),
      },
      allowIngressFrom: [this.platform.edgePeer],
    });

    this.backend = new Backend(this, 'Backend', {
      image: environment.images.backend,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      user: this.platform.podUser(BACKEND_IMAGE.user),
      replicas: environment.backend.replicas,
      resources: environment.backend.resources,
      secret: { name: backendSecret.secretName, keys: backendSecret.keys, generated: backendSecret.generated },
      database: this.database,
      features,
      settings: {
        FRONTEND_URL: `https://${environment.host}`,
        // Served only over HTTPS (the edge redirects plain HTTP), so session cookies can be Secure.
        COOKIE_SECURE: 'true',
        LOG_LEVEL: environment.logLevel,
        DEBUG: String(environment.backend.debug),
        FILES_MAX_SIZE_MB: String(files.maxUploadSizeMb),
        STALE_JOB_TIMEOUT_MINUTES: String(environment.backend.staleJobTimeoutMinutes),
        PROVIDER_PLUGIN: environment.backend.roleProvider,
        ...environment.backend.settings,
        ...Object.fromEntries(Object.entries(environment.backend.extraSettings).map(([name, { value }]) => [name, value])),
      },
      filesVolume: { size: files.volume.size, storageClassName: files.volume.storageClass, retain: files.volume.retain },
      // Only the router: the frontend's nginx serves files and proxies nothing (docs/sources/security.md).
      allowIngressFrom: [this.platform.edgePeer],
      telemetry: observability && {
        endpoint: observability.collector.otlpGrpcEndpoint,
        serviceName: 'co2-calculator-backend',
        deploymentEnvironment: environment.appEnvironment,
      },
    });

    const docs = docsServer(DOCS_PATH);
    this.docs = new StaticSite(this, 'Docs', {
      name: 'docs',
      component: 'documentation',
      image: environment.images.docs,
      contract: docs.contract,
      serverConfig: { directory: DOCS_IMAGE.serverConfigDirectory, file: DOCS_IMAGE.serverConfigFile, content: docs.config },
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      user: this.platform.podUser(DOCS_IMAGE.user),
      ...environment.docs,
      allowIngressFrom: [this.platform.edgePeer],
    });

    new MigrationJob(this, 'Migration', {
      runtime: this.backend.runtime,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      resources: environment.migration.resources,
      backoffLimit: environment.migration.backoffLimit,
    });

    if (environment.backup) {
      new DatabaseBackup(this, 'DatabaseBackup', {
        image: environment.backup.image,
        database: this.database,
        serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
        // The client image is the official postgres image too (OPERATIONS_DEFAULTS.backupImage).
        user: this.platform.podUser(POSTGRES_IMAGE.user),
        resources: environment.backup.resources,
        size: environment.backup.storageSize,
        storageClassName: environment.backup.storageClass,
        retentionCount: environment.backup.retentionCount,
        schedule: environment.backup.schedule,
        timeZone: environment.backup.timeZone,
      });
    }

    this.allowEgress(features, observability);

    this.platform.expose(this, {
      host: environment.host,
      paths: [
        { path: '/', workload: this.frontend },
        {
          path: '/api',
          workload: this.backend.workload,
          // Served at its root inside the cluster (backend-service:8000/v1/...); the app's root_path is
          // /api (contract: API_DOCS_PREFIX, API_VERSION).
          stripPrefix: true,
          // The job event stream (GET /v1/sync/jobs/{id}/stream) sends nothing while a job's status is
          // unchanged and has no keep-alive (co2-calculator e81d480, backend/app/api/v1/data_sync.py:1378,
          // 1412-1461; the pipeline stream pings every 15 s, :1864), and the SPA drops the stream on the first
          // error (frontend/src/stores/backofficeDataManagement.ts:547-550). So it must outlast a job; the team
          // sizes STALE_JOB_TIMEOUT_MINUTES "above the longest plausible job runtime" (backend/app/core/config.py:
          // 336-349). Exports also build their whole body before the first byte (backend/app/api/v1/
          // backoffice.py:349-405). A minute over the stale timeout; OpenShift's router default is 30 s.
          timeoutSeconds: (environment.backend.staleJobTimeoutMinutes + 1) * 60,
          // FILES_MAX_SIZE_MB is per file (enacit4r-files 1.0.0 utils/files.py:35-46); a MiB more for the
          // multipart framing of one file at the limit.
          maxBodySizeMb: files.maxUploadSizeMb + 1,
        },
        // Forwarded with its prefix: the docs server redirects /docs to /docs/ and serves the site there.
        { path: DOCS_PATH, workload: this.docs },
      ],
    });

    applySyncWaves(this);
  }

  /** The Secret of one bundle, produced the way the environment's strategy says. */
  private secret(bundle: SecretBundleId, owner: { name: string; component: string }, keys?: readonly string[]): SecretSource {
    return new SecretSource(this, `Secret-${bundle}`, {
      strategy: this.environment.secrets,
      bundle: SECRET_BUNDLES[bundle],
      keys,
      secretName: this.environment.secrets.names[bundle],
      labels: componentLabels(this, owner),
      environmentName: this.environment.name,
    });
  }

  /** Where DB_URL comes from: the backend Secret for the managed database, or a PostgreSQL of our own. */
  private provisionDatabase(): DatabaseConnection {
    const database = this.environment.database;
    if (database.mode === 'managed') {
      return secretDatabaseUrl(this.environment.secrets.names.backend, database.serverMajorVersion);
    }
    const credentials = this.secret('postgres', { name: 'postgres', component: 'database' });
    this.inClusterDatabase = new InClusterPostgres(this, 'Postgres', {
      ...database,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      user: this.platform.podUser(POSTGRES_IMAGE.user),
      credentialsSecretName: credentials.secretName,
      // Every process that runs with the database connection: the API, its migrations, the backup.
      allowFrom: [Backend.IDENTITY, MigrationJob.IDENTITY, DatabaseBackup.IDENTITY].map((identity) => ({ podLabels: selectorLabels(this, identity) })),
    });
    return this.inClusterDatabase.connection;
  }

  /**
   * One egress policy per workload that sends anything, opening what the application contract says
   * it needs (WORKLOAD_EGRESS) and nothing else; DefaultDeny closes the rest.
   */
  private allowEgress(features: ReturnType<typeof backendFeatures>, observability: Observability | undefined): void {
    const environment = this.environment;
    const context = { telemetry: observability !== undefined, features, tracingUi: observability?.traces.hasUi ?? false };
    const outside = (destination: Environment['egress'][keyof Environment['egress']]): EgressRule => ({
      to:
        destination.to === OUTSIDE_CLUSTER
          ? [{ addresses: { cidr: ALL_IPV4, except: this.platform.clusterNetworks } }]
          : destination.to.map((cidr) => ({ addresses: { cidr } })),
      ports: destination.ports.map((port) => ({ port })),
    });
    const ruleFor = (need: EgressNeed): EgressRule => {
      switch (need) {
        case 'dns':
          return { to: [this.platform.dns.peer], ports: this.platform.dns.ports };
        case 'database':
          return this.inClusterDatabase
            ? { to: [{ podLabels: this.inClusterDatabase.podSelector }], ports: [{ port: POSTGRES_PORT }] }
            : outside(environment.egress.database);
        case 'collector':
          return { to: [{ podLabels: observability!.collector.podSelector }], ports: [{ port: COLLECTOR_PORTS.otlpGrpc }] };
        case 'jaeger':
          return { to: [{ podLabels: observability!.traces.podSelector }], ports: [{ port: observability!.traces.otlpGrpcPort }] };
        default:
          return outside(environment.egress[need]);
      }
    };
    const workloads: Array<{ name: string; podLabels: Record<string, string> }> = [
      { name: Backend.IDENTITY.name, podLabels: selectorLabels(this, Backend.IDENTITY) },
      { name: MigrationJob.IDENTITY.name, podLabels: selectorLabels(this, MigrationJob.IDENTITY) },
      ...(environment.backup ? [{ name: DatabaseBackup.IDENTITY.name, podLabels: selectorLabels(this, DatabaseBackup.IDENTITY) }] : []),
      ...(observability
        ? [
            { name: observability.collector.name, podLabels: observability.collector.podSelector },
            { name: observability.traces.name, podLabels: observability.traces.podSelector },
          ]
        : []),
    ];
    for (const workload of workloads) {
      const needs = WORKLOAD_EGRESS[workload.name](context);
      if (needs.length === 0) continue;
      new AllowEgress(this, `Egress-${workload.name}`, {
        metadata: { name: `${workload.name}-egress`, labels: componentLabels(this, { name: `${workload.name}-egress`, component: 'network-policy' }) },
        podLabels: workload.podLabels,
        rules: mergeByPeers(needs.map(ruleFor)),
      });
    }
  }

  private provisionObservability(settings: NonNullable<Environment['observability']>): Observability {
    const database = this.environment.database;
    const monitoringSecret = this.secret('databaseMonitoring', { name: 'otel-collector', component: 'telemetry' });
    const alerting = settings.alerting;
    // Only an authenticated SMTP relay needs a password.
    const smtpSecret = alerting.username ? this.secret('smtp', { name: 'co2-calculator-alert-routing', component: 'monitoring' }) : undefined;
    return new Observability(this, 'Observability', {
      environmentName: this.environment.name,
      host: this.environment.host,
      grafana: settings.grafana,
      runbooksUrl: this.project.runbooksUrl,
      collector: settings.collector,
      // The UI needs the cluster's OAuth server; elsewhere it stays behind port-forward.
      tracing: { ...settings.tracing, ui: this.platform.authenticatesUsers && settings.tracing.ui },
      // The in-cluster server is in the namespace and serves no TLS.
      postgres: { secretName: monitoringSecret.secretName, tls: database.mode === 'managed' ? database.tls : 'none' },
      alerting: {
        email: {
          smarthost: alerting.smarthost,
          from: alerting.from,
          username: alerting.username,
          passwordSecret: smtpSecret ? { name: smtpSecret.secretName, key: 'password' } : undefined,
          requireTls: alerting.requireTls,
        },
        critical: alerting.critical,
        warning: alerting.warning,
      },
      telemetrySources: [{ podLabels: selectorLabels(this, Backend.IDENTITY) }],
      scrapers: [this.platform.monitoringPeer],
      routerPeer: this.platform.edgePeer,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
    });
  }
}

/** Rules to the same peers as one rule with the union of their ports, in first-seen order. */
function mergeByPeers(rules: readonly EgressRule[]): EgressRule[] {
  const merged = new Map<string, { to: EgressRule['to']; ports: EgressRule['ports'][number][] }>();
  for (const rule of rules) {
    const key = JSON.stringify(rule.to);
    const entry = merged.get(key) ?? merged.set(key, { to: rule.to, ports: [] }).get(key)!;
    for (const port of rule.ports) {
      if (!entry.ports.some((known) => known.port === port.port && (known.protocol ?? 'TCP') === (port.protocol ?? 'TCP'))) entry.ports.push(port);
    }
  }
  return [...merged.values()];
}
