import { readFileSync } from 'node:fs';
import { cronScheduleProblem, isTimeZone } from '../config/schedule';
import { join } from 'node:path';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { formatImageReference, ImageReference, imageVersionLabel } from '../core/image';
import { ComponentIdentity, componentLabels, versionedLabels } from '../core/labels';
import { ContainerResources } from '../core/resources';
import type { PodUser } from '../core/restricted-pod';
import { oneShotJobSpec } from '../workloads/one-shot-job';
import { checkClientVersion } from '../database/postgres-client';
import { REPO_ROOT } from '../core/repo-root';
import { DatabaseConnection } from '../database/database-connection';
import { VolumeClaim } from '../storage/volume-claim';

/** The dump script, a real file so that shellcheck and the integration test run what the CronJob runs. */
export const DB_DUMP_SCRIPT_PATH = join(REPO_ROOT, 'lib', 'backup', 'db-dump.sh');

export interface DatabaseBackupProps {
  /**
   * A pinned PostgreSQL client image with bash, pg_dump and pg_restore, e.g.
   * `docker.io/library/postgres:17.11-trixie@sha256:…`. Its pg_dump must be at least as new as the server.
   */
  readonly image: ImageReference;
  /**
   * Major version of the image's pg_dump.
   * @default read from the tag of an image named `postgres` or `postgresql` ("17.11-trixie" -> 17);
   * required for any other image
   */
  readonly clientMajorVersion?: number;
  /**
   * How to reach the database: the environment variables that define DB_URL, a libpq connection URI
   * (`postgresql://user:password@host:port/db`), by reference only; and the server's major version.
   * A SQLAlchemy URL (`postgresql+asyncpg://...`) is refused by the script at run time.
   */
  readonly database: DatabaseConnection;
  readonly serviceAccountName: string;
  readonly resources: ContainerResources;
  /** Capacity of the `db-dumps` claim, e.g. "20Gi": room for `retentionCount` dumps plus the one being written. */
  readonly size: string;
  /** Storage class of the claim; immutable once the claim exists. @default "rcp-nas" */
  readonly storageClassName?: string;
  /** How many dumps to keep, the newest ones, this run's included. @default 7 */
  readonly retentionCount?: number;
  /**
   * Cron schedule, in `timeZone`.
   * @default "30 1 * * *": nightly at 01:30, outside the hour that daylight saving time skips or repeats
   */
  readonly schedule?: string;
  /** IANA time zone of the schedule. @default "Europe/Zurich" */
  readonly timeZone?: string;
  /**
   * How late a missed run may still start, in seconds (the controller checks every 10 seconds, so at
   * least 10). Without a deadline, a controller that missed more than 100 runs stops scheduling.
   * @default 3600
   */
  readonly startingDeadlineSeconds?: number;
  /** Finished Jobs kept for their logs. @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed Jobs kept for their logs. @default 3 */
  readonly failedJobsHistoryLimit?: number;
  /** Retries after a failed run, each in a new pod. @default 2 */
  readonly backoffLimit?: number;
  /** Wall-clock limit of one run, retries included. @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /** Seconds pg_dump waits for the server to accept a connection. @default 10 */
  readonly connectTimeoutSeconds?: number;
  /**
   * The script refuses to start a dump when the claim is fuller than this, in percent: a dump that fills
   * the volume fails anyway, after loading the database for minutes. @default 90 (VolumeAlmostFull's threshold)
   */
  readonly maxVolumeUsagePercent?: number;
  /** The numeric user of the pod (Platform.podUser of the image's user). @default none: the platform assigns it */
  readonly user?: PodUser;
}

/** Refuses a count or duration that is not a whole number within bounds, naming the prop. */
function checkWholeNumber(prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new Error(`${DatabaseBackup.NAME}: ${prop} must be a whole number ${range}, got ${value}`);
  }
  return value;
}

/** The schedule and time zone as the CronJob controller checks them (lib/config/schedule.ts). */
function checkSchedule(schedule: string, timeZone: string): void {
  const problem = cronScheduleProblem(schedule);
  if (problem) throw new Error(`${DatabaseBackup.NAME}: schedule "${schedule}": ${problem}`);
  if (!isTimeZone(timeZone)) throw new Error(`${DatabaseBackup.NAME}: timeZone "${timeZone}" is not an IANA time zone such as "Europe/Zurich"`);
}

/**
 * Nightly dumps of the external database (EPFL DBaaS) into a volume of the project:
 *
 * - `ConfigMap/db-dump-script`: lib/backup/db-dump.sh, read at synth time;
 * - `PersistentVolumeClaim/db-dumps`: the dumps; ArgoCD never prunes or deletes it;
 * - `CronJob/db-dump`: runs the script with bash in a restricted pod that mounts both.
 *
 * The script dumps in custom format, reads the dump back, gives it its final name atomically and keeps
 * the newest `retentionCount` (see its header). It first removes temporary files older than the Job's
 * deadline (left by killed runs) and refuses to write on a volume fuller than `maxVolumeUsagePercent`. Scheduled runs never overlap (`Forbid`). An ad-hoc run
 * is `oc create job --from=cronjob/db-dump <name>`; Forbid does not cover it, and it need not: each run
 * writes its own temporary file, and a run that would reuse a dump name (same second) fails instead.
 */
export class DatabaseBackup extends Construct {
  static readonly NAME = 'db-dump';
  static readonly IDENTITY: ComponentIdentity = { name: DatabaseBackup.NAME, component: 'backup' };
  static readonly CLAIM_NAME = 'db-dumps';
  static readonly SCRIPT_CONFIG_MAP_NAME = 'db-dump-script';
  static readonly SCRIPT_KEY = 'db-dump.sh';
  /** Where the pod mounts the claim: the script's DUMP_DIR. */
  static readonly DUMP_DIR = '/var/lib/db-dumps';
  /** Where the pod mounts the script, read-only. */
  static readonly SCRIPT_DIR = '/opt/db-dump';

  readonly claimName: string;

  constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id);
    const schedule = props.schedule ?? '30 1 * * *';
    const timeZone = props.timeZone ?? 'Europe/Zurich';
    try {
      checkClientVersion(props.image, props.database.serverMajorVersion, props.clientMajorVersion);
    } catch (error) {
      throw new Error(`${DatabaseBackup.NAME}: ${(error as Error).message}`);
    }
    checkSchedule(schedule, timeZone);
    // The script accepts at most nine digits: refuse here what it would refuse every night.
    const retentionCount = checkWholeNumber('retentionCount', props.retentionCount ?? 7, 1, 999_999_999);
    const startingDeadlineSeconds = checkWholeNumber('startingDeadlineSeconds', props.startingDeadlineSeconds ?? 3600, 10);
    const successfulJobsHistoryLimit = checkWholeNumber('successfulJobsHistoryLimit', props.successfulJobsHistoryLimit ?? 3, 0);
    const failedJobsHistoryLimit = checkWholeNumber('failedJobsHistoryLimit', props.failedJobsHistoryLimit ?? 3, 0);
    const backoffLimit = checkWholeNumber('backoffLimit', props.backoffLimit ?? 2, 0);
    const activeDeadlineSeconds = checkWholeNumber('activeDeadlineSeconds', props.activeDeadlineSeconds ?? 3600, 1);
    const connectTimeoutSeconds = checkWholeNumber('connectTimeoutSeconds', props.connectTimeoutSeconds ?? 10, 1);
    const maxVolumeUsagePercent = checkWholeNumber('maxVolumeUsagePercent', props.maxVolumeUsagePercent ?? 90, 1, 99);

    const identity = DatabaseBackup.IDENTITY;
    const claim = new VolumeClaim(this, 'Dumps', {
      claimName: DatabaseBackup.CLAIM_NAME,
      owner: identity,
      size: props.size,
      storageClassName: props.storageClassName ?? 'rcp-nas',
    });
    this.claimName = claim.claimName;

    const script = new k8s.KubeConfigMap(this, 'Script', {
      metadata: { name: DatabaseBackup.SCRIPT_CONFIG_MAP_NAME, labels: componentLabels(this, identity) },
      data: { [DatabaseBackup.SCRIPT_KEY]: readFileSync(DB_DUMP_SCRIPT_PATH, 'utf8') },
    });

    const labels = versionedLabels(this, identity, imageVersionLabel(props.image));
    new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name: DatabaseBackup.NAME, labels },
      spec: {
        schedule,
        timeZone,
        // A run that is still going when the next is due (a slow dump, a retry) is never joined by a second one.
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds,
        successfulJobsHistoryLimit,
        failedJobsHistoryLimit,
        jobTemplate: {
          metadata: { labels },
          spec: oneShotJobSpec({
            labels,
            serviceAccountName: props.serviceAccountName,
            backoffLimit,
            activeDeadlineSeconds,
            user: props.user,
            container: {
              name: DatabaseBackup.NAME,
              image: formatImageReference(props.image),
              // bash reads the script, so the ConfigMap file needs no execute bit.
              command: ['bash', `${DatabaseBackup.SCRIPT_DIR}/${DatabaseBackup.SCRIPT_KEY}`],
              env: [
                ...props.database.env,
                { name: 'DUMP_DIR', value: DatabaseBackup.DUMP_DIR },
                { name: 'RETENTION_COUNT', value: String(retentionCount) },
                // No run outlives the Job's deadline: older temporary files were left by killed runs.
                { name: 'JOB_DEADLINE_SECONDS', value: String(activeDeadlineSeconds) },
                { name: 'MAX_USAGE_PERCENT', value: String(maxVolumeUsagePercent) },
                { name: 'PGCONNECT_TIMEOUT', value: String(connectTimeoutSeconds) },
                // Names the session in pg_stat_activity, for whoever looks at the server during the dump.
                { name: 'PGAPPNAME', value: DatabaseBackup.NAME },
                // The project's random UID has no home directory; libpq and bash look there.
                { name: 'HOME', value: '/tmp' },
              ],
              resources: props.resources,
              scratchDirectories: [{ path: '/tmp' }],
              volumeMounts: [
                { name: 'dumps', mountPath: DatabaseBackup.DUMP_DIR },
                { name: 'script', mountPath: DatabaseBackup.SCRIPT_DIR, readOnly: true },
              ],
            },
            volumes: [
              { name: 'dumps', persistentVolumeClaim: { claimName: claim.claimName } },
              { name: 'script', configMap: { name: script.name } },
            ],
          }),
        },
      },
    });
  }
}
