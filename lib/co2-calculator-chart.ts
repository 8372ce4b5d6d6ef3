import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { applySyncWaves } from './argocd/sync-waves';
import { Environment } from './config/environment';
import { componentLabels, environmentInstance, environmentLabels, selectorLabels } from './core/labels';
import { DefaultDenyIngress } from './networking/network-policy';
import { Observability } from './observability/observability';
import { PLATFORMS } from './platform';
import { SECRET_BUNDLES } from './secrets/bundles';
import { SecretSource } from './secrets/secret-source';
import { Backend } from './workloads/backend';
import { MigrationJob } from './workloads/migration-job';
import { StaticSite } from './workloads/static-site';

/** The ServiceAccount every pod of the application runs as; it holds no API permissions. */
export const WORKLOAD_SERVICE_ACCOUNT = 'co2-calculator';

/**
 * The whole CO2 Calculator in one environment. Everything that differs between environments comes in
 * through `environment`; everything that differs between platforms through the platform it names.
 */
export class Co2CalculatorChart extends Chart {
  readonly environment: Environment;
  readonly frontend: StaticSite;
  readonly backend: Backend;
  readonly docs: StaticSite;

  constructor(scope: Construct, environment: Environment) {
    super(scope, environment.name, {
      namespace: environment.namespace,
      labels: environmentLabels(environmentInstance(environment.name)),
      disableResourceNameHashes: true,
    });
    this.environment = environment;
    const platform = PLATFORMS[environment.platform];

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: WORKLOAD_SERVICE_ACCOUNT, labels: componentLabels(this, { name: WORKLOAD_SERVICE_ACCOUNT, component: 'workload-identity' }) },
      // None of our pods talks to the Kubernetes API.
      automountServiceAccountToken: false,
    });
    new DefaultDenyIngress(this, 'DefaultDenyIngress', {
      metadata: { labels: componentLabels(this, { name: 'default-deny-ingress', component: 'network-policy' }) },
    });

    const secrets = environment.secrets;
    const backendSecret = new SecretSource(this, 'BackendSecret', {
      strategy: secrets,
      bundle: SECRET_BUNDLES.backend,
      secretName: secrets.names.backend,
      labels: componentLabels(this, Backend.IDENTITY),
    });
    const monitoringSecret = new SecretSource(this, 'DatabaseMonitoringSecret', {
      strategy: secrets,
      bundle: SECRET_BUNDLES.databaseMonitoring,
      secretName: secrets.names.databaseMonitoring,
      labels: componentLabels(this, { name: 'otel-collector', component: 'telemetry' }),
    });
    const alerting = environment.observability.alerting;
    // Only an authenticated SMTP relay needs a password.
    const smtpSecret = alerting.username
      ? new SecretSource(this, 'SmtpSecret', {
          strategy: secrets,
          bundle: SECRET_BUNDLES.smtp,
          secretName: secrets.names.smtp,
          labels: componentLabels(this, { name: 'co2-calculator-alert-routing', component: 'monitoring' }),
        })
      : undefined;

    const observability = new Observability(this, 'Observability', {
      host: environment.host,
      collector: environment.observability.collector,
      tracing: environment.observability.tracing,
      postgres: { secretName: monitoringSecret.secretName, sslMode: environment.database.sslMode },
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
      scrapers: [platform.monitoringPeer],
    });

    this.frontend = new StaticSite(this, 'Frontend', {
      name: 'frontend',
      component: 'web',
      image: environment.images.frontend,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      ...environment.frontend,
      allowIngressFrom: [platform.edgePeer],
    });

    this.backend = new Backend(this, 'Backend', {
      image: environment.images.backend,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      replicas: environment.backend.replicas,
      resources: environment.backend.resources,
      secretName: backendSecret.secretName,
      settings: {
        ENVIRONMENT: environment.appEnvironment,
        LOG_LEVEL: environment.logLevel,
        FRONTEND_URL: `https://${environment.host}`,
        // Served only over HTTPS (the edge redirects plain HTTP), so session cookies can be Secure.
        COOKIE_SECURE: 'true',
        ...environment.backend.settings,
      },
      allowIngressFrom: [platform.edgePeer, { podLabels: this.frontend.podSelector }],
      telemetry: {
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
      allowIngressFrom: [platform.edgePeer],
    });

    new MigrationJob(this, 'Migration', {
      runtime: this.backend.runtime,
      serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
      resources: environment.migration.resources,
    });

    platform.expose(this, {
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
}
