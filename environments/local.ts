import type { EnvironmentInput } from '../lib/config/environment';
import images from './images/local.json';

const small = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu: '500m', memory: '512Mi' } });

/**
 * A developer's kind or minikube cluster: plain Kubernetes with ingress-nginx and cert-manager, the
 * database in the namespace, one replica of everything, and nothing that needs an operator a kind
 * cluster lacks (see the README). Applied by hand: `kubectl apply -f dist/local/`.
 */
export const local: EnvironmentInput = {
  name: 'local',
  platform: { name: 'kubernetes', clusterIssuer: 'selfsigned', ingressClassName: 'nginx' },
  // *.localtest.me resolves to 127.0.0.1, where kind's ingress port mapping listens.
  host: 'co2-calculator.localtest.me',
  appEnvironment: 'development',
  logLevel: 'DEBUG',
  images,
  frontend: { replicas: { min: 1, max: 1 }, resources: small('50m', '64Mi') },
  backend: { replicas: { min: 1, max: 1 }, resources: small('100m', '256Mi') },
  docs: { resources: small('25m', '32Mi') },
  // kubectl applies everything at once: the migration retries until PostgreSQL is up.
  migration: { resources: small('50m', '128Mi'), backoffLimit: 6 },
  secrets: { strategy: 'existing' },
  database: { mode: 'in-cluster', storageSize: '1Gi', storageClass: 'standard', resources: small('100m', '256Mi') },
  backup: { storageSize: '1Gi', storageClass: 'standard', retentionCount: 2, resources: small('50m', '128Mi') },
  delivery: false,
};
