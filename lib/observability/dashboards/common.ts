/**
 * What the three dashboards share: their variables, how a query and a panel are made, and how a
 * dashboard is assembled from rows. The dashboards themselves only say what to show.
 *
 * We build the classic dashboard model (`dashboard`, schema v1) although the SDK marks its builder
 * deprecated in favour of `dashboardv2`: grafana-operator v5 imports `spec.json` through Grafana's classic
 * dashboard API, which only takes the v1 model.
 */
import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { assertDashboardUid } from '../grafana-dashboard';
import { HistogramSpec, histogramQuantile, Matchers, NAMESPACE_VARIABLE } from './promql';

/** What every dashboard function takes. */
export interface DashboardOptions {
  /** Namespace the dashboard shows: the environment's OpenShift project. */
  readonly namespace: string;
  /** Short name of the environment (`prod`); it ends the uid and the title. */
  readonly environmentName: string;
}

/** Name of the data source variable. */
export const DATASOURCE_VARIABLE = 'datasource';
/** Tag of all our dashboards; with the environment's name it links the three dashboards of one environment. */
export const DASHBOARD_TAG = 'co2-calculator';

/**
 * Every panel and query reads from the data source picked in the variable, never from a fixed uid:
 * the same dashboard works in any Grafana whatever its data sources are called.
 */
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

/** Quantiles every latency panel shows: the typical request and the slow tail. */
export const PERCENTILES = [0.5, 0.95, 0.99] as const;

/** One PromQL query of a panel. */
export interface Query {
  readonly expr: string;
  /** Series name, with `{{label}}` placeholders. @default Grafana's automatic legend */
  readonly legend?: string;
  /**
   * Evaluate once at the end of the range instead of over it: for values that already summarise the range
   * (`$__range` windows) and for tables. @default false
   */
  readonly instant?: boolean;
}

/** A colour step: from `value` up, the panel shows `color`. */
export interface Threshold {
  readonly value: number;
  readonly color: 'orange' | 'red';
}

/** What every panel has. */
export interface PanelSpec {
  readonly title: string;
  /** Shown in the panel's info tooltip: what the numbers mean and where they come from. */
  readonly description: string;
  /** Grafana unit id (`reqps`, `s`, `percentunit`, `bytes`, `Bps`, `short`, ...). */
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Columns out of 24; each row's panels must add up to whole lines of 24. @default 12 */
  readonly width?: number;
  /** @default 8 */
  readonly height?: number;
  /** Warning and critical levels, in ascending order: they colour the values, and graphs draw them dashed. @default none */
  readonly thresholds?: readonly Threshold[];
}

export interface TimeSeriesSpec extends PanelSpec {
  /** Stack the series (parts of one whole, e.g. pool connections by state). @default false */
  readonly stacked?: boolean;
  /** Bars instead of lines, for counts of discrete events per interval. @default false */
  readonly bars?: boolean;
  /**
   * Regular expression of series names that are limits or capacities: drawn dashed, never stacked or
   * filled, so that usage reads against them. @default none
   */
  readonly limitSeries?: string;
  /** A legend table at the right with the last and highest value, for panels with many series. @default false */
  readonly legendTable?: boolean;
}

export interface StatSpec extends PanelSpec {
  /** Shown when the query returns nothing, e.g. "0" where no series means no event. @default Grafana's "No data" */
  readonly noValue?: string;
}

export interface TableSpec extends PanelSpec {
  /** Header of the value column; the table is sorted on it, highest first. */
  readonly valueColumn: string;
}

/** A titled row of panels; the panels are laid out left to right, wrapping at 24 columns. */
export interface DashboardRow {
  readonly title: string;
  readonly panels: readonly PanelBuilder[];
}

export interface DashboardDefinition {
  /** Start of the uid; `-<environment>` is appended. Kept short: the whole uid may have 40 characters. */
  readonly uidPrefix: string;
  /** Title without the environment, which is appended. */
  readonly title: string;
  readonly description: string;
  readonly rows: readonly DashboardRow[];
}

/** The panel builders of the SDK, by what our assembly needs from them. */
export interface PanelBuilder extends cog.Builder<dashboard.Panel> {
  id(id: number): this;
}

/** The settings shared by every panel kind of the SDK. */
interface ConfigurablePanel extends PanelBuilder {
  title(title: string): this;
  description(description: string): this;
  datasource(datasource: common.DataSourceRef): this;
  unit(unit: string): this;
  targets(targets: cog.Builder<cog.Dataquery>[]): this;
  span(width: number): this;
  height(height: number): this;
  thresholds(thresholds: cog.Builder<dashboard.ThresholdsConfig>): this;
}

/** Queries of the p50, p95 and p99 of a histogram, across all its series. */
export function percentileQueries<M extends HistogramSpec>(metric: M, matchers: Matchers<M> = {}): Query[] {
  return PERCENTILES.map((quantile) => ({ expr: histogramQuantile(quantile, metric, matchers), legend: `p${Math.round(quantile * 100)}` }));
}

export function timeSeriesPanel(spec: TimeSeriesSpec): timeseries.PanelBuilder {
  const legend = new common.VizLegendOptionsBuilder().showLegend(true);
  if (spec.legendTable) {
    legend.displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Right).calcs(['lastNotNull', 'max']).sortBy('Last *').sortDesc(true);
  } else {
    legend.displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom);
  }
  const panel = configure(new timeseries.PanelBuilder(), spec, queryTargets(spec.queries, 'range'))
    .legend(legend)
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .drawStyle(spec.bars ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .fillOpacity(spec.stacked || spec.bars ? 60 : 10)
    .showPoints(common.VisibilityMode.Never)
    .stacking(new common.StackingConfigBuilder().mode(spec.stacked ? common.StackingMode.Normal : common.StackingMode.None))
    // Everything we plot is non-negative: an axis from zero keeps small changes from looking dramatic.
    .axisSoftMin(0);
  if (spec.thresholds !== undefined) {
    panel.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  }
  if (spec.limitSeries !== undefined) {
    panel.overrideByRegexp(spec.limitSeries, [
      { id: 'custom.lineStyle', value: new common.LineStyleBuilder().fill('dash').dash([10, 10]).build() },
      { id: 'custom.stacking', value: new common.StackingConfigBuilder().mode(common.StackingMode.None).build() },
      { id: 'custom.fillOpacity', value: 0 },
    ]);
  }
  return panel;
}

/** A single number (the last value) with its trend as a sparkline, for the summary at the top. */
export function statPanel(spec: StatSpec): stat.PanelBuilder {
  const panel = configure(new stat.PanelBuilder(), spec, queryTargets(spec.queries, 'range'))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value);
  if (spec.noValue !== undefined) panel.noValue(spec.noValue);
  return panel;
}

/** One row per series of an instant query: its labels, then its value under `valueColumn`. */
export function tablePanel(spec: TableSpec): table.PanelBuilder {
  return configure(new table.PanelBuilder(), spec, queryTargets(spec.queries, 'table'))
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: spec.valueColumn } } })
    .sortBy([new common.TableSortByFieldStateBuilder().displayName(spec.valueColumn).desc(true)]);
}

/** Height of the summary tiles: a number and its sparkline need less than a graph. */
const SUMMARY_HEIGHT = 5;

/** The first row of a dashboard: a few key numbers side by side, sharing the full width equally. */
export function summaryRow(stats: readonly Omit<StatSpec, 'width' | 'height'>[]): DashboardRow {
  if (24 % stats.length !== 0) throw new Error(`a summary row of ${stats.length} tiles cannot share 24 columns equally`);
  return { title: 'Summary', panels: stats.map((spec) => statPanel({ ...spec, width: 24 / stats.length, height: SUMMARY_HEIGHT })) };
}

/**
 * The dashboard model: the data source and namespace variables, then the rows in order. Panel ids are
 * numbered in that order, so they are unique and stable as long as the layout does not change.
 */
export function buildDashboard(definition: DashboardDefinition, options: DashboardOptions): dashboard.Dashboard {
  const uid = `${definition.uidPrefix}-${options.environmentName}`;
  assertDashboardUid(uid, `dashboard "${definition.title}" of environment "${options.environmentName}"`);
  if (options.namespace.trim() === '') {
    throw new Error(`dashboard ${uid}: namespace is empty, so every query would match nothing`);
  }
  const tags = [DASHBOARD_TAG, options.environmentName];
  const builder = new dashboard.DashboardBuilder(`${definition.title} (${options.environmentName})`)
    .uid(uid)
    .description(definition.description)
    .tags(tags)
    // The GrafanaDashboard object is the source of truth and the operator overwrites UI edits on resync.
    .readonly()
    .timezone('browser')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('CO2 Calculator')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(tags)
        .asDropdown(true)
        .keepTime(true)
        .includeVars(true),
    )
    .withVariable(new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Data source').type('prometheus'))
    .withVariable(
      // A hidden constant rather than a query variable: each environment's copy of the dashboard shows
      // its own namespace, and nobody can point it at another project's data by mistake.
      new dashboard.ConstantVariableBuilder(NAMESPACE_VARIABLE).label('Namespace').value(options.namespace),
    );
  let id = 1;
  for (const row of definition.rows) {
    builder.withRow(new dashboard.RowBuilder(row.title).id(id++));
    for (const panel of row.panels) builder.withPanel(panel.id(id++));
  }
  return builder.build();
}

function configure<B extends ConfigurablePanel>(builder: B, spec: PanelSpec, targets: cog.Builder<cog.Dataquery>[]): B {
  const steps: dashboard.Threshold[] = [{ value: null, color: 'green' }, ...(spec.thresholds ?? []).map((step) => ({ value: step.value, color: step.color }))];
  return builder
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .targets(targets)
    .span(spec.width ?? 12)
    .height(spec.height ?? 8)
    // Explicit even without levels: Grafana's default turns every value from 80 up red.
    .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps));
}

function queryTargets(queries: readonly Query[], kind: 'range' | 'table'): prometheus.DataqueryBuilder[] {
  return queries.map((query, index) => {
    const target = new prometheus.DataqueryBuilder()
      .refId(String.fromCharCode(65 + index))
      .datasource(DATASOURCE)
      .editorMode(prometheus.QueryEditorMode.Code)
      .expr(query.expr);
    if (query.legend !== undefined) target.legendFormat(query.legend);
    if (kind === 'table') return target.instant().format(prometheus.PromQueryFormat.Table);
    return query.instant ? target.instant() : target.range();
  });
}
