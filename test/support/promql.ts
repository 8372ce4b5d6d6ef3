/**
 * Checks a PromQL expression written for Grafana with Prometheus' own grammar (@prometheus-io/lezer-promql,
 * the parser of the Prometheus UI), and against the metric contract: every metric and label it reads is in
 * METRICS, every selector is limited to the dashboard's namespace, and rate()-like functions get a range.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { METRICS, MetricSpec } from '../../lib/observability/metrics';

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
  const text = substituteVariables(expr);
  const tree = parser.parse(text);
  const metrics: string[] = [];
  const labels: string[] = [];
  const problems: string[] = [];
  const namespaceValue = JSON.stringify(variablePlaceholder('namespace'));

  tree.iterate({
    enter(ref) {
      const node = ref.node;
      const source = text.slice(node.from, node.to);
      if (ref.type.isError) {
        problems.push(`syntax error at ${node.from}: ${JSON.stringify(text.slice(Math.max(0, node.from - 20), node.from + 20))}`);
      } else if (ref.name === 'VectorSelector') {
        const name = node.getChild('Identifier');
        if (name === null) {
          problems.push(`selector ${source} names no metric`);
        } else {
          metrics.push(text.slice(name.from, name.to));
        }
        const matchers = node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
        const inNamespace = matchers.some((matcher) => {
          const label = matcher.getChild('LabelName');
          const op = matcher.getChild('MatchOp');
          const value = matcher.getChild('StringLiteral');
          return label && op && value && text.slice(label.from, label.to) === 'namespace' && text.slice(op.from, op.to) === '=' && text.slice(value.from, value.to) === namespaceValue;
        });
        if (!inNamespace) problems.push(`selector ${source} does not filter namespace="$namespace"`);
      } else if (ref.name === 'LabelName') {
        labels.push(source);
      } else if (ref.name === 'FunctionCall') {
        const fn = node.getChild('FunctionIdentifier');
        const argument = node.getChild('FunctionCallBody')?.firstChild;
        const name = fn ? text.slice(fn.from, fn.to) : '';
        if (RANGE_FUNCTIONS.has(name) && argument?.name !== 'MatrixSelector' && argument?.name !== 'SubqueryExpr') {
          problems.push(`${name}() needs a range vector, got ${argument ? text.slice(argument.from, argument.to) : 'nothing'}`);
        }
      }
    },
  });

  const specs = metrics.map((name) => ({ name, spec: contractMetric(name) }));
  for (const { name, spec } of specs) {
    if (spec === undefined) problems.push(`metric ${name} is not in METRICS (lib/observability/metrics.ts)`);
  }
  const allowed = new Set(['namespace']);
  for (const { spec } of specs) {
    spec?.labels.forEach((label) => allowed.add(label));
    if (spec?.type === 'histogram') allowed.add('le');
  }
  for (const label of new Set(labels)) {
    if (!allowed.has(label)) problems.push(`label ${label} is not in the contract of ${metrics.join(', ') || 'any metric used'}`);
  }
  for (const [, label] of (legend ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
    if (!allowed.has(label)) problems.push(`legend uses {{${label}}}, which the result cannot have`);
  }
  return { metrics, labels, problems };
}
