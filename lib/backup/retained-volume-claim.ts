import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ARGOCD_KEEP_ON_PRUNE_AND_DELETE } from '../argocd/annotations';
import { isQuantity, parseQuantity } from '../config/quantity';
import { ComponentIdentity, componentLabels } from '../core/labels';

export interface RetainedVolumeClaimProps {
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
}

/**
 * A ReadWriteOnce claim whose data outlives the repository: ArgoCD never prunes it (when it disappears
 * from dist/) and never deletes it (when the Application is deleted), so no commit can remove the
 * volume. Removing it is a deliberate `oc delete pvc`.
 */
export class RetainedVolumeClaim extends Construct {
  readonly claimName: string;

  constructor(scope: Construct, id: string, props: RetainedVolumeClaimProps) {
    super(scope, id);
    if (!isQuantity(props.size) || parseQuantity(props.size) <= 0) {
      throw new Error(`${props.claimName}: size must be a quantity above zero such as "20Gi", got "${props.size}"`);
    }
    this.claimName = props.claimName;
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: props.claimName, labels: componentLabels(this, props.owner), annotations: ARGOCD_KEEP_ON_PRUNE_AND_DELETE },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: props.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(props.size) } },
      },
    });
  }
}
