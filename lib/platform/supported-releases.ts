/**
 * The platform the project supports, as data. Adding the next OpenShift release is one line in
 * OPENSHIFT_RELEASES plus its Kubernetes definitions in ../shared/schemas/ (and their line in
 * .ci/reference-data.txt); docs/platform.md says how. Versions and the reasons for them:
 * ../shared/crds-2026/SOURCES.md.
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

/** The folder of ../shared holding the CRD files of OPERATOR_RELEASES (the 2024 set, crds/, is no longer a target). */
export const CRD_REFERENCE_FOLDER = 'crds-2026';

/** `1.29` before `1.34`, and `3.1` before `3.10`. */
export function compareMinors(a: string, b: string): number {
  const [majorA, minorA] = a.split('.').map(Number);
  const [majorB, minorB] = b.split('.').map(Number);
  return majorA - majorB || minorA - minorB;
}

const oldestAndNewest = (versions: readonly string[]) => {
  const sorted = [...versions].sort(compareMinors);
  return { oldest: sorted[0], newest: sorted[sorted.length - 1] };
};

/** The oldest and newest Kubernetes minors every object must validate against. */
export function kubernetesRange(releases: readonly OpenShiftRelease[] = OPENSHIFT_RELEASES): { readonly oldest: string; readonly newest: string } {
  return oldestAndNewest(releases.map((r) => r.kubernetes));
}

/**
 * The Kubernetes minors synthesis validates every object against: the ends of the range. A field
 * added in between exists at the newest end but not at the oldest; a group-version removed in
 * between is gone at the newest. The minors in between are available in ../shared/schemas/ too.
 */
export function validationTargets(releases: readonly OpenShiftRelease[] = OPENSHIFT_RELEASES): readonly string[] {
  const { oldest, newest } = kubernetesRange(releases);
  return oldest === newest ? [oldest] : [oldest, newest];
}

/** The file of ../shared/schemas/ holding a Kubernetes minor's definitions (cdk8s' kubernetes-schemas, `.0` release). */
export function kubernetesDefinitionsFile(minor: string): string {
  return `k8s-v${minor}.0-definitions.json`;
}

/** The oldest and newest Argo CD minors the supported OpenShift GitOps releases ship. */
export function argoCdRange(releases: readonly GitOpsRelease[] = GITOPS_RELEASES): { readonly oldest: string; readonly newest: string } {
  return oldestAndNewest(releases.map((r) => r.argocd));
}

/** An Application field that only some Argo CD minors know, and the first that honours it. */
export interface ArgoCdFeature {
  readonly field: string;
  readonly since: string;
  /** Where that was read (repo@tag:path). */
  readonly source: string;
}

export const ARGO_CD_FEATURES = {
  /** Retries of a failed automated sync use the newest revision of the branch rather than the failing one. */
  retryRefresh: {
    field: 'spec.syncPolicy.retry.refresh',
    since: '3.2',
    source: 'argoproj/argo-cd@v3.2.0:pkg/apis/application/v1alpha1/types.go (RetryStrategy.Refresh), absent at v3.1.16 (manifests/crds/application-crd.yaml)',
  },
} as const satisfies Record<string, ArgoCdFeature>;

/**
 * Whether every supported Argo CD honours a field. One that does not prunes it from the stored
 * Application (its CRD is structural), so emitting it would be a permanent diff there, not a feature.
 */
export function everySupportedArgoCdHonours(feature: ArgoCdFeature, releases: readonly GitOpsRelease[] = GITOPS_RELEASES): boolean {
  return compareMinors(argoCdRange(releases).oldest, feature.since) >= 0;
}
