import { HostGateway, HTTPS_LISTENER } from '../../lib/networking/gateway';
import { EnvoyBodyLimit } from '../../lib/networking/envoy-gateway';
import { HostCertificate } from '../../lib/networking/host-certificate';
import { gatewayDuration, HostRoute } from '../../lib/networking/http-route';
import { find, sharedValidator, testChart, validManifests } from '../support/synthesis';

const host = 'co2.localtest.me';
const route = { metadata: { name: 'backend' }, gatewayName: 'public', listenerName: HTTPS_LISTENER, host, path: '/api', serviceName: 'backend-service', servicePort: 8000 };

describe('HostRoute', () => {
  test('a stripped prefix is a ReplacePrefixMatch rewrite of a PathPrefix match, valid against the pinned CRD', () => {
    const chart = testChart();
    new HostRoute(chart, 'Route', { ...route, stripPrefix: true, timeoutSeconds: 3660 });
    const [object] = validManifests(chart) as any[];
    expect(object).toMatchObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' });
    expect(object.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'https' }]);
    const [rule] = object.spec.rules;
    expect(rule.matches).toEqual([{ path: { type: 'PathPrefix', value: '/api' } }]);
    expect(rule.filters[0]).toEqual({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } });
    expect(rule.backendRefs).toEqual([{ group: '', kind: 'Service', name: 'backend-service', port: 8000, weight: 1 }]);
    expect(rule.timeouts).toEqual({ request: '1h1m' });
  });

  test('without stripPrefix the path is forwarded as it came, and no timeout is set', () => {
    const chart = testChart();
    new HostRoute(chart, 'Route', { ...route, path: '/docs' });
    const [object] = validManifests(chart) as any[];
    expect(object.spec.rules[0].filters.map((f: any) => f.type)).toEqual(['ResponseHeaderModifier']);
    expect(object.spec.rules[0].timeouts).toBeUndefined();
  });

  test('every response carries HSTS, a year with subdomains, as on the OpenShift Routes', () => {
    const chart = testChart();
    new HostRoute(chart, 'Route', route);
    const [object] = validManifests(chart) as any[];
    expect(object.spec.rules[0].filters).toContainEqual({
      type: 'ResponseHeaderModifier',
      responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: 'max-age=31536000;includeSubDomains' }] },
    });
  });

  test('refuses a path without a leading slash and a timeout of zero', () => {
    expect(() => new HostRoute(testChart(), 'Route', { ...route, path: 'api' })).toThrow('backend: route path "api" must start with "/"');
    expect(() => new HostRoute(testChart(), 'Route', { ...route, timeoutSeconds: 0 })).toThrow('backend: timeoutSeconds must be a whole number above zero, got 0');
  });

  test.each([
    [30, '30s'],
    [60, '1m'],
    [3660, '1h1m'],
    [90061, '25h1m1s'],
  ])('gatewayDuration(%i) is %s, within the CRD pattern', (seconds, expected) => {
    expect(gatewayDuration(seconds)).toBe(expected);
    expect(expected).toMatch(/^([0-9]{1,5}(h|m|s|ms)){1,4}$/);
  });
});

describe('HostGateway', () => {
  const chart = testChart();
  new HostGateway(chart, 'Gateway', { metadata: { name: 'public' }, host, className: 'eg', tlsSecretName: 'co2-tls' });
  const manifests = validManifests(chart) as any[];
  const [gateway] = find(manifests, 'Gateway') as any[];

  test('terminates TLS on 443 with the certificate Secret of its namespace', () => {
    expect(gateway.spec.gatewayClassName).toBe('eg');
    const https = gateway.spec.listeners.find((l: any) => l.name === 'https');
    expect(https).toMatchObject({ protocol: 'HTTPS', port: 443, hostname: host, tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'co2-tls' }] } });
  });

  test('answers plain HTTP on 80 only with a permanent redirect to HTTPS', () => {
    expect(gateway.spec.listeners.find((l: any) => l.name === 'http')).toMatchObject({ protocol: 'HTTP', port: 80, hostname: host });
    const [redirect] = find(manifests, 'HTTPRoute') as any[];
    expect(redirect.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'http' }]);
    expect(redirect.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
  });
});

describe('HostCertificate', () => {
  test('asks the ClusterIssuer for the host, into the Secret the Gateway reads', () => {
    const chart = testChart();
    new HostCertificate(chart, 'Certificate', { metadata: { name: 'co2-tls' }, host, clusterIssuer: 'selfsigned', secretName: 'co2-tls' });
    const [certificate] = validManifests(chart) as any[];
    expect(certificate.spec).toEqual({ secretName: 'co2-tls', dnsNames: [host], issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'selfsigned' } });
  });
});

describe('EnvoyBodyLimit', () => {
  test('limits the route\'s request bodies in MiB through requestBuffer', () => {
    const chart = testChart();
    new EnvoyBodyLimit(chart, 'Limit', { metadata: { name: 'backend' }, routeName: 'backend', maxBodySizeMb: 101 });
    const [policy] = validManifests(chart) as any[];
    expect(policy).toMatchObject({ apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'BackendTrafficPolicy' });
    expect(policy.spec).toEqual({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'backend' }], requestBuffer: { limit: '101Mi' } });
  });

  test('refuses a limit of zero', () => {
    expect(() => new EnvoyBodyLimit(testChart(), 'Limit', { metadata: { name: 'backend' }, routeName: 'backend', maxBodySizeMb: 0 })).toThrow('backend: maxBodySizeMb must be a whole number above zero, got 0');
  });
});

describe('the pinned CRDs refuse what the controllers would', () => {
  const problems = (manifest: object) => sharedValidator().validate(manifest as any);
  const object = (apiVersion: string, kind: string, spec: object) => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'co2-calculator-test' }, spec });

  test.each([
    ['a body limit in megabytes rather than a quantity', object('gateway.envoyproxy.io/v1alpha1', 'BackendTrafficPolicy', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'x' }], requestBuffer: { limit: '101MB' } }), 'spec.requestBuffer.limit'],
    ['a rewrite filter of an unknown type', object('gateway.networking.k8s.io/v1', 'HTTPRoute', { rules: [{ filters: [{ type: 'StripPrefix' }] }] }), 'spec.rules[0].filters[0].type'],
    ['a listener without a protocol', object('gateway.networking.k8s.io/v1', 'Gateway', { gatewayClassName: 'eg', listeners: [{ name: 'https', port: 443 }] }), 'spec.listeners[0].protocol'],
    ['a certificate without an issuer', object('cert-manager.io/v1', 'Certificate', { secretName: 'x', dnsNames: ['co2.localtest.me'] }), 'spec.issuerRef'],
    ['a request timeout in plain seconds past five digits', object('gateway.networking.k8s.io/v1', 'HTTPRoute', { rules: [{ timeouts: { request: '100000s' } }] }), 'spec.rules[0].timeouts.request'],
  ])('%s', (_case, manifest, path) => {
    expect(problems(manifest).map((problem) => problem.path)).toContain(path);
  });
});
