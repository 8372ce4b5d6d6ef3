import { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { GrafanaDashboardResource, GrafanaDashboardResourceProps } from '../../lib/observability/grafana-dashboard';
import { testChart, validManifests } from '../support/synthesis';

const model = () => new DashboardBuilder('Example').uid('example-dashboard').build();
const minimalProps = (): GrafanaDashboardResourceProps => ({
  metadata: { name: 'example' },
  dashboard: model(),
  instanceSelector: { dashboards: 'grafana' },
});

describe('GrafanaDashboardResource', () => {
  test('minimal props: in the CO2 Calculator folder, importable from another namespace, resynced every 10 minutes', () => {
    const chart = testChart();
    new GrafanaDashboardResource(chart, 'Dashboard', minimalProps());
    const manifests = validManifests(chart) as any[];
    expect(manifests).toMatchSnapshot();
    expect(manifests[0].spec).toMatchObject({ folder: 'CO2 Calculator', allowCrossNamespaceImport: true, resyncPeriod: '10m' });
  });

  test('all props', () => {
    const chart = testChart();
    const resource = new GrafanaDashboardResource(chart, 'Dashboard', {
      ...minimalProps(),
      metadata: { name: 'example', labels: { team: 'co2' }, annotations: { 'example.org/owner': 'ops' } },
      instanceSelector: { dashboards: 'grafana', tier: 'shared' },
      folder: 'Apps',
      allowCrossNamespaceImport: false,
      resyncPeriod: '1h30m',
    });
    const manifests = validManifests(chart) as any[];
    expect(manifests).toMatchSnapshot();
    expect(resource.uid).toBe('example-dashboard');
  });

  test('spec.json is the model, indented, and parses back to it', () => {
    const chart = testChart();
    new GrafanaDashboardResource(chart, 'Dashboard', minimalProps());
    const [manifest] = validManifests(chart) as any[];
    expect(JSON.parse(manifest.spec.json)).toStrictEqual(model());
    expect(manifest.spec.json).toBe(`${JSON.stringify(model(), undefined, 2)}\n`);
  });

  test('refuses an empty instance selector', () => {
    expect(() => new GrafanaDashboardResource(testChart(), 'Dashboard', { ...minimalProps(), instanceSelector: {} })).toThrowErrorMatchingSnapshot();
  });

  test('refuses a uid Grafana would reject', () => {
    const tooLong = new DashboardBuilder('Example').uid('a'.repeat(41)).build();
    expect(() => new GrafanaDashboardResource(testChart(), 'Dashboard', { ...minimalProps(), dashboard: tooLong })).toThrowErrorMatchingSnapshot();
    const missing = new DashboardBuilder('Example').build();
    expect(() => new GrafanaDashboardResource(testChart(), 'Dashboard', { ...minimalProps(), dashboard: missing })).toThrow(/uid undefined is invalid/);
    const slash = new DashboardBuilder('Example').uid('co2/prod').build();
    expect(() => new GrafanaDashboardResource(testChart(), 'Dashboard', { ...minimalProps(), dashboard: slash })).toThrow(/uid "co2\/prod" is invalid/);
  });

  test('refuses a resync period that is not a Go duration, and an empty folder', () => {
    expect(() => new GrafanaDashboardResource(testChart(), 'Dashboard', { ...minimalProps(), resyncPeriod: '10 minutes' })).toThrowErrorMatchingSnapshot();
    expect(() => new GrafanaDashboardResource(testChart(), 'Dashboard', { ...minimalProps(), folder: ' ' })).toThrow(/folder must not be empty/);
  });
});
