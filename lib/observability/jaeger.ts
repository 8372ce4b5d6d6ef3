/**
 * Jaeger v2 with bounded in-memory storage, as a plain Deployment: no operator.
 *
 * Why not the Jaeger operator: Red Hat removed it from OpenShift's catalog in November 2025 and
 * jaeger-operator 1.65.0 was its last release. It also rewrote our `spec.strategy: allInOne` to
 * `allinone`, a difference ArgoCD reported forever. Jaeger v2 is an OpenTelemetry Collector
 * distribution (jaegertracing/jaeger, cmd/jaeger/internal/components.go): one binary, one YAML
 * configuration, which a ConfigMap carries here.
 *
 * What the configuration uses, read in jaegertracing/jaeger at the pinned tag, v2.20.0
 * (docs/sources/observability.md, #jaeger-v2):
 * - `jaeger_storage.backends.<name>.memory.max_traces`: the store keeps at most that many traces, the
 *   oldest go. Zero would mean unbounded, so the construct refuses anything below 1.
 * - `jaeger_query.storage.traces` and `jaeger_query.http.endpoint`; the UI's default port is 16686.
 * - `jaeger_storage_exporter.trace_storage`, the `otlp` receiver, the `batch` processor, as in the
 *   project's own cmd/jaeger/config.yaml.
 * - `healthcheckv2` with `use_v2: true` answers `GET /status` on 13133, as the project's integration
 *   test probes.
 * - `--config <file>` replaces the embedded all-in-one configuration.
 *
 * The image (cmd/jaeger/Dockerfile) is alpine with `USER 10001` and `VOLUME ["/tmp"]`: it runs as
 * any non-root UID, so OpenShift's random one works, and /tmp is the only place it may write (an
 * emptyDir here; memory storage writes nothing else). In memory, not on a volume: traces serve the
 * debugging of recent hours, a restart losing them costs little, and there is no claim to hold back
 * a sync or to own under a random UID. The UI is reached through the OAuth proxy of lib/observability/
 * jaeger-ui.ts when the environment turns it on, else by `oc port-forward svc/<name> 16686`.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { toYaml } from '../core/yaml';
import { formatImageReference, ImageReference, imageVersionLabel } from '../core/image';
import { configChecksumAnnotation } from '../core/config-checksum';
import { ComponentIdentity, componentLabels, selectorLabels, versionedLabels } from '../core/labels';
import { ContainerResources } from '../core/resources';
import { httpProbe, restrictedPodSpec } from '../core/restricted-pod';
import { AllowIngress, NetworkPeer } from '../networking/network-policy';
import { JaegerUi, JaegerUiOptions, oauthProxySidecar } from './jaeger-ui';

/** Ports of the Jaeger pod; the Service, the probes and the policy must agree on them. */
export const JAEGER_PORTS = {
  /** OTLP gRPC: what the collector's trace exporter sends to. */
  otlpGrpc: 4317,
  /** jaeger_query HTTP: the UI and its API, reached by port-forward only. */
  ui: 16686,
  /** healthcheckv2 HTTP: GET /status. */
  health: 13133,
} as const;

const CONFIG_FILE = 'config.yaml';
const CONFIG_DIR = '/etc/jaeger';
/** The name of the one storage backend, as the query extension and the exporter refer to it. */
const STORE = 'memstore';

export interface TraceStoreProps {
  /** A pinned Jaeger v2 image, e.g. quay.io/jaegertracing/jaeger:2.20.0. */
  readonly image: ImageReference;
  readonly resources: ContainerResources;
  /** Traces kept; beyond, the oldest are dropped. Size the memory limit with it (a trace is a few KiB). */
  readonly maxTraces: number;
  /** Who may send spans (the OpenTelemetry Collector). */
  readonly allowOtlpFrom: NetworkPeer[];
  readonly serviceAccountName: string;
  /** Name of the Deployment, the Service and the configuration's prefix. @default "otel-collector-jaeger" */
  readonly name?: string;
  /** The UI behind OpenShift's OAuth proxy, on the host at `ui.path`. @default none: port-forward only */
  readonly ui?: JaegerUiOptions & { readonly host: string; readonly namespace: string; readonly routerPeer: NetworkPeer };
}

/**
 * The Jaeger v2 configuration: OTLP gRPC in, batched into bounded memory storage, queried by the UI.
 * Pure data: what the ConfigMap carries and the checksum is taken of.
 */
export function jaegerConfig(maxTraces: number, basePath?: string): Record<string, unknown> {
  const anyInterface = (port: number) => `0.0.0.0:${port}`;
  return {
    extensions: {
      jaeger_storage: { backends: { [STORE]: { memory: { max_traces: maxTraces } } } },
      // base_path: the UI behind a path of the host (#jaeger-v2).
      jaeger_query: { storage: { traces: STORE }, ...(basePath ? { base_path: basePath } : {}), http: { endpoint: anyInterface(JAEGER_PORTS.ui) } },
      healthcheckv2: { use_v2: true, http: { endpoint: anyInterface(JAEGER_PORTS.health) } },
    },
    receivers: { otlp: { protocols: { grpc: { endpoint: anyInterface(JAEGER_PORTS.otlpGrpc) } } } },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: STORE } },
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['jaeger_storage_exporter'] } },
    },
  };
}

/** Jaeger v2, one replica, memory storage; its configuration, Service and OTLP policy. */
export class TraceStore extends Construct {
  static readonly COMPONENT = 'tracing';

  readonly name: string;
  /** What the collector's OTLP exporter points at: `<name>:4317`. */
  readonly otlpGrpcEndpoint: string;
  /** Labels of the Jaeger pod. */
  readonly podSelector: Record<string, string>;
  /** The port the collector sends traces to. */
  readonly otlpGrpcPort: number = JAEGER_PORTS.otlpGrpc;
  /** Whether the pod carries the UI's OAuth proxy, which talks to the cluster's API and OAuth servers. */
  readonly hasUi: boolean;

  constructor(scope: Construct, id: string, props: TraceStoreProps) {
    super(scope, id);
    if (!Number.isInteger(props.maxTraces) || props.maxTraces < 1) {
      throw new Error(`TraceStore: maxTraces must be a positive integer (0 would be unbounded memory), got ${props.maxTraces}`);
    }
    this.name = props.name ?? 'otel-collector-jaeger';
    const identity: ComponentIdentity = { name: this.name, component: TraceStore.COMPONENT };
    this.otlpGrpcEndpoint = `${this.name}:${JAEGER_PORTS.otlpGrpc}`;
    this.podSelector = selectorLabels(this, identity);
    const labels = componentLabels(this, identity);

    const configData = { [CONFIG_FILE]: toYaml(jaegerConfig(props.maxTraces, props.ui?.path)) };
    const uiName = `${this.name}-ui`;
    const ui = props.ui && { ...props.ui, name: uiName, podLabels: this.podSelector, uiPort: JAEGER_PORTS.ui };
    const sidecar = ui && oauthProxySidecar(ui);
    this.hasUi = Boolean(ui);
    const config = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, labels },
      data: configData,
    });

    const podLabels = versionedLabels(this, identity, imageVersionLabel(props.image));
    const port = (name: string, containerPort: number): k8s.ContainerPort => ({ name, containerPort, protocol: 'TCP' });
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.name, labels: podLabels },
      spec: {
        replicas: 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.podSelector },
        // One in-memory store: a surge pod would start empty anyway and only double the memory held.
        strategy: { type: 'Recreate' },
        template: {
          // Jaeger reads its file once at start: roll the pod when the configuration changes.
          metadata: { labels: podLabels, annotations: configChecksumAnnotation(configData) },
          spec: restrictedPodSpec({
            // The proxy logs users in as this account's OAuth client.
            serviceAccountName: ui ? uiName : props.serviceAccountName,
            containers: [
              {
                name: 'jaeger',
                image: formatImageReference(props.image),
                args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
                ports: [port('otlp-grpc', JAEGER_PORTS.otlpGrpc), port('ui', JAEGER_PORTS.ui), port('health', JAEGER_PORTS.health)],
                resources: props.resources,
                livenessProbe: httpProbe('/status', 'health', { periodSeconds: 15 }),
                readinessProbe: httpProbe('/status', 'health', { periodSeconds: 5 }),
                scratchDirectories: [{ path: '/tmp' }],
                volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }],
              },
              ...(sidecar ? [sidecar.container] : []),
            ],
            volumes: [{ name: 'config', configMap: { name: config.name } }, ...(sidecar?.volumes ?? [])],
          }),
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.podSelector,
        ports: [
          { name: 'otlp-grpc', port: JAEGER_PORTS.otlpGrpc, targetPort: k8s.IntOrString.fromString('otlp-grpc'), protocol: 'TCP', appProtocol: 'grpc' },
          // Reached only through `oc port-forward`, which needs no NetworkPolicy.
          { name: 'ui', port: JAEGER_PORTS.ui, targetPort: k8s.IntOrString.fromString('ui'), protocol: 'TCP' },
        ],
      },
    });

    if (ui) new JaegerUi(this, 'Ui', ui);

    new AllowIngress(this, 'OtlpPolicy', {
      metadata: { name: `${this.name}-network-policy`, labels },
      podLabels: this.podSelector,
      from: props.allowOtlpFrom,
      ports: [JAEGER_PORTS.otlpGrpc],
    });
  }
}
