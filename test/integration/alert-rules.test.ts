import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { loadProject } from '../../environments';
import { listFiles } from '../../lib/synth/output';
import { ALERT_NAMES } from '../../lib/observability/alert-rules';
import { AlertRules, AlertRulesProps } from '../../lib/observability/prometheus-rule';
import { environmentLabels } from '../../lib/core/labels';
import { Manifest } from '../../lib/core/manifest';
import { find, validManifests } from '../support/synthesis';
import { alertTestCases } from './support/alert-cases';
import { AlertTestCase, verifyAlertRules } from './support/promtool';
import { requireTool } from './support/tools';

const DIST = resolve(__dirname, '..', '..', 'dist');

/** The PrometheusRule the construct renders in a chart for `namespace`. */
function renderRule(namespace: string, props: AlertRulesProps = {}): Manifest {
  const chart = new Chart(new App(), 'test', { namespace, labels: environmentLabels(namespace), disableResourceNameHashes: true });
  new AlertRules(chart, 'Alerts', props);
  const [rule] = find(validManifests(chart), 'PrometheusRule', 'co2-calculator-alerts');
  return rule;
}

describe('alert rules under promtool', () => {
  beforeAll(() => {
    // Fails the suite with the package to install, never skips it.
    requireTool('promtool', 'prometheus');
  });

  test('there is a firing and a quiet scenario for every alert', () => {
    const cases = alertTestCases({ namespace: 'co2-calculator-test' });
    expect(cases.map((c) => c.alert)).toEqual([...ALERT_NAMES]);
    for (const c of cases) {
      expect([c.alert, c.firing.length > 0, c.quiet.length > 0]).toEqual([c.alert, true, true]);
    }
  });

  test.each(['co2-calculator-test', 'svc1751-co2-calculator-prod'])(
    'in %s, promtool check rules accepts the rules, and each alert fires on its firing series and only there',
    (namespace) => {
      verifyAlertRules(renderRule(namespace), alertTestCases({ namespace }));
    },
  );

  test('thresholds, lookback, collector Service and extra labels set on the construct are what promtool evaluates', () => {
    const namespace = 'co2-calculator-test';
    const options = {
      thresholds: { errorRatio: 0.08, minRequests: 50, latencyP95Seconds: 2, memoryRatio: 0.85, diskRatio: 0.92, certificateDays: 14 },
      collectorService: 'telemetry',
      volumeLookback: '8d',
    };
    verifyAlertRules(renderRule(namespace, { ...options, labels: { team: 'co2' } }), alertTestCases({ namespace, ...options }));
  });

  test('a wrong expectation fails: the quiet scenarios are really evaluated', () => {
    const namespace = 'co2-calculator-test';
    const cases = alertTestCases({ namespace });
    // Swap ServiceDown's scenarios: the firing series now must stay quiet.
    const swapped: AlertTestCase[] = cases.map((c) => (c.alert === 'ServiceDown' ? { ...c, quiet: c.firing, firing: [] } : c));
    expect(() => verifyAlertRules(renderRule(namespace), swapped)).toThrow('no firing and quiet scenario for ServiceDown');
    const silenced: AlertTestCase[] = cases.map((c) => (c.alert === 'ServiceDown' ? { ...c, quiet: [...c.quiet, ...c.firing] } : c));
    expect(() => verifyAlertRules(renderRule(namespace), silenced)).toThrow(/promtool test rules tests.yaml failed[\s\S]*ServiceDown/);
  });

  test('a rule file promtool refuses fails the check', () => {
    const rule = renderRule('co2-calculator-test') as any;
    rule.spec.groups[0].rules[0].expr = 'max(kube_deployment_spec_replicas{namespace="co2-calculator-test"}';
    expect(() => verifyAlertRules(rule, alertTestCases({ namespace: 'co2-calculator-test' }))).toThrow(/promtool check rules rules.yaml failed/);
  });
});

describe('the alert rules of the committed environments under promtool', () => {
  const rules = [...listFiles(DIST)]
    .filter((path) => /^[^/]+\/prometheusrule-.*\.yaml$/.test(path))
    .map((path) => parse(readFileSync(join(DIST, path), 'utf8')) as Manifest);

  test('every environment with observability has its rules in dist/', () => {
    const observed = loadProject().environments.filter((input: any) => input.observability).map((input: any) => input.name);
    expect(rules.map((rule) => rule.metadata.namespace)).toHaveLength(observed.length);
  });

  test.each(rules.map((rule) => [rule.metadata.namespace!, rule] as const))('%s: promtool checks the rules and every alert fires only on its scenario', (namespace, rule) => {
    requireTool('promtool', 'prometheus');
    verifyAlertRules(rule, alertTestCases({ namespace }));
  });
});
