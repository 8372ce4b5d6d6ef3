import { OpenShiftRoute } from '../../lib/networking/openshift-route';
import { testChart, validManifests } from '../support/synthesis';

const props = { metadata: { name: 'api' }, host: 'example.epfl.ch', path: '/api', serviceName: 'api-service', servicePortName: 'http' };

describe('OpenShiftRoute', () => {
  test('minimal props: edge TLS, HTTP redirected, port by name', () => {
    const chart = testChart();
    new OpenShiftRoute(chart, 'Route', props);
    expect(validManifests(chart)).toMatchSnapshot();
  });

  test('all props: a rewrite target strips the path prefix', () => {
    const chart = testChart();
    new OpenShiftRoute(chart, 'Route', { ...props, metadata: { name: 'api', annotations: { 'haproxy.router.openshift.io/timeout': '60s' } }, rewriteTarget: '/' });
    const [route] = validManifests(chart) as any[];
    expect(route.metadata.annotations).toEqual({ 'haproxy.router.openshift.io/timeout': '60s', 'haproxy.router.openshift.io/rewrite-target': '/' });
  });

  test('refuses a relative path', () => {
    expect(() => new OpenShiftRoute(testChart(), 'Route', { ...props, path: 'api' })).toThrowErrorMatchingSnapshot();
  });
});
