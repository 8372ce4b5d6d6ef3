import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ARGOCD_KEEP_ON_PRUNE_AND_DELETE } from '../core/annotations';
import { isQuantity, parseQuantity } from '../config/quantity';
import { ComponentIdentity, componentLabels } from '../core/labels';

export type VolumeAccessMode = 'ReadWriteOnce' | 'ReadWriteMany';

export interface VolumeClaimProps {
  /** Name of the PersistentVolumeClaim. */
  readonly claimName: string;
  /** The component that owns the data; gives the claim its labels. */
  readonly owner: ComponentIdentity;
  /**
   * Requested capacity, a quantity above zero such as "20Gi". Once the claim exists it can only grow,
   * and only if the storage class allows volume expansion.
   */
  readonly size: string;
  /** Storage class. Immutable once the claim exists. */
  readonly storageClassName: string;
  /**
   * ReadWriteOnce: pods of one node at a time. ReadWriteMany: pods on any node, for a volume shared by
   * the replicas of a workload. Immutable once the claim exists. @default "ReadWriteOnce"
   */
  readonly accessMode?: VolumeAccessMode;
  /**
   * Keep the data whatever happens in git: ArgoCD never prunes the claim (when it disappears from
   * dist/) and never deletes it (when the Application is deleted); removing it is a deliberate
   * `oc delete pvc`. `false` for throwaway environments, whose claim must go with them. @default true
   */
  readonly retain?: boolean;
  /** Further annotations, e.g. an explicit sync wave. @default none */
  readonly annotations?: Record<string, string>;
}

/** A PersistentVolumeClaim for data a component owns; by default retained through any change in git. */
export class VolumeClaim extends Construct {
  readonly claimName: string;
  readonly accessMode: VolumeAccessMode;

  constructor(scope: Construct, id: string, props: VolumeClaimProps) {
    super(scope, id);
    if (!isQuantity(props.size) || parseQuantity(props.size) <= 0) {
      throw new Error(`${props.claimName}: size must be a quantity above zero such as "20Gi", got "${props.size}"`);
    }
    this.claimName = props.claimName;
    this.accessMode = props.accessMode ?? 'ReadWriteOnce';
    const annotations = { ...(props.retain === false ? {} : ARGOCD_KEEP_ON_PRUNE_AND_DELETE), ...props.annotations };
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: props.claimName, labels: componentLabels(this, props.owner), annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      spec: {
        accessModes: [this.accessMode],
        storageClassName: props.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(props.size) } },
      },
    });
  }
}
