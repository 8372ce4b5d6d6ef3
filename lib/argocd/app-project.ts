import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AppProject } from '../../imports/appprojects-argoproj.io';

/** An API kind, as ArgoCD names it: group ("" for the core group) and kind. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/**
 * A cluster-scoped kind a project allows, optionally only under one name (a filepath.Match glob):
 * argo-cd v3.3.0 and later honour `name` (commit e77acec858, #24674); 3.1 does not know the field.
 */
export interface ClusterKind extends GroupKind {
  readonly name?: string;
}

/** An object ArgoCD's orphan detection ignores: group and kind, and a name glob (all names when absent). */
export interface OrphanIgnore extends GroupKind {
  readonly name?: string;
}

/**
 * What OpenShift 4.16+ creates in every project, none of which any Application declares. ArgoCD reports
 * an orphan for a top-level object of a kind the project allows and ignores by itself only two of
 * these; listed whole, so that no Application shows a permanent orphan warning once the project
 * allows one more kind (docs/sources/argocd.md, #orphaned-objects); some of them from documentation only.
 */
export const OPENSHIFT_PROJECT_OBJECTS: readonly OrphanIgnore[] = [
  { group: '', kind: 'ConfigMap', name: 'kube-root-ca.crt' },
  { group: '', kind: 'ConfigMap', name: 'openshift-service-ca.crt' },
  ...['builder', 'deployer', 'default'].map((name) => ({ group: '', kind: 'ServiceAccount', name })),
  { group: '', kind: 'Secret', name: '*-dockercfg-*' },
  ...['system:image-pullers', 'system:image-builders', 'system:deployers', 'admin'].map((name) => ({ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', name })),
];

export interface DeliveryProjectProps {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  /** The only repository Applications of this project may read. */
  readonly sourceRepo: string;
  readonly destinationServer: string;
  /** The only namespaces Applications of this project may deploy into (globs such as `preview-*` allowed). */
  readonly destinationNamespaces: readonly string[];
  /** Cluster-scoped kinds Applications may manage, each optionally restricted to a name. @default none */
  readonly clusterKinds?: readonly ClusterKind[];
  /** The namespaced kinds Applications may manage; everything else is refused at sync. */
  readonly namespacedKinds: readonly GroupKind[];
  /** Secrets made by hand in the destination namespaces, besides what OpenShift makes. @default none */
  readonly handMadeSecrets?: readonly string[];
  /** @default "" */
  readonly description?: string;
}

/**
 * An AppProject of least privilege: one source repository, its environments' namespaces, only the kinds
 * the environments consist of. Should a change to dist/ introduce another kind, the sync fails until
 * the project allows it, and that allowance shows in the review of the synthesized AppProject.
 *
 * ArgoCD checks every object of a sync against the project before applying anything: its group and
 * kind against the allowed kinds, and, for a namespaced object, its namespace against the
 * destinations (#project-checks). An object that names another namespace than its
 * environment's is refused, not applied.
 *
 * Orphaned objects (in a destination namespace but in no Application) are reported, except what
 * OpenShift creates in every project and the Secrets made by hand.
 */
export class DeliveryProject extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: DeliveryProjectProps) {
    super(scope, id);
    if (props.destinationNamespaces.length === 0) throw new Error(`${props.metadata.name}: a project needs at least one destination namespace`);
    if (props.namespacedKinds.length === 0) throw new Error(`${props.metadata.name}: a project needs at least one allowed kind`);
    this.name = props.metadata.name;
    const byGroupAndKind = (a: GroupKind, b: GroupKind) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind);
    const sorted = (kinds: readonly GroupKind[]) => [...kinds].sort(byGroupAndKind).map(({ group, kind }) => ({ group, kind }));
    // A plain ApiObject: the generated AppProject binding predates `clusterResourceWhitelist[].name`
    // and would drop it.
    const clusterKinds = [...(props.clusterKinds ?? [])].sort(byGroupAndKind).map(({ group, kind, name }) => (name === undefined ? { group, kind } : { group, kind, name }));
    new ApiObject(this, 'Resource', {
      ...AppProject.GVK,
      metadata: props.metadata,
      spec: {
        description: props.description,
        sourceRepos: [props.sourceRepo],
        destinations: [...new Set(props.destinationNamespaces)].sort().map((namespace) => ({ server: props.destinationServer, namespace })),
        clusterResourceWhitelist: clusterKinds,
        namespaceResourceWhitelist: sorted(props.namespacedKinds),
        orphanedResources: {
          warn: true,
          ignore: [...OPENSHIFT_PROJECT_OBJECTS, ...[...new Set(props.handMadeSecrets ?? [])].sort().map((name) => ({ group: '', kind: 'Secret', name }))],
        },
      },
    });
  }
}
