import { App, Chart } from 'cdk8s';
import { ObservabilityDashboards } from '../../lib/observability/observability-dashboards';
import { testChart, validManifests } from '../support/synthesis';

const minimalProps = { environmentName: 'test', instanceSelector: { dashboards: 'grafana' } };
const NAMES = ['co2-calculator-application-overview', 'co2-calculator-infrastructure-health', 'co2-calculator-database-performance'];

const dashboardModel = (manifest: any) => JSON.parse(manifest.spec.json);
const namespaceVariable = (manifest: any) => dashboardModel(manifest).templating.list.find((variable: any) => variable.name === 'namespace');

describe('ObservabilityDashboards', () => {
  test('minimal props: three GrafanaDashboards showing the chart\'s namespace, in the CO2 Calculator folder', () => {
    const chart = testChart();
    const dashboards = new ObservabilityDashboards(chart, 'Dashboards', minimalProps);
    const manifests = validManifests(chart) as any[];
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(NAMES.map((name) => `GrafanaDashboard/${name}`));
    expect(manifests).toMatchSnapshot();
    expect(dashboards.dashboards.map((dashboard) => dashboard.uid)).toEqual(['co2-app-overview-test', 'co2-infra-health-test', 'co2-db-performance-test']);
    for (const manifest of manifests) {
      expect(manifest.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'co2-calculator-dashboards', 'app.kubernetes.io/component': 'monitoring' });
      expect(manifest.spec).toMatchObject({ folder: 'CO2 Calculator', allowCrossNamespaceImport: true, instanceSelector: { matchLabels: { dashboards: 'grafana' } } });
      expect(namespaceVariable(manifest).query).toBe('co2-calculator-test');
    }
  });

  test('all props: another namespace and folder', () => {
    const chart = testChart();
    new ObservabilityDashboards(chart, 'Dashboards', {
      ...minimalProps,
      environmentName: 'prod',
      namespace: 'svc1751-co2-calculator-prod',
      folder: 'EPFL / CO2 Calculator',
      instanceSelector: { dashboards: 'grafana', 'grafana.epfl.ch/tenant': 'svc1751' },
    });
    const manifests = validManifests(chart) as any[];
    // The models are in the minimal snapshot; here only what the props change.
    expect(manifests.map((m) => ({ ...m, spec: { ...m.spec, json: `${dashboardModel(m).uid} (${namespaceVariable(m).query})` } }))).toMatchSnapshot();
  });

  test('stays far below the 256 KiB annotation limit of client-side apply, which stores the whole object', () => {
    const chart = testChart();
    new ObservabilityDashboards(chart, 'Dashboards', minimalProps);
    for (const manifest of validManifests(chart)) expect(JSON.stringify(manifest).length).toBeLessThan(128 * 1024);
  });

  test('refuses an empty instance selector', () => {
    expect(() => new ObservabilityDashboards(testChart(), 'Dashboards', { ...minimalProps, instanceSelector: {} })).toThrowErrorMatchingSnapshot();
  });

  test('refuses an environment name that makes a dashboard uid longer than 40 characters', () => {
    expect(() => new ObservabilityDashboards(testChart(), 'Dashboards', { ...minimalProps, environmentName: 'integration-testing-long-name' })).toThrowErrorMatchingSnapshot();
  });

  test('refuses to guess the namespace when the chart has none', () => {
    const chart = new Chart(new App(), 'no-namespace');
    expect(() => new ObservabilityDashboards(chart, 'Dashboards', minimalProps)).toThrowErrorMatchingSnapshot();
  });
});
