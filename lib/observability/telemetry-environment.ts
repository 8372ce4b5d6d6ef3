import { k8s } from 'cdk8s-plus-28';

export interface TelemetryEnvironmentOptions {
  /** OTLP gRPC endpoint of the collector, e.g. http://otel-collector-collector:4317. */
  readonly endpoint: string;
  readonly serviceName: string;
  /** Version of the running code (the image tag), reported as service.version. */
  readonly serviceVersion: string;
  /** e.g. "production": reported as deployment.environment. */
  readonly deploymentEnvironment: string;
}

/**
 * The environment variables that point an OpenTelemetry-instrumented process at the collector.
 *
 * - The pod's identity comes from the downward API and is declared before OTEL_RESOURCE_ATTRIBUTES,
 *   which refers to it with $(VAR) (Kubernetes expands only variables defined earlier in the list).
 * - OTEL_SEMCONV_STABILITY_OPT_IN=http makes the Python HTTP instrumentations emit the stable
 *   conventions: http.server.request.duration in seconds with http.response.status_code, which reach
 *   Prometheus as http_server_request_duration_seconds, the series the alerts and dashboards read.
 * - OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=psycopg,asyncpg: opentelemetry-bootstrap installs an
 *   instrumentation for every driver in the image, and psycopg's would trace each statement SQLAlchemy
 *   already traces (the engine runs on psycopg, backend/app/db.py:29-39); asyncpg is installed but unused.
 *   Read by opentelemetry-instrumentation 0.63b1 auto_instrumentation/_load.py:77-92 (entry point names).
 * - Logs stay on stdout (OpenShift logging collects them); trace ids are injected into log records.
 */
export function telemetryEnvironment(options: TelemetryEnvironmentOptions): k8s.EnvVar[] {
  const field = (name: string, fieldPath: string): k8s.EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  const attributes = {
    'service.version': options.serviceVersion,
    'deployment.environment': options.deploymentEnvironment,
    'k8s.namespace.name': '$(POD_NAMESPACE)',
    'k8s.pod.name': '$(POD_NAME)',
    'k8s.node.name': '$(NODE_NAME)',
  };
  return [
    field('POD_NAME', 'metadata.name'),
    field('POD_NAMESPACE', 'metadata.namespace'),
    field('NODE_NAME', 'spec.nodeName'),
    { name: 'OTEL_SERVICE_NAME', value: options.serviceName },
    { name: 'OTEL_RESOURCE_ATTRIBUTES', value: Object.entries(attributes).map(([key, value]) => `${key}=${value}`).join(',') },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: options.endpoint },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' },
    { name: 'OTEL_TRACES_EXPORTER', value: 'otlp' },
    { name: 'OTEL_METRICS_EXPORTER', value: 'otlp' },
    { name: 'OTEL_LOGS_EXPORTER', value: 'none' },
    { name: 'OTEL_METRIC_EXPORT_INTERVAL', value: '30000' },
    { name: 'OTEL_SEMCONV_STABILITY_OPT_IN', value: 'http' },
    { name: 'OTEL_PYTHON_LOG_CORRELATION', value: 'true' },
    { name: 'OTEL_PYTHON_DISABLED_INSTRUMENTATIONS', value: 'psycopg,asyncpg' },
  ];
}
