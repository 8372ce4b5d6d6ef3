/**
 * Platform and database are environment data: switching them changes what the chart renders without
 * any construct knowing which environment it is in.
 */
import { loadProject } from '../environments';
import { EnvironmentInput } from '../lib/config/environment';
import { Manifest } from '../lib/core/manifest';
import { ref } from './support/kubernetes';
import { standardSynthesis, synthesize } from './support/synthesis';

const prod = loadProject().environments.find((input) => (input as EnvironmentInput).name === 'prod') as EnvironmentInput;
const onKubernetes: EnvironmentInput = { ...prod, platform: { name: 'kubernetes', clusterIssuer: 'letsencrypt-prod' } };
const [openshift, kubernetes] = [prod, onKubernetes].map((input) => synthesize([input]).environments[0].manifests);
const byRef = (manifests: Manifest[]) => new Map(manifests.map((m) => [ref(m), m]));

describe('switching prod from OpenShift to plain Kubernetes', () => {
  test('swaps the three Routes for a Gateway, its certificate, four HTTPRoutes (one the HTTPS redirect) and the body limit', () => {
    const before = byRef(openshift);
    const after = byRef(kubernetes);
    // And the Jaeger UI, which needs OpenShift's OAuth server.
    const jaegerUi = ['NetworkPolicy/otel-collector-jaeger-egress', 'NetworkPolicy/otel-collector-jaeger-ui-network-policy', 'Route/otel-collector-jaeger-ui', 'Service/otel-collector-jaeger-ui', 'ServiceAccount/otel-collector-jaeger-ui'];
    expect([...before.keys()].filter((key) => !after.has(key)).sort()).toEqual([...jaegerUi, 'Route/backend', 'Route/docs', 'Route/frontend'].sort());
    expect([...after.keys()].filter((key) => !before.has(key)).sort()).toEqual([
      'BackendTrafficPolicy/backend',
      'Certificate/co2-calculator-epfl-ch-tls',
      'Gateway/public',
      'HTTPRoute/backend',
      'HTTPRoute/docs',
      'HTTPRoute/frontend',
      'HTTPRoute/public-https-redirect',
    ]);
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
      // The platform's DNS and cluster networks.
      'NetworkPolicy/backend-egress',
      'NetworkPolicy/backend-migration-egress',
      'NetworkPolicy/backend-network-policy',
      'NetworkPolicy/db-dump-egress',
      'NetworkPolicy/docs-network-policy',
      'NetworkPolicy/frontend-network-policy',
      'NetworkPolicy/otel-collector-egress',
      'NetworkPolicy/otel-collector-metrics-network-policy',
    ]);
    const policy = after.get('NetworkPolicy/frontend-network-policy') as any;
    expect(policy.spec.ingress[0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy', 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway' } },
      },
    ]);
  });

  test('routes /, /api and /docs to the Service ports the Routes used, with one certificate for the host', () => {
    const routes = openshift.filter((m: any) => m.kind === 'Route' && m.metadata.labels['app.kubernetes.io/component'] !== 'tracing-ui') as any[];
    const httpRoutes = kubernetes.filter((m) => m.kind === 'HTTPRoute' && (m as any).spec.rules[0].backendRefs) as any[];
    const service = (name: string) => kubernetes.find((m) => m.kind === 'Service' && m.metadata.name === name) as any;
    const target = (r: any) => r.spec.rules[0].backendRefs[0];
    // HTTPRoutes name the Service port by number: the port whose name the Route used.
    expect(httpRoutes.map((r) => [r.metadata.name, target(r).name, service(target(r).name).spec.ports.find((p: any) => p.port === target(r).port).name])).toEqual(
      routes.map((r) => [r.metadata.name, r.spec.to.name, r.spec.port.targetPort]),
    );
    const [gateway] = kubernetes.filter((m) => m.kind === 'Gateway') as any[];
    const [certificate] = kubernetes.filter((m) => m.kind === 'Certificate') as any[];
    expect(gateway.spec.listeners.find((l: any) => l.protocol === 'HTTPS').tls.certificateRefs[0].name).toBe(certificate.spec.secretName);
    expect(certificate.spec).toMatchObject({ dnsNames: [prod.host], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-prod' } });
    // Stripped prefixes, as the Routes' rewrite-target did: /api/health reaches the backend as /health.
    expect(httpRoutes.find((r) => r.metadata.name === 'backend').spec.rules[0].filters[0]).toEqual({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } });
  });
});

describe('the local environment', () => {
  const local = standardSynthesis().environments.find(({ environment }) => environment.name === 'local')!;
  const kinds = new Set(local.manifests.map((m) => m.kind));

  test('needs only a Gateway API controller (Envoy Gateway) and cert-manager: no Route, telemetry, monitoring, dashboard or secret-syncing custom resource', () => {
    const operatorKinds = ['Route', 'Ingress', 'OpenTelemetryCollector', 'ServiceMonitor', 'PrometheusRule', 'AlertmanagerConfig', 'GrafanaDashboard', 'InfisicalSecret', 'ExternalSecret'];
    expect(operatorKinds.filter((kind) => kinds.has(kind))).toEqual([]);
    const groups = new Set(local.manifests.filter((m) => m.apiVersion.includes('.') && !m.apiVersion.endsWith('.k8s.io/v1')).map((m) => m.apiVersion));
    expect([...groups].sort()).toEqual(['cert-manager.io/v1', 'gateway.envoyproxy.io/v1alpha1']);
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
