import type { PreviewSettings } from '../lib/config/previews';
import images from './images/dev.json';
import { SINGLE_REPLICA_FOOTPRINT } from './shared';

/**
 * Every preview environment (one per entry of previews.json): dev's images unless the entry names its
 * own, one small replica of each component, its own throwaway PostgreSQL, secrets from the previews'
 * ClusterSecretStore (so nobody creates anything by hand per preview), no backups and no telemetry.
 */
export const PREVIEW_SETTINGS: PreviewSettings = {
  domain: 'epfl.ch',
  targetRevision: 'main',
  template: {
    ...SINGLE_REPLICA_FOOTPRINT,
    appEnvironment: 'development',
    logLevel: 'DEBUG',
    images,
    // Deleting a preview deletes its database volume with the StatefulSet.
    database: { ...SINGLE_REPLICA_FOOTPRINT.database, claimsWhenDeleted: 'Delete' },
    secrets: {
      strategy: 'external-secrets',
      storeRef: { kind: 'ClusterSecretStore', name: 'co2-calculator-previews' },
      remoteKeyPrefix: 'co2-calculator-preview-',
    },
  },
};
