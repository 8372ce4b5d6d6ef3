/**
 * Application Overview: is the CO2 Calculator serving its users well? Traffic, latency, errors and load
 * of the backend API, from its OpenTelemetry HTTP metrics, and its database connections.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '../metrics';
import { buildDashboard, DashboardOptions, percentileQueries, summaryRow, timeSeriesPanel } from './common';
import { connectionPoolPanel, serverConnectionsPanel } from './database-connections';
import { histogramQuantile, histogramSelector, matchesRegex, rate, ratio, selector, sumBy } from './promql';

const HTTP = METRICS.httpServerRequestDuration;

/** Requests per second, by the given labels; the histogram's `_count` counts every request once. */
const requestRate = (by: readonly string[]) => sumBy(by, rate(histogramSelector(HTTP, 'count')));
/** Share of requests answered with a server error (5xx); client errors (4xx) are the client's doing. */
const errorShare = ratio(sumBy([], rate(histogramSelector(HTTP, 'count', { http_response_status_code: matchesRegex('5..') }))), requestRate([]));
const p95Latency = histogramQuantile(0.95, HTTP);
const activeRequests = sumBy([], selector(METRICS.httpServerActiveRequests));

/** The error rate of the critical alert and the p95 of the warning alert, so the panels turn colour with them. */
const ERROR_SHARE_CRITICAL = 0.05;
const P95_LATENCY_WARNING = 1;

const ACTIVE_USERS_DESCRIPTION =
  'Requests the backend is serving right now, summed over its pods. The application exports no session metric, ' +
  'so in-flight requests stand in for active users: they count users who are waiting for an answer, not users who are signed in.';

export function applicationOverview(options: DashboardOptions): Dashboard {
  return buildDashboard(
    {
      uidPrefix: 'co2-app-overview',
      title: 'Application Overview',
      description: 'Traffic, latency, errors and load of the CO2 Calculator backend, and its database connections.',
      rows: [
        summaryRow([
          {
            title: 'Request rate',
            description: 'Requests per second served by the backend, all routes.',
            unit: 'reqps',
            queries: [{ expr: requestRate([]) }],
          },
          {
            title: 'Error rate (5xx)',
            description: 'Share of requests answered with a 5xx status. Red from 5 %, the level of the critical alert.',
            unit: 'percentunit',
            thresholds: [{ value: ERROR_SHARE_CRITICAL, color: 'red' }],
            queries: [{ expr: errorShare }],
          },
          {
            title: 'Latency p95',
            description: '95 % of requests are answered faster than this. Orange from 1 s, the level of the warning alert.',
            unit: 's',
            thresholds: [{ value: P95_LATENCY_WARNING, color: 'orange' }],
            queries: [{ expr: p95Latency }],
          },
          {
            title: 'Active users (in-flight requests)',
            description: ACTIVE_USERS_DESCRIPTION,
            unit: 'short',
            queries: [{ expr: activeRequests }],
          },
        ]),
        {
          title: 'Traffic and latency',
          panels: [
            timeSeriesPanel({
              title: 'Request rate by route',
              description: 'Requests per second per route template (e.g. /api/v1/...), as the backend saw them. Kubelet health probes, when instrumented, count under their own routes.',
              unit: 'reqps',
              queries: [{ expr: requestRate(['http_route']), legend: '{{http_route}}' }],
            }),
            timeSeriesPanel({
              title: 'Request rate by status code',
              description: 'Requests per second per HTTP status code.',
              unit: 'reqps',
              stacked: true,
              queries: [{ expr: requestRate(['http_response_status_code']), legend: '{{http_response_status_code}}' }],
            }),
            timeSeriesPanel({
              title: 'Latency percentiles',
              description: 'Time to answer a request, all routes: median (p50) and slow tail (p95, p99), estimated from histogram buckets.',
              unit: 's',
              thresholds: [{ value: P95_LATENCY_WARNING, color: 'orange' }],
              queries: percentileQueries(HTTP),
            }),
            timeSeriesPanel({
              title: 'Latency p95 by route',
              description: 'p95 of each route: which routes make the tail slow.',
              unit: 's',
              queries: [{ expr: histogramQuantile(0.95, HTTP, {}, ['http_route']), legend: '{{http_route}}' }],
            }),
            timeSeriesPanel({
              title: 'Error rate (5xx share)',
              description: 'Share of requests answered with a 5xx status, all routes. The critical alert fires above 5 % for 5 minutes.',
              unit: 'percentunit',
              thresholds: [{ value: ERROR_SHARE_CRITICAL, color: 'red' }],
              queries: [{ expr: errorShare, legend: '5xx share' }],
            }),
            timeSeriesPanel({
              title: 'Active users (in-flight requests)',
              description: ACTIVE_USERS_DESCRIPTION,
              unit: 'short',
              queries: [{ expr: activeRequests, legend: 'in-flight requests' }],
            }),
          ],
        },
        { title: 'Database connections', panels: [connectionPoolPanel(), serverConnectionsPanel()] },
      ],
    },
    options,
  );
}
