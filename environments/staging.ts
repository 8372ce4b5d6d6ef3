import type { EnvironmentDefinition } from '../lib/config/environment';
import { ALERT_RECIPIENTS, EPFL_BACKEND_FEATURES, EPFL_DATABASE, EPFL_GRAFANA, EPFL_MAIL } from './shared';

/** Staging: the release candidate, sized like production but scaling less far. */
export const staging: EnvironmentDefinition = {
  name: 'staging',
  host: 'co2-calculator-stage.epfl.ch',
  appEnvironment: 'staging',
  frontend: { replicas: { min: 2, max: 4 } },
  backend: {
    replicas: { min: 2, max: 4 },
    ...EPFL_BACKEND_FEATURES,
    // Reduction-objective uploads (the rest is in S3), shared by every replica.
    files: { ...EPFL_BACKEND_FEATURES.files, volume: { size: '1Gi' } },
  },
  // OpenShift is not wired to Infisical yet: the Secret is created by hand in the project.
  secrets: { strategy: 'existing' },
  database: EPFL_DATABASE,
  observability: {
    grafana: EPFL_GRAFANA,
    alerting: { ...EPFL_MAIL, critical: [ALERT_RECIPIENTS.team], warning: [ALERT_RECIPIENTS.team] },
  },
  backup: { storageSize: '10Gi', retentionCount: 7 },
  // Re-creating the Application (e.g. to change its project) must not take staging down under testers.
  delivery: { targetRevision: 'main', cascadeDelete: false },
};
