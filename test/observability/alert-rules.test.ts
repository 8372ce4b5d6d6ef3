import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart } from 'cdk8s';
import { ALERT_NAMES, AlertRule, AlertRuleOptions, alertRuleGroups, DEFAULT_ALERT_THRESHOLDS } from '../../lib/observability/alert-rules';
import { METRICS } from '../../lib/observability/metrics';
import { AlertRules, AlertRulesProps, DEFAULT_RUNBOOK_BASE_URL } from '../../lib/observability/prometheus-rule';
import { parsePromQL } from '../support/promql';
import { find, testChart, validManifests } from '../support/synthesis';

const options: AlertRuleOptions = { namespace: 'co2-calculator-test', runbookBaseUrl: 'https://example.org/docs/runbooks.md' };
const rules = (o: AlertRuleOptions = options): AlertRule[] => alertRuleGroups(o).flatMap((group) => [...group.rules]);

/** Series names an expression may select: the contract's, plus the `_bucket`/`_count`/`_sum` of its histograms. */
const CONTRACT_SERIES = new Set(
  Object.values(METRICS).flatMap((metric) =>
    metric.type === 'histogram' ? [`${metric.name}_bucket`, `${metric.name}_count`, `${metric.name}_sum`] : [metric.name],
  ),
);

/** The metrics each alert reads, from the parse tree. */
function metricsOf(rule: AlertRule): string[] {
  return [...new Set(parsePromQL(rule.expr).selectors.map((selector) => selector.metric ?? '(no metric name)'))];
}

describe('alert rule definitions', () => {
  test('are the alerts of the design and the two backup alerts, each once, critical before warning', () => {
    expect(rules().map((rule) => rule.alert)).toEqual([...ALERT_NAMES]);
    expect(alertRuleGroups(options).map((group) => [group.name, [...new Set(group.rules.map((r) => r.labels.severity))]])).toEqual([
      ['co2-calculator.critical', ['critical']],
      ['co2-calculator.warning', ['warning']],
    ]);
  });

  test.each(rules().map((rule) => [rule.alert, rule]))('%s has a severity, a summary, a description, its runbook and a `for`', (_name, rule) => {
    expect(['critical', 'warning']).toContain(rule.labels.severity);
    expect(rule.labels.app).toBe('co2-calculator');
    expect(rule.labels.service).toMatch(/^([a-z-]+|\{\{ \$labels\.[a-z_]+ \}\})$/);
    expect(rule.annotations.summary.trim()).not.toBe('');
    expect(rule.annotations.description.trim()).not.toBe('');
    expect(rule.annotations.runbook_url).toBe(`https://example.org/docs/runbooks.md#${rule.alert.toLowerCase()}`);
    expect(rule.for).toMatch(/^[1-9][0-9]*[smh]$/);
  });

  test.each(rules().map((rule) => [rule.alert, rule]))('%s parses with the PromQL grammar', (_name, rule) => {
    const parsed = parsePromQL(rule.expr);
    expect(parsed.errors).toEqual([]);
    expect(parsed.selectors.length).toBeGreaterThan(0);
  });

  test.each([
    ['an unclosed parenthesis', 'sum(rate(http_server_request_duration_seconds_count{namespace="x"}[5m])'],
    ['a comparison without right-hand side', 'up{namespace="x"} >'],
    ['an unterminated matcher', 'up{namespace="x"'],
  ])('the parser check catches %s', (_case, expr) => {
    expect(parsePromQL(expr).errors).not.toEqual([]);
  });

  test.each(['co2-calculator-test', 'svc1751-co2-calculator-prod'])('every selector of every alert is scoped with namespace="%s"', (namespace) => {
    for (const rule of rules({ ...options, namespace })) {
      for (const selector of parsePromQL(rule.expr).selectors) {
        const scopes = selector.matchers.filter((m) => m.name === 'namespace');
        expect({ alert: rule.alert, selector: selector.text, scopes }).toEqual({
          alert: rule.alert,
          selector: selector.text,
          scopes: [{ name: 'namespace', op: '=', value: namespace }],
        });
      }
    }
  });

  test('the namespace check sees a selector without the matcher', () => {
    const [bare] = parsePromQL('up{namespace="x"} and on () kube_deployment_spec_replicas').selectors.filter((s) => s.matchers.length === 0);
    expect(bare.metric).toBe('kube_deployment_spec_replicas');
  });

  test.each(rules().map((rule) => [rule.alert, rule]))('%s reads only metrics of the contract (lib/observability/metrics.ts)', (_name, rule) => {
    for (const metric of metricsOf(rule)) expect(CONTRACT_SERIES).toContain(metric);
  });

  test('thresholds and options reach the expressions', () => {
    const custom = rules({
      ...options,
      thresholds: { errorRatio: 0.1, minRequests: 50, latencyP95Seconds: 2.5, memoryRatio: 0.9, diskRatio: 0.75, certificateDays: 14 },
      deployments: ['backend'],
      collectorService: 'collector',
      volumeLookback: '8d',
      backupCronJob: 'pg-backup',
      backupMaxAgeHours: 50,
    });
    const expr = Object.fromEntries(custom.map((rule) => [rule.alert, rule.expr]));
    expect(expr.ServiceDown).toContain('deployment=~"backend"');
    expect(expr.DatabaseConnectionFailure).toContain('service="collector"');
    expect(expr.VolumeAlmostFull).toMatch(/\[8d:1m\]\n\) > 0\.75$/);
    expect(expr.HighHttpErrorRate).toMatch(/\) > 0\.1\n.*>= 50$/s);
    expect(expr.SlowHttpResponses).toMatch(/> 2\.5\n.*>= 50$/s);
    expect(expr.HighMemoryUsage).toMatch(/\) > 0\.9$/);
    expect(expr.CertificateExpiringSoon).toMatch(/< 1209600$/);
    expect(expr.BackupNotRecent).toContain('cronjob="pg-backup"} offset 50h');
    expect(expr.BackupNotRecent).toMatch(/<= 180000$/);
    expect(expr.BackupJobFailed).toContain('owner_name="pg-backup"');
  });

  test.each([
    [{ backupCronJob: 'DB_Dump' }, 'alert rules: "DB_Dump" is not a valid Deployment, Service or CronJob name'],
    [{ backupMaxAgeHours: 0 }, 'alert rules: backupMaxAgeHours must be a whole number of hours, at least 1, got 0'],
    [{ backupMaxAgeHours: 25.5 }, 'alert rules: backupMaxAgeHours must be a whole number of hours, at least 1, got 25.5'],
  ])('refuses backup options %j', (bad, message) => {
    expect(() => rules({ ...options, ...bad })).toThrow(message);
  });
});

describe('docs/runbooks.md', () => {
  const runbooks = readFileSync(join(__dirname, '../../docs/runbooks.md'), 'utf8');
  const headings = [...runbooks.matchAll(/^## (\S+)$/gm)].map((match) => match[1]);

  test('has one section per alert, whose anchor is the lowercased alert name, and none for an alert that does not exist', () => {
    expect(headings.filter((heading) => /^[A-Z][A-Za-z]+$/.test(heading))).toEqual([...ALERT_NAMES]);
  });

  test.each(rules().map((rule) => [rule.alert, rule]))('the table lists the metrics and severity of %s', (_name, rule) => {
    const row = runbooks.split('\n').find((line) => line.startsWith(`| \`${rule.alert}\` |`));
    expect(row).toBeDefined();
    const cells = row!.split('|').map((cell) => cell.trim());
    expect(cells[2]).toBe(rule.labels.severity);
    expect([...cells[3].matchAll(/`([a-z_]+)`/g)].map((match) => match[1]).sort()).toEqual(metricsOf(rule).sort());
  });
});

describe('AlertRules', () => {
  const allProps: Required<AlertRulesProps> = {
    namespace: 'co2-calculator-test',
    runbookBaseUrl: 'https://git.example.org/co2/deploy/-/blob/main/docs/runbooks.md',
    thresholds: { errorRatio: 0.02, minRequests: 100, latencyP95Seconds: 0.5, memoryRatio: 0.9, diskRatio: 0.8, certificateDays: 21 },
    deployments: ['frontend', 'backend'],
    collectorService: 'telemetry-collector',
    volumeLookback: '8d',
    labels: { app: 'co2-calculator', team: 'enac-it' },
    backupCronJob: 'pg-backup',
    backupMaxAgeHours: 30,
  };

  test('minimal props: one PrometheusRule in the chart namespace, valid against the CRD, with the default runbooks', () => {
    const chart = testChart();
    const alerts = new AlertRules(chart, 'Alerts');
    const manifests = validManifests(chart);
    expect(manifests).toMatchSnapshot();
    const [rule] = find(manifests, 'PrometheusRule', 'co2-calculator-alerts') as any[];
    expect(manifests).toHaveLength(1);
    expect(rule.metadata.namespace).toBe('co2-calculator-test');
    expect(rule.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'co2-calculator-alerts', 'app.kubernetes.io/component': 'monitoring' });
    expect(rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.annotations.runbook_url))).toEqual(
      ALERT_NAMES.map((name) => `${DEFAULT_RUNBOOK_BASE_URL}#${name.toLowerCase()}`),
    );
    expect(alerts.namespace).toBe('co2-calculator-test');
    expect(rule.spec.groups).toEqual(JSON.parse(JSON.stringify(alerts.groups)));
  });

  test('all props: thresholds, watched deployments, collector, lookback and extra labels', () => {
    const chart = testChart();
    new AlertRules(chart, 'Alerts', allProps);
    const manifests = validManifests(chart);
    expect(manifests).toMatchSnapshot();
    const labels = (manifests[0] as any).spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.labels));
    expect(new Set(labels.map((l: any) => l.team))).toEqual(new Set(['enac-it']));
  });

  test('the thresholds default to the design: 5%, 1 s, 80%, 90%, 7 days', () => {
    expect(DEFAULT_ALERT_THRESHOLDS).toEqual({ errorRatio: 0.05, minRequests: 20, latencyP95Seconds: 1, memoryRatio: 0.8, diskRatio: 0.9, certificateDays: 7 });
  });

  test('a namespace prop places the rule in that namespace, not the chart\'s', () => {
    const chart = testChart();
    new AlertRules(chart, 'Alerts', { namespace: 'co2-calculator-other' });
    const [rule] = validManifests(chart) as any[];
    expect(rule.metadata.namespace).toBe('co2-calculator-other');
    expect(rule.spec.groups[0].rules[0].expr).toContain('namespace="co2-calculator-other"');
  });

  test('refuses a chart without namespace when no namespace is given', () => {
    expect(() => new AlertRules(new Chart(new App(), 'bare'), 'Alerts')).toThrowErrorMatchingSnapshot();
  });

  test.each<[string, AlertRulesProps]>([
    ['an invalid namespace', { namespace: 'CO2_Calculator' }],
    ['a relative runbook URL', { runbookBaseUrl: 'docs/runbooks.md' }],
    ['a runbook URL with a fragment', { runbookBaseUrl: 'https://example.org/runbooks.md#alerts' }],
    ['a runbook URL that is not http(s)', { runbookBaseUrl: 'ftp://example.org/runbooks.md' }],
    ['an error ratio of 0', { thresholds: { errorRatio: 0 } }],
    ['an error ratio given in percent', { thresholds: { errorRatio: 5 } }],
    ['a memory ratio above 1', { thresholds: { memoryRatio: 1.2 } }],
    ['a negative disk ratio', { thresholds: { diskRatio: -0.9 } }],
    ['a disk ratio that is not a number', { thresholds: { diskRatio: Number.NaN } }],
    ['a zero latency', { thresholds: { latencyP95Seconds: 0 } }],
    ['an infinite certificate delay', { thresholds: { certificateDays: Number.POSITIVE_INFINITY } }],
    ['a fractional request minimum', { thresholds: { minRequests: 2.5 } }],
    ['no deployment to watch', { deployments: [] }],
    ['a deployment name with a regex in it', { deployments: ['backend|.*'] }],
    ['a deployment watched twice', { deployments: ['backend', 'backend'] }],
    ['an invalid collector Service name', { collectorService: 'otel_collector' }],
    ['a lookback in seconds', { volumeLookback: '90s' }],
    ['a zero lookback', { volumeLookback: '0h' }],
    ['a label that overrides severity', { labels: { severity: 'info' } }],
    ['a label that overrides service', { labels: { service: 'co2' } }],
    ['an invalid label name', { labels: { 'app.kubernetes.io/name': 'x' } }],
    ['an empty label value', { labels: { team: '' } }],
  ])('refuses %s', (_case, props) => {
    expect(() => new AlertRules(testChart(), 'Alerts', props)).toThrowErrorMatchingSnapshot();
  });
});
