/**
 * Settings every environment shares because they describe EPFL's platform, not the environment:
 * spread into each environment and overridden where one differs.
 */
export const EPFL_DATABASE = {
  /** EPFL DBaaS PostgreSQL major version. */
  mode: 'managed',
  serverMajorVersion: 15,
  sslMode: 'require',
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

const small = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu: '500m', memory: '512Mi' } });

/**
 * A whole application on a small footprint, with its own PostgreSQL: one replica of each component,
 * and a migration that retries while that PostgreSQL starts in the same apply or sync. Shared by the
 * local environment and the preview template.
 */
export const SINGLE_REPLICA_FOOTPRINT = {
  frontend: { replicas: { min: 1, max: 1 }, resources: small('50m', '64Mi') },
  backend: { replicas: { min: 1, max: 1 }, resources: small('100m', '256Mi') },
  docs: { resources: small('25m', '32Mi') },
  migration: { resources: small('50m', '128Mi'), backoffLimit: 6 },
  database: { mode: 'in-cluster', storageSize: '1Gi', resources: small('100m', '256Mi') },
} as const;
