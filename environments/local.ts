import type { EnvironmentDefinition } from '../lib/config/environment';
import { SINGLE_REPLICA_FOOTPRINT } from './shared';

/**
 * A developer's kind or minikube cluster: plain Kubernetes with Envoy Gateway and cert-manager, the
 * database in the namespace, one replica of everything, and nothing that needs an operator a kind
 * cluster lacks (see the README). Applied by hand: `kubectl apply -f dist/local/`.
 */
export const local: EnvironmentDefinition = {
  ...SINGLE_REPLICA_FOOTPRINT,
  name: 'local',
  platform: { name: 'kubernetes', clusterIssuer: 'selfsigned', gateway: { className: 'eg', controller: 'envoy-gateway', namespace: 'envoy-gateway-system' } },
  // *.localtest.me resolves to 127.0.0.1, where kind's port mapping to the gateway listens.
  host: 'co2-calculator.localtest.me',
  appEnvironment: 'development',
  logLevel: 'DEBUG',
  backend: {
    ...SINGLE_REPLICA_FOOTPRINT.backend,
    files: { volume: { ...SINGLE_REPLICA_FOOTPRINT.backend.files.volume, storageClass: 'standard' } },
    // A developer's own cluster: /login-test lets them sign in with any role without an identity provider.
    debug: true,
  },
  secrets: { strategy: 'existing' },
  // kind's default storage class; the data outlives a `kubectl delete -f dist/local/`.
  database: { ...SINGLE_REPLICA_FOOTPRINT.database, storageClass: 'standard', claimsWhenDeleted: 'Retain' },
  backup: { storageSize: '1Gi', storageClass: 'standard', retentionCount: 2, resources: SINGLE_REPLICA_FOOTPRINT.migration.resources },
  delivery: false,
};
