import { NginxIngress } from '../../lib/networking/nginx-ingress';
import { testChart, validManifests } from '../support/synthesis';

const props = { metadata: { name: 'api' }, host: 'co2.localtest.me', path: '/api', serviceName: 'api-service', servicePortName: 'http', tlsSecretName: 'tls' };

describe('NginxIngress', () => {
  test('minimal props: one Prefix path with TLS, no annotation', () => {
    const chart = testChart();
    new NginxIngress(chart, 'Ingress', props);
    const [ingress] = validManifests(chart) as any[];
    expect(ingress).toMatchSnapshot();
    expect(ingress.metadata.annotations).toBeUndefined();
  });

  test('all props: a stripped prefix, the certificate issuer, a timeout and a body limit', () => {
    const chart = testChart();
    new NginxIngress(chart, 'Ingress', { ...props, stripPrefix: true, clusterIssuer: 'selfsigned', timeoutSeconds: 3660, maxBodySizeMb: 101 });
    const [ingress] = validManifests(chart) as any[];
    expect(ingress.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'selfsigned',
      'nginx.ingress.kubernetes.io/use-regex': 'true',
      'nginx.ingress.kubernetes.io/rewrite-target': '/$2',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3660',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3660',
      'nginx.ingress.kubernetes.io/proxy-body-size': '101m',
    });
    expect(ingress.spec.rules[0].http.paths[0]).toMatchObject({ path: '/api(/|$)(.*)', pathType: 'ImplementationSpecific' });
  });

  test('refuses a body limit of zero', () => {
    expect(() => new NginxIngress(testChart(), 'Ingress', { ...props, maxBodySizeMb: 0 })).toThrowErrorMatchingSnapshot();
  });
});
