/**
 * No panel or rule reads a metric the application does not emit: every series name in the synthesized
 * dashboards and alert rules of every environment, checked against the instruments the image's
 * instrumentation creates (lib/observability/emitted-metrics.ts) after the collector's Prometheus naming.
 */
import { emittedSeriesNames, OTEL_INSTRUMENTS, prometheusName } from '../../lib/observability/emitted-metrics';
import { METRICS } from '../../lib/observability/metrics';
import { substituteVariables } from '../support/grafana-promql';
import { parsePromQL } from '../support/promql';
import { standardSynthesis } from '../support/synthesis';

/** Every `expr` of a dashboard's panels and targets, however deep. */
function expressions(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(expressions);
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) => (key === 'expr' && typeof value === 'string' ? [value] : expressions(value)));
  }
  return [];
}

const uses = standardSynthesis().environments.flatMap(({ environment, manifests }) =>
  manifests.flatMap((m: any) => {
    if (m.kind === 'GrafanaDashboard') return expressions(JSON.parse(m.spec.json)).map((expr) => [`${environment.name}/${m.metadata.name}`, substituteVariables(expr)] as const);
    if (m.kind === 'PrometheusRule') return m.spec.groups.flatMap((g: any) => g.rules.map((r: any) => [`${environment.name}/${r.alert ?? r.record}`, r.expr] as const));
    return [];
  }),
);

describe('the collector\'s Prometheus names', () => {
  test.each([
    [{ otelName: 'http.server.request.duration', unit: 's', kind: 'histogram' }, 'http_server_request_duration_seconds'],
    // A unit already in the name is not repeated; annotations add nothing.
    [{ otelName: 'db.client.connections.usage', unit: 'connections', kind: 'updown' }, 'db_client_connections_usage'],
    [{ otelName: 'postgresql.connection.max', unit: '{connections}', kind: 'gauge' }, 'postgresql_connection_max'],
    [{ otelName: 'postgresql.index.scans', unit: '{scans}', kind: 'counter' }, 'postgresql_index_scans_total'],
    [{ otelName: 'postgresql.backends', unit: '1', kind: 'updown' }, 'postgresql_backends'],
    [{ otelName: 'system.cpu.utilization', unit: '1', kind: 'gauge' }, 'system_cpu_utilization_ratio'],
    [{ otelName: 'network.io', unit: 'By/s', kind: 'gauge' }, 'network_io_bytes_per_second'],
  ] as const)('%o is %s', (instrument, name) => {
    expect(prometheusName(instrument)).toBe(name);
  });

  test('every instrument names its source', () => {
    for (const instrument of OTEL_INSTRUMENTS) expect(instrument.source).toMatch(/^open-telemetry\//);
  });
});

describe('what the panels and rules read', () => {
  const emitted = emittedSeriesNames();

  test('there are dashboards and rules to check in every environment with observability', () => {
    expect(uses.length).toBeGreaterThan(50);
  });

  test.each(uses.map(([where, expr]) => [where, expr]))('%s reads only emitted series: %s', (_where, expr) => {
    const names = parsePromQL(expr).selectors.map((s) => s.metric ?? '(no name)');
    expect(names.filter((name) => !emitted.has(name))).toEqual([]);
  });

  test('the metric contract names only emitted series', () => {
    for (const metric of Object.values(METRICS)) {
      const series = metric.type === 'histogram' ? `${metric.name}_bucket` : metric.name;
      expect({ metric: metric.name, emitted: emitted.has(series) }).toEqual({ metric: metric.name, emitted: true });
    }
  });

  test('db_client_connections_max is emitted by nothing we run', () => {
    expect(emitted.has('db_client_connections_max')).toBe(false);
  });

  test('database query panels count one span per statement: never the connect spans', () => {
    const database = uses.filter(([, expr]) => /db_system="postgresql"/.test(expr));
    expect(database.length).toBeGreaterThan(0);
    for (const [, expr] of database) expect(expr).toContain('span_name!="connect"');
  });
});
