import { Construct } from 'constructs';
import { ImageReference } from '../core/image';
import { componentLabels } from '../core/labels';
import { ContainerResources } from '../core/resources';
import { NetworkPeer } from '../networking/network-policy';
import { AlertRouting, EmailDelivery } from './alert-routing';
import { PostgresMonitoring, TelemetryCollector } from './otel-collector';
import { TraceStore } from './jaeger';
import { JaegerUiOptions } from './jaeger-ui';
import { Chart } from 'cdk8s';
import { ObservabilityDashboards } from './observability-dashboards';
import { AlertRules } from './prometheus-rule';
import { MetricsScrape } from './service-monitor';

export interface ObservabilityProps {
  /** Shown in dashboard titles and uids, e.g. "prod". */
  readonly environmentName: string;
  /** Public host; the collector probes https://<host>/ for availability and certificate expiry. */
  readonly host: string;
  readonly collector: { readonly image: ImageReference; readonly resources: ContainerResources };
  readonly tracing: {
    readonly image: ImageReference;
    readonly resources: ContainerResources;
    readonly maxTraces: number;
    /** The Jaeger UI behind OpenShift's OAuth proxy on the private shard. @default off */
    readonly ui?: JaegerUiOptions | false;
  };
  /** The routers that reach the Jaeger UI's proxy (Platform.edgePeer). */
  readonly routerPeer: NetworkPeer;
  readonly postgres: PostgresMonitoring;
  readonly alerting: {
    readonly email: EmailDelivery;
    readonly critical: readonly string[];
    readonly warning: readonly string[];
  };
  /** grafana-operator: the Grafana instances that load the dashboards, and their folder. */
  readonly grafana: { readonly instanceSelector: Record<string, string>; readonly folder: string };
  /** Address of docs/runbooks.md, linked from every alert. */
  readonly runbooksUrl: string;
  /** Pods that send OTLP to the collector. */
  readonly telemetrySources: NetworkPeer[];
  /** The ServiceAccount of the pods this construct runs itself (Jaeger). */
  readonly serviceAccountName: string;
  /** Who scrapes the collector's metrics (the cluster's user-workload monitoring). */
  readonly scrapers: NetworkPeer[];
}

/**
 * The telemetry path of one environment: backend -> OTLP -> collector -> traces to Jaeger v2, metrics to
 * Prometheus through a ServiceMonitor; the alert rules on those metrics and the platform's, their
 * routing by email, and the dashboards.
 */
export class Observability extends Construct {
  readonly collector: TelemetryCollector;
  readonly traces: TraceStore;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const collectorName = 'otel-collector';
    // Jaeger admits the collector, so it needs the collector's pod labels before the collector exists.
    const { ui, ...tracing } = props.tracing;
    this.traces = new TraceStore(this, 'Traces', {
      ...tracing,
      ui: ui ? { ...ui, host: props.host, namespace: Chart.of(this).namespace!, routerPeer: props.routerPeer } : undefined,
      serviceAccountName: props.serviceAccountName,
      allowOtlpFrom: [{ podLabels: TelemetryCollector.podSelectorFor(scope, collectorName) }],
    });
    this.collector = new TelemetryCollector(this, 'Collector', {
      ...props.collector,
      name: collectorName,
      tracesEndpoint: this.traces.otlpGrpcEndpoint,
      postgres: props.postgres,
      probeUrls: [`https://${props.host}/`],
      allowOtlpFrom: props.telemetrySources,
      allowScrapeFrom: props.scrapers,
    });

    new MetricsScrape(this, 'ServiceMonitor', {
      metadata: { name: `${collectorName}-metrics-monitor`, labels: componentLabels(this, { name: `${collectorName}-metrics-monitor`, component: 'monitoring' }) },
      serviceLabels: this.collector.metricsServiceLabels,
      endpoints: [{ port: 'metrics', interval: '30s' }, { port: 'telemetry', interval: '60s' }],
    });

    new AlertRules(this, 'AlertRules', { collectorService: this.collector.metricsServiceName, runbookBaseUrl: props.runbooksUrl });

    new ObservabilityDashboards(this, 'Dashboards', {
      environmentName: props.environmentName,
      instanceSelector: props.grafana.instanceSelector,
      folder: props.grafana.folder,
    });

    new AlertRouting(this, 'AlertRouting', {
      metadata: { name: 'co2-calculator-alert-routing', labels: componentLabels(this, { name: 'co2-calculator-alert-routing', component: 'monitoring' }) },
      ...props.alerting,
    });
  }
}
