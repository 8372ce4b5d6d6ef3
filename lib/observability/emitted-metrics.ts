/**
 * What the running software emits, as data: each OpenTelemetry instrument with its unit and type, read
 * in the instrumentation's source at the version the image runs, and the names the platform exports
 * as they are. `prometheusName` applies the collector's Prometheus naming, so the test can check every
 * metric our panels and rules read against what can exist. Sources: docs/sources/observability.md.
 */

/** An OpenTelemetry instrument, as the OTLP metric reaches the collector. */
export interface OtelInstrument {
  readonly otelName: string;
  /** UCUM unit; `{...}` annotations and '' add no suffix. */
  readonly unit: string;
  /** `counter`: a monotonic sum; `updown`: a non-monotonic sum; `gauge`; `histogram`. */
  readonly kind: 'counter' | 'updown' | 'gauge' | 'histogram';
  /** Who emits it, `repo@version path:line`. */
  readonly source: string;
}

/** A series whose name reaches Prometheus unchanged (kube-state-metrics, cAdvisor, the kubelet, Prometheus itself). */
export interface NativeSeries {
  readonly prometheusName: string;
  readonly source: string;
}

const PY_CONTRIB = 'open-telemetry/opentelemetry-python-contrib@v0.63b1 (the image\'s opentelemetry-distro, co2-calculator v1.0.7 backend/uv.lock:1202-1203)';
const COLLECTOR = 'open-telemetry/opentelemetry-collector-contrib';

export const OTEL_INSTRUMENTS: readonly OtelInstrument[] = [
  { otelName: 'http.server.request.duration', unit: 's', kind: 'histogram', source: `${PY_CONTRIB} instrumentation/opentelemetry-instrumentation-asgi/.../asgi/__init__.py:631-636 (OTEL_SEMCONV_STABILITY_OPT_IN=http)` },
  { otelName: 'http.server.active_requests', unit: '{request}', kind: 'updown', source: `${PY_CONTRIB} asgi/__init__.py:661 (create_http_server_active_requests, opentelemetry-instrumentation _semconv.py)` },
  // Only usage: the SQLAlchemy instrumentation creates no db.client.connections.max.
  { otelName: 'db.client.connections.usage', unit: 'connections', kind: 'updown', source: `${PY_CONTRIB} instrumentation/opentelemetry-instrumentation-sqlalchemy/.../sqlalchemy/__init__.py:206-210` },
  { otelName: 'traces.span.metrics.calls', unit: '', kind: 'counter', source: `${COLLECTOR} connector/spanmetricsconnector (default namespace traces.span.metrics)` },
  { otelName: 'traces.span.metrics.duration', unit: 's', kind: 'histogram', source: `${COLLECTOR} connector/spanmetricsconnector (histogram unit s, lib/observability/otel-collector.ts)` },
  { otelName: 'postgresql.backends', unit: '1', kind: 'updown', source: `${COLLECTOR}@009e716 receiver/postgresqlreceiver/metadata.yaml` },
  { otelName: 'postgresql.connection.max', unit: '{connections}', kind: 'gauge', source: `${COLLECTOR}@009e716 receiver/postgresqlreceiver/metadata.yaml` },
  { otelName: 'postgresql.db_size', unit: 'By', kind: 'updown', source: `${COLLECTOR}@009e716 receiver/postgresqlreceiver/metadata.yaml` },
  { otelName: 'postgresql.table.size', unit: 'By', kind: 'updown', source: `${COLLECTOR}@009e716 receiver/postgresqlreceiver/metadata.yaml` },
  { otelName: 'postgresql.index.scans', unit: '{scans}', kind: 'counter', source: `${COLLECTOR}@009e716 receiver/postgresqlreceiver/metadata.yaml` },
  { otelName: 'postgresql.index.size', unit: 'By', kind: 'gauge', source: `${COLLECTOR}@009e716 receiver/postgresqlreceiver/metadata.yaml` },
  { otelName: 'postgresql.rows', unit: '1', kind: 'updown', source: `${COLLECTOR}@009e716 receiver/postgresqlreceiver/metadata.yaml` },
  { otelName: 'httpcheck.tls.cert_remaining', unit: 's', kind: 'gauge', source: `${COLLECTOR} receiver/httpcheckreceiver/metadata.yaml (optional metric, enabled in otel-collector.ts)` },
];

const KSM = 'kubernetes/kube-state-metrics docs/metrics (OpenShift cluster monitoring)';
export const NATIVE_SERIES: readonly NativeSeries[] = [
  ...[
    'kube_deployment_status_replicas_available',
    'kube_deployment_spec_replicas',
    'kube_pod_container_resource_limits',
    'kube_pod_container_status_restarts_total',
    'kube_pod_container_status_last_terminated_reason',
    'kube_cronjob_info',
    'kube_cronjob_status_last_successful_time',
    'kube_job_status_failed',
    'kube_job_owner',
    'kube_job_status_start_time',
  ].map((prometheusName) => ({ prometheusName, source: KSM })),
  ...['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_network_receive_bytes_total', 'container_network_transmit_bytes_total'].map(
    (prometheusName) => ({ prometheusName, source: 'cAdvisor, through the kubelet (OpenShift cluster monitoring)' }),
  ),
  ...['kubelet_volume_stats_used_bytes', 'kubelet_volume_stats_capacity_bytes'].map((prometheusName) => ({ prometheusName, source: 'the kubelet (OpenShift cluster monitoring)' })),
  { prometheusName: 'up', source: 'Prometheus, per scrape target' },
];

const UNITS: Readonly<Record<string, string>> = { d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds', By: 'bytes', '1': '', '%': 'percent' };

/**
 * The collector's Prometheus name of an OTLP metric (the Prometheus exporter with metric suffixes:
 * opentelemetry-collector-contrib 239be622, pkg/translator/prometheus/normalize_name.go normalizeName):
 * tokens of the name joined by `_`, the unit appended unless it is an annotation or already a token,
 * `_total` for monotonic sums, `_ratio` for gauges of unit 1.
 */
export function prometheusName(instrument: Pick<OtelInstrument, 'otelName' | 'unit' | 'kind'>): string {
  let tokens = instrument.otelName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const [main, per] = instrument.unit.split('/', 2).map((part) => part.trim());
  const clean = (unit: string) => unit.split(/[^A-Za-z0-9]+/).filter(Boolean).join('_');
  if (main && !/[{}]/.test(main)) {
    const unit = clean(UNITS[main] ?? main);
    if (unit && !tokens.includes(unit)) tokens.push(unit);
  }
  if (per && !/[{}]/.test(per)) {
    const unit = clean({ s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' }[per] ?? per);
    if (unit && !tokens.includes(unit)) tokens.push('per', unit);
  }
  if (instrument.kind === 'counter') tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
  if (instrument.unit === '1' && instrument.kind === 'gauge') tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
  return tokens.join('_');
}

/** Every series name Prometheus can hold from what we run: histograms as their three series. */
export function emittedSeriesNames(): Set<string> {
  const names = new Set(NATIVE_SERIES.map((series) => series.prometheusName));
  for (const instrument of OTEL_INSTRUMENTS) {
    const name = prometheusName(instrument);
    if (instrument.kind === 'histogram') for (const suffix of ['bucket', 'count', 'sum']) names.add(`${name}_${suffix}`);
    else names.add(name);
  }
  return names;
}
