import { OpenShiftRoute } from '../../lib/networking/openshift-route';
import { testChart, validManifests } from '../support/synthesis';

const props = { metadata: { name: 'api' }, host: 'example.epfl.ch', path: '/api', serviceName: 'api-service', servicePortName: 'http' };

/** Every Route asks the router for one year of HSTS, subdomains included. */
const HSTS = { 'haproxy.router.openshift.io/hsts_header': 'max-age=31536000;includeSubDomains' };

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
    expect(route.metadata.annotations).toEqual({ ...HSTS, 'haproxy.router.openshift.io/timeout': '60s', 'haproxy.router.openshift.io/rewrite-target': '/' });
  });

  test('a timeout becomes the router\'s server timeout, in seconds', () => {
    const chart = testChart();
    new OpenShiftRoute(chart, 'Route', { ...props, timeoutSeconds: 3660 });
    const [route] = validManifests(chart) as any[];
    expect(route.metadata.annotations).toEqual({ ...HSTS, 'haproxy.router.openshift.io/timeout': '3660s' });
  });

  test('refuses a timeout that is not a whole number of seconds', () => {
    expect(() => new OpenShiftRoute(testChart(), 'Route', { ...props, timeoutSeconds: 0.5 })).toThrowErrorMatchingSnapshot();
  });

  test('refuses a relative path', () => {
    expect(() => new OpenShiftRoute(testChart(), 'Route', { ...props, path: 'api' })).toThrowErrorMatchingSnapshot();
  });
});
