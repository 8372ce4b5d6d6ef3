/**
 * The two views of database connections, shown both on the application overview and on the database
 * dashboard: the backend's pool (client side) and the server's backends (server side). Side by side they
 * tell a saturated pool (requests wait in the app) from a saturated server (max_connections reached).
 */
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { METRICS } from '../metrics';
import { maxBy, selector, sumBy } from './promql';
import { timeSeriesPanel } from './common';

/**
 * SQLAlchemy pool connections by state, stacked. The instrumentation (opentelemetry-python-contrib
 * 0.63b1) emits only db.client.connections.usage, no pool limit: the limit is the backend's settings.
 */
export function connectionPoolPanel(): timeseries.PanelBuilder {
  return timeSeriesPanel({
    title: 'Connection pool usage',
    description:
      'Connections of the backend\'s SQLAlchemy pools by state (used, idle), summed over all backend pods. ' +
      'The instrumentation exports no pool limit: compare used with the pool size and overflow the backend is configured with; used at that size means requests wait for a connection.',
    unit: 'short',
    stacked: true,
    queries: [{ expr: sumBy(['state'], selector(METRICS.dbClientConnectionsUsage)), legend: '{{state}}' }],
  });
}

/** Connections the PostgreSQL server holds, by database, against max_connections. */
export function serverConnectionsPanel(): timeseries.PanelBuilder {
  return timeSeriesPanel({
    title: 'Server connections',
    description:
      'Connections open on the PostgreSQL server per database (postgresql receiver of the collector), against the server\'s max_connections. ' +
      'Every client counts, the collector\'s monitoring login included. No data means the collector cannot log in: treat it as a connection failure.',
    unit: 'short',
    limitSeries: '^max_connections$',
    queries: [
      { expr: sumBy(['postgresql_database_name'], selector(METRICS.postgresqlBackends)), legend: '{{postgresql_database_name}}' },
      { expr: maxBy([], selector(METRICS.postgresqlConnectionMax)), legend: 'max_connections' },
    ],
  });
}
