import { Construct } from 'constructs';
import { AppProject } from '../../imports/appprojects-argoproj.io';

/** An API kind, as ArgoCD names it: group ("" for the core group) and kind. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface DeliveryProjectProps {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  /** The only repository Applications of this project may read. */
  readonly sourceRepo: string;
  readonly destinationServer: string;
  /** The only namespaces Applications of this project may deploy into (globs such as `preview-*` allowed). */
  readonly destinationNamespaces: readonly string[];
  /** Cluster-scoped kinds Applications may manage. @default none */
  readonly clusterKinds?: readonly GroupKind[];
  /** The namespaced kinds Applications may manage; everything else is refused at sync. */
  readonly namespacedKinds: readonly GroupKind[];
  /** @default "" */
  readonly description?: string;
}

/**
 * An AppProject of least privilege: one source repository, the environments' namespaces, only the
 * namespaced kinds the environments consist of, and no cluster-scoped kind at all. Should a change to
 * dist/ introduce another kind, the sync fails until this project allows it, and that allowance shows
 * in the review of the synthesized AppProject.
 *
 * Orphaned objects (in a destination namespace but in no Application) are reported, except Secrets:
 * the Secrets created by hand in staging and prod are expected there.
 */
export class DeliveryProject extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: DeliveryProjectProps) {
    super(scope, id);
    if (props.destinationNamespaces.length === 0) throw new Error(`${props.metadata.name}: a project needs at least one destination namespace`);
    if (props.namespacedKinds.length === 0) throw new Error(`${props.metadata.name}: a project needs at least one allowed kind`);
    this.name = props.metadata.name;
    const byGroupAndKind = (a: GroupKind, b: GroupKind) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind);
    new AppProject(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        description: props.description,
        sourceRepos: [props.sourceRepo],
        destinations: [...new Set(props.destinationNamespaces)].sort().map((namespace) => ({ server: props.destinationServer, namespace })),
        clusterResourceWhitelist: (props.clusterKinds ?? []).map(({ group, kind }) => ({ group, kind })),
        namespaceResourceWhitelist: [...props.namespacedKinds].sort(byGroupAndKind).map(({ group, kind }) => ({ group, kind })),
        orphanedResources: { warn: true, ignore: [{ group: '', kind: 'Secret' }] },
      },
    });
  }
}
