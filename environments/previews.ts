import type { PreviewSettings } from '../lib/config/previews';
import images from './images/dev.json';

const small = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu: '500m', memory: '512Mi' } });

/**
 * Every preview environment (one per entry of previews.json): dev's images unless the entry names its
 * own, one small replica of each component, its own throwaway PostgreSQL, secrets from the previews'
 * ClusterSecretStore (so nobody creates anything by hand per preview), no backups and no telemetry.
 */
export const PREVIEW_SETTINGS: PreviewSettings = {
  domain: 'epfl.ch',
  targetRevision: 'main',
  template: {
    appEnvironment: 'development',
    logLevel: 'DEBUG',
    images,
    frontend: { replicas: { min: 1, max: 1 }, resources: small('50m', '64Mi') },
    backend: { replicas: { min: 1, max: 1 }, resources: small('100m', '256Mi') },
    docs: { resources: small('25m', '32Mi') },
    // The migration waits for the preview's own PostgreSQL, which starts in the same sync.
    migration: { resources: small('50m', '128Mi'), backoffLimit: 6 },
    secrets: {
      strategy: 'external-secrets',
      storeRef: { kind: 'ClusterSecretStore', name: 'co2-calculator-previews' },
      remoteKeyPrefix: 'co2-calculator-preview-',
    },
    database: { mode: 'in-cluster', storageSize: '1Gi', resources: small('100m', '256Mi') },
  },
};
