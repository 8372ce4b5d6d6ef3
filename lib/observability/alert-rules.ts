/**
 * The alert rules of one environment, as plain data: what the `AlertRules` construct renders into a
 * PrometheusRule, and what the tests parse and run through promtool.
 *
 * Every metric comes from the contract in ./metrics.ts, and every selector carries an explicit
 * `namespace="<namespace>"` matcher. OpenShift's user-workload monitoring adds that matcher anyway
 * (Thanos Ruler evaluates the rules of a user namespace scoped to it); writing it keeps the rules
 * correct on any Prometheus and makes the scope visible in review.
 *
 * Runbooks: docs/runbooks.md has one section per alert, whose anchor is the alert name in lowercase.
 */
import { COMPONENT_NAMES } from '../application/components';
import { METRICS, MetricSpec } from './metrics';

export type Severity = 'critical' | 'warning';

/**
 * One alerting rule, with the fields of a Prometheus rule file. Besides `severity`, every alert has a
 * `service` label naming what is affected (`backend`, `database`, ...): Alertmanager's inhibition
 * compares it, so that a critical alert mutes the warnings of the same service only.
 */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: Severity; readonly service: string } & Readonly<Record<string, string>>;
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
  };
}

export interface AlertRuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** The numbers the alerts compare with. */
export interface AlertThresholds {
  /** Share of backend requests answered with a 5xx status, in (0, 1]. @default 0.05 */
  readonly errorRatio: number;
  /**
   * Requests the backend must have served in the 5-minute window before the error-ratio and latency
   * alerts say anything: below it, one slow or failed request is not a trend. @default 20
   */
  readonly minRequests: number;
  /** 95th percentile of backend request duration, in seconds. @default 1 */
  readonly latencyP95Seconds: number;
  /** Working-set memory as a share of the container's memory limit, in (0, 1]. @default 0.8 */
  readonly memoryRatio: number;
  /** Used bytes as a share of a PersistentVolumeClaim's capacity, in (0, 1]. @default 0.9 */
  readonly diskRatio: number;
  /** Days left before the certificate served on the public host expires. @default 7 */
  readonly certificateDays: number;
}

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  errorRatio: 0.05,
  minRequests: 20,
  latencyP95Seconds: 1,
  memoryRatio: 0.8,
  diskRatio: 0.9,
  certificateDays: 7,
};

/** The Deployments whose availability `ServiceDown` watches: one per component, of its name. */
export const DEFAULT_WATCHED_DEPLOYMENTS: readonly string[] = COMPONENT_NAMES;

/**
 * The Service through which Prometheus scrapes the OpenTelemetry Collector (`TelemetryCollector`'s
 * `metricsServiceName`); `up` of its targets tells a silent database from a silent collector.
 */
export const DEFAULT_COLLECTOR_SERVICE = 'otel-collector-metrics';

/**
 * How long the last measurement of a volume still counts. The kubelet reports a PersistentVolumeClaim
 * only while a pod mounts it, and db-dumps is mounted only while the backup CronJob runs: its fill
 * level must outlive the job until the next (daily) run.
 */
export const DEFAULT_VOLUME_LOOKBACK = '26h';

/** The CronJob whose runs the backup alerts watch (lib/backup/database-backup.ts, DatabaseBackup.NAME). */
export const DEFAULT_BACKUP_CRONJOB = 'db-dump';

/**
 * Hours without a successful backup before BackupNotRecent pages: a nightly schedule plus two hours
 * for a slow run, a retry, or a start delayed by the CronJob's starting deadline.
 */
export const DEFAULT_BACKUP_MAX_AGE_HOURS = 26;

/** Labels every alert carries, besides severity, so one route can match the application's alerts. */
export const DEFAULT_ALERT_LABELS: Readonly<Record<string, string>> = { app: 'co2-calculator' };

export interface AlertRuleOptions {
  /** The namespace (OpenShift project) the rules watch, and live in. */
  readonly namespace: string;
  /** Address of docs/runbooks.md; each alert links to `<runbookBaseUrl>#<alert in lowercase>`. */
  readonly runbookBaseUrl: string;
  /** @default DEFAULT_ALERT_THRESHOLDS, per field */
  readonly thresholds?: Partial<AlertThresholds>;
  /** @default DEFAULT_WATCHED_DEPLOYMENTS */
  readonly deployments?: readonly string[];
  /** @default DEFAULT_COLLECTOR_SERVICE */
  readonly collectorService?: string;
  /** A Prometheus duration. @default DEFAULT_VOLUME_LOOKBACK */
  readonly volumeLookback?: string;
  /** Labels added to every alert, e.g. a team to route on; not `severity` nor `service`. @default DEFAULT_ALERT_LABELS */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The backup CronJob. In a namespace without it, the backup alerts have no series and stay quiet.
   * @default DEFAULT_BACKUP_CRONJOB
   */
  readonly backupCronJob?: string;
  /** Whole hours without a successful backup before BackupNotRecent fires. @default DEFAULT_BACKUP_MAX_AGE_HOURS */
  readonly backupMaxAgeHours?: number;
}

/** The alert names, in the order of the rule groups. */
export const ALERT_NAMES = [
  'ServiceDown',
  'DatabaseConnectionFailure',
  'VolumeAlmostFull',
  'HighHttpErrorRate',
  'BackupNotRecent',
  'HighMemoryUsage',
  'SlowHttpResponses',
  'CertificateExpiringSoon',
  'TelemetryCollectorDown',
  'BackupJobFailed',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** The window of every rate and absence check. */
const WINDOW = '5m';

/** `0.05` → `5%`: how thresholds read in descriptions. */
export function formatRatio(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}

/** The anchor of an alert's section in docs/runbooks.md (GitHub lowercases headings). */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** A PromQL string literal. JSON's escapes are valid in PromQL's double-quoted strings. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/**
 * A vector selector that always carries the namespace matcher. `matchers` are further label
 * matchers, written as in PromQL (`resource="memory"`); `suffix` selects a histogram's series.
 */
function selector(namespace: string, metric: MetricSpec, matchers: readonly string[] = [], suffix?: 'bucket' | 'count'): string {
  const name = suffix === undefined ? metric.name : `${metric.name}_${suffix}`;
  return `${name}{${[`namespace=${quote(namespace)}`, ...matchers].join(', ')}}`;
}

/** Checks and defaults; throws on the first option that cannot give working rules. */
function resolveOptions(options: AlertRuleOptions): Required<AlertRuleOptions> & { thresholds: AlertThresholds } {
  const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
  if (!dnsLabel.test(options.namespace)) {
    throw new Error(`alert rules: namespace "${options.namespace}" is not a valid Kubernetes namespace name`);
  }
  let runbook: URL;
  try {
    runbook = new URL(options.runbookBaseUrl);
  } catch {
    throw new Error(`alert rules: runbookBaseUrl "${options.runbookBaseUrl}" is not an absolute URL`);
  }
  if (!['http:', 'https:'].includes(runbook.protocol) || runbook.hash !== '') {
    throw new Error(`alert rules: runbookBaseUrl "${options.runbookBaseUrl}" must be an http(s) URL without a #fragment (the alert's anchor is appended)`);
  }

  const thresholds = { ...DEFAULT_ALERT_THRESHOLDS, ...options.thresholds };
  for (const key of ['errorRatio', 'memoryRatio', 'diskRatio'] as const) {
    const value = thresholds[key];
    if (!(value > 0 && value <= 1)) throw new Error(`alert rules: thresholds.${key} must be a ratio in (0, 1], got ${value}`);
  }
  for (const key of ['latencyP95Seconds', 'certificateDays'] as const) {
    const value = thresholds[key];
    if (!(value > 0 && Number.isFinite(value))) throw new Error(`alert rules: thresholds.${key} must be a positive number, got ${value}`);
  }
  if (!(Number.isInteger(thresholds.minRequests) && thresholds.minRequests >= 1)) {
    throw new Error(`alert rules: thresholds.minRequests must be a whole number of at least 1, got ${thresholds.minRequests}`);
  }

  const deployments = options.deployments ?? DEFAULT_WATCHED_DEPLOYMENTS;
  if (deployments.length === 0) throw new Error('alert rules: deployments must name at least one Deployment to watch');
  const backupCronJob = options.backupCronJob ?? DEFAULT_BACKUP_CRONJOB;
  for (const name of [...deployments, options.collectorService ?? DEFAULT_COLLECTOR_SERVICE, backupCronJob]) {
    if (!dnsLabel.test(name)) throw new Error(`alert rules: "${name}" is not a valid Deployment, Service or CronJob name`);
  }
  const backupMaxAgeHours = options.backupMaxAgeHours ?? DEFAULT_BACKUP_MAX_AGE_HOURS;
  if (!(Number.isInteger(backupMaxAgeHours) && backupMaxAgeHours >= 1)) {
    throw new Error(`alert rules: backupMaxAgeHours must be a whole number of hours, at least 1, got ${backupMaxAgeHours}`);
  }
  if (new Set(deployments).size !== deployments.length) throw new Error(`alert rules: deployments lists a name twice: ${deployments.join(', ')}`);

  const volumeLookback = options.volumeLookback ?? DEFAULT_VOLUME_LOOKBACK;
  if (!/^([0-9]+[ywdhm])+$/.test(volumeLookback) || /^(0+[ywdhm])+$/.test(volumeLookback)) {
    throw new Error(`alert rules: volumeLookback "${volumeLookback}" must be a non-zero Prometheus duration in whole minutes or more (e.g. "26h", "8d")`);
  }

  const labels = options.labels ?? DEFAULT_ALERT_LABELS;
  for (const [name, value] of Object.entries(labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.startsWith('__')) throw new Error(`alert rules: "${name}" is not a valid Prometheus label name`);
    if (['severity', 'service', 'alertname'].includes(name)) throw new Error(`alert rules: label "${name}" is set by each rule and cannot be overridden`);
    if (value === '') throw new Error(`alert rules: label "${name}" has an empty value, which Prometheus treats as no label`);
  }

  return {
    namespace: options.namespace,
    runbookBaseUrl: options.runbookBaseUrl,
    thresholds,
    deployments,
    collectorService: options.collectorService ?? DEFAULT_COLLECTOR_SERVICE,
    volumeLookback,
    labels,
    backupCronJob,
    backupMaxAgeHours,
  };
}

/**
 * The alert rule groups of one namespace: critical alerts (page-worthy: users are affected now or
 * soon) and warnings (something degrades). Pure: the same options give the same rules.
 */
export function alertRuleGroups(options: AlertRuleOptions): AlertRuleGroup[] {
  const o = resolveOptions(options);
  const t = o.thresholds;
  const ns = o.namespace;

  /** `service` may be a template of the alert's labels, e.g. `{{ $labels.deployment }}`. */
  type RuleSpec = Pick<AlertRule, 'expr' | 'for'> & { service: string; summary: string; description: string };
  const rule = (alert: AlertName, severity: Severity, spec: RuleSpec): AlertRule => ({
    alert,
    expr: spec.expr,
    for: spec.for,
    labels: { ...o.labels, severity, service: spec.service },
    annotations: { summary: spec.summary, description: spec.description, runbook_url: `${o.runbookBaseUrl}#${runbookAnchor(alert)}` },
  });

  const byService = 'namespace, service_name';
  const requests = selector(ns, METRICS.httpServerRequestDuration, [], 'count');
  // Ratio and percentile of a handful of requests are noise: both HTTP alerts need this much traffic.
  const enoughTraffic = `and on (${byService})\n  sum by (${byService}) (increase(${requests}[${WINDOW}])) >= ${t.minRequests}`;
  const deploymentMatcher = [`deployment=~${quote(o.deployments.join('|'))}`];
  const byDeployment = 'namespace, deployment';
  const byContainer = 'namespace, pod, container';
  const byClaim = 'namespace, persistentvolumeclaim';
  const byCronJob = 'namespace, cronjob';
  const byJob = 'namespace, job_name';
  const cronJobMatcher = `cronjob=${quote(o.backupCronJob)}`;
  const backupCronJob = selector(ns, METRICS.cronJobInfo, [cronJobMatcher]);

  const critical: AlertRule[] = [
    rule('ServiceDown', 'critical', {
      expr: [
        `max by (${byDeployment}) (${selector(ns, METRICS.deploymentReplicasAvailable, deploymentMatcher)}) == 0`,
        `and on (${byDeployment})`,
        `  max by (${byDeployment}) (${selector(ns, METRICS.deploymentReplicasSpec, deploymentMatcher)}) > 0`,
      ].join('\n'),
      for: '3m',
      service: '{{ $labels.deployment }}',
      summary: 'Deployment {{ $labels.deployment }} has no available replica',
      description:
        'Deployment {{ $labels.deployment }} in {{ $labels.namespace }} should run at least one replica but none has been available for 3 minutes: ' +
        'its part of the CO2 Calculator is down for every user.',
    }),
    rule('DatabaseConnectionFailure', 'critical', {
      // The postgresql receiver emits nothing while it cannot log in; `up` of the collector tells that
      // apart from a collector that is down or not scraped (then every collector metric is absent).
      expr: [
        `absent_over_time(${selector(ns, METRICS.postgresqlBackends)}[3m])`,
        'and on ()',
        `  max(${selector(ns, METRICS.scrapeUp, [`service=${quote(o.collectorService)}`])}) == 1`,
      ].join('\n'),
      for: '2m',
      service: 'database',
      summary: 'The OpenTelemetry Collector cannot reach the PostgreSQL database',
      description:
        `The collector in {{ $labels.namespace }} is scraped, but its postgresql receiver has produced no ${METRICS.postgresqlBackends.name} ` +
        'sample for 5 minutes: it cannot connect or log in to the managed PostgreSQL server, and the backend most likely cannot either.',
    }),
    rule('VolumeAlmostFull', 'critical', {
      expr: [
        'last_over_time(',
        '  (',
        `    max by (${byClaim}) (${selector(ns, METRICS.volumeUsedBytes)})`,
        '    /',
        `    max by (${byClaim}) (${selector(ns, METRICS.volumeCapacityBytes)})`,
        `  )[${o.volumeLookback}:1m]`,
        `) > ${t.diskRatio}`,
      ].join('\n'),
      for: '5m',
      service: 'storage',
      summary: 'Volume {{ $labels.persistentvolumeclaim }} is {{ $value | humanizePercentage }} full',
      description:
        `PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is {{ $value | humanizePercentage }} full (threshold ${formatRatio(t.diskRatio)}), ` +
        `as last measured while a pod mounted it (up to ${o.volumeLookback} ago). When it is full, writes on it fail (for db-dumps: the backups).`,
    }),
    rule('HighHttpErrorRate', 'critical', {
      expr: [
        '(',
        `  sum by (${byService}) (rate(${selector(ns, METRICS.httpServerRequestDuration, ['http_response_status_code=~"5.."'], 'count')}[${WINDOW}]))`,
        '  /',
        `  sum by (${byService}) (rate(${requests}[${WINDOW}]))`,
        `) > ${t.errorRatio}`,
        enoughTraffic,
      ].join('\n'),
      for: '5m',
      service: 'backend',
      summary: '{{ $value | humanizePercentage }} of {{ $labels.service_name }} requests fail with a 5xx status',
      description:
        `{{ $labels.service_name }} in {{ $labels.namespace }} has answered {{ $value | humanizePercentage }} of its requests with a 5xx status ` +
        `over the last ${WINDOW}, for 5 minutes (threshold ${formatRatio(t.errorRatio)}, counted from ${t.minRequests} requests per ${WINDOW}).`,
    }),
    rule('BackupNotRecent', 'critical', {
      // The CronJob existed a full period ago and still exists, and no run has succeeded within that
      // period. kube_cronjob_status_last_successful_time is absent until a first success, so a CronJob
      // that never succeeded fires too, once it is old enough; a new one does not.
      expr: [
        `group by (${byCronJob}) (${backupCronJob} offset ${o.backupMaxAgeHours}h)`,
        `and on (${byCronJob})`,
        `  group by (${byCronJob}) (${backupCronJob})`,
        `unless on (${byCronJob})`,
        `  time() - max by (${byCronJob}) (${selector(ns, METRICS.cronJobLastSuccessfulTime, [cronJobMatcher])}) <= ${o.backupMaxAgeHours * 3600}`,
      ].join('\n'),
      // Rides over a kube-state-metrics restart, during which the last-success series is briefly absent.
      for: '10m',
      service: 'backup',
      summary: `No successful database backup in ${o.backupMaxAgeHours} hours`,
      description:
        `CronJob ${o.backupCronJob} in {{ $labels.namespace }} has not completed a run in the last ${o.backupMaxAgeHours} hours (or never has, ` +
        'though it has existed that long). The newest dump on the db-dumps volume is older than that: a database loss now loses more than a day.',
    }),
  ];

  const warning: AlertRule[] = [
    rule('HighMemoryUsage', 'warning', {
      // Containers without a memory limit have no limit series, so the division drops them.
      expr: [
        '(',
        `  max by (${byContainer}) (${selector(ns, METRICS.containerMemoryWorkingSet)})`,
        '  /',
        `  max by (${byContainer}) (${selector(ns, METRICS.containerResourceLimits, ['resource="memory"'])} > 0)`,
        `) > ${t.memoryRatio}`,
      ].join('\n'),
      for: '15m',
      // Each workload's container is named after it, so this matches ServiceDown's service.
      service: '{{ $labels.container }}',
      summary: 'Container {{ $labels.container }} of {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its memory limit',
      description:
        `Container {{ $labels.container }} of pod {{ $labels.pod }} in {{ $labels.namespace }} has used more than ${formatRatio(t.memoryRatio)} ` +
        'of its memory limit for 15 minutes ({{ $value | humanizePercentage }} now). At the limit it is OOM-killed.',
    }),
    rule('SlowHttpResponses', 'warning', {
      expr: [
        `histogram_quantile(0.95, sum by (${byService}, le) (rate(${selector(ns, METRICS.httpServerRequestDuration, [], 'bucket')}[${WINDOW}]))) > ${t.latencyP95Seconds}`,
        enoughTraffic,
      ].join('\n'),
      for: '10m',
      // Only the backend exports HTTP metrics.
      service: 'backend',
      summary: '95th percentile latency of {{ $labels.service_name }} is {{ $value | humanizeDuration }}',
      description:
        `5% of the requests {{ $labels.service_name }} in {{ $labels.namespace }} served over the last ${WINDOW} took longer than {{ $value | humanizeDuration }}, ` +
        `above ${t.latencyP95Seconds}s for 10 minutes.`,
    }),
    rule('CertificateExpiringSoon', 'warning', {
      // The probe runs every few minutes and the exporter may expire its series in between: the last
      // value of the past 15 minutes bridges the gaps, which would otherwise restart `for`.
      expr: `min by (namespace, http_url) (last_over_time(${selector(ns, METRICS.tlsCertificateRemaining)}[15m])) < ${t.certificateDays * 24 * 3600}`,
      for: '15m',
      service: 'public-host',
      summary: 'The certificate of {{ $labels.http_url }} expires in {{ $value | humanizeDuration }}',
      description:
        `The TLS certificate served at {{ $labels.http_url }} (probed from {{ $labels.namespace }}) expires in {{ $value | humanizeDuration }}, ` +
        `less than ${t.certificateDays} days. Once expired, browsers refuse the site.`,
    }),
    rule('TelemetryCollectorDown', 'warning', {
      // Four alerts read the collector's metrics and go silent without it: say so instead. absent()
      // covers a collector that was never scraped (ServiceMonitor missing, or no target at all).
      expr: [
        `max by (namespace) (${selector(ns, METRICS.scrapeUp, [`service=${quote(o.collectorService)}`])}) == 0`,
        'or',
        `absent(${selector(ns, METRICS.scrapeUp, [`service=${quote(o.collectorService)}`])})`,
      ].join('\n'),
      for: '10m',
      service: 'telemetry',
      summary: 'The OpenTelemetry Collector is not being scraped',
      description:
        `Prometheus has not scraped the collector's ${o.collectorService} Service in ${ns} for 10 minutes. The alerts on application, ` +
        'database and certificate metrics cannot fire while it is down, and the dashboards show gaps.',
    }),
    rule('BackupJobFailed', 'warning', {
      // A Job of the CronJob (scheduled or made by hand from it) that failed for good, unless a run of
      // the CronJob has succeeded since it started: the failed Job stays in the history for days.
      expr: [
        `max by (${byJob}) (${selector(ns, METRICS.jobStatusFailed)}) > 0`,
        `and on (${byJob})`,
        `  ${selector(ns, METRICS.jobOwner, ['owner_kind="CronJob"', `owner_name=${quote(o.backupCronJob)}`])}`,
        `unless on (${byJob})`,
        `  (`,
        `    max by (${byJob}) (${selector(ns, METRICS.jobStartTime)})`,
        `    < on (namespace) group_left ()`,
        `    max by (namespace) (${selector(ns, METRICS.cronJobLastSuccessfulTime, [cronJobMatcher])})`,
        `  )`,
      ].join('\n'),
      for: '1m',
      service: 'backup',
      summary: 'Database backup Job {{ $labels.job_name }} failed',
      description:
        `Job {{ $labels.job_name }} of CronJob ${o.backupCronJob} in {{ $labels.namespace }} failed (its retries used up, or its deadline passed): ` +
        'no new database dump was written. Existing dumps are untouched. BackupNotRecent follows if no run succeeds in time.',
    }),
  ];

  return [
    { name: 'co2-calculator.critical', rules: critical },
    { name: 'co2-calculator.warning', rules: warning },
  ];
}
