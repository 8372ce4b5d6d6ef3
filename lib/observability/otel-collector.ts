import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  OpenTelemetryCollectorV1Beta1,
  OpenTelemetryCollectorV1Beta1SpecConfig,
  OpenTelemetryCollectorV1Beta1SpecMode,
  OpenTelemetryCollectorV1Beta1SpecResourcesLimits,
  OpenTelemetryCollectorV1Beta1SpecResourcesRequests,
} from '../../imports/opentelemetrycollectors-opentelemetry.io';
import { formatImageReference, ImageReference } from '../core/image';
import { componentLabels } from '../core/labels';
import { ContainerResources, toCustomResourceRequirements } from '../core/resources';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from '../core/restricted-pod';
import { AllowIngress, NetworkPeer } from '../networking/network-policy';

/** Ports of the collector, fixed here because receivers, Services and policies must agree. */
export const COLLECTOR_PORTS = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  /** Prometheus exporter: application, database and probe metrics. */
  metrics: 8889,
  /** The collector's own telemetry. */
  telemetry: 8888,
  health: 13133,
} as const;

/** The monitoring role's connection, read from the database-monitoring Secret bundle. */
export interface PostgresMonitoring {
  readonly secretName: string;
  /**
   * TLS to the server: "none" (a server in the namespace without TLS), verified against the CA in a
   * ConfigMap of the namespace, or encrypted without verification for a stated reason.
   */
  readonly tls: 'none' | { readonly caConfigMap: { readonly name: string; readonly key: string } } | { readonly insecureReason: string };
}

/** Where the database CA's ConfigMap is mounted in the collector. */
export const DATABASE_CA_DIR = '/etc/otel-collector/database-ca';
/** Annotation of the collector that states why it does not verify the database's certificate. */
export const UNVERIFIED_TLS_ANNOTATION = 'co2-calculator.epfl.ch/database-tls-unverified';

export interface TelemetryCollectorProps {
  readonly image: ImageReference;
  readonly resources: ContainerResources;
  /** OTLP gRPC endpoint that receives traces, e.g. the Jaeger Service (`otel-collector-jaeger:4317`). */
  readonly tracesEndpoint: string;
  readonly postgres: PostgresMonitoring;
  /** Public URLs probed for availability and certificate expiry, e.g. https://<host>/. */
  readonly probeUrls: readonly string[];
  /** Pods that send OTLP (the backend). */
  readonly allowOtlpFrom: NetworkPeer[];
  /** Pods that scrape the metrics ports (user-workload monitoring). */
  readonly allowScrapeFrom: NetworkPeer[];
  /** @default "otel-collector" */
  readonly name?: string;
  /** Memory use, in percent of the container limit, above which the collector refuses new data. @default 80 */
  readonly memoryLimitPercentage?: number;
}

/**
 * The in-namespace OpenTelemetry Collector (operator-managed, one replica). Every key of its
 * configuration must be one the pinned release accepts: see collector-components.ts. It receives the backend's
 * OTLP traces and metrics, forwards traces to Jaeger, turns spans into RED metrics (spanmetrics), reads
 * PostgreSQL statistics with a monitoring role, probes the public host, and exposes everything as
 * Prometheus metrics on port 8889 for user-workload monitoring.
 *
 * The operator creates `<name>-collector` (the OTLP Service) and labels the pods itself; this
 * construct adds `<name>-metrics`, a Service for the metrics ports that the ServiceMonitor selects,
 * and the NetworkPolicies that admit OTLP and scrapes.
 */
export class TelemetryCollector extends Construct {
  readonly name: string;
  /** `http://<name>-collector:4317`, what OTLP exporters point at. */
  readonly otlpGrpcEndpoint: string;
  /** Labels the operator puts on the collector pods. */
  readonly podSelector: Record<string, string>;
  readonly metricsServiceName: string;
  /** The collector pods' ServiceAccount, emitted here, without an automounted token. */
  readonly serviceAccountName: string;
  readonly metricsServiceLabels: Record<string, string>;

  /**
   * The labels the operator puts on a collector's pods (its selector labels): stable for the life of
   * the collector, and known before it is created, which lets others admit it in their policies.
   */
  static podSelectorFor(scope: Construct, name: string): Record<string, string> {
    const namespace = Chart.of(scope).namespace;
    if (!namespace) throw new Error('TelemetryCollector needs a chart with a namespace: the operator labels its pods with it');
    return {
      'app.kubernetes.io/component': 'opentelemetry-collector',
      'app.kubernetes.io/instance': `${namespace}.${name}`,
      'app.kubernetes.io/managed-by': 'opentelemetry-operator',
      'app.kubernetes.io/part-of': 'opentelemetry',
    };
  }

  constructor(scope: Construct, id: string, props: TelemetryCollectorProps) {
    super(scope, id);
    if (props.probeUrls.some((url) => !url.startsWith('https://'))) {
      throw new Error(`TelemetryCollector: probe URLs must be https (their certificate is what the probe watches), got ${props.probeUrls.join(', ')}`);
    }
    this.name = props.name ?? 'otel-collector';
    this.otlpGrpcEndpoint = `http://${this.name}-collector:${COLLECTOR_PORTS.otlpGrpc}`;
    this.podSelector = TelemetryCollector.podSelectorFor(this, this.name);
    const labels = componentLabels(this, { name: this.name, component: 'telemetry' });
    const postgresEnv = (variable: string) => ({ name: variable, valueFrom: { secretKeyRef: { name: props.postgres.secretName, key: variable } } });

    // Ours rather than the operator's `<name>-collector`, so that its token is not mounted: no component
    // of collectorConfig reads the Kubernetes API (no k8sattributes processor, no k8s_cluster or
    // k8sobjects receiver; otlp, postgresql, httpcheck and spanmetrics reach only the network).
    this.serviceAccountName = this.name;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, labels },
      automountServiceAccountToken: false,
    });

    const tls = props.postgres.tls;
    const ca = tls !== 'none' && 'caConfigMap' in tls ? tls.caConfigMap : undefined;
    const unverified = tls !== 'none' && 'insecureReason' in tls ? tls.insecureReason : undefined;
    new OpenTelemetryCollectorV1Beta1(this, 'Resource', {
      metadata: { name: this.name, labels, ...(unverified ? { annotations: { [UNVERIFIED_TLS_ANNOTATION]: unverified } } : {}) },
      spec: {
        mode: OpenTelemetryCollectorV1Beta1SpecMode.DEPLOYMENT,
        replicas: 1,
        serviceAccount: this.serviceAccountName,
        image: formatImageReference(props.image),
        imagePullPolicy: 'IfNotPresent',
        resources: toCustomResourceRequirements(props.resources, {
          limit: OpenTelemetryCollectorV1Beta1SpecResourcesLimits.fromString,
          request: OpenTelemetryCollectorV1Beta1SpecResourcesRequests.fromString,
        }),
        podSecurityContext: RESTRICTED_POD_SECURITY_CONTEXT,
        securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
        env: [postgresEnv('POSTGRES_ENDPOINT'), postgresEnv('POSTGRES_USERNAME'), postgresEnv('POSTGRES_PASSWORD')],
        config: collectorConfig(props),
        ...(ca
          ? {
              volumes: [{ name: 'database-ca', configMap: { name: ca.name, items: [{ key: ca.key, path: ca.key }] } }],
              volumeMounts: [{ name: 'database-ca', mountPath: DATABASE_CA_DIR, readOnly: true }],
            }
          : {}),
        // Current operators (opentelemetry-operator v0.158.0 internal/manifests/collector/networkpolicy.go)
        // add a NetworkPolicy admitting any source on every port unless this is off: ours stay the only ones.
        networkPolicy: { enabled: false },
      },
    });

    this.metricsServiceName = `${this.name}-metrics`;
    this.metricsServiceLabels = componentLabels(this, { name: this.metricsServiceName, component: 'telemetry' });
    new k8s.KubeService(this, 'MetricsService', {
      metadata: { name: this.metricsServiceName, labels: this.metricsServiceLabels },
      spec: {
        type: 'ClusterIP',
        selector: this.podSelector,
        ports: [
          { name: 'metrics', port: COLLECTOR_PORTS.metrics, targetPort: k8s.IntOrString.fromNumber(COLLECTOR_PORTS.metrics), protocol: 'TCP' },
          { name: 'telemetry', port: COLLECTOR_PORTS.telemetry, targetPort: k8s.IntOrString.fromNumber(COLLECTOR_PORTS.telemetry), protocol: 'TCP' },
        ],
      },
    });

    new AllowIngress(this, 'OtlpPolicy', {
      metadata: { name: `${this.name}-otlp-network-policy`, labels },
      podLabels: this.podSelector,
      from: props.allowOtlpFrom,
      ports: [COLLECTOR_PORTS.otlpGrpc, COLLECTOR_PORTS.otlpHttp],
    });
    new AllowIngress(this, 'ScrapePolicy', {
      metadata: { name: `${this.name}-metrics-network-policy`, labels },
      podLabels: this.podSelector,
      from: props.allowScrapeFrom,
      ports: [COLLECTOR_PORTS.metrics, COLLECTOR_PORTS.telemetry],
    });
  }
}

/** Histogram buckets (seconds) of the span metrics: fine below 100 ms, where database calls live. */
const SPAN_DURATION_BUCKETS = ['5ms', '10ms', '25ms', '50ms', '100ms', '250ms', '500ms', '1s', '2500ms', '5s', '10s'];

function collectorConfig(props: TelemetryCollectorProps): OpenTelemetryCollectorV1Beta1SpecConfig {
  const setting = props.postgres.tls;
  const tls =
    setting === 'none'
      ? { insecure: true }
      : 'caConfigMap' in setting
        ? { insecure: false, insecure_skip_verify: false, ca_file: `${DATABASE_CA_DIR}/${setting.caConfigMap.key}` }
        : { insecure: false, insecure_skip_verify: true };
  return {
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `0.0.0.0:${COLLECTOR_PORTS.otlpGrpc}` },
          http: { endpoint: `0.0.0.0:${COLLECTOR_PORTS.otlpHttp}` },
        },
      },
      postgresql: {
        endpoint: '${env:POSTGRES_ENDPOINT}',
        username: '${env:POSTGRES_USERNAME}',
        password: '${env:POSTGRES_PASSWORD}',
        collection_interval: '60s',
        tls,
      },
      httpcheck: {
        collection_interval: '5m',
        targets: props.probeUrls.map((endpoint) => ({ endpoint, method: 'GET' })),
        metrics: { 'httpcheck.tls.cert_remaining': { enabled: true } },
      },
    },
    connectors: {
      spanmetrics: {
        histogram: { unit: 's', explicit: { buckets: SPAN_DURATION_BUCKETS } },
        // db.system tells database client spans apart from the rest.
        dimensions: [{ name: 'db.system' }],
        metrics_flush_interval: '30s',
      },
    },
    processors: {
      // First in every pipeline: refuse data before the container reaches its memory limit.
      memory_limiter: { check_interval: '1s', limit_percentage: props.memoryLimitPercentage ?? 80, spike_limit_percentage: 20 },
      batch: {},
    },
    exporters: {
      'otlp/jaeger': { endpoint: props.tracesEndpoint.replace(/^https?:\/\//, ''), tls: { insecure: true } },
      prometheus: {
        endpoint: `0.0.0.0:${COLLECTOR_PORTS.metrics}`,
        // A series the collector stops receiving disappears after 2 minutes (default 5): the database
        // alert, which waits for postgresql_backends to vanish, fires that much sooner. It must stay
        // above the slowest receiver interval that is not bridged by the rules (postgresql: 60s).
        metric_expiration: '2m',
        // Resource attributes (service.name, the postgresql database/table/index names) become labels.
        resource_to_telemetry_conversion: { enabled: true },
      },
    },
    extensions: { health_check: { endpoint: `0.0.0.0:${COLLECTOR_PORTS.health}` } },
    service: {
      extensions: ['health_check'],
      // `metrics.address` is refused since core v0.128.0: the collector's own metrics are a pull reader
      // (see collector-components.ts). Listening on every interface lets the ServiceMonitor scrape it;
      // the operator reads this reader for the port of its monitoring Service, and applies no default
      // of its own when one is set (opentelemetry-operator v0.140.0, apis/v1beta1/config.go:479-559).
      telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: COLLECTOR_PORTS.telemetry } } } }] } },
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/jaeger', 'spanmetrics'] },
        metrics: {
          receivers: ['otlp', 'spanmetrics', 'postgresql', 'httpcheck'],
          processors: ['memory_limiter', 'batch'],
          exporters: ['prometheus'],
        },
      },
    },
  };
}
