/**
 * Database Performance: how the managed PostgreSQL serves the backend. Query timings come from the
 * backend's database client spans (spanmetrics connector), since the managed server exposes no query
 * statistics to us; sizes, index use and rows come from the collector's postgresql receiver.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '../metrics';
import { buildDashboard, DashboardOptions, percentileQueries, tablePanel, timeSeriesPanel } from './common';
import { connectionPoolPanel, serverConnectionsPanel } from './database-connections';
import { histogramQuantile, histogramSelector, increase, notEqual, rate, ratio, selector, sumBy, TIME_RANGE } from './promql';

/**
 * A query slower than this counts as slow. The spanmetrics connector's histogram must have a bucket
 * boundary at exactly this duration (its default buckets have none at 500 ms), otherwise the slow-query
 * panel stays empty.
 */
export const SLOW_QUERY_THRESHOLD_SECONDS = 0.5;

const SPANS = METRICS.spanDuration;
/**
 * One span per statement: SQLAlchemy's statement spans. Its `connect` spans carry the same kind and
 * db.system (opentelemetry-instrumentation-sqlalchemy 0.63b1 engine.py:185-199) and are left out here;
 * psycopg's cursor spans, a third copy of each query, are not produced (OTEL_PYTHON_DISABLED_INSTRUMENTATIONS,
 * telemetry-environment.ts).
 */
export const DATABASE_SPANS = { span_kind: 'SPAN_KIND_CLIENT', db_system: 'postgresql', span_name: notEqual('connect') };
const BY_TABLE = ['postgresql_database_name', 'postgresql_table_name'] as const;
const BY_INDEX = [...BY_TABLE, 'postgresql_index_name'] as const;
const TABLE_LEGEND = '{{postgresql_table_name}}';
const INDEX_LEGEND = '{{postgresql_table_name}}.{{postgresql_index_name}}';

const queryRate = (status?: 'STATUS_CODE_ERROR') => sumBy([], rate(selector(METRICS.spanCalls, { ...DATABASE_SPANS, status_code: status })));
/** Every query minus those that finished within the threshold: the histogram's buckets are cumulative. */
const slowQueryRate = `${sumBy([], rate(histogramSelector(SPANS, 'count', DATABASE_SPANS)))} - ${sumBy(
  [],
  rate(histogramSelector(SPANS, 'bucket', { ...DATABASE_SPANS, le: String(SLOW_QUERY_THRESHOLD_SECONDS) })),
)}`;
const indexSize = sumBy(BY_INDEX, selector(METRICS.postgresqlIndexSize));
const rows = (state?: 'dead') => sumBy(BY_TABLE, selector(METRICS.postgresqlRows, { state }));

export function databasePerformance(options: DashboardOptions): Dashboard {
  return buildDashboard(
    {
      uidPrefix: 'co2-db-performance',
      title: 'Database Performance',
      description: 'Query timings, slow queries, connections, table and index sizes, index use and dead rows of the CO2 Calculator database.',
      rows: [
        {
          title: 'Queries',
          panels: [
            timeSeriesPanel({
              title: 'Query duration percentiles',
              description: 'Duration of the backend\'s PostgreSQL statements, network included, from its database client spans: median (p50) and slow tail (p95, p99).',
              unit: 's',
              queries: percentileQueries(SPANS, DATABASE_SPANS),
            }),
            timeSeriesPanel({
              title: 'Query rate and errors',
              description: 'Statements per second the backend sends to PostgreSQL, and those that failed (span status error).',
              unit: 'ops',
              queries: [
                { expr: queryRate(), legend: 'queries' },
                { expr: queryRate('STATUS_CODE_ERROR'), legend: 'errors' },
              ],
            }),
            timeSeriesPanel({
              title: `Slow queries (> ${SLOW_QUERY_THRESHOLD_SECONDS * 1000} ms)`,
              description: `Statements per second that took longer than ${SLOW_QUERY_THRESHOLD_SECONDS * 1000} ms. See the table for which ones.`,
              unit: 'ops',
              queries: [{ expr: slowQueryRate, legend: 'slow queries' }],
            }),
            tablePanel({
              title: 'Slowest queries (p95 over the time range)',
              description:
                'The 10 span names with the highest p95 duration over the selected time range. ' +
                'Span names are what the SQLAlchemy instrumentation records (the statement\'s operation and database), not full SQL.',
              unit: 's',
              valueColumn: 'p95',
              queries: [{ expr: `topk(10, ${histogramQuantile(0.95, SPANS, DATABASE_SPANS, ['span_name'], TIME_RANGE)})` }],
            }),
          ],
        },
        { title: 'Connections', panels: [connectionPoolPanel(), serverConnectionsPanel()] },
        {
          title: 'Storage',
          panels: [
            timeSeriesPanel({
              title: 'Database size',
              description: 'Disk space used by each database.',
              unit: 'bytes',
              width: 8,
              queries: [{ expr: sumBy(['postgresql_database_name'], selector(METRICS.postgresqlDatabaseSize)), legend: '{{postgresql_database_name}}' }],
            }),
            timeSeriesPanel({
              title: 'Table sizes',
              description: 'Disk space used by each table of the monitored databases, largest first.',
              unit: 'bytes',
              width: 8,
              legendTable: true,
              queries: [{ expr: sumBy(BY_TABLE, selector(METRICS.postgresqlTableSize)), legend: TABLE_LEGEND }],
            }),
            timeSeriesPanel({
              title: 'Index sizes',
              description: 'Disk space used by each index, largest first.',
              unit: 'bytes',
              width: 8,
              legendTable: true,
              queries: [{ expr: indexSize, legend: INDEX_LEGEND }],
            }),
          ],
        },
        {
          title: 'Index usage',
          panels: [
            timeSeriesPanel({
              title: 'Index scans by index',
              description: 'Index scans started per second on each index.',
              unit: 'ops',
              legendTable: true,
              queries: [{ expr: sumBy(BY_INDEX, rate(selector(METRICS.postgresqlIndexScans))), legend: INDEX_LEGEND }],
            }),
            tablePanel({
              title: 'Unused indexes (no scan over the time range)',
              description:
                'Indexes not scanned once over the selected time range, with their size: candidates for removal, as they slow every write. ' +
                'Primary keys and unique indexes enforce constraints without being scanned: keep them.',
              unit: 'bytes',
              valueColumn: 'size',
              queries: [{ expr: `${indexSize} and (${sumBy(BY_INDEX, increase(selector(METRICS.postgresqlIndexScans), TIME_RANGE))} == 0)` }],
            }),
          ],
        },
        {
          title: 'Rows',
          panels: [
            timeSeriesPanel({
              title: 'Live and dead rows',
              description: 'Rows of all monitored tables by state. Dead rows are old row versions that vacuum has not reclaimed yet.',
              unit: 'short',
              stacked: true,
              queries: [{ expr: sumBy(['state'], selector(METRICS.postgresqlRows)), legend: '{{state}}' }],
            }),
            timeSeriesPanel({
              title: 'Dead row share by table',
              description: 'Dead rows as a share of all rows of each table. A share that keeps growing means autovacuum does not keep up.',
              unit: 'percentunit',
              legendTable: true,
              queries: [{ expr: ratio(rows('dead'), `${rows()} > 0`), legend: TABLE_LEGEND }],
            }),
          ],
        },
      ],
    },
    options,
  );
}
