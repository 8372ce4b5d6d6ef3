/**
 * Runs alert rules through promtool: `promtool check rules` on the rule file, then `promtool test rules`
 * on unit tests built from typed scenarios. Works on any rendered PrometheusRule, so the same checks can
 * run on the construct in a test chart and on the objects of the real environments.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Manifest, objectRef } from '../../../lib/core/manifest';
import { requireTool } from './tools';

/** A series as promtool's input_series writes it: `name{label="value"}` and an expanding notation (`0+60x20`, `_x3`, `stale`). */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export interface Scenario {
  /** What the scenario shows, e.g. "all backend replicas gone"; names the promtool test. */
  readonly name: string;
  readonly series: readonly InputSeries[];
  /** When to look, e.g. "15m": late enough for the rule's window and `for`. */
  readonly evalTime: string;
}

export interface FiringScenario extends Scenario {
  /**
   * The labels of the alert, except the rule's labels that are not templates (added from the rule),
   * and the annotations it must carry besides runbook_url (taken from the rule).
   */
  readonly alerts: ReadonlyArray<{ readonly labels: Readonly<Record<string, string>>; readonly summary: string; readonly description: string }>;
}

/** One alert's unit test: series that must fire it, and series that must not. */
export interface AlertTestCase {
  readonly alert: string;
  readonly firing: readonly FiringScenario[];
  readonly quiet: readonly Scenario[];
}

interface RuleFileRule {
  readonly alert?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}
interface RuleFileGroup {
  readonly name: string;
  readonly rules?: readonly RuleFileRule[];
}

/** The rule groups of a PrometheusRule manifest: exactly what Prometheus reads from a rule file. */
export function ruleGroups(manifest: Manifest): RuleFileGroup[] {
  if (manifest.kind !== 'PrometheusRule') throw new Error(`${objectRef(manifest)} is not a PrometheusRule`);
  return ((manifest.spec as { groups?: RuleFileGroup[] } | undefined)?.groups ?? []);
}

function alertRules(groups: readonly RuleFileGroup[]): Map<string, RuleFileRule> {
  return new Map(groups.flatMap((group) => group.rules ?? []).filter((rule) => rule.alert !== undefined).map((rule) => [rule.alert!, rule]));
}

function runPromtool(args: readonly string[], cwd: string): void {
  const promtool = requireTool('promtool', 'prometheus');
  const result = spawnSync(promtool, args, { cwd, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`promtool ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
}

/**
 * promtool's unit tests for the cases: one test per scenario. A firing scenario expects exactly its
 * alerts; a quiet one expects none. Expected labels are the scenario's over the rule's static labels
 * (a templated label, such as `service: "{{ $labels.deployment }}"`, must come from the scenario), and
 * runbook_url is the rule's, which has no template.
 */
export function promtoolTests(groups: readonly RuleFileGroup[], cases: readonly AlertTestCase[], ruleFile: string): Record<string, unknown> {
  const rules = alertRules(groups);
  const test = (alert: string, scenario: Scenario, expAlerts: unknown[]) => ({
    name: `${alert}: ${scenario.name}`,
    interval: '1m',
    input_series: scenario.series,
    alert_rule_test: [{ eval_time: scenario.evalTime, alertname: alert, exp_alerts: expAlerts }],
  });
  return {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: cases.flatMap(({ alert, firing, quiet }) => {
      const rule = rules.get(alert);
      if (rule === undefined) throw new Error(`no alerting rule named ${alert}`);
      const staticLabels = Object.fromEntries(Object.entries(rule.labels ?? {}).filter(([, value]) => !value.includes('{{')));
      return [
        ...firing.map((scenario) =>
          test(
            alert,
            scenario,
            scenario.alerts.map((expected) => ({
              exp_labels: { ...staticLabels, ...expected.labels },
              exp_annotations: { summary: expected.summary, description: expected.description, runbook_url: rule.annotations?.runbook_url },
            })),
          ),
        ),
        ...quiet.map((scenario) => test(alert, scenario, [])),
      ];
    }),
  };
}

/**
 * `promtool check rules`, then `promtool test rules` with the cases, on the rule groups of `manifest`.
 * Every alert of the manifest must have a case with at least one firing and one quiet scenario.
 * Throws with promtool's output when anything fails.
 */
export function verifyAlertRules(manifest: Manifest, cases: readonly AlertTestCase[]): void {
  const groups = ruleGroups(manifest);
  const untested = [...alertRules(groups).keys()].filter((alert) => {
    const testCase = cases.find((c) => c.alert === alert);
    return testCase === undefined || testCase.firing.length === 0 || testCase.quiet.length === 0;
  });
  if (untested.length > 0) throw new Error(`${objectRef(manifest)}: no firing and quiet scenario for ${untested.join(', ')}`);

  const directory = mkdtempSync(join(tmpdir(), 'alert-rules-'));
  try {
    writeFileSync(join(directory, 'rules.yaml'), stringify({ groups }, { lineWidth: 0 }));
    writeFileSync(join(directory, 'tests.yaml'), stringify(promtoolTests(groups, cases, 'rules.yaml'), { lineWidth: 0 }));
    runPromtool(['check', 'rules', 'rules.yaml'], directory);
    runPromtool(['test', 'rules', 'tests.yaml'], directory);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
