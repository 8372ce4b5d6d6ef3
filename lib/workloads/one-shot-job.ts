import { k8s } from 'cdk8s-plus-28';
import { ContainerOptions, PodUser, restrictedPodSpec } from '../core/restricted-pod';

export interface OneShotJobOptions {
  /** Labels of the pods. */
  readonly labels: Record<string, string>;
  readonly serviceAccountName: string;
  readonly container: ContainerOptions;
  /** Volumes besides the container's scratch directories. @default none */
  readonly volumes?: k8s.Volume[];
  /** Retries after a failed attempt. */
  readonly backoffLimit: number;
  /** Wall-clock limit of the whole Job, retries included. */
  readonly activeDeadlineSeconds: number;
  /** The numeric user of the pod (Platform.podUser). @default none: the platform assigns it */
  readonly user?: PodUser;
}

/**
 * The spec of a Job that runs one restricted container to completion. A failed attempt is never
 * restarted in place (`restartPolicy: Never`): each retry is a new pod, so the logs of every attempt
 * stay readable until the Job is removed.
 */
export function oneShotJobSpec(options: OneShotJobOptions): k8s.JobSpec {
  return {
    backoffLimit: options.backoffLimit,
    activeDeadlineSeconds: options.activeDeadlineSeconds,
    template: {
      metadata: { labels: options.labels },
      spec: restrictedPodSpec({
        serviceAccountName: options.serviceAccountName,
        restartPolicy: 'Never',
        user: options.user,
        containers: [options.container],
        volumes: options.volumes,
      }),
    },
  };
}
