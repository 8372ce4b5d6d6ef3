import type { Dashboard, GridPos, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import { applicationOverview } from '../../lib/observability/dashboards/application-overview';
import { DashboardOptions } from '../../lib/observability/dashboards/common';
import { databasePerformance, SLOW_QUERY_THRESHOLD_SECONDS } from '../../lib/observability/dashboards/database-performance';
import { infrastructureHealth } from '../../lib/observability/dashboards/infrastructure-health';
import { METRICS } from '../../lib/observability/metrics';
import { analyzeExpression, contractMetric } from '../support/grafana-promql';

const options: DashboardOptions = { namespace: 'co2-calculator-prod', environmentName: 'prod' };
const DASHBOARDS: ReadonlyArray<[string, (options: DashboardOptions) => Dashboard, string]> = [
  ['Application Overview', applicationOverview, 'co2-app-overview-prod'],
  ['Infrastructure Health', infrastructureHealth, 'co2-infra-health-prod'],
  ['Database Performance', databasePerformance, 'co2-db-performance-prod'],
];
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

const isRow = (panel: Panel | RowPanel): panel is RowPanel => panel.type === 'row';
const panelsOf = (model: Dashboard): Panel[] => (model.panels ?? []).filter((panel): panel is Panel => !isRow(panel));
const targetsOf = (panel: Panel): Array<{ expr: string; legendFormat?: string; datasource?: unknown; refId?: string }> => (panel.targets ?? []) as any;
const withoutMethods = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutMethods)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter(([, field]) => typeof field !== 'function').map(([key, field]) => [key, withoutMethods(field)]))
      : value;
const overlaps = (a: GridPos, b: GridPos) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe.each(DASHBOARDS)('%s', (title, build, uid) => {
  const model = build(options);
  const panels = panelsOf(model);
  const targets = panels.flatMap((panel) => targetsOf(panel).map((target) => ({ panel: panel.title, ...target })));

  test('has a stable uid of at most 40 characters, and the environment in its title', () => {
    expect(model.uid).toBe(uid);
    expect(model.uid!.length).toBeLessThanOrEqual(40);
    expect(model.title).toBe(`${title} (prod)`);
  });

  test('has the datasource variable and the namespace as a hidden constant', () => {
    expect(model.templating.list).toEqual([
      expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' }),
      expect.objectContaining({ type: 'constant', name: 'namespace', query: 'co2-calculator-prod', hide: 2 }),
    ]);
  });

  test('every expression parses with the PromQL grammar and reads only the metric contract, in $namespace', () => {
    expect(targets.length).toBeGreaterThan(0);
    const problems = targets.flatMap(({ panel, expr, legendFormat }) => analyzeExpression(expr, legendFormat).problems.map((problem) => `${panel}: ${problem}`));
    expect(problems).toEqual([]);
    for (const { expr } of targets) {
      expect(expr).toContain('namespace="$namespace"');
      for (const metric of analyzeExpression(expr).metrics) expect(contractMetric(metric)).toBeDefined();
    }
  });

  test('every panel and every query reads from the datasource variable', () => {
    for (const panel of panels) {
      expect([panel.title, panel.datasource]).toEqual([panel.title, DATASOURCE]);
      for (const target of targetsOf(panel)) expect([panel.title, target.datasource]).toEqual([panel.title, DATASOURCE]);
    }
  });

  test('every panel has a description, a unit and at least one query with its own refId', () => {
    for (const panel of panels) {
      expect([panel.title, panel.description?.length ?? 0]).not.toEqual([panel.title, 0]);
      expect([panel.title, panel.fieldConfig?.defaults.unit]).toEqual([panel.title, expect.any(String)]);
      const refIds = targetsOf(panel).map((target) => target.refId);
      expect(refIds.length).toBeGreaterThan(0);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  test('panel ids are unique, and panels stay within 24 columns without overlapping', () => {
    const all = model.panels ?? [];
    const ids = all.map((panel) => panel.id);
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of all) {
      const grid = panel.gridPos!;
      expect([panel.title, grid.x >= 0 && grid.w > 0 && grid.x + grid.w <= 24]).toEqual([panel.title, true]);
    }
    const clashes = all.flatMap((a, i) => all.slice(i + 1).filter((b) => overlaps(a.gridPos!, b.gridPos!)).map((b) => `${a.title} / ${b.title}`));
    expect(clashes).toEqual([]);
  });

  test('the serialized model round-trips, and building it twice gives the same JSON', () => {
    const json = JSON.stringify(model);
    // The SDK's query objects carry a type-tag method, which JSON rightly drops; nothing else may be lost
    // (a NaN or Infinity would come back as null).
    expect(JSON.parse(json)).toEqual(withoutMethods(model));
    expect(JSON.stringify(build(options))).toBe(json);
  });

  test('each environment gets its own uid and namespace', () => {
    const other = build({ namespace: 'svc1751-co2-calculator-dev', environmentName: 'dev' });
    expect(other.uid).toBe(uid.replace(/prod$/, 'dev'));
    expect(other.templating.list?.find((variable) => variable.name === 'namespace')?.query).toBe('svc1751-co2-calculator-dev');
  });

  test('refuses an environment name that makes the uid longer than 40 characters', () => {
    expect(() => build({ ...options, environmentName: 'a-very-long-environment-name-indeed' })).toThrow(/is invalid: Grafana needs 1 to 40/);
  });
});

describe('the expression check', () => {
  const valid = `sum(rate(${METRICS.spanCalls.name}{namespace="$namespace"}[$__rate_interval]))`;

  test('accepts a valid expression', () => {
    expect(analyzeExpression(valid).problems).toEqual([]);
  });

  test('fails on a syntax error', () => {
    expect(analyzeExpression(valid.slice(0, -1)).problems).toEqual([expect.stringMatching(/^syntax error/)]);
    expect(analyzeExpression(`sum by (${METRICS.spanCalls.name}{namespace="$namespace"})`).problems).toContainEqual(expect.stringMatching(/^syntax error/));
  });

  test('fails on a metric or label outside the contract, a selector outside $namespace, and rate() of an instant vector', () => {
    expect(analyzeExpression('sum(rate(made_up_total{namespace="$namespace"}[5m]))').problems).toEqual(['metric made_up_total is not in METRICS (lib/observability/metrics.ts)']);
    expect(analyzeExpression(`sum by (instance) (rate(${METRICS.spanCalls.name}{namespace="$namespace"}[5m]))`).problems).toEqual([
      `label instance is not in the contract of ${METRICS.spanCalls.name}`,
    ]);
    expect(analyzeExpression(`sum(rate(${METRICS.spanCalls.name}[5m]))`).problems).toEqual([
      `selector ${METRICS.spanCalls.name} does not filter namespace="$namespace"`,
    ]);
    expect(analyzeExpression(`sum(rate(${METRICS.spanCalls.name}{namespace="$namespace"}))`).problems).toEqual([expect.stringMatching(/^rate\(\) needs a range vector/)]);
    expect(analyzeExpression(valid, '{{pod}}').problems).toEqual(['legend uses {{pod}}, which the result cannot have']);
  });
});

describe('panel content', () => {
  const panel = (model: Dashboard, title: string) => panelsOf(model).find((candidate) => candidate.title === title)!;

  test('active users stand in for sessions with in-flight requests, and say so', () => {
    const activeUsers = panel(applicationOverview(options), 'Active users (in-flight requests)');
    expect(targetsOf(activeUsers)[0].expr).toContain(METRICS.httpServerActiveRequests.name);
    expect(activeUsers.description).toMatch(/exports no session metric, so in-flight requests stand in for active users/);
  });

  test('latency panels show p50, p95 and p99', () => {
    for (const [model, title] of [
      [applicationOverview(options), 'Latency percentiles'],
      [databasePerformance(options), 'Query duration percentiles'],
    ] as const) {
      const latency = panel(model, title);
      expect(targetsOf(latency).map((target) => target.legendFormat)).toEqual(['p50', 'p95', 'p99']);
      expect(targetsOf(latency).map((target) => target.expr.slice(0, 24))).toEqual(['histogram_quantile(0.5, ', 'histogram_quantile(0.95,', 'histogram_quantile(0.99,']);
    }
  });

  test('database query panels read only PostgreSQL client spans, and slow queries use the threshold bucket', () => {
    const model = databasePerformance(options);
    const spanTargets = panelsOf(model)
      .flatMap(targetsOf)
      .filter((target) => analyzeExpression(target.expr).metrics.some((metric) => contractMetric(metric)?.source === 'spanmetrics'));
    expect(spanTargets.length).toBeGreaterThan(0);
    for (const target of spanTargets) expect(target.expr).toContain('span_kind="SPAN_KIND_CLIENT", db_system="postgresql"');
    expect(targetsOf(panel(model, 'Slow queries (> 500 ms)'))[0].expr).toContain(`le="${SLOW_QUERY_THRESHOLD_SECONDS}"`);
  });

  test('OOM kills come from the last terminated reason', () => {
    const oom = panel(infrastructureHealth(options), 'OOM kills');
    expect(targetsOf(oom)[0].expr).toContain(`${METRICS.containerLastTerminatedReason.name}{namespace="$namespace", reason="OOMKilled"}`);
  });
});
