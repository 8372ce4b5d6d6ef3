import { DisruptionBudget } from '../../lib/workloads/disruption-budget';
import { HorizontalAutoscaler } from '../../lib/workloads/horizontal-autoscaler';
import { testChart, validManifests } from '../support/synthesis';

describe('HorizontalAutoscaler', () => {
  test('minimal props: CPU 70% and memory 80% of requests', () => {
    const chart = testChart();
    new HorizontalAutoscaler(chart, 'Hpa', { metadata: { name: 'api-hpa' }, deploymentName: 'api', minReplicas: 2, maxReplicas: 10 });
    expect(validManifests(chart)).toMatchSnapshot();
  });

  test('all props: custom targets', () => {
    const chart = testChart();
    new HorizontalAutoscaler(chart, 'Hpa', {
      metadata: { name: 'api-hpa', labels: { team: 'a' } },
      deploymentName: 'api',
      minReplicas: 3,
      maxReplicas: 5,
      cpuUtilization: 50,
      memoryUtilization: 90,
    });
    const [hpa] = validManifests(chart) as any[];
    expect(hpa.spec.metrics.map((m: any) => m.resource.target.averageUtilization)).toEqual([50, 90]);
  });

  test.each([
    ['min equal to max', { minReplicas: 3, maxReplicas: 3 }],
    ['min above max', { minReplicas: 4, maxReplicas: 3 }],
    ['min of zero', { minReplicas: 0, maxReplicas: 3 }],
    ['a utilization above 100%', { minReplicas: 1, maxReplicas: 3, cpuUtilization: 150 }],
  ])('refuses %s', (_case, props) => {
    expect(() => new HorizontalAutoscaler(testChart(), 'Hpa', { metadata: { name: 'api-hpa' }, deploymentName: 'api', ...props })).toThrowErrorMatchingSnapshot();
  });
});

describe('DisruptionBudget', () => {
  test('minimal props: keeps one pod, lets drains evict unhealthy ones', () => {
    const chart = testChart();
    new DisruptionBudget(chart, 'Pdb', { metadata: { name: 'api-pdb' }, podLabels: { app: 'api' }, minReplicas: 2 });
    expect(validManifests(chart)).toMatchSnapshot();
  });

  test('refuses a budget that would block every drain', () => {
    expect(
      () => new DisruptionBudget(testChart(), 'Pdb', { metadata: { name: 'docs-pdb' }, podLabels: { app: 'docs' }, minReplicas: 1 }),
    ).toThrowErrorMatchingSnapshot();
    expect(
      () => new DisruptionBudget(testChart(), 'Pdb', { metadata: { name: 'api-pdb' }, podLabels: { app: 'api' }, minReplicas: 3, minAvailable: 3 }),
    ).toThrow("minAvailable 3 is not below the workload's minimum of 3 replica(s)");
  });
});
