/**
 * PromQL for the dashboards, built from the metric contract (`../metrics.ts`) so that a metric or label
 * missing from the contract is a type error rather than an empty panel. Every selector filters on the
 * dashboard's `namespace` variable: cluster metrics (and the Thanos querier behind Grafana) see every
 * project, and one environment's dashboard must only show its own.
 *
 * This module only builds strings: it loads nothing from the Grafana SDK.
 */
import { MetricSpec } from '../metrics';

/** Grafana's rate window: at least four scrape intervals, whatever the zoom, so rate() never sees a single sample. */
export const RATE_INTERVAL = '$__rate_interval';
/** Grafana's whole selected time range, for instant queries that summarise it (tables, totals). */
export const TIME_RANGE = '$__range';
/** Name of the dashboard variable holding the environment's namespace. */
export const NAMESPACE_VARIABLE = 'namespace';

/** A label matcher other than equality. */
export interface LabelMatcher {
  readonly op: '!=' | '=~' | '!~';
  readonly value: string;
}

export const notEqual = (value: string): LabelMatcher => ({ op: '!=', value });
export const matchesRegex = (value: string): LabelMatcher => ({ op: '=~', value });

/**
 * Label matchers of one metric, limited to the labels the contract lists for it (and `le`, which every
 * histogram bucket has). A plain string means equality.
 */
export type Matchers<M extends MetricSpec> = {
  readonly [label in M['labels'][number] | (M['type'] extends 'histogram' ? 'le' : never)]?: string | LabelMatcher;
};

/** Which series of a histogram to read; the contract names the histogram, Prometheus stores three series. */
export type HistogramSeries = 'bucket' | 'count' | 'sum';

/** A histogram of the contract. */
export type HistogramSpec = MetricSpec & { readonly type: 'histogram' };

/** `name{namespace="$namespace", ...}`: one metric of the contract, in this dashboard's namespace. */
export function selector<M extends MetricSpec>(metric: M, matchers: Matchers<M> = {}): string {
  return render(metric.name, matchers);
}

/** `name_bucket{namespace="$namespace", ...}` (or `_count`, `_sum`): one series of a histogram of the contract. */
export function histogramSelector<M extends HistogramSpec>(metric: M, series: HistogramSeries, matchers: Matchers<M> = {}): string {
  return render(`${metric.name}_${series}`, matchers);
}

function render(name: string, matchers: object): string {
  const entries = Object.entries(matchers as Record<string, string | LabelMatcher | undefined>).filter(
    (entry): entry is [string, string | LabelMatcher] => entry[1] !== undefined,
  );
  const rendered = [
    `${NAMESPACE_VARIABLE}="$${NAMESPACE_VARIABLE}"`,
    ...entries.map(([label, matcher]) => (typeof matcher === 'string' ? `${label}=${quote(matcher)}` : `${label}${matcher.op}${quote(matcher.value)}`)),
  ];
  return `${name}{${rendered.join(', ')}}`;
}

/** Per-second rate of a counter (or histogram series) over Grafana's rate interval. */
export function rate(vectorSelector: string, window: string = RATE_INTERVAL): string {
  return `rate(${vectorSelector}[${window}])`;
}

/** Increase of a counter over a window. */
export function increase(vectorSelector: string, window: string): string {
  return `increase(${vectorSelector}[${window}])`;
}

/** `sum by (labels) (expr)`, or `sum(expr)` without labels. */
export function sumBy(labels: readonly string[], expr: string): string {
  return aggregate('sum', labels, expr);
}

/** `max by (labels) (expr)`, or `max(expr)` without labels. */
export function maxBy(labels: readonly string[], expr: string): string {
  return aggregate('max', labels, expr);
}

function aggregate(operator: 'sum' | 'max', labels: readonly string[], expr: string): string {
  return labels.length === 0 ? `${operator}(${expr})` : `${operator} by (${labels.join(', ')}) (${expr})`;
}

/** `a / b`, each side parenthesised so operator precedence never depends on what the sides contain. */
export function ratio(numerator: string, denominator: string): string {
  return `(${numerator}) / (${denominator})`;
}

/**
 * The q-quantile of a histogram, over all series of the selection or per `by` label set. The buckets are
 * summed across pods first: quantiles of different pods cannot be combined afterwards.
 */
export function histogramQuantile<M extends HistogramSpec>(
  quantile: number,
  metric: M,
  matchers: Matchers<M> = {},
  by: readonly string[] = [],
  window: string = RATE_INTERVAL,
): string {
  return `histogram_quantile(${quantile}, ${sumBy(['le', ...by], rate(histogramSelector(metric, 'bucket', matchers), window))})`;
}

/** PromQL string literal (Go syntax, which JSON's escaping satisfies). */
function quote(value: string): string {
  return JSON.stringify(value);
}
