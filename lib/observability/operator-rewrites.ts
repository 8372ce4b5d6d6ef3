/**
 * What the operators of the telemetry and monitoring kinds write into our objects, beyond their CRD
 * defaults (see lib/argocd/operator-rewrites.ts for why it matters and how it is tested).
 */
import type { OperatorRewrite } from '../argocd/operator-rewrites';

export const OBSERVABILITY_REWRITES: readonly OperatorRewrite[] = [
  {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    source:
      'opentelemetry-operator v0.107.0 mutating webhook (apis/v1beta1/collector_webhook.go:39, Default at 52-106): fills mode, upgradeStrategy, ' +
      'replicas, managementState and the managed-by label when empty, and adds "-component.UseLocalHostAsDefaultHost" to spec.args["feature-gates"] ' +
      '(ComponentUseLocalHostAsDefaultHost, 429-443). Declaring spec.args["feature-gates"] ourselves would therefore never match.',
    rewrite: (collector) => {
      const spec = (collector.spec ??= {});
      spec.mode ||= 'deployment';
      spec.upgradeStrategy ||= 'automatic';
      const labels = (collector.metadata.labels ??= {});
      labels['app.kubernetes.io/managed-by'] ||= 'opentelemetry-operator';
      spec.replicas ??= 1;
      if (spec.targetAllocator?.enabled) spec.targetAllocator.replicas ??= 1;
      const args = (spec.args ??= {});
      const gate = 'component.UseLocalHostAsDefaultHost';
      if (!args['feature-gates']) args['feature-gates'] = `-${gate}`;
      else if (!args['feature-gates'].includes(gate)) args['feature-gates'] += `,-${gate}`;
      const autoscaler = spec.autoscaler;
      if (autoscaler?.maxReplicas !== undefined) {
        autoscaler.minReplicas ??= spec.replicas;
        if (autoscaler.targetMemoryUtilization === undefined && autoscaler.targetCPUUtilization === undefined) autoscaler.targetCPUUtilization = 90;
      }
      if (spec.ingress?.type === 'route' && !spec.ingress.route?.termination) (spec.ingress.route ??= {}).termination = 'edge';
      if (spec.ingress?.type === 'ingress' && !spec.ingress.ruleType) spec.ingress.ruleType = 'path';
      spec.managementState ||= 'managed';
    },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    source:
      'prometheus-operator v0.70.0 admission webhook, where the mutating path is installed (pkg/admission/admission.go:55,100, mutatePrometheusRules ' +
      'at 193-224): adds the annotation prometheus-operator-validated: "true" and turns non-string rule labels and annotations into strings',
    rewrite: (rule) => {
      (rule.metadata.annotations ??= {})['prometheus-operator-validated'] = 'true';
      for (const group of rule.spec?.groups ?? []) {
        for (const item of group.rules ?? []) {
          for (const field of ['labels', 'annotations']) {
            for (const [key, value] of Object.entries(item[field] ?? {})) if (value !== null && typeof value !== 'string') item[field][key] = String(value);
          }
        }
      }
    },
  },
  {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    source: 'prometheus-operator v0.70.0 has no admission path for ServiceMonitors (pkg/admission/admission.go:98-103); the operator only reads them',
  },
  {
    apiVersion: 'monitoring.coreos.com/v1alpha1',
    kind: 'AlertmanagerConfig',
    source: 'prometheus-operator v0.70.0 validates and converts AlertmanagerConfigs (pkg/admission/admission.go:56-57,98-103), it does not mutate them',
  },
  {
    apiVersion: 'grafana.integreatly.org/v1beta1',
    kind: 'GrafanaDashboard',
    source: 'grafana-operator v5.15.1 has no webhook for dashboards and writes only their status (controllers/dashboard_controller.go:229,292,793,799)',
  },
];
