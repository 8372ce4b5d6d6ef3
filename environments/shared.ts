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
