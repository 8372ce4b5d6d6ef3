/**
 * Platform and database are environment data: switching them changes what the chart renders without
 * any construct knowing which environment it is in.
 */
import { loadProject } from '../environments';
import { EnvironmentInput } from '../lib/config/environment';
import { Manifest } from '../lib/synth/manifest';
import { ref } from './support/kubernetes';
import { standardSynthesis, synthesize } from './support/synthesis';

const prod = loadProject().environments.find((input) => (input as EnvironmentInput).name === 'prod') as EnvironmentInput;
const onKubernetes: EnvironmentInput = { ...prod, platform: { name: 'kubernetes', clusterIssuer: 'letsencrypt-prod' } };
const [openshift, kubernetes] = [prod, onKubernetes].map((input) => synthesize([input]).environments[0].manifests);
const byRef = (manifests: Manifest[]) => new Map(manifests.map((m) => [ref(m), m]));

describe('switching prod from OpenShift to plain Kubernetes', () => {
  test('swaps the three Routes for three Ingresses, and drops the Jaeger UI, which needs OpenShift\'s OAuth server', () => {
    const before = byRef(openshift);
    const after = byRef(kubernetes);
    const jaegerUi = ['NetworkPolicy/otel-collector-jaeger-ui-network-policy', 'Route/otel-collector-jaeger-ui', 'Service/otel-collector-jaeger-ui', 'ServiceAccount/otel-collector-jaeger-ui'];
    expect([...before.keys()].filter((key) => !after.has(key)).sort()).toEqual([...jaegerUi, 'Route/backend', 'Route/docs', 'Route/frontend'].sort());
    expect([...after.keys()].filter((key) => !before.has(key)).sort()).toEqual(['Ingress/backend', 'Ingress/docs', 'Ingress/frontend']);
  });

  test('changes nothing else but the peers the NetworkPolicies admit from outside, and who the pods run as', () => {
    const after = byRef(kubernetes);
    // Plain Kubernetes assigns no UIDs: the pods run as their images' accounts (Platform.podUser).
    const userKeys = ['runAsUser', 'runAsGroup', 'fsGroup', 'fsGroupChangePolicy'];
    const withoutUser = (m: Manifest) =>
      JSON.stringify(m, (key, value) => (key === 'securityContext' && value?.runAsNonRoot !== undefined ? Object.fromEntries(Object.entries(value).filter(([k]) => !userKeys.includes(k))) : value));
    const pinned = kubernetes.filter((m) => JSON.stringify(m) !== withoutUser(m)).map(ref).sort();
    expect(pinned).toEqual(['CronJob/db-dump', 'Deployment/backend', 'Deployment/docs', 'Deployment/frontend', 'Job/backend-migration']);
    expect(openshift.filter((m) => JSON.stringify(m) !== withoutUser(m)).map(ref)).toEqual([]);
    const changed = openshift
      .filter((m) => after.has(ref(m)) && withoutUser(after.get(ref(m))!) !== withoutUser(m))
      .map(ref)
      .sort();
    expect(changed).toEqual([
      // Without the UI: no proxy sidecar, no base_path.
      'ConfigMap/otel-collector-jaeger-config',
      'Deployment/otel-collector-jaeger',
      'NetworkPolicy/backend-network-policy',
      'NetworkPolicy/docs-network-policy',
      'NetworkPolicy/frontend-network-policy',
      'NetworkPolicy/otel-collector-metrics-network-policy',
    ]);
    const policy = after.get('NetworkPolicy/frontend-network-policy') as any;
    expect(policy.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }]);
  });

  test('routes /, /api and /docs to the Service ports the Routes used, with one certificate for the host', () => {
    const routes = openshift.filter((m: any) => m.kind === 'Route' && m.metadata.labels['app.kubernetes.io/component'] !== 'tracing-ui') as any[];
    const ingresses = kubernetes.filter((m) => m.kind === 'Ingress') as any[];
    const target = (i: any) => i.spec.rules[0].http.paths[0].backend.service;
    expect(ingresses.map((i) => [i.metadata.name, target(i).name, target(i).port.name])).toEqual(
      routes.map((r) => [r.metadata.name, r.spec.to.name, r.spec.port.targetPort]),
    );
    expect(new Set(ingresses.map((i) => i.spec.tls[0].secretName)).size).toBe(1);
    expect(ingresses.filter((i) => i.metadata.annotations?.['cert-manager.io/cluster-issuer'] === 'letsencrypt-prod').map(ref)).toEqual(['Ingress/frontend']);
    // Stripped prefixes, as the Routes' rewrite-target did: /api/health reaches the backend as /health.
    expect(ingresses.find((i) => i.metadata.name === 'backend').metadata.annotations['nginx.ingress.kubernetes.io/rewrite-target']).toBe('/$2');
  });
});

describe('the local environment', () => {
  const local = standardSynthesis().environments.find(({ environment }) => environment.name === 'local')!;
  const kinds = new Set(local.manifests.map((m) => m.kind));

  test('needs no operator: no Route, telemetry, monitoring, dashboard or secret-syncing custom resource', () => {
    const operatorKinds = ['Route', 'OpenTelemetryCollector', 'ServiceMonitor', 'PrometheusRule', 'AlertmanagerConfig', 'GrafanaDashboard', 'InfisicalSecret', 'ExternalSecret'];
    expect(operatorKinds.filter((kind) => kinds.has(kind))).toEqual([]);
    expect(local.manifests.every((m) => !m.apiVersion.includes('.') || m.apiVersion.endsWith('.k8s.io/v1'))).toBe(true);
  });

  test('runs PostgreSQL in the namespace, and every database client points DB_URL at it by reference', () => {
    const clients = local.manifests.filter((m) => ['Deployment', 'Job', 'CronJob'].includes(m.kind) && JSON.stringify(m).includes('"DB_URL"'));
    expect(clients.map(ref).sort()).toEqual(['CronJob/db-dump', 'Deployment/backend', 'Job/backend-migration']);
    for (const client of clients) {
      const url = JSON.stringify(client).match(/"name":"DB_URL","value":"([^"]+)"/)![1];
      expect(url).toBe('postgresql://$(POSTGRESQL_USER):$(POSTGRESQL_PASSWORD)@postgres:5432/$(POSTGRESQL_DATABASE)');
    }
    const service = local.manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'postgres') as any;
    expect(service.spec.clusterIP).toBe('None');
  });

  test('is small, single-replica, unscaled, and delivered by hand rather than by ArgoCD', () => {
    expect(local.manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler' || m.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(local.manifests.filter((m: any) => m.kind === 'Deployment').map((d: any) => d.spec.replicas)).toEqual([1, 1, 1]);
    expect(standardSynthesis().delivery.filter((m: any) => m.spec.destination?.namespace === local.environment.namespace)).toEqual([]);
  });
});
