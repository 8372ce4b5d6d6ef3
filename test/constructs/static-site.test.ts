import { DOCS_IMAGE, FRONTEND_IMAGE } from '../../lib/application/contract';
import { parseImageReference } from '../../lib/core/image';
import { docsServer } from '../../lib/workloads/docs-server';
import { StaticSite, StaticSiteProps } from '../../lib/workloads/static-site';
import { find, testChart, validManifests } from '../support/synthesis';

const props: StaticSiteProps = {
  name: 'frontend',
  component: 'web',
  image: parseImageReference('quay.io/example/frontend:1.0.0'),
  contract: FRONTEND_IMAGE,
  serviceAccountName: 'app',
  replicas: { min: 1, max: 1 },
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
  allowIngressFrom: [{ namespaceLabels: { router: 'true' } }],
};
const render = (overrides: Partial<StaticSiteProps> = {}) => {
  const chart = testChart();
  new StaticSite(chart, 'Site', { ...props, ...overrides });
  return validManifests(chart) as any[];
};
const podOf = (manifests: any[]) => (find(manifests, 'Deployment') as any[])[0].spec.template;

describe('StaticSite', () => {
  test('takes port, probe paths and writable directories from the image contract, and its settings as plain variables', () => {
    const manifests = render({ env: { APP_ENVIRONMENT: 'production' } });
    expect(manifests).toMatchSnapshot();
    const [container] = podOf(manifests).spec.containers;
    expect(container.ports).toEqual([{ name: 'http', containerPort: FRONTEND_IMAGE.port, protocol: 'TCP' }]);
    expect([container.livenessProbe, container.readinessProbe, container.startupProbe].map((probe) => probe.httpGet.path)).toEqual(['/healthz', '/ready', '/healthz']);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(container.env).toEqual([{ name: 'APP_ENVIRONMENT', value: 'production' }]);
  });

  test('mounts a server config read-only from a ConfigMap over the image\'s, and rolls when it changes', () => {
    const docs = docsServer('/docs');
    const withConfig = (content: string) =>
      render({ name: 'docs', contract: docs.contract, serverConfig: { directory: DOCS_IMAGE.serverConfigDirectory, file: DOCS_IMAGE.serverConfigFile, content } });
    const manifests = withConfig(docs.config);
    expect((find(manifests, 'ConfigMap', 'docs-server-config') as any[])[0].data).toEqual({ 'default.conf': docs.config });
    const pod = podOf(manifests);
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'server-config', mountPath: '/etc/nginx/conf.d', readOnly: true });
    expect(pod.spec.volumes).toContainEqual({ name: 'server-config', configMap: { name: 'docs-server-config' } });
    expect(pod.spec.containers[0].startupProbe).toBeUndefined();
    const checksum = (content: string) => podOf(withConfig(content)).metadata.annotations['co2-calculator.epfl.ch/config-checksum'];
    expect(checksum(docs.config)).not.toBe(checksum(`${docs.config}\n`));
  });
});

describe('docsServer', () => {
  test('answers its probe path and serves the site under the prefix only', () => {
    const { config, contract } = docsServer('/docs');
    expect(contract.probes).toEqual({ liveness: '/healthz', readiness: '/healthz' });
    expect(config).toMatchSnapshot();
  });

  test('refuses a prefix that is not one path segment', () => {
    expect(() => docsServer('/docs/v2')).toThrowErrorMatchingSnapshot();
  });
});
