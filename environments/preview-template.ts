import { perComponent } from '../lib/application/components';
import type { PreviewDefinition } from '../lib/config/previews';
import { SINGLE_REPLICA_FOOTPRINT } from './shared';

/**
 * Every preview environment (one per entry of previews.json): the images of `imagesFrom` unless the
 * entry names its own, one small replica of each component, its own throwaway PostgreSQL, secrets from the previews'
 * ClusterSecretStore (so nobody creates anything by hand per preview), no backups and no telemetry,
 * and only on the private router shard.
 */
export const PREVIEW_SETTINGS: PreviewDefinition = {
  domain: 'epfl.ch',
  imagesFrom: 'dev',
  // What the application's pipeline pushes (EPFL-ENAC/epfl-enac-build-push-deploy-action): quay-its.epfl.ch/svc1751/<component>.
  trustedRegistries: ['quay-its.epfl.ch/svc1751/'],
  targetRevision: 'main',
  template: {
    ...SINGLE_REPLICA_FOOTPRINT,
    appEnvironment: 'development',
    logLevel: 'DEBUG',
    backend: {
      ...SINGLE_REPLICA_FOOTPRINT.backend,
      // Deleting a preview deletes its uploads with it.
      files: { volume: { ...SINGLE_REPLICA_FOOTPRINT.backend.files.volume, retain: false } },
      // Off: DEBUG registers /login-test, a sign-in bypass on a public host. A preview that needs it
      // says `"debug": true` in environments/previews.json.
      debug: false,
    },
    // Every Route on EPFL's private router shard (label `route: private`, as the team's chart does for
    // the docs): a preview runs unreviewed branch code and must not be reachable from the internet.
    platform: { name: 'openshift', routeLabels: perComponent(() => ({ route: 'private' })) },
    // Deleting a preview deletes its database volume with the StatefulSet.
    database: { ...SINGLE_REPLICA_FOOTPRINT.database, claimsWhenDeleted: 'Delete' },
    secrets: {
      strategy: 'external-secrets',
      storeRef: { kind: 'ClusterSecretStore', name: 'co2-calculator-previews' },
      remoteKeyPrefix: 'co2-calculator-preview-',
      // Each preview its own session key, generated in its namespace: one shared key would let a token
      // signed by one preview open a session on every other.
      generatedKeys: ['SECRET_KEY'],
      // Each preview its own OAuth client, registered at the identity provider with the preview's
      // redirect URI (a step each preview needs anyway): its secret opens no other preview's sign-in.
      // Read as co2-calculator-preview-<environment name>-backend-oauth-client-{id,secret}.
      ownKeys: ['OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET'],
    },
  },
};
