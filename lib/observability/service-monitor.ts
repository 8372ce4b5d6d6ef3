import { Construct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../../imports/servicemonitors-monitoring.coreos.com';

export interface ScrapeEndpoint {
  /** Name of the Service port. */
  readonly port: string;
  /** @default "30s" */
  readonly interval?: string;
  /** @default "/metrics" */
  readonly path?: string;
}

export interface MetricsScrapeProps {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  /** Labels of the Service whose endpoints are scraped; it must be in the same namespace. */
  readonly serviceLabels: Record<string, string>;
  readonly endpoints: readonly ScrapeEndpoint[];
}

/**
 * A ServiceMonitor for OpenShift user-workload monitoring. Only Services of its own namespace are
 * selected: user-workload Prometheus ignores other namespaces anyway, and saying so keeps the object
 * valid on a cluster where that restriction is lifted.
 */
export class MetricsScrape extends Construct {
  constructor(scope: Construct, id: string, props: MetricsScrapeProps) {
    super(scope, id);
    if (props.endpoints.length === 0) throw new Error(`${props.metadata.name}: a ServiceMonitor needs at least one endpoint`);
    if (Object.keys(props.serviceLabels).length === 0) {
      throw new Error(`${props.metadata.name}: an empty Service selector would scrape every Service of the namespace`);
    }
    new ServiceMonitor(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        selector: { matchLabels: props.serviceLabels },
        endpoints: props.endpoints.map((endpoint) => ({
          port: endpoint.port,
          path: endpoint.path ?? '/metrics',
          interval: endpoint.interval ?? '30s',
          scheme: ServiceMonitorSpecEndpointsScheme.HTTP,
        })),
      },
    });
  }
}
