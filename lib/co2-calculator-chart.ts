import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { applySyncWaves } from './argocd/sync-waves';
import { DatabaseBackup } from './backup/database-backup';
import { Environment } from './config/environment';
import { EnvironmentNamespace } from './core/environment-namespace';
import { componentLabels, environmentInstance, environmentLabels, selectorLabels } from './core/labels';
import { DatabaseConnection, secretDatabaseUrl } from './database/database-connection';
import { InClusterPostgres } from './database/in-cluster-postgres';
import { DefaultDenyIngress } from './networking/network-policy';
import { Observability } from './observability/observability';
import { Platform, platformFor } from './platform';
import { SECRET_BUNDLES, SecretBundleId } from './secrets/bundles';
import { SecretSource } from './secrets/secret-source';
import { Backend } from './workloads/backend';
import { MigrationJob } from './workloads/migration-job';
import { StaticSite } from './workloads/static-site';

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
    new DefaultDenyIngress(this, 'DefaultDenyIngress', {
      metadata: { labels: componentLabels(this, { name: 'default-deny-ingress', component: 'network-policy' }) },
    });

    const backendSecret = this.secret('backend', Backend.IDENTITY);
    this.database = this.provisionDatabase();
    const observability = environment.observability ? this.provisionObservability(environment.observability) : undefined;

    this.frontend = new StaticSite(this, 'Frontend', {
      name: 'frontend',
      component: 'web',
      image: environment.images.frontend,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      ...environment.frontend,
      allowIngressFrom: [this.platform.edgePeer],
    });

    this.backend = new Backend(this, 'Backend', {
      image: environment.images.backend,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      replicas: environment.backend.replicas,
      resources: environment.backend.resources,
      secretName: backendSecret.secretName,
      database: this.database,
      settings: {
        ENVIRONMENT: environment.appEnvironment,
        LOG_LEVEL: environment.logLevel,
        FRONTEND_URL: `https://${environment.host}`,
        // Served only over HTTPS (the edge redirects plain HTTP), so session cookies can be Secure.
        COOKIE_SECURE: 'true',
        ...environment.backend.settings,
      },
      allowIngressFrom: [this.platform.edgePeer, { podLabels: this.frontend.podSelector }],
      telemetry: observability && {
        endpoint: observability.collector.otlpGrpcEndpoint,
        serviceName: 'co2-calculator-backend',
        deploymentEnvironment: environment.appEnvironment,
      },
    });

    this.docs = new StaticSite(this, 'Docs', {
      name: 'docs',
      component: 'documentation',
      image: environment.images.docs,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
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
        resources: environment.backup.resources,
        size: environment.backup.storageSize,
        storageClassName: environment.backup.storageClass,
        retentionCount: environment.backup.retentionCount,
        schedule: environment.backup.schedule,
        timeZone: environment.backup.timeZone,
      });
    }

    this.platform.expose(this, {
      host: environment.host,
      paths: [
        { path: '/', workload: this.frontend },
        // The API and the docs are served at their root inside the cluster (e.g. backend-service:8000/health).
        { path: '/api', workload: this.backend.workload, stripPrefix: true },
        { path: '/docs', workload: this.docs, stripPrefix: true },
      ],
    });

    applySyncWaves(this);
  }

  /** The Secret of one bundle, produced the way the environment's strategy says. */
  private secret(bundle: SecretBundleId, owner: { name: string; component: string }): SecretSource {
    return new SecretSource(this, `Secret-${bundle}`, {
      strategy: this.environment.secrets,
      bundle: SECRET_BUNDLES[bundle],
      secretName: this.environment.secrets.names[bundle],
      labels: componentLabels(this, owner),
    });
  }

  /** Where DB_URL comes from: the backend Secret for the managed database, or a PostgreSQL of our own. */
  private provisionDatabase(): DatabaseConnection {
    const database = this.environment.database;
    if (database.mode === 'managed') {
      return secretDatabaseUrl(this.environment.secrets.names.backend, database.serverMajorVersion);
    }
    const credentials = this.secret('postgres', { name: 'postgres', component: 'database' });
    return new InClusterPostgres(this, 'Postgres', {
      ...database,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      credentialsSecretName: credentials.secretName,
      // Every process that runs with the database connection: the API, its migrations, the backup.
      allowFrom: [Backend.IDENTITY, MigrationJob.IDENTITY, DatabaseBackup.IDENTITY].map((identity) => ({ podLabels: selectorLabels(this, identity) })),
    }).connection;
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
      tracing: settings.tracing,
      postgres: { secretName: monitoringSecret.secretName, sslMode: database.mode === 'managed' ? database.sslMode : 'disable' },
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
    });
  }
}
