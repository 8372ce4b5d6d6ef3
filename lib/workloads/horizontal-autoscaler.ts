import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

export interface HorizontalAutoscalerProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  /** Name of the Deployment to scale. Its pods must request CPU and memory: utilisation is relative to requests. */
  readonly deploymentName: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Target average CPU, in percent of the request. @default 70 */
  readonly cpuUtilization?: number;
  /** Target average memory, in percent of the request. @default 80 */
  readonly memoryUtilization?: number;
}

/**
 * An autoscaling/v2 HorizontalPodAutoscaler on CPU and memory. The Deployment it scales must not set
 * `spec.replicas`, or every ArgoCD sync would reset the count the autoscaler chose.
 */
export class HorizontalAutoscaler extends Construct {
  constructor(scope: Construct, id: string, props: HorizontalAutoscalerProps) {
    super(scope, id);
    if (props.minReplicas < 1 || props.minReplicas >= props.maxReplicas) {
      throw new Error(`${props.metadata.name}: an autoscaler needs 1 <= minReplicas < maxReplicas, got ${props.minReplicas}-${props.maxReplicas}`);
    }
    const utilization = (name: 'cpu' | 'memory', averageUtilization: number): k8s.MetricSpecV2 => {
      if (!(averageUtilization > 0 && averageUtilization <= 100)) {
        throw new Error(`${props.metadata.name}: ${name} utilization target must be in (0, 100], got ${averageUtilization}`);
      }
      return { type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } };
    };
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deploymentName },
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        metrics: [utilization('cpu', props.cpuUtilization ?? 70), utilization('memory', props.memoryUtilization ?? 80)],
      },
    });
  }
}
