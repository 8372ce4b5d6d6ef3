import type { EnvironmentDefinition } from '../lib/config/environment';
import { ALERT_RECIPIENTS, EPFL_BACKEND_FEATURES, EPFL_DATABASE, EPFL_GRAFANA, EPFL_MAIL } from './shared';

/** Production. Secrets are created by hand until the Azure Key Vault store exists (then: strategy "external-secrets"). */
export const prod: EnvironmentDefinition = {
  name: 'prod',
  host: 'co2-calculator.epfl.ch',
  appEnvironment: 'production',
  frontend: { replicas: { min: 2, max: 10 } },
  backend: {
    replicas: { min: 2, max: 10 },
    ...EPFL_BACKEND_FEATURES,
    // Reduction-objective uploads (the rest is in S3), shared by every replica.
    files: { ...EPFL_BACKEND_FEATURES.files, volume: { size: '2Gi' } },
  },
  secrets: { strategy: 'existing' },
  database: EPFL_DATABASE,
  observability: {
    grafana: EPFL_GRAFANA,
    alerting: { ...EPFL_MAIL, critical: [ALERT_RECIPIENTS.oncall, ALERT_RECIPIENTS.team], warning: [ALERT_RECIPIENTS.team] },
    // The UI for the team, on the private shard behind the OAuth proxy.
    tracing: { maxTraces: 100_000, ui: {} },
  },
  backup: { storageSize: '50Gi', retentionCount: 14 },
  // Production follows main like the others: it changes only when environments/images/prod.json
  // does, by a reviewed pull request (docs/delivery.md); an Application deleted by mistake leaves
  // the running objects in place.
  delivery: { targetRevision: 'main', cascadeDelete: false },
};
