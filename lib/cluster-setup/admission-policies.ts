/**
 * Admission policies for the cluster setup (dist/cluster-setup/), applied once by a cluster
 * administrator: ValidatingAdmissionPolicy is admissionregistration.k8s.io/v1 from Kubernetes 1.30
 * (OpenShift 4.17). The API server evaluates them on every write, whoever writes: they hold where
 * the AppProjects cannot (an operator acting on a custom resource, Argo CD 3.1 without named
 * whitelists). The expressions keep to the CEL every evaluator has (has, all, startsWith, in).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** The annotation Argo CD tracks its objects with: `<application>:<group>/<kind>:<namespace>/<name>` (argo-cd v3.3.10 util/argo/resource_tracking.go:215-217). */
export const ARGOCD_TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

/**
 * A field of a custom resource that names a namespace: the path to it below `spec`, the list on the
 * way if any (each item's field is checked), and the field.
 */
export interface NamespaceField {
  readonly path: readonly string[];
  readonly list?: boolean;
  readonly field: string;
}

/** Every field of InfisicalSecret (v0.11.5 CRD) that names a namespace. */
export const INFISICAL_SECRET_NAMESPACE_FIELDS: readonly NamespaceField[] = [
  { path: ['managedKubeSecretReferences'], list: true, field: 'secretNamespace' },
  { path: ['managedKubeConfigMapReferences'], list: true, field: 'configMapNamespace' },
  { path: ['managedSecretReference'], field: 'secretNamespace' },
  { path: ['tokenSecretReference'], field: 'secretNamespace' },
  { path: ['tls', 'caRef'], field: 'secretNamespace' },
  { path: ['authentication', 'universalAuth', 'credentialsRef'], field: 'secretNamespace' },
  { path: ['authentication', 'ldapAuth', 'credentialsRef'], field: 'secretNamespace' },
  { path: ['authentication', 'kubernetesAuth', 'serviceAccountRef'], field: 'namespace' },
  { path: ['authentication', 'serviceAccount', 'serviceAccountSecretReference'], field: 'secretNamespace' },
  { path: ['authentication', 'serviceToken', 'serviceTokenSecretReference'], field: 'secretNamespace' },
];

/** `!has(a) || !has(a.b) || a.b.f == own`, or `.all(r, r.f == own)` for a list. */
export function ownNamespaceExpression({ path, list, field }: NamespaceField): string {
  const prefixes = path.map((_, index) => `object.spec.${path.slice(0, index + 1).join('.')}`);
  const absent = prefixes.map((prefix) => `!has(${prefix})`);
  const target = prefixes[prefixes.length - 1];
  const check = list ? `${target}.all(r, r.${field} == object.metadata.namespace)` : `${target}.${field} == object.metadata.namespace`;
  return [...absent, check].join(' || ');
}

export interface AdmissionPoliciesProps {
  /** The application namespaces the namespace-reference policy binds to; none: no such policy. */
  readonly namespaces: readonly string[];
  /** Prefix of the preview Applications' names, which are also their namespaces' names. */
  readonly previewApplicationPrefix: string;
  /** The ClusterSecretStore the previews read, which only their namespaces may use. @default none: no such policy */
  readonly previewStore?: string;
}

const V1 = 'admissionregistration.k8s.io/v1';

/**
 * Three policies, each with its binding (action Deny):
 *
 * - `co2-calculator-namespace-references`: an InfisicalSecret in an application namespace names only
 *   that namespace, in every field of the CRD that names one.
 * - `co2-calculator-preview-namespaces`: a Namespace that Argo CD writes for a preview Application
 *   (tracking annotation `co2-calculator-preview-...:`) must be the one named like it. This refuses a
 *   preview adopting prod's Namespace, or creating another, on Argo CD 3.1 too, which prunes the
 *   name restriction of the AppProject; a Namespace it never adopted it cannot prune either.
 */
export class AdmissionPolicies extends Construct {
  constructor(scope: Construct, id: string, props: AdmissionPoliciesProps) {
    super(scope, id);
    // With no namespace to bind to (a project without OpenShift environments) there is nothing to guard.
    if (props.namespaces.length > 0) this.namespaceReferences(props.namespaces);
    this.previewNamespaces(props.previewApplicationPrefix);
    if (props.previewStore) this.previewStore(props.previewStore, props.previewApplicationPrefix);
  }

  /**
   * The previews' ClusterSecretStore must carry ESO v1 `spec.conditions` that admit only preview
   * namespaces. ESO (v2.9.0 pkg/controllers/secretstore/client_manager.go, shouldProcessSecret) serves
   * every namespace when there is no condition, and a namespace if any selector, name or regex of any
   * condition matches it, the regexes unanchored. So: at least one condition; no namespaceSelector (a
   * namespace's labels can be changed by whoever manages it); every name starts with the prefix; every
   * regex starts with `^<prefix>` and has no alternation, so whatever follows, a match starts there.
   */
  private previewStore(store: string, prefix: string): void {
    const name = 'co2-calculator-preview-store';
    const conditions = 'object.spec.conditions';
    new ApiObject(this, 'PreviewStore', {
      apiVersion: V1,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: ['external-secrets.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['clustersecretstores'] }],
        },
        matchConditions: [{ name: 'the-previews-store', expression: `object.metadata.name == '${store}'` }],
        validations: [
          {
            expression: `has(${conditions}) && size(${conditions}) > 0`,
            message: `the ClusterSecretStore ${store} needs spec.conditions restricting it to the preview namespaces (${prefix}*)`,
            reason: 'Forbidden',
          },
          {
            expression: `!has(${conditions}) || ${conditions}.all(c, !has(c.namespaceSelector))`,
            message: `spec.conditions[].namespaceSelector is refused: labels do not prove a namespace is a preview's`,
            reason: 'Forbidden',
          },
          {
            expression: `!has(${conditions}) || ${conditions}.all(c, !has(c.namespaces) || c.namespaces.all(n, n.startsWith('${prefix}')))`,
            message: `spec.conditions[].namespaces may name only preview namespaces (${prefix}*)`,
            reason: 'Forbidden',
          },
          {
            expression: `!has(${conditions}) || ${conditions}.all(c, !has(c.namespaceRegexes) || c.namespaceRegexes.all(r, r.startsWith('^${prefix}') && !r.contains('|')))`,
            message: `spec.conditions[].namespaceRegexes must start with ^${prefix} and have no alternation`,
            reason: 'Forbidden',
          },
        ],
      },
    });
    new ApiObject(this, 'PreviewStoreBinding', {
      apiVersion: V1,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'] },
    });
  }

  private namespaceReferences(namespaces: readonly string[]): void {
    const references = 'co2-calculator-namespace-references';
    new ApiObject(this, 'References', {
      apiVersion: V1,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: references },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: ['secrets.infisical.com'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['infisicalsecrets'] }],
        },
        validations: INFISICAL_SECRET_NAMESPACE_FIELDS.map((field) => ({
          expression: ownNamespaceExpression(field),
          message: `spec.${field.path.join('.')}${field.list ? '[]' : ''}.${field.field} must name the InfisicalSecret's own namespace`,
          reason: 'Forbidden',
        })),
      },
    });
    new ApiObject(this, 'ReferencesBinding', {
      apiVersion: V1,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: references },
      spec: {
        policyName: references,
        validationActions: ['Deny'],
        matchResources: {
          namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...new Set(namespaces)].sort() }] },
        },
      },
    });
  }

  private previewNamespaces(previewApplicationPrefix: string): void {
    const previews = 'co2-calculator-preview-namespaces';
    const tracking = `object.metadata.annotations['${ARGOCD_TRACKING_ANNOTATION}']`;
    new ApiObject(this, 'Previews', {
      apiVersion: V1,
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: previews },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['namespaces'] }] },
        matchConditions: [
          {
            name: 'written-for-a-preview-application',
            expression: `has(object.metadata.annotations) && '${ARGOCD_TRACKING_ANNOTATION}' in object.metadata.annotations && ${tracking}.startsWith('${previewApplicationPrefix}')`,
          },
        ],
        validations: [
          {
            expression: `${tracking}.startsWith(object.metadata.name + ':/Namespace:') && ${tracking}.endsWith('/' + object.metadata.name)`,
            message: "a preview's Application may create or adopt only the Namespace named like it",
            reason: 'Forbidden',
          },
        ],
      },
    });
    new ApiObject(this, 'PreviewsBinding', {
      apiVersion: V1,
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: previews },
      spec: { policyName: previews, validationActions: ['Deny'] },
    });
  }
}
