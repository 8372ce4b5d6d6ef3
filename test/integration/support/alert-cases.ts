/**
 * promtool scenarios for every alert of lib/observability/alert-rules.ts: series that must fire it, with
 * the exact labels and rendered annotations, and series that must not. The series carry the labels
 * the real sources add (kube-state-metrics' job and instance, the kubelet's node, the collector's
 * resource attributes) so the rules' aggregations are exercised, and quiet scenarios include the same
 * condition in another namespace.
 *
 * Input values are far from the default thresholds, so the scenarios hold for any sensible threshold;
 * the descriptions quote the thresholds given in the context.
 */
import {
  AlertName,
  AlertThresholds,
  DEFAULT_ALERT_THRESHOLDS,
  DEFAULT_BACKUP_CRONJOB,
  DEFAULT_BACKUP_MAX_AGE_HOURS,
  DEFAULT_COLLECTOR_SERVICE,
  DEFAULT_VOLUME_LOOKBACK,
  formatRatio,
} from '../../../lib/observability/alert-rules';
import { METRICS, MetricSpec } from '../../../lib/observability/metrics';
import { AlertTestCase, InputSeries } from './promtool';

export interface AlertCaseContext {
  /** The namespace the rules are scoped to. */
  readonly namespace: string;
  /** @default DEFAULT_ALERT_THRESHOLDS */
  readonly thresholds?: AlertThresholds;
  /** @default DEFAULT_COLLECTOR_SERVICE */
  readonly collectorService?: string;
  /** @default DEFAULT_VOLUME_LOOKBACK */
  readonly volumeLookback?: string;
  /** @default DEFAULT_BACKUP_CRONJOB */
  readonly backupCronJob?: string;
  /** @default DEFAULT_BACKUP_MAX_AGE_HOURS */
  readonly backupMaxAgeHours?: number;
}

/** A namespace whose series must never fire this namespace's alerts. */
const OTHER_NAMESPACE = 'someone-else';
const BACKEND_SERVICE_NAME = 'co2-calculator-backend';
const GIB = 1024 ** 3;

type Labels = Readonly<Record<string, string>>;

function series(metric: MetricSpec, labels: Labels, values: string, suffix?: 'bucket' | 'count'): InputSeries {
  const name = suffix === undefined ? metric.name : `${metric.name}_${suffix}`;
  const matchers = Object.entries(labels).map(([label, value]) => `${label}=${JSON.stringify(value)}`);
  return { series: `${name}{${matchers.join(', ')}}`, values };
}

/** Labels kube-state-metrics adds to its series on OpenShift. */
const KSM = { job: 'kube-state-metrics', instance: '10.128.2.7:8443', service: 'kube-state-metrics' };
/** Labels of the kubelet's (and cAdvisor's) series. */
const kubelet = (node: string) => ({ job: 'kubelet', instance: `${node}:10250`, node, metrics_path: '/metrics' });

function deployment(namespace: string, name: string, spec: string, available: string): InputSeries[] {
  const labels = { ...KSM, namespace, deployment: name };
  return [series(METRICS.deploymentReplicasSpec, labels, spec), series(METRICS.deploymentReplicasAvailable, labels, available)];
}

/**
 * A claim of `capacityGib` with `usedGib` on it, as the kubelet of `node` reports it: only while a pod
 * mounts it, from minute `mountedFrom` for `minutes` minutes.
 */
function volume(namespace: string, claim: string, node: string, mount: { usedGib: number; capacityGib: number; mountedFrom?: number; minutes: number }): InputSeries[] {
  const labels = { ...kubelet(node), namespace, persistentvolumeclaim: claim };
  const whileMounted = (bytes: number) => `${mount.mountedFrom ? `_x${mount.mountedFrom} ` : ''}${bytes}x${mount.minutes}`;
  return [
    series(METRICS.volumeUsedBytes, labels, whileMounted(mount.usedGib * GIB)),
    series(METRICS.volumeCapacityBytes, labels, whileMounted(mount.capacityGib * GIB)),
  ];
}

/** Backend HTTP requests: `perMinute` of each status code, over 30 minutes. */
function requests(namespace: string, perMinute: Readonly<Record<string, number>>): InputSeries[] {
  return Object.entries(perMinute).map(([code, count]) =>
    series(
      METRICS.httpServerRequestDuration,
      { namespace, service_name: BACKEND_SERVICE_NAME, http_route: '/v1/footprints', http_request_method: 'GET', http_response_status_code: code },
      `0+${count}x30`,
      'count',
    ),
  );
}

/** A latency histogram in which all `perMinute` requests take between the bucket below `le` and `le` seconds. */
function latency(namespace: string, perMinute: number, le: string): InputSeries[] {
  const labels = { namespace, service_name: BACKEND_SERVICE_NAME, http_route: '/v1/footprints', http_request_method: 'GET', http_response_status_code: '200' };
  const bounds = ['0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'];
  return [
    ...bounds.map((bound) =>
      series(METRICS.httpServerRequestDuration, { ...labels, le: bound }, bound === '+Inf' || Number(bound) >= Number(le) ? `0+${perMinute}x30` : '0x30', 'bucket'),
    ),
    series(METRICS.httpServerRequestDuration, labels, `0+${perMinute}x30`, 'count'),
  ];
}

function memory(namespace: string, pod: string, container: string, workingSet: number, limit: number | undefined): InputSeries[] {
  const usage = series(METRICS.containerMemoryWorkingSet, { ...kubelet('worker-1'), namespace, pod, container, image: `quay.io/x/${container}:1` }, `${workingSet}x30`);
  if (limit === undefined) return [usage];
  const limits = { ...KSM, namespace, pod, container, node: 'worker-1', resource: 'memory', unit: 'byte' };
  return [usage, series(METRICS.containerResourceLimits, limits, `${limit}x30`)];
}

function certificate(namespace: string, url: string, remainingSeconds: number): InputSeries {
  // Probed every 5 minutes; the exporter lets the series lapse in between (stale).
  const probe = `${remainingSeconds}x2 stale`;
  return series(METRICS.tlsCertificateRemaining, { namespace, http_url: url, http_tls_issuer: 'CN=R11,O=Let\'s Encrypt,C=US' }, Array(12).fill(probe).join(' '));
}

/**
 * A CronJob as kube-state-metrics reports it, for `minutes` minutes: its info series, and the time of its
 * last successful Job (`successes`: the promtool values of that series, absent when it never succeeded).
 */
function cronJob(namespace: string, name: string, minutes: number, successes?: string, startsAt = 0): InputSeries[] {
  const labels = { ...KSM, namespace, cronjob: name };
  const info = series(METRICS.cronJobInfo, { ...labels, schedule: '30 1 * * *', concurrency_policy: 'Forbid' }, `${startsAt ? `_x${startsAt} ` : ''}1x${minutes}`);
  return successes === undefined ? [info] : [info, series(METRICS.cronJobLastSuccessfulTime, labels, successes)];
}

/**
 * A Job of a CronJob as kube-state-metrics v2.10 reports it: `failedReason` set once the Job failed for
 * good (one series per known reason, 1 for the actual one), a single 0 while no pod failed.
 */
function backupJob(namespace: string, owner: string, jobName: string, startedAt: number, failedReason?: 'BackoffLimitExceeded' | 'DeadlineExceeded'): InputSeries[] {
  const labels = { ...KSM, namespace, job_name: jobName };
  const failed =
    failedReason === undefined
      ? [series(METRICS.jobStatusFailed, labels, '0x30')]
      : ['BackoffLimitExceeded', 'DeadlineExceeded', 'Evicted'].map((reason) => series(METRICS.jobStatusFailed, { ...labels, reason }, `${reason === failedReason ? 1 : 0}x30`));
  return [
    ...failed,
    series(METRICS.jobOwner, { ...labels, owner_kind: 'CronJob', owner_name: owner, owner_is_controller: 'true' }, '1x30'),
    series(METRICS.jobStartTime, labels, `${startedAt}x30`),
  ];
}

export function alertTestCases(context: AlertCaseContext): AlertTestCase[] {
  const ns = context.namespace;
  const t = context.thresholds ?? DEFAULT_ALERT_THRESHOLDS;
  const collectorService = context.collectorService ?? DEFAULT_COLLECTOR_SERVICE;
  const lookback = context.volumeLookback ?? DEFAULT_VOLUME_LOOKBACK;
  const backupName = context.backupCronJob ?? DEFAULT_BACKUP_CRONJOB;
  const maxAgeHours = context.backupMaxAgeHours ?? DEFAULT_BACKUP_MAX_AGE_HOURS;
  /** Minutes from the first sample to one hour past the backup age limit. */
  const pastLimit = (maxAgeHours + 1) * 60;
  const backupStale = {
    labels: { namespace: ns, cronjob: backupName, service: 'backup', severity: 'critical' },
    summary: `No successful database backup in ${maxAgeHours} hours`,
    description:
      `CronJob ${backupName} in ${ns} has not completed a run in the last ${maxAgeHours} hours (or never has, ` +
      'though it has existed that long). The newest dump on the db-dumps volume is older than that: a database loss now loses more than a day.',
  };
  const collectorUp = (namespace: string, values: string) =>
    series(METRICS.scrapeUp, { namespace, service: collectorService, endpoint: 'metrics', job: collectorService, pod: 'otel-collector-collector-5d9f-abcde' }, values);
  const backends = (namespace: string, values: string) => series(METRICS.postgresqlBackends, { namespace, postgresql_database_name: 'co2_calculator' }, values);
  const url = `https://${ns}.example.org/`;
  const collectorDown = {
    summary: 'The OpenTelemetry Collector is not being scraped',
    description:
      `Prometheus has not scraped the collector's ${collectorService} Service in ${ns} for 10 minutes. The alerts on application, ` +
      'database and certificate metrics cannot fire while it is down, and the dashboards show gaps.',
  };

  const cases: Record<AlertName, Omit<AlertTestCase, 'alert'>> = {
    ServiceDown: {
      firing: [
        {
          name: 'every backend replica is gone while two are wanted',
          series: [...deployment(ns, 'backend', '2x20', '2 2 0x18'), ...deployment(ns, 'frontend', '2x20', '2x20')],
          evalTime: '10m',
          alerts: [
            {
              labels: { namespace: ns, deployment: 'backend', service: 'backend', severity: 'critical' },
              summary: 'Deployment backend has no available replica',
              description: `Deployment backend in ${ns} should run at least one replica but none has been available for 3 minutes: its part of the CO2 Calculator is down for every user.`,
            },
          ],
        },
      ],
      quiet: [
        {
          name: 'docs scaled to zero on purpose, one frontend replica of two left, an unwatched Deployment and another namespace down',
          series: [
            ...deployment(ns, 'docs', '0x20', '0x20'),
            ...deployment(ns, 'frontend', '2x20', '1x20'),
            ...deployment(ns, 'otel-collector-jaeger', '1x20', '0x20'),
            ...deployment(OTHER_NAMESPACE, 'backend', '2x20', '0x20'),
          ],
          evalTime: '10m',
        },
        { name: 'a backend without replicas for less than 3 minutes', series: deployment(ns, 'backend', '2x20', '2x7 0 0 2x10'), evalTime: '11m' },
      ],
    },

    DatabaseConnectionFailure: {
      firing: [
        {
          name: 'the receiver stops producing postgresql_backends while the collector is scraped',
          series: [collectorUp(ns, '1x20'), backends(ns, '4x5')],
          evalTime: '12m',
          alerts: [
            {
              labels: { namespace: ns, service: 'database', severity: 'critical' },
              summary: 'The OpenTelemetry Collector cannot reach the PostgreSQL database',
              description:
                `The collector in ${ns} is scraped, but its postgresql receiver has produced no postgresql_backends sample for 5 minutes: ` +
                'it cannot connect or log in to the managed PostgreSQL server, and the backend most likely cannot either.',
            },
          ],
        },
      ],
      quiet: [
        { name: 'the database answers', series: [collectorUp(ns, '1x20'), backends(ns, '4x20')], evalTime: '12m' },
        {
          name: 'the collector itself is down (its metrics are all absent), and another namespace loses its database',
          series: [collectorUp(ns, '1 1 0x18'), backends(ns, '4 4'), collectorUp(OTHER_NAMESPACE, '1x20')],
          evalTime: '12m',
        },
      ],
    },

    VolumeAlmostFull: {
      firing: [
        {
          name: 'db-dumps is left 95% full by a backup that ended 3 hours ago',
          series: volume(ns, 'db-dumps', 'worker-1', { usedGib: 9.5, capacityGib: 10, minutes: 10 }),
          evalTime: '3h',
          alerts: [
            {
              labels: { namespace: ns, persistentvolumeclaim: 'db-dumps', service: 'storage', severity: 'critical' },
              summary: 'Volume db-dumps is 95% full',
              description:
                `PersistentVolumeClaim db-dumps in ${ns} is 95% full (threshold ${formatRatio(t.diskRatio)}), as last measured while a pod mounted it ` +
                `(up to ${lookback} ago). When it is full, writes on it fail (for db-dumps: the backups).`,
            },
          ],
        },
      ],
      quiet: [
        { name: 'half full', series: volume(ns, 'db-dumps', 'worker-1', { usedGib: 5, capacityGib: 10, minutes: 30 }), evalTime: '30m' },
        {
          name: 'cleaned up: the next backup, on another node, measures 30%',
          series: [
            ...volume(ns, 'db-dumps', 'worker-1', { usedGib: 9.5, capacityGib: 10, minutes: 10 }),
            ...volume(ns, 'db-dumps', 'worker-2', { usedGib: 3, capacityGib: 10, mountedFrom: 60, minutes: 10 }),
          ],
          evalTime: '75m',
        },
        { name: 'a full volume in another namespace', series: volume(OTHER_NAMESPACE, 'data', 'worker-1', { usedGib: 10, capacityGib: 10, minutes: 30 }), evalTime: '30m' },
      ],
    },

    HighHttpErrorRate: {
      firing: [
        {
          name: '10% of 60 requests a minute fail with 500',
          series: requests(ns, { '200': 54, '500': 6 }),
          evalTime: '15m',
          alerts: [
            {
              labels: { namespace: ns, service_name: BACKEND_SERVICE_NAME, service: 'backend', severity: 'critical' },
              summary: `10% of ${BACKEND_SERVICE_NAME} requests fail with a 5xx status`,
              description:
                `${BACKEND_SERVICE_NAME} in ${ns} has answered 10% of its requests with a 5xx status over the last 5m, for 5 minutes ` +
                `(threshold ${formatRatio(t.errorRatio)}, counted from ${t.minRequests} requests per 5m).`,
            },
          ],
        },
      ],
      quiet: [
        { name: '1% of requests fail, and 4xx do not count', series: requests(ns, { '200': 50, '404': 49, '503': 1 }), evalTime: '15m' },
        { name: 'half of very few requests fail (2 a minute)', series: requests(ns, { '200': 1, '500': 1 }), evalTime: '15m' },
        { name: 'every request of another namespace fails', series: requests(OTHER_NAMESPACE, { '500': 60 }), evalTime: '15m' },
      ],
    },

    BackupNotRecent: {
      firing: [
        {
          name: 'the last success is an hour older than the limit',
          // Succeeded at time 0 (the series holds the Unix time of that success), never since.
          series: cronJob(ns, backupName, pastLimit + 10, `0x${pastLimit + 10}`),
          evalTime: `${maxAgeHours + 1}h`,
          alerts: [backupStale],
        },
        {
          name: 'the CronJob has existed longer than the limit and never succeeded',
          series: cronJob(ns, backupName, pastLimit + 10),
          evalTime: `${maxAgeHours + 1}h`,
          alerts: [backupStale],
        },
      ],
      quiet: [
        {
          name: 'a nightly success an hour before the evaluation',
          series: cronJob(ns, backupName, pastLimit + 10, `0x${pastLimit - 60} ${(pastLimit - 60) * 60}x70`),
          evalTime: `${maxAgeHours + 1}h`,
        },
        {
          name: 'a CronJob younger than the limit that has not run yet',
          series: cronJob(ns, backupName, (maxAgeHours - 2) * 60, undefined, 180),
          evalTime: `${maxAgeHours + 1}h`,
        },
        {
          name: 'for less than 10 minutes past the limit',
          series: cronJob(ns, backupName, pastLimit + 10, `0x${pastLimit + 10}`),
          evalTime: `${maxAgeHours}h5m`,
        },
        {
          name: 'another CronJob of the namespace, and the backup of another namespace, both stale',
          series: [...cronJob(ns, 'report-export', pastLimit + 10, `0x${pastLimit + 10}`), ...cronJob(OTHER_NAMESPACE, backupName, pastLimit + 10)],
          evalTime: `${maxAgeHours + 1}h`,
        },
      ],
    },

    HighMemoryUsage: {
      firing: [
        {
          name: 'the backend container at 90% of its limit',
          series: [...memory(ns, 'backend-7c9d-x2x4q', 'backend', 0.9e9, 1e9), ...memory(ns, 'backend-7c9d-x2x4q', '', 2e9, undefined)],
          evalTime: '20m',
          alerts: [
            {
              labels: { namespace: ns, pod: 'backend-7c9d-x2x4q', container: 'backend', service: 'backend', severity: 'warning' },
              summary: 'Container backend of backend-7c9d-x2x4q uses 90% of its memory limit',
              description:
                `Container backend of pod backend-7c9d-x2x4q in ${ns} has used more than ${formatRatio(t.memoryRatio)} of its memory limit ` +
                'for 15 minutes (90% now). At the limit it is OOM-killed.',
            },
          ],
        },
      ],
      quiet: [
        {
          name: 'half the limit, a container without limit, the pod cgroup, and another namespace at its limit',
          series: [
            ...memory(ns, 'backend-7c9d-x2x4q', 'backend', 0.5e9, 1e9),
            ...memory(ns, 'backend-7c9d-x2x4q', 'sidecar', 5e9, undefined),
            ...memory(ns, 'backend-7c9d-x2x4q', '', 6e9, undefined),
            ...memory(OTHER_NAMESPACE, 'api-1', 'api', 1e9, 1e9),
          ],
          evalTime: '20m',
        },
      ],
    },

    SlowHttpResponses: {
      firing: [
        {
          name: '60 requests a minute, all between 2.5 and 5 seconds',
          series: latency(ns, 60, '5'),
          evalTime: '20m',
          alerts: [
            {
              labels: { namespace: ns, service_name: BACKEND_SERVICE_NAME, service: 'backend', severity: 'warning' },
              summary: `95th percentile latency of ${BACKEND_SERVICE_NAME} is 4.875s`,
              description:
                `5% of the requests ${BACKEND_SERVICE_NAME} in ${ns} served over the last 5m took longer than 4.875s, ` +
                `above ${t.latencyP95Seconds}s for 10 minutes.`,
            },
          ],
        },
      ],
      quiet: [
        { name: 'fast requests', series: latency(ns, 60, '0.25'), evalTime: '20m' },
        { name: 'slow but only 2 requests a minute', series: latency(ns, 2, '5'), evalTime: '20m' },
        { name: 'slow requests in another namespace', series: latency(OTHER_NAMESPACE, 60, '5'), evalTime: '20m' },
      ],
    },

    CertificateExpiringSoon: {
      firing: [
        {
          name: '3 days left, probed every few minutes with gaps in between',
          series: [certificate(ns, url, 3 * 86400)],
          evalTime: '30m',
          alerts: [
            {
              labels: { namespace: ns, http_url: url, service: 'public-host', severity: 'warning' },
              summary: `The certificate of ${url} expires in 3d 0h 0m 0s`,
              description:
                `The TLS certificate served at ${url} (probed from ${ns}) expires in 3d 0h 0m 0s, less than ${t.certificateDays} days. ` +
                'Once expired, browsers refuse the site.',
            },
          ],
        },
      ],
      quiet: [
        { name: '60 days left', series: [certificate(ns, url, 60 * 86400)], evalTime: '30m' },
        { name: 'another namespace\'s certificate about to expire', series: [certificate(OTHER_NAMESPACE, url, 3600)], evalTime: '30m' },
      ],
    },

    TelemetryCollectorDown: {
      firing: [
        {
          name: 'the collector stops answering scrapes',
          series: [collectorUp(ns, '1 1 0x20')],
          evalTime: '20m',
          alerts: [{ labels: { namespace: ns, service: 'telemetry', severity: 'warning' }, ...collectorDown }],
        },
        {
          name: 'the collector was never scraped (only another namespace\'s is)',
          series: [collectorUp(OTHER_NAMESPACE, '1x30')],
          evalTime: '20m',
          alerts: [{ labels: { namespace: ns, service: 'telemetry', severity: 'warning' }, ...collectorDown }],
        },
      ],
      quiet: [
        { name: 'the collector is scraped', series: [collectorUp(ns, '1x30')], evalTime: '20m' },
        { name: 'one missed scrape', series: [collectorUp(ns, '1 1 0 1x20')], evalTime: '20m' },
      ],
    },

    BackupJobFailed: {
      firing: [
        {
          name: 'tonight\'s Job used up its retries, and no run succeeded since (nor ever)',
          series: [...backupJob(ns, backupName, `${backupName}-29371530`, 600, 'BackoffLimitExceeded'), ...cronJob(ns, backupName, 30)],
          evalTime: '10m',
          alerts: [
            {
              labels: { namespace: ns, job_name: `${backupName}-29371530`, service: 'backup', severity: 'warning' },
              summary: `Database backup Job ${backupName}-29371530 failed`,
              description:
                `Job ${backupName}-29371530 of CronJob ${backupName} in ${ns} failed (its retries used up, or its deadline passed): ` +
                'no new database dump was written. Existing dumps are untouched. BackupNotRecent follows if no run succeeds in time.',
            },
          ],
        },
        {
          name: 'an ad-hoc Job that hit its deadline, after an older success',
          series: [...backupJob(ns, backupName, `${backupName}-manual-20261130`, 600, 'DeadlineExceeded'), ...cronJob(ns, backupName, 30, '300x30')],
          evalTime: '10m',
          alerts: [
            {
              labels: { namespace: ns, job_name: `${backupName}-manual-20261130`, service: 'backup', severity: 'warning' },
              summary: `Database backup Job ${backupName}-manual-20261130 failed`,
              description:
                `Job ${backupName}-manual-20261130 of CronJob ${backupName} in ${ns} failed (its retries used up, or its deadline passed): ` +
                'no new database dump was written. Existing dumps are untouched. BackupNotRecent follows if no run succeeds in time.',
            },
          ],
        },
      ],
      quiet: [
        {
          name: 'a failed Job followed by a successful run (the failed one stays in the history)',
          series: [...backupJob(ns, backupName, `${backupName}-29371530`, 600, 'BackoffLimitExceeded'), ...cronJob(ns, backupName, 30, '5000x30')],
          evalTime: '10m',
        },
        {
          name: 'a Job whose pods have not failed',
          series: [...backupJob(ns, backupName, `${backupName}-29371530`, 600), ...cronJob(ns, backupName, 30)],
          evalTime: '10m',
        },
        {
          name: 'a failed Job of another CronJob, and a failed backup of another namespace',
          series: [
            ...backupJob(ns, 'report-export', 'report-export-29371530', 600, 'BackoffLimitExceeded'),
            ...backupJob(OTHER_NAMESPACE, backupName, `${backupName}-29371530`, 600, 'BackoffLimitExceeded'),
          ],
          evalTime: '10m',
        },
      ],
    },
  };
  return Object.entries(cases).map(([alert, testCase]) => ({ alert, ...testCase }));
}
