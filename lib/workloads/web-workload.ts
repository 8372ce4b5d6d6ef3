import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { formatImageReference, ImageReference, imageVersionLabel } from '../core/image';
import { ComponentIdentity, componentLabels, selectorLabels, versionedLabels } from '../core/labels';
import { ContainerResources } from '../core/resources';
import { PodUser, restrictedPodSpec, ScratchDirectory } from '../core/restricted-pod';
import { ReplicaRange } from '../config/environment';
import { AllowIngress, NetworkPeer } from '../networking/network-policy';
import { DisruptionBudget } from './disruption-budget';
import { HorizontalAutoscaler } from './horizontal-autoscaler';
import { preStopLifecycle, ShutdownTiming, terminationGracePeriod } from './shutdown';

/** Every web workload serves plain HTTP on a container port of this name; Services and Routes refer to it. */
export const HTTP_PORT_NAME = 'http';

export interface WebWorkloadProps extends ComponentIdentity {
  readonly image: ImageReference;
  readonly serviceAccountName: string;
  readonly resources: ContainerResources;
  /** Port the container listens on (unprivileged: OpenShift runs it as a random non-root UID). */
  readonly containerPort: number;
  /** Port of the Service. @default the container port */
  readonly servicePort?: number;
  /** @default `<name>-service` */
  readonly serviceName?: string;
  /**
   * Replica range. Equal bounds give a fixed `spec.replicas` and no autoscaler; otherwise an HPA owns
   * the count and the Deployment leaves `spec.replicas` unset. A PodDisruptionBudget keeping one pod up
   * is added when the minimum is at least 2; with one replica it could only block node drains.
   */
  readonly replicas: ReplicaRange;
  readonly livenessProbe: k8s.Probe;
  readonly readinessProbe: k8s.Probe;
  /** @default none */
  readonly startupProbe?: k8s.Probe;
  /** @default the image's entrypoint */
  readonly command?: string[];
  /** @default none */
  readonly env?: k8s.EnvVar[];
  /** @default none */
  readonly envFrom?: k8s.EnvFromSource[];
  /** Writable directories (the root filesystem is read-only). @default none */
  readonly scratchDirectories?: ScratchDirectory[];
  /** Volumes besides the scratch directories, e.g. a claim or a ConfigMap. @default none */
  readonly volumes?: k8s.Volume[];
  /** Where the container mounts them. @default none */
  readonly volumeMounts?: k8s.VolumeMount[];
  /**
   * How a new version replaces the old. RollingUpdate starts each new pod before stopping an old one;
   * Recreate stops the old pods first, for a pod that holds a ReadWriteOnce volume the new pod may not
   * be able to attach on another node. @default "RollingUpdate"
   */
  readonly strategy?: 'RollingUpdate' | 'Recreate';
  /** Annotations of the pod template, e.g. a checksum of mounted configuration. @default none */
  readonly podAnnotations?: Record<string, string>;
  /** Who may connect to the HTTP port; everything else is refused by the namespace's default deny. */
  readonly allowIngressFrom: NetworkPeer[];
  /** The numeric user of the pods (Platform.podUser). @default none: the platform assigns it */
  readonly user?: PodUser;
  /** How a pod stops without dropping requests: preStop delay and grace period (lib/workloads/shutdown.ts). */
  readonly shutdown: ShutdownTiming;
}

/**
 * A long-running HTTP component: a Deployment of restricted pods, its ClusterIP Service, and, from its
 * replica range, an autoscaler and a disruption budget; plus the NetworkPolicy that opens its port.
 */
export class WebWorkload extends Construct {
  readonly identity: ComponentIdentity;
  readonly deploymentName: string;
  readonly serviceName: string;
  readonly servicePort: number;
  readonly portName = HTTP_PORT_NAME;
  /** Labels that select this workload's pods. */
  readonly podSelector: Record<string, string>;

  constructor(scope: Construct, id: string, props: WebWorkloadProps) {
    super(scope, id);
    this.identity = { name: props.name, component: props.component };
    this.deploymentName = props.name;
    this.serviceName = props.serviceName ?? `${props.name}-service`;
    this.servicePort = props.servicePort ?? props.containerPort;
    this.podSelector = selectorLabels(this, props);

    const labels = componentLabels(this, props);
    const podLabels = versionedLabels(this, props, imageVersionLabel(props.image));
    const autoscaled = props.replicas.max > props.replicas.min;

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.deploymentName, labels: podLabels },
      spec: {
        replicas: autoscaled ? undefined : props.replicas.min,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.podSelector },
        strategy:
          props.strategy === 'Recreate'
            ? { type: 'Recreate' }
            : {
                type: 'RollingUpdate',
                // Start the new pod before stopping an old one, so even a single replica rolls without downtime.
                rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) },
              },
        template: {
          metadata: { labels: podLabels, annotations: props.podAnnotations },
          spec: {
            ...restrictedPodSpec({
              serviceAccountName: props.serviceAccountName,
              user: props.user,
              terminationGracePeriodSeconds: terminationGracePeriod(props.shutdown),
              containers: [
                {
                  name: props.name,
                  image: formatImageReference(props.image),
                  command: props.command,
                  ports: [{ name: HTTP_PORT_NAME, containerPort: props.containerPort, protocol: 'TCP' }],
                  env: props.env,
                  envFrom: props.envFrom,
                  resources: props.resources,
                  livenessProbe: props.livenessProbe,
                  readinessProbe: props.readinessProbe,
                  startupProbe: props.startupProbe,
                  lifecycle: preStopLifecycle(props.shutdown),
                  scratchDirectories: props.scratchDirectories,
                  volumeMounts: props.volumeMounts,
                },
              ],
              volumes: props.volumes,
            }),
            topologySpreadConstraints:
              props.replicas.max > 1
                ? [
                    {
                      // Prefer one replica per node, but never leave a pod Pending for it.
                      maxSkew: 1,
                      topologyKey: 'kubernetes.io/hostname',
                      whenUnsatisfiable: 'ScheduleAnyway',
                      labelSelector: { matchLabels: this.podSelector },
                    },
                  ]
                : undefined,
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.podSelector,
        ports: [{ name: HTTP_PORT_NAME, port: this.servicePort, targetPort: k8s.IntOrString.fromString(HTTP_PORT_NAME), protocol: 'TCP' }],
      },
    });

    if (autoscaled) {
      new HorizontalAutoscaler(this, 'Autoscaler', {
        metadata: { name: `${props.name}-hpa`, labels },
        deploymentName: this.deploymentName,
        minReplicas: props.replicas.min,
        maxReplicas: props.replicas.max,
      });
    }
    if (props.replicas.min >= 2) {
      new DisruptionBudget(this, 'DisruptionBudget', {
        metadata: { name: `${props.name}-pdb`, labels },
        podLabels: this.podSelector,
        minReplicas: props.replicas.min,
      });
    }

    new AllowIngress(this, 'IngressPolicy', {
      metadata: { name: `${props.name}-network-policy`, labels },
      podLabels: this.podSelector,
      from: props.allowIngressFrom,
      ports: [HTTP_PORT_NAME],
    });
  }
}
