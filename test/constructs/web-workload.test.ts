import { k8s } from 'cdk8s-plus-28';
import { parseImageReference } from '../../lib/core/image';
import { httpProbe } from '../../lib/core/restricted-pod';
import { WebWorkload, WebWorkloadProps } from '../../lib/workloads/web-workload';
import { find, testChart, validManifests } from '../support/synthesis';

const minimalProps: WebWorkloadProps = {
  name: 'api',
  component: 'api',
  image: parseImageReference('quay.io/example/api:1.0.0'),
  serviceAccountName: 'default',
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
  containerPort: 8000,
  replicas: { min: 1, max: 1 },
  livenessProbe: httpProbe('/healthz', 'http'),
  readinessProbe: httpProbe('/ready', 'http'),
  allowIngressFrom: [{ podLabels: { role: 'client' } }],
  shutdown: { preStopSeconds: 5, drainSeconds: 10 },
};

describe('WebWorkload', () => {
  test('minimal props: a fixed-size Deployment, its Service and its ingress policy; no autoscaler, no budget', () => {
    const chart = testChart();
    new WebWorkload(chart, 'Api', minimalProps);
    const manifests = validManifests(chart);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['Deployment/api', 'Service/api-service', 'NetworkPolicy/api-network-policy']);
    expect(manifests).toMatchSnapshot();
  });

  test('all props: an autoscaled range adds an HPA, a PDB, topology spread, and leaves replicas to the HPA', () => {
    const chart = testChart();
    const workload = new WebWorkload(chart, 'Api', {
      ...minimalProps,
      serviceName: 'api',
      servicePort: 80,
      replicas: { min: 3, max: 6 },
      startupProbe: httpProbe('/healthz', 'http', { failureThreshold: 30 }),
      command: ['uvicorn', 'app:app'],
      env: [{ name: 'MODE', value: 'x' }],
      envFrom: [{ configMapRef: { name: 'settings' } }],
      scratchDirectories: [{ path: '/tmp', sizeLimit: '1Gi' }, { path: '/var/cache/app' }],
      podAnnotations: { 'example.org/checksum': 'abc' },
      allowIngressFrom: [{ namespaceLabels: { router: 'true' } }, { podLabels: { role: 'client' }, namespaceLabels: { team: 'a' } }],
    });
    const manifests = validManifests(chart);
    expect(manifests).toMatchSnapshot();
    const deployment = find(manifests, 'Deployment')[0] as any;
    expect(deployment.spec.replicas).toBeUndefined();
    expect(find(manifests, 'HorizontalPodAutoscaler', 'api-hpa')).toHaveLength(1);
    expect((find(manifests, 'PodDisruptionBudget', 'api-pdb')[0] as any).spec.minAvailable).toBe(1);
    expect(workload.serviceName).toBe('api');
    expect(workload.podSelector).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'co2-calculator-test' });
  });

  test('a single replica gets no disruption budget even when autoscaled from one', () => {
    const chart = testChart();
    new WebWorkload(chart, 'Api', { ...minimalProps, replicas: { min: 1, max: 4 } });
    const manifests = validManifests(chart);
    expect(find(manifests, 'HorizontalPodAutoscaler')).toHaveLength(1);
    expect(find(manifests, 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('refuses an ingress policy without peers', () => {
    expect(() => new WebWorkload(testChart(), 'Api', { ...minimalProps, allowIngressFrom: [] })).toThrowErrorMatchingSnapshot();
  });

  test('refuses a peer that selects nothing in particular', () => {
    expect(() => new WebWorkload(testChart(), 'Api', { ...minimalProps, allowIngressFrom: [{}] })).toThrowErrorMatchingSnapshot();
  });

  test('refuses scratch space at the root', () => {
    expect(() => new WebWorkload(testChart(), 'Api', { ...minimalProps, scratchDirectories: [{ path: '/' }] })).toThrowErrorMatchingSnapshot();
  });

  test('never emits the image pull policy Always or cdk8s hash labels', () => {
    const chart = testChart();
    new WebWorkload(chart, 'Api', minimalProps);
    const text = JSON.stringify(validManifests(chart));
    expect(text).not.toContain('cdk8s.io/metadata.addr');
    expect(text).not.toContain('"imagePullPolicy":"Always"');
    expect(k8s.IntOrString.fromString('http').value).toBe('http');
  });
});
