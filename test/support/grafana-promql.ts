/**
 * Checks a PromQL expression written for Grafana against Prometheus' grammar and the metric contract:
 * every metric and label it reads is in METRICS, every selector is limited to the dashboard's
 * namespace, and rate()-like functions get a range.
 */
import { METRICS, MetricSpec } from '../../lib/observability/metrics';
import { parsePromQL } from './promql';

/** Grafana's interval variables stand where PromQL expects a duration. */
const DURATION_VARIABLES: Readonly<Record<string, string>> = { __rate_interval: '5m', __interval: '1m', __range: '1h' };
/** What any other variable (`$namespace`, `${datasource}`) becomes: valid inside a string literal, recognisable after. */
export const variablePlaceholder = (name: string) => `__grafana_variable_${name}__`;

const RANGE_FUNCTIONS = new Set(['rate', 'irate', 'increase', 'delta', 'deriv', 'avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'count_over_time']);
const HISTOGRAM_SERIES = ['_bucket', '_count', '_sum'];
const CONTRACT: readonly MetricSpec[] = Object.values(METRICS);

/** Grafana's variables replaced by values the PromQL grammar accepts. */
export function substituteVariables(expr: string): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_match, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    return DURATION_VARIABLES[name] ?? variablePlaceholder(name);
  });
}

/** The contract's entry for a series name, histogram series (`_bucket`, `_count`, `_sum`) included. */
export function contractMetric(seriesName: string): MetricSpec | undefined {
  return CONTRACT.find(
    (spec) => spec.name === seriesName || (spec.type === 'histogram' && HISTOGRAM_SERIES.some((suffix) => seriesName === `${spec.name}${suffix}`)),
  );
}

export interface ExpressionAnalysis {
  /** Metric names the expression selects, as written. */
  readonly metrics: string[];
  /** Label names it matches on or groups by. */
  readonly labels: string[];
  /** What is wrong with it; empty when it is fine. */
  readonly problems: string[];
}

/**
 * Parses `expr` and reports syntax errors, metrics and labels outside the contract, selectors without
 * `namespace="$namespace"`, and range functions applied to an instant vector. `legend` is checked too:
 * a `{{label}}` the result cannot have would show literally.
 */
export function analyzeExpression(expr: string, legend?: string): ExpressionAnalysis {
  const parsed = parsePromQL(substituteVariables(expr));
  const problems = [...parsed.errors];
  const metrics: string[] = [];
  for (const selector of parsed.selectors) {
    if (selector.metric === undefined) problems.push(`selector ${selector.text} names no metric`);
    else metrics.push(selector.metric);
    const inNamespace = selector.matchers.some((m) => m.name === 'namespace' && m.op === '=' && m.value === variablePlaceholder('namespace'));
    if (!inNamespace) problems.push(`selector ${selector.text} does not filter namespace="$namespace"`);
  }
  for (const call of parsed.functionCalls) {
    if (RANGE_FUNCTIONS.has(call.name) && call.firstArgument !== 'MatrixSelector' && call.firstArgument !== 'SubqueryExpr') {
      problems.push(`${call.name}() needs a range vector: ${call.text}`);
    }
  }

  const specs = metrics.map((name) => ({ name, spec: contractMetric(name) }));
  for (const { name, spec } of specs) {
    if (spec === undefined) problems.push(`metric ${name} is not in METRICS (lib/observability/metrics.ts)`);
  }
  const allowed = new Set(['namespace']);
  for (const { spec } of specs) {
    spec?.labels.forEach((label) => allowed.add(label));
    if (spec?.type === 'histogram') allowed.add('le');
  }
  const labels = [...parsed.labelNames];
  for (const label of new Set(labels)) {
    if (!allowed.has(label)) problems.push(`label ${label} is not in the contract of ${metrics.join(', ') || 'any metric used'}`);
  }
  for (const [, label] of (legend ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
    if (!allowed.has(label)) problems.push(`legend uses {{${label}}}, which the result cannot have`);
  }
  return { metrics, labels, problems };
}
