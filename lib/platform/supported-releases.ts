/**
 * The platform the project supports, as data. Adding the next OpenShift release is one line in
 * OPENSHIFT_RELEASES plus its Kubernetes definitions in ../shared/schemas/.
 * Versions and the reasons for them: ../shared/crds-2026/SOURCES.md.
 */

/** An OpenShift minor and the Kubernetes minor it is built on (openshift/api go.mod, k8s.io/api). */
export interface OpenShiftRelease {
  readonly openshift: string;
  readonly kubernetes: string;
}

export const OPENSHIFT_RELEASES: readonly OpenShiftRelease[] = [
  { openshift: '4.16', kubernetes: '1.29' },
  { openshift: '4.17', kubernetes: '1.30' },
  { openshift: '4.18', kubernetes: '1.31' },
  { openshift: '4.19', kubernetes: '1.32' },
  { openshift: '4.20', kubernetes: '1.33' },
  { openshift: '4.21', kubernetes: '1.34' },
];

/** An OpenShift GitOps minor and the Argo CD minor it ships (gitops-operator go.mod). */
export interface GitOpsRelease {
  readonly gitops: string;
  readonly argocd: string;
}

export const GITOPS_RELEASES: readonly GitOpsRelease[] = [
  { gitops: '1.18', argocd: '3.1' },
  { gitops: '1.19', argocd: '3.1' },
  { gitops: '1.20', argocd: '3.3' },
];

/** The operator release whose CRD file in ../shared/crds-2026/ the objects are validated against. */
export interface OperatorRelease {
  readonly repository: string;
  readonly tag: string;
  readonly crdFiles: readonly string[];
}

export const OPERATOR_RELEASES: readonly OperatorRelease[] = [
  { repository: 'argoproj/argo-cd', tag: 'v3.3.14', crdFiles: ['argoproj.io_applications.yaml', 'argoproj.io_appprojects.yaml', 'argoproj.io_applicationsets.yaml'] },
  { repository: 'prometheus-operator/prometheus-operator', tag: 'v0.87.0', crdFiles: ['monitoring.coreos.com_servicemonitors.yaml', 'monitoring.coreos.com_prometheusrules.yaml', 'monitoring.coreos.com_alertmanagerconfigs.yaml'] },
  { repository: 'grafana/grafana-operator', tag: 'v5.24.0', crdFiles: ['grafana.integreatly.org_grafanadashboards.yaml'] },
  { repository: 'Infisical/kubernetes-operator', tag: 'infisical-k8-operator/v0.11.5', crdFiles: ['secrets.infisical.com_infisicalsecrets.yaml'] },
  { repository: 'open-telemetry/opentelemetry-operator', tag: 'v0.158.0', crdFiles: ['opentelemetry.io_opentelemetrycollectors.yaml'] },
  { repository: 'external-secrets/external-secrets', tag: 'v2.9.0', crdFiles: ['external-secrets.io_externalsecrets.yaml', 'external-secrets.io_clustersecretstores.yaml', 'external-secrets.io_secretstores.yaml', 'generators.external-secrets.io_passwords.yaml'] },
];

/** The oldest and newest Kubernetes minors every object must validate against. */
export function kubernetesRange(): { readonly oldest: string; readonly newest: string } {
  const minors = OPENSHIFT_RELEASES.map((r) => r.kubernetes).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  return { oldest: minors[0], newest: minors[minors.length - 1] };
}
