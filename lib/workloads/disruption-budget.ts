import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

export interface DisruptionBudgetProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  readonly podLabels: Record<string, string>;
  /** The fewest replicas the workload ever runs (its autoscaler's minimum). */
  readonly minReplicas: number;
  /** @default 1 */
  readonly minAvailable?: number;
}

/**
 * A PodDisruptionBudget that keeps `minAvailable` pods up during voluntary disruptions (node drains,
 * cluster upgrades). It refuses a budget the workload can never satisfy: with minAvailable equal to
 * the replica count, no pod may ever be evicted and every node drain hangs on it.
 */
export class DisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    const minAvailable = props.minAvailable ?? 1;
    if (minAvailable < 1) {
      throw new Error(`${props.metadata.name}: minAvailable must be at least 1, got ${minAvailable}`);
    }
    if (minAvailable >= props.minReplicas) {
      throw new Error(
        `${props.metadata.name}: minAvailable ${minAvailable} is not below the workload's minimum of ${props.minReplicas} replica(s): ` +
          'no pod could ever be evicted and node drains would block',
      );
    }
    new k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        minAvailable: k8s.IntOrString.fromNumber(minAvailable),
        selector: { matchLabels: props.podLabels },
        // A crash-looping pod is not "available" anyway; let drains evict it instead of waiting forever.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
