import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { componentLabels, ComponentIdentity } from '../core/labels';
import type { DashboardOptions } from './dashboards/common';
import { GrafanaDashboardResource } from './grafana-dashboard';

export interface ObservabilityDashboardsProps {
  /** Short name of the environment (`prod`): it ends each dashboard's uid and title. */
  readonly environmentName: string;
  /** Namespace whose metrics the dashboards show. @default the chart's namespace */
  readonly namespace?: string;
  /** Labels of the Grafana instances that import the dashboards; must not be empty. */
  readonly instanceSelector: Readonly<Record<string, string>>;
  /** Grafana folder of the dashboards. @default "CO2 Calculator" */
  readonly folder?: string;
}

/**
 * The dashboards of one environment: which module builds each, and the name of its GrafanaDashboard
 * object. Each module, and with it the Grafana SDK, is loaded only when a dashboard is built: the SDK
 * takes longer to load than the rest of the app, and a chart or test that never builds a dashboard should
 * not pay for it. The requires are literal so that a bundler sees them (scripts/run.cjs).
 */
const DASHBOARDS = [
  {
    name: 'co2-calculator-application-overview',
    build: (options: DashboardOptions) => (require('./dashboards/application-overview') as typeof import('./dashboards/application-overview')).applicationOverview(options),
  },
  {
    name: 'co2-calculator-infrastructure-health',
    build: (options: DashboardOptions) => (require('./dashboards/infrastructure-health') as typeof import('./dashboards/infrastructure-health')).infrastructureHealth(options),
  },
  {
    name: 'co2-calculator-database-performance',
    build: (options: DashboardOptions) => (require('./dashboards/database-performance') as typeof import('./dashboards/database-performance')).databasePerformance(options),
  },
] as const;

/**
 * The three Grafana dashboards of one environment (application overview, infrastructure health, database
 * performance), each as a GrafanaDashboard for grafana-operator, showing only the environment's namespace.
 */
export class ObservabilityDashboards extends Construct {
  static readonly IDENTITY: ComponentIdentity = { name: 'co2-calculator-dashboards', component: 'monitoring' };

  /** The GrafanaDashboard of each dashboard, in the order above. */
  readonly dashboards: readonly GrafanaDashboardResource[];

  constructor(scope: Construct, id: string, props: ObservabilityDashboardsProps) {
    super(scope, id);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined || namespace === '') {
      throw new Error('ObservabilityDashboards: no namespace: give one, or create the construct in a chart that has a namespace');
    }
    const labels = componentLabels(this, ObservabilityDashboards.IDENTITY);
    const options: DashboardOptions = { namespace, environmentName: props.environmentName };
    this.dashboards = DASHBOARDS.map(
      ({ name, build }) =>
        new GrafanaDashboardResource(this, name, {
          metadata: { name, labels },
          dashboard: build(options),
          instanceSelector: props.instanceSelector,
          folder: props.folder,
        }),
    );
  }
}
