import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/prometheusrules-monitoring.coreos.com';
import { ComponentIdentity, componentLabels } from '../core/labels';
import { AlertRuleGroup, AlertRuleOptions, alertRuleGroups } from './alert-rules';

/** Where each alert's runbook_url points unless told otherwise: docs/runbooks.md of this repository. */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/EPFL-ENAC/co2-calculator-deploy/blob/main/docs/runbooks.md';

export interface AlertRulesProps extends Omit<AlertRuleOptions, 'namespace' | 'runbookBaseUrl'> {
  /**
   * The namespace the rules watch; the PrometheusRule is created in it too, because user-workload
   * monitoring evaluates a rule only against the metrics of its own namespace.
   * @default Chart.of(this).namespace
   */
  readonly namespace?: string;
  /** Address of docs/runbooks.md, without a fragment. @default DEFAULT_RUNBOOK_BASE_URL */
  readonly runbookBaseUrl?: string;
}

/**
 * The application's alerts (./alert-rules.ts) as one PrometheusRule, `co2-calculator-alerts`.
 *
 * On OpenShift, user-workload monitoring picks it up in the application's namespace and Thanos Ruler
 * evaluates it, which is what lets the rules read the platform's kube_*, container_* and kubelet_*
 * series. Do not add the label `openshift.io/prometheus-rule-evaluation-scope: leaf-prometheus`: the
 * user-workload Prometheus alone does not have those series, and every alert built on them (deployments,
 * memory, volumes, backups) would never fire.
 */
export class AlertRules extends Construct {
  static readonly IDENTITY: ComponentIdentity = { name: 'co2-calculator-alerts', component: 'monitoring' };

  readonly ruleName = AlertRules.IDENTITY.name;
  readonly namespace: string;
  readonly groups: readonly AlertRuleGroup[];

  constructor(scope: Construct, id: string, props: AlertRulesProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (namespace === undefined) {
      throw new Error(`${this.ruleName}: no namespace: set the chart's namespace or the namespace prop (the rules must be scoped to one)`);
    }
    this.namespace = namespace;
    this.groups = alertRuleGroups({ ...props, namespace, runbookBaseUrl: props.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL });

    new PrometheusRule(this, 'Resource', {
      metadata: { name: this.ruleName, namespace, labels: componentLabels(this, AlertRules.IDENTITY) },
      spec: {
        groups: this.groups.map((group) => ({
          name: group.name,
          rules: group.rules.map((rule) => ({
            alert: rule.alert,
            expr: PrometheusRuleSpecGroupsRulesExpr.fromString(rule.expr),
            for: rule.for,
            labels: { ...rule.labels },
            annotations: { ...rule.annotations },
          })),
        })),
      },
    });
  }
}
