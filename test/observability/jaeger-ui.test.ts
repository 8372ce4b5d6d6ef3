/**
 * The Jaeger UI is for the team only: on the private router shard, behind OpenShift's OAuth proxy,
 * reached by the routers on the proxy's port alone, and off where an environment says so.
 */
import { JAEGER_PORTS } from '../../lib/observability/jaeger';
import { OAUTH_PROXY_PORT } from '../../lib/observability/jaeger-ui';
import { standardSynthesis } from '../support/synthesis';

const withUi = standardSynthesis().environments.filter(({ environment }) => environment.platform.name === 'openshift' && environment.observability?.tracing.ui);
const withoutUi = standardSynthesis().environments.filter(({ environment }) => !(environment.platform.name === 'openshift' && environment.observability?.tracing.ui));

test('prod and dev have the UI; an environment without it (or off OpenShift) has no UI Route', () => {
  expect(withUi.map(({ environment }) => environment.name).sort()).toEqual(['dev', 'prod']);
  for (const { manifests } of withoutUi) {
    expect(manifests.filter((m: any) => m.metadata.labels?.['app.kubernetes.io/component'] === 'tracing-ui')).toEqual([]);
  }
});

describe.each(withUi.map(({ environment, manifests }) => [environment.name, environment, manifests] as const))('%s', (_name, environment, manifests) => {
  const find = (kind: string, name: string) => manifests.find((m: any) => m.kind === kind && m.metadata.name === name) as any;
  const route = manifests.find((m: any) => m.kind === 'Route' && m.metadata.labels['app.kubernetes.io/component'] === 'tracing-ui') as any;
  const deployment = find('Deployment', 'otel-collector-jaeger');
  const pod = deployment.spec.template.spec;
  const proxy = pod.containers.find((c: any) => c.name === 'oauth-proxy');

  test('the Route is on the private shard, re-encrypted to the proxy, at the UI path of the host', () => {
    expect(route.metadata.labels.route).toBe('private');
    expect(route.spec).toMatchObject({ host: environment.host, path: environment.observability!.tracing.ui && environment.observability!.tracing.ui.path, port: { targetPort: OAUTH_PROXY_PORT.name }, tls: { termination: 'reencrypt' } });
    const service = find('Service', route.spec.to.name);
    expect(service.metadata.annotations['service.beta.openshift.io/serving-cert-secret-name']).toBeTruthy();
    expect(pod.volumes.find((v: any) => v.secret?.secretName === service.metadata.annotations['service.beta.openshift.io/serving-cert-secret-name'])).toBeTruthy();
  });

  test('the pod runs as the ServiceAccount whose OAuth redirect is that Route', () => {
    const account = find('ServiceAccount', pod.serviceAccountName);
    const reference = JSON.parse(account.metadata.annotations['serviceaccounts.openshift.io/oauth-redirectreference.primary']);
    expect(reference).toEqual({ kind: 'OAuthRedirectReference', apiVersion: 'v1', reference: { kind: 'Route', name: route.metadata.name } });
    expect(proxy.args).toContain(`--openshift-service-account=${account.metadata.name}`);
    // Only the proxy gets a token, projected; nothing automounts one.
    expect([account.automountServiceAccountToken, pod.automountServiceAccountToken]).toEqual([false, false]);
    const tokenVolumes = pod.volumes.filter((v: any) => v.projected?.sources.some((s: any) => s.serviceAccountToken)).map((v: any) => v.name);
    const mounting = pod.containers.filter((c: any) => c.volumeMounts?.some((m: any) => tokenVolumes.includes(m.name))).map((c: any) => c.name);
    expect(mounting).toEqual(['oauth-proxy']);
  });

  test('the proxy lets in only users who may read the namespace\'s Services, and forwards to Jaeger on localhost', () => {
    expect(proxy.args).toContain('--provider=openshift');
    expect(proxy.args).toContain(`--openshift-sar=${JSON.stringify({ namespace: environment.namespace, resource: 'services', verb: 'get' })}`);
    expect(proxy.args).toContain(`--upstream=http://localhost:${JAEGER_PORTS.ui}`);
    expect(proxy.args).toContain('--http-address=');
  });

  test('only the routers reach the pod from outside, on the proxy port; nothing admits the Jaeger UI port', () => {
    const policies = manifests.filter((m: any) => m.kind === 'NetworkPolicy' && Object.entries(m.spec.podSelector.matchLabels ?? {}).every(([k, v]) => deployment.spec.template.metadata.labels[k] === v)) as any[];
    const ports = policies.flatMap((p) => (p.spec.ingress ?? []).flatMap((rule: any) => (rule.ports ?? []).map((port: any) => port.port)));
    expect(ports).not.toContain(JAEGER_PORTS.ui);
    expect(ports).not.toContain('ui');
    const uiPolicy = policies.find((p) => (p.spec.ingress ?? []).some((rule: any) => rule.ports.some((port: any) => port.port === OAUTH_PROXY_PORT.port)));
    expect(uiPolicy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'policy-group.network.openshift.io/ingress': '' } } }], ports: [{ port: OAUTH_PROXY_PORT.port, protocol: 'TCP' }] }]);
  });

  test('Jaeger serves under the UI path', () => {
    const config = find('ConfigMap', 'otel-collector-jaeger-config').data['config.yaml'];
    expect(config).toContain(`base_path: ${environment.observability!.tracing.ui && environment.observability!.tracing.ui.path}`);
  });
});
