import type { EnvironmentDefinition } from '../lib/config/environment';
import { ALERT_RECIPIENTS, EPFL_BACKEND_FEATURES, EPFL_DATABASE, EPFL_GRAFANA, EPFL_MAIL } from './shared';

/** Development: follows main, smallest footprint; secrets synced from Infisical. */
export const dev: EnvironmentDefinition = {
  name: 'dev',
  host: 'co2-calculator-dev.epfl.ch',
  appEnvironment: 'development',
  logLevel: 'DEBUG',
  frontend: { replicas: { min: 2, max: 3 } },
  backend: {
    replicas: { min: 2, max: 3 },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '1', memory: '768Mi' } },
    ...EPFL_BACKEND_FEATURES,
    files: { ...EPFL_BACKEND_FEATURES.files, volume: { size: '1Gi' } },
    // No /login-test bypass on a host the whole EPFL network reaches: dev logs in through SSO like the others.
    debug: false,
  },
  secrets: {
    strategy: 'infisical',
    hostApi: 'https://app.infisical.com/api',
    projectSlug: 'co2-calculator',
    envSlug: 'dev',
    credentialsSecretName: 'infisical-universal-auth',
  },
  database: EPFL_DATABASE,
  observability: {
    grafana: EPFL_GRAFANA,
    // Nobody is paged for dev: everything goes to the team list.
    alerting: { ...EPFL_MAIL, critical: [ALERT_RECIPIENTS.team], warning: [ALERT_RECIPIENTS.team] },
    tracing: { maxTraces: 20_000, ui: {} },
  },
  backup: { storageSize: '5Gi', retentionCount: 3 },
  // Dev is disposable: deleting its Application also deletes what it deployed (the db-dumps claim stays).
  delivery: { targetRevision: 'main', cascadeDelete: true },
};
