/**
 * Settings every environment shares because they describe EPFL's platform, not the environment:
 * spread into each environment and overridden where one differs.
 */
export const EPFL_DATABASE = {
  /** EPFL DBaaS PostgreSQL major version. */
  mode: 'managed',
  serverMajorVersion: 15,
  /**
   * The DBaaS's issuing CA is not published to this project; once the platform team gives it, put it
   * in a ConfigMap and name it here (`{ caConfigMap: { name: 'epfl-dbaas-ca' } }`).
   */
  tls: {
    insecureReason: 'the EPFL DBaaS CA certificate is not published to the project; TLS encrypts, the server is not verified',
  },
} as const;

export const EPFL_GRAFANA = {
  /** Labels of the shared Grafana instance managed by grafana-operator. */
  instanceSelector: { dashboards: 'co2-calculator' },
  folder: 'CO2 Calculator',
};

export const EPFL_MAIL = {
  smarthost: 'mail.epfl.ch:587',
  from: 'co2-calculator-alerts@epfl.ch',
  username: 'co2-calculator-alerts',
} as const;

/** Who hears about what: on-call for critical alerts, the team list for warnings. */
export const ALERT_RECIPIENTS = {
  oncall: 'co2-calculator-oncall@groupes.epfl.ch',
  team: 'co2-calculator-team@groupes.epfl.ch',
} as const;

/**
 * Files, integrations and role provider of the EPFL environments, as the team's own chart wires them
 * in every environment (EPFL-ENAC/co2-calculator v1.0.7,
 * helm/templates/backend-deployment.yaml:110-235): uploads in EPFL
 * S3 with stored files encrypted, the OPDo audit export to Elasticsearch, the Tableau travel import,
 * and roles from EPFL's Accred API, the provider the application's docs name for production
 * (docs/src/architecture/04-auth-flow.md:122-130). Their credentials are keys of the backend Secret
 * (see the README, "Secrets").
 */
export const EPFL_BACKEND_FEATURES = {
  roleProvider: 'accred',
  files: { s3: true, encryption: true },
  integrations: { elasticsearch: true, tableau: true },
} as const;

const small = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu: '500m', memory: '512Mi' } });

/**
 * A whole application on a small footprint, with its own PostgreSQL: one replica of each component,
 * and a migration that retries while that PostgreSQL starts in the same apply or sync. Shared by the
 * local environment and the preview template.
 */
export const SINGLE_REPLICA_FOOTPRINT = {
  frontend: { replicas: { min: 1, max: 1 }, resources: small('50m', '64Mi') },
  backend: {
    replicas: { min: 1, max: 1 },
    resources: small('100m', '256Mi'),
    // No S3: uploads stay on a small volume of their own (ReadWriteOnce with one replica).
    files: { volume: { size: '256Mi' } },
  },
  docs: { resources: small('25m', '32Mi') },
  migration: { resources: small('50m', '128Mi'), backoffLimit: 6 },
  database: { mode: 'in-cluster', storageSize: '1Gi', resources: small('100m', '256Mi') },
} as const;
