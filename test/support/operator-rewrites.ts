/**
 * What the cluster does to an object of ours after we apply it, beyond the schema defaults of its CRD:
 * mutating webhooks and reconcilers that write the object itself (not only its status). ArgoCD
 * compares what we declare with what the cluster keeps, so a rewrite of a field we declare, or of
 * anything inside a list we own whole, is a difference that never goes away (test/drift.test.ts).
 *
 * Each kind we emit states its rewrites here, read from the operator's source at the version we
 * target. Only test/drift.test.ts reads this list, so it lives with the tests, not in lib/. A kind
 * with no entry fails the test: adding a kind means looking at what its operator does.
 */
export interface OperatorRewrite {
  /** `group/version` of the objects the rewrite applies to. */
  readonly apiVersion: string;
  readonly kind: string;
  /** Who writes what, and where it is in the operator's source (file:line@tag). */
  readonly source: string;
  /**
   * The rewrite, applied in place to the object as the cluster stores it. Absent when the operator
   * writes nothing but status.
   */
  readonly rewrite?: (object: Record<string, any>) => void;
}

/** What OpenShift writes into a Route of ours beyond its schema defaults. */
const ROUTE_REWRITES: readonly OperatorRewrite[] = [
  {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    source:
      'openshift-apiserver defaults spec.to.kind, spec.to.weight and spec.wildcardPolicy, the defaults of route/v1/route.crd.yaml (release-4.15), ' +
      'which the CRD test applies; it generates spec.host only when empty (documentation, not read in source), and we always set it',
  },
];

/** What Envoy Gateway writes into the policy. */
const ENVOY_GATEWAY_REWRITES: readonly OperatorRewrite[] = [
  { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'BackendTrafficPolicy', source: 'Envoy Gateway v1.9.0 writes status.ancestors only; the CRD has no spec defaults on the fields we set' },
];

/** What the Gateway API objects get beyond their CRD defaults. */
const GATEWAY_API_REWRITES: readonly OperatorRewrite[] = ['Gateway', 'HTTPRoute'].map((kind) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind,
  source: 'the controller writes status only (gateway-api v1.6.1 apis/v1: spec is the user\'s); the CRD defaults (group, kind, weight, matches) are stated in our manifests',
}));

/** What cert-manager writes into a Certificate. */
const CERTIFICATE_REWRITES: readonly OperatorRewrite[] = [
  { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', source: 'cert-manager v1.21.1 writes status only (conditions, notAfter, revision); the key and certificate go into the Secret' },
];

/** What OpenShift GitOps writes into the ArgoCD resource of its default instance. */
const GITOPS_INSTANCE_REWRITES: readonly OperatorRewrite[] = [
  {
    apiVersion: 'argoproj.io/v1beta1',
    kind: 'ArgoCD',
    source:
      'gitops-operator v1.14.0 fills the default instance resources and node placement when empty (controllers/gitopsservice_controller.go:427-483), ' +
      'fields we do not declare; applied by hand, not synced by ArgoCD',
  },
];

/** What the External Secrets operator writes into an ExternalSecret of ours. */
const EXTERNAL_SECRET_REWRITES: readonly OperatorRewrite[] = [
  {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    source:
      'external-secrets v2.9.0 serves external-secrets.io/v1 only (config/crds/bases/external-secrets.io_externalsecrets.yaml); ' +
      'its controller writes status and the target Secret',
  },
];

/**
 * What External Secrets writes into these objects: as for v1beta1 (lib/secrets/external-secret.ts),
 * status and the target Secret only; the generator is read, never written. From ESO's documentation
 * for v2.9.0, not re-read in its source.
 */
const GENERATED_SECRET_REWRITES: readonly OperatorRewrite[] = [
  { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', source: 'external-secrets v2.9.0: validating webhooks only; the controller writes status and the target Secret' },
  { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', source: 'external-secrets v2.9.0: a generator is read by the ExternalSecret controller and has no status' },
];

/** What the Infisical operator writes into an InfisicalSecret of ours. */
const INFISICAL_SECRET_REWRITES: readonly OperatorRewrite[] = [
  {
    apiVersion: 'secrets.infisical.com/v1alpha1',
    kind: 'InfisicalSecret',
    source:
      'Infisical operator v0.11.5 has no webhook; its reconciler writes status conditions (internal/services/infisicalsecret/conditions.go:14-99) ' +
      'and touches the object only to clear finalizers while it is deleted (internal/controller/infisicalsecret_controller.go:133-141)',
  },
];

/** What the operators of the telemetry and monitoring kinds write into our objects, beyond their CRD defaults. */
const OBSERVABILITY_REWRITES: readonly OperatorRewrite[] = [
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

/** The objects of dist/argocd/: applied with `oc apply` by an administrator, never synced by ArgoCD. */
export const ARGOCD_OBJECT_REWRITES: readonly OperatorRewrite[] = ['Application', 'AppProject', 'ApplicationSet'].map((kind) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind,
  source: 'argo-cd v2.12.13 writes status and operation state only; these objects are applied by hand and not compared by a sync',
}));

/** Every kind we emit as a custom resource (or a non-built-in API), with what the cluster rewrites in it. */
export function operatorRewrites(): readonly OperatorRewrite[] {
  return [...EXTERNAL_SECRET_REWRITES, ...GENERATED_SECRET_REWRITES, ...INFISICAL_SECRET_REWRITES, ...OBSERVABILITY_REWRITES, ...ROUTE_REWRITES, ...GATEWAY_API_REWRITES, ...ENVOY_GATEWAY_REWRITES, ...CERTIFICATE_REWRITES, ...ARGOCD_OBJECT_REWRITES, ...GITOPS_INSTANCE_REWRITES];
}
