import { parseEnvironment } from '../../lib/config/environment';
import { alertEmailReceivers, DIFFERS_MARKER, renderEnvironmentReport, synthesizedEnvironment } from '../../lib/report/environment-report';
import { environmentFootprint } from '../../lib/report/footprint';
import { Manifest } from '../../lib/core/manifest';
import { baseEnvironment, snapshotSynthesis, standardSynthesis, synthesizeProjectAgain } from '../support/synthesis';

const MI = 2 ** 20;

function container(name: string, requests: Record<string, string>, limits: Record<string, string>, extra: Record<string, unknown> = {}) {
  return { name, image: `quay.io/x/${name}:1.0`, resources: { requests, limits }, ...extra };
}

function deployment(name: string, containers: unknown[], spec: Record<string, unknown> = {}): Manifest {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { ...spec, template: { spec: { containers } } } };
}

function hpa(target: string, minReplicas: number | undefined, maxReplicas: number): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: `${target}-hpa` },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas, maxReplicas },
  };
}

const small = () => container('api', { cpu: '100m', memory: '128Mi' }, { cpu: '200m', memory: '256Mi' });

/** One environment's row of the report, by its label: [marker, label, ...values]. */
function reportRow(report: string, label: string): string[] {
  const line = report.split('\n').find((candidate) => candidate.split(' | ')[1] === label);
  if (!line) throw new Error(`no row "${label}" in\n${report}`);
  return line.slice(2, -2).split(' | ').map((value) => value.trim());
}

describe('resource totals', () => {
  test('an autoscaled Deployment counts minReplicas at minimum scale and maxReplicas at maximum scale', () => {
    const footprint = environmentFootprint([deployment('api', [small()]), hpa('api', 2, 10)]);
    expect(footprint.minimum).toEqual({ cpuRequests: expect.closeTo(0.2), cpuLimits: expect.closeTo(0.4), memoryRequests: 256 * MI, memoryLimits: 512 * MI });
    expect(footprint.maximum).toEqual({ cpuRequests: expect.closeTo(1), cpuLimits: expect.closeTo(2), memoryRequests: 1280 * MI, memoryLimits: 2560 * MI });
    expect(footprint.workloads).toEqual([expect.objectContaining({ ref: 'Deployment/api', replicas: { min: 2, max: 10 }, autoscaled: true })]);
  });

  test('without an HPA, spec.replicas (default 1) counts at both scales; an HPA without minReplicas starts at 1', () => {
    const footprint = environmentFootprint([
      deployment('fixed', [small()], { replicas: 3 }),
      deployment('single', [small()]),
      deployment('scaled', [small()]),
      hpa('scaled', undefined, 4),
    ]);
    expect(footprint.workloads.map((workload) => [workload.ref, workload.replicas])).toEqual([
      ['Deployment/fixed', { min: 3, max: 3 }],
      ['Deployment/scaled', { min: 1, max: 4 }],
      ['Deployment/single', { min: 1, max: 1 }],
    ]);
    expect(footprint.minimum.memoryRequests).toBe((3 + 1 + 1) * 128 * MI);
    expect(footprint.maximum.memoryRequests).toBe((3 + 4 + 1) * 128 * MI);
  });

  test('Jobs and CronJobs count apart, per run, with their parallelism', () => {
    const job: Manifest = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { template: { spec: { containers: [small()] } } } };
    const cron: Manifest = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report' },
      spec: { jobTemplate: { spec: { parallelism: 3, completions: 2, template: { spec: { containers: [small()] } } } } },
    };
    const footprint = environmentFootprint([job, cron, deployment('api', [small()])]);
    expect(footprint.perRun.cpuRequests).toBeCloseTo(0.1 + 2 * 0.1);
    expect(footprint.minimum.cpuRequests).toBeCloseTo(0.1);
    expect(footprint.workloads.map((workload) => [workload.ref, workload.schedule])).toEqual([
      ['Deployment/api', 'continuous'],
      ['CronJob/report', 'per-run'],
      ['Job/migrate', 'per-run'],
    ]);
  });

  test('a pod reserves its containers plus sidecars, or its largest init container; a missing request defaults to the limit', () => {
    const pod = environmentFootprint([
      deployment('api', [small(), container('proxy', {}, { cpu: '50m', memory: '64Mi' })], {}),
      {
        ...deployment('worker', [small()]),
        spec: {
          template: {
            spec: {
              containers: [small()],
              initContainers: [container('warmup', { cpu: '1', memory: '64Mi' }, { cpu: '1', memory: '64Mi' }), container('log', { cpu: '10m', memory: '16Mi' }, { cpu: '10m', memory: '16Mi' }, { restartPolicy: 'Always' })],
            },
          },
        },
      },
    ]).workloads.map((workload) => [workload.ref, workload.pod.cpuRequests, workload.pod.memoryRequests, workload.unsized]);
    expect(pod).toEqual([
      ['Deployment/api', expect.closeTo(0.15), 192 * MI, []],
      // CPU: the 1-core init container outweighs 100m + the 10m sidecar; memory: 128Mi + 16Mi outweighs 64Mi.
      ['Deployment/worker', expect.closeTo(1), 144 * MI, []],
    ]);
    const unsized = environmentFootprint([deployment('bare', [{ name: 'app', image: 'quay.io/x/app:1' }])]);
    expect(unsized.workloads[0].unsized).toEqual(['Deployment/bare container app']);
    expect(unsized.minimum.cpuRequests).toBe(0);
  });

  test('custom resources that declare spec.resources count as pods, with their replicas; others do not', () => {
    const footprint = environmentFootprint([
      {
        apiVersion: 'opentelemetry.io/v1beta1',
        kind: 'OpenTelemetryCollector',
        metadata: { name: 'otel' },
        spec: { replicas: 2, image: 'otel/collector:0.1', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } } },
      },
      { apiVersion: 'example.org/v1', kind: 'Cache', metadata: { name: 'cache' }, spec: { resources: { limits: { cpu: '500m', memory: '512Mi' } } } },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'rules' }, spec: { groups: [] } },
    ]);
    expect(footprint.workloads.map((workload) => [workload.ref, workload.replicas, workload.images])).toEqual([
      ['Cache/cache', { min: 1, max: 1 }, []],
      ['OpenTelemetryCollector/otel', { min: 2, max: 2 }, ['otel/collector:0.1']],
    ]);
    expect(footprint.minimum.cpuRequests).toBeCloseTo(2 * 0.1 + 0.5);
  });
});

describe('the environment report', () => {
  test('matches its snapshot for the environments of environments/ (images at a fixed version, see withSnapshotVersions)', () => {
    expect(renderEnvironmentReport(snapshotSynthesis().environments)).toMatchSnapshot();
  });

  test('depends only on the environments (no dates): a second synthesis renders the same text', () => {
    expect(renderEnvironmentReport(synthesizeProjectAgain().environments)).toBe(renderEnvironmentReport(standardSynthesis().environments));
  });

  test('shows quota totals from the manifests, formatted as quantities', () => {
    const environment = parseEnvironment(baseEnvironment());
    const report = renderEnvironmentReport([synthesizedEnvironment(environment, [deployment('api', [small()]), hpa('api', 2, 10)], false)]);
    expect(reportRow(report, 'CPU requests, minimum scale')).toEqual(['', 'CPU requests, minimum scale', '200m']);
    expect(reportRow(report, 'CPU requests, maximum scale')).toEqual(['', 'CPU requests, maximum scale', '1']);
    expect(reportRow(report, 'Memory limits, maximum scale')).toEqual(['', 'Memory limits, maximum scale', '2560Mi']);
    expect(reportRow(report, 'Deployment/api replicas')).toEqual(['', 'Deployment/api replicas', '2–10 (HPA)']);
  });

  test('marks the rows whose values differ between environments, and only those', () => {
    const manifests = [deployment('api', [small()]), hpa('api', 2, 10)];
    const report = renderEnvironmentReport([
      synthesizedEnvironment(parseEnvironment(baseEnvironment({ name: 'staging', host: 'co2-calculator-stage.epfl.ch' })), manifests, false),
      synthesizedEnvironment(parseEnvironment(baseEnvironment({ name: 'prod', host: 'co2-calculator.epfl.ch' })), [...manifests.slice(0, 1), hpa('api', 2, 4)], false),
    ]);
    expect(reportRow(report, 'Host')).toEqual([DIFFERS_MARKER, 'Host', '`co2-calculator-stage.epfl.ch`', '`co2-calculator.epfl.ch`']);
    expect(reportRow(report, 'Log level')).toEqual(['', 'Log level', 'INFO', 'INFO']);
    expect(reportRow(report, 'Deployment/api replicas')[0]).toBe(DIFFERS_MARKER);
    expect(reportRow(report, 'CPU requests, minimum scale')[0]).toBe('');
    expect(reportRow(report, 'CPU requests, maximum scale')).toEqual([DIFFERS_MARKER, 'CPU requests, maximum scale', '1', '400m']);
  });

  test('lists the email receivers of AlertmanagerConfigs, or "none"', () => {
    const alerting = (to: string[]): Manifest => ({
      apiVersion: 'monitoring.coreos.com/v1alpha1',
      kind: 'AlertmanagerConfig',
      metadata: { name: 'alerts' },
      spec: { route: { receiver: 'team' }, receivers: [{ name: 'team', emailConfigs: to.map((address) => ({ to: address })) }, { name: 'void' }] },
    });
    expect(alertEmailReceivers([alerting(['ops@epfl.ch', 'dev@epfl.ch', 'ops@epfl.ch'])])).toEqual(['dev@epfl.ch', 'ops@epfl.ch']);
    const report = renderEnvironmentReport([
      synthesizedEnvironment(parseEnvironment(baseEnvironment({ name: 'staging' })), [], false),
      synthesizedEnvironment(parseEnvironment(baseEnvironment({ name: 'prod' })), [alerting(['ops@epfl.ch'])], false),
    ]);
    expect(reportRow(report, 'Alert receivers')).toEqual([DIFFERS_MARKER, 'Alert receivers', 'none', '`ops@epfl.ch`']);
  });
});
