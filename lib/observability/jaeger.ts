import { Construct } from 'constructs';
import {
  Jaeger,
  JaegerSpecAllInOneResourcesLimits,
  JaegerSpecAllInOneResourcesRequests,
  JaegerSpecAllInOneVolumesEmptyDirSizeLimit,
} from '../../imports/jaegers-jaegertracing.io';
import { formatImageReference, ImageReference } from '../config/image';
import { componentLabels } from '../core/labels';
import { ContainerResources, toCustomResourceRequirements } from '../core/resources';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from '../core/restricted-pod';
import { AllowIngress, NetworkPeer } from '../networking/network-policy';

/** OTLP gRPC port of Jaeger's collector Service. */
export const JAEGER_OTLP_GRPC_PORT = 4317;

export interface TraceStoreProps {
  readonly image: ImageReference;
  readonly resources: ContainerResources;
  /** Traces kept; beyond, the oldest are dropped. Size the memory limit with it (a trace is a few KiB). */
  readonly maxTraces: number;
  /** Who may send spans (the OpenTelemetry Collector). */
  readonly allowOtlpFrom: NetworkPeer[];
  /** @default "otel-collector-jaeger" */
  readonly name?: string;
}

/**
 * Jaeger all-in-one with bounded in-memory storage, managed by the Jaeger operator.
 *
 * In memory, not on a volume: traces serve debugging of the last hours, not an archive, and a restart
 * losing them costs little. Memory storage needs no PersistentVolumeClaim (no WaitForFirstConsumer
 * claim to hold back the sync, no file ownership issues under OpenShift's random UIDs), and
 * `max-traces` bounds it so the pod stays within its limit. The operator's Route (with its OAuth
 * proxy) is disabled: the UI is reached with `oc port-forward`.
 */
export class TraceStore extends Construct {
  readonly name: string;
  /** What the collector's OTLP exporter points at: `<name>-collector:4317`. */
  readonly otlpGrpcEndpoint: string;
  /** Labels the operator puts on the all-in-one pod. */
  readonly podSelector: Record<string, string>;

  constructor(scope: Construct, id: string, props: TraceStoreProps) {
    super(scope, id);
    if (!Number.isInteger(props.maxTraces) || props.maxTraces < 1) {
      throw new Error(`TraceStore: maxTraces must be a positive integer, got ${props.maxTraces}`);
    }
    this.name = props.name ?? 'otel-collector-jaeger';
    this.otlpGrpcEndpoint = `${this.name}-collector:${JAEGER_OTLP_GRPC_PORT}`;
    this.podSelector = { 'app.kubernetes.io/instance': this.name, 'app.kubernetes.io/component': 'all-in-one' };
    const labels = componentLabels(this, { name: this.name, component: 'tracing' });

    new Jaeger(this, 'Resource', {
      metadata: { name: this.name, labels },
      spec: {
        strategy: 'allInOne',
        allInOne: {
          image: formatImageReference(props.image),
          imagePullPolicy: 'IfNotPresent',
          resources: toCustomResourceRequirements(props.resources, {
            limit: JaegerSpecAllInOneResourcesLimits.fromString,
            request: JaegerSpecAllInOneResourcesRequests.fromString,
          }),
          securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
          containerSecurityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: JaegerSpecAllInOneVolumesEmptyDirSizeLimit.fromString('64Mi') } }],
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
        storage: { type: 'memory', options: { memory: { 'max-traces': props.maxTraces } } },
        ingress: { enabled: false },
      },
    });

    new AllowIngress(this, 'OtlpPolicy', {
      metadata: { name: `${this.name}-network-policy`, labels },
      podLabels: this.podSelector,
      from: props.allowOtlpFrom,
      ports: [JAEGER_OTLP_GRPC_PORT],
    });
  }
}
