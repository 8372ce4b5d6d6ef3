import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ANNOTATION } from '../../lib/core/annotations';
import { applySyncWaves, SyncWave } from '../../lib/argocd/sync-waves';
import { DatabaseBackup, DatabaseBackupProps, DB_DUMP_SCRIPT_PATH } from '../../lib/backup/database-backup';
import { parseImageReference } from '../../lib/core/image';
import { secretDatabaseUrl } from '../../lib/database/database-connection';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT, RESTRICTED_POD_SECURITY_CONTEXT } from '../../lib/core/restricted-pod';
import { Manifest } from '../../lib/core/manifest';
import { renderManifest } from '../../lib/synth/render';
import { find, testChart, validManifests } from '../support/synthesis';

const minimalProps: DatabaseBackupProps = {
  image: parseImageReference('docker.io/library/postgres:17.2-bookworm'),
  database: secretDatabaseUrl('backend-secrets', 16),
  serviceAccountName: 'co2-calculator',
  resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  size: '20Gi',
};

const allProps: DatabaseBackupProps = {
  ...minimalProps,
  image: parseImageReference('quay-its.epfl.ch/svc1751/pg-tools:1.2.0'),
  clientMajorVersion: 16,
  database: secretDatabaseUrl('db-backup', 16, 'DUMP_URL'),
  storageClassName: 'fast-nfs',
  retentionCount: 14,
  schedule: '15 3 * * 1-5',
  timeZone: 'UTC',
  startingDeadlineSeconds: 600,
  successfulJobsHistoryLimit: 1,
  failedJobsHistoryLimit: 5,
  backoffLimit: 0,
  activeDeadlineSeconds: 7200,
  connectTimeoutSeconds: 30,
  maxVolumeUsagePercent: 80,
};

function render(props: DatabaseBackupProps) {
  const chart = testChart();
  new DatabaseBackup(chart, 'Backup', props);
  const manifests = validManifests(chart) as any[];
  return {
    chart,
    manifests,
    configMap: find(manifests, 'ConfigMap', 'db-dump-script')[0] as any,
    claim: find(manifests, 'PersistentVolumeClaim', 'db-dumps')[0] as any,
    cronJob: find(manifests, 'CronJob', 'db-dump')[0] as any,
  };
}

/** The manifests with the script replaced by its path: the script is checked byte for byte on its own. */
function withoutScript(manifests: Manifest[]): unknown[] {
  return manifests.map((m: any) => (m.kind === 'ConfigMap' ? { ...m, data: { 'db-dump.sh': '<lib/backup/db-dump.sh>' } } : m));
}

const podSpec = (cronJob: any) => cronJob.spec.jobTemplate.spec.template.spec;

describe('DatabaseBackup', () => {
  test('minimal props: the script ConfigMap, the db-dumps claim and a nightly CronJob', () => {
    const { manifests, cronJob, claim } = render(minimalProps);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['PersistentVolumeClaim/db-dumps', 'ConfigMap/db-dump-script', 'CronJob/db-dump']);
    expect(withoutScript(manifests)).toMatchSnapshot();
    expect(cronJob.spec).toMatchObject({ schedule: '30 1 * * *', timeZone: 'Europe/Zurich', startingDeadlineSeconds: 3600 });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 3600 });
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'rcp-nas', resources: { requests: { storage: '20Gi' } } });
  });

  test('all props: schedule, zone, history, retries, deadlines, retention, storage class and a custom client image', () => {
    const { manifests, cronJob, claim } = render(allProps);
    expect(withoutScript(manifests)).toMatchSnapshot();
    expect(cronJob.spec).toMatchObject({
      schedule: '15 3 * * 1-5',
      timeZone: 'UTC',
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
      jobTemplate: { spec: { backoffLimit: 0, activeDeadlineSeconds: 7200 } },
    });
    const env = podSpec(cronJob).containers[0].env;
    expect(env).toContainEqual({ name: 'RETENTION_COUNT', value: '14' });
    expect(env).toContainEqual({ name: 'PGCONNECT_TIMEOUT', value: '30' });
    // The script's age limit for leftover temporary files is the Job's own deadline, not a second figure.
    expect(env).toContainEqual({ name: 'JOB_DEADLINE_SECONDS', value: '7200' });
    expect(env).toContainEqual({ name: 'MAX_USAGE_PERCENT', value: '80' });
    expect(env).toContainEqual({ name: 'DB_URL', valueFrom: { secretKeyRef: { name: 'db-backup', key: 'DUMP_URL' } } });
    expect(claim.spec.storageClassName).toBe('fast-nfs');
  });

  test('the ConfigMap carries lib/backup/db-dump.sh byte for byte, also after rendering to YAML', () => {
    const { configMap } = render(minimalProps);
    const file = readFileSync(DB_DUMP_SCRIPT_PATH);
    expect(Buffer.from(configMap.data['db-dump.sh'], 'utf8').equals(file)).toBe(true);
    expect(Buffer.from(parse(renderManifest(configMap)).data['db-dump.sh'], 'utf8').equals(file)).toBe(true);
  });

  test('runs the mounted script with bash, writing only to the claim and an emptyDir /tmp', () => {
    const { cronJob } = render(minimalProps);
    const spec = podSpec(cronJob);
    const [container] = spec.containers;
    expect(container.command).toEqual(['bash', '/opt/db-dump/db-dump.sh']);
    expect(container.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'dumps', mountPath: '/var/lib/db-dumps' },
      { name: 'script', mountPath: '/opt/db-dump', readOnly: true },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'dumps', persistentVolumeClaim: { claimName: 'db-dumps' } },
      { name: 'script', configMap: { name: 'db-dump-script' } },
    ]);
    expect(container.env).toContainEqual({ name: 'DUMP_DIR', value: '/var/lib/db-dumps' });
    expect(container.env).toContainEqual({ name: 'HOME', value: '/tmp' });
  });

  test('reads DB_URL from the Secret by reference and never holds a value for it', () => {
    const { cronJob } = render(minimalProps);
    const dbUrl = podSpec(cronJob).containers[0].env.find((v: any) => v.name === 'DB_URL');
    expect(dbUrl).toEqual({ name: 'DB_URL', valueFrom: { secretKeyRef: { name: 'backend-secrets', key: 'DB_URL' } } });
  });

  test('nothing in the manifests looks like a URL with credentials (the secret invariant of test/invariants.test.ts)', () => {
    const { manifests } = render(minimalProps);
    expect(JSON.stringify(manifests)).not.toMatch(/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i);
  });

  test('the pod is restricted: non-root, RuntimeDefault, no capabilities, read-only root, no fixed ids, resources', () => {
    const { cronJob } = render(minimalProps);
    const spec = podSpec(cronJob);
    expect(spec.securityContext).toEqual(RESTRICTED_POD_SECURITY_CONTEXT);
    expect(spec.containers).toHaveLength(1);
    expect(spec.containers[0].securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY_CONTEXT);
    expect(spec.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(JSON.stringify(cronJob)).not.toMatch(/runAsUser|runAsGroup|fsGroup/);
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(spec).toMatchObject({ automountServiceAccountToken: false, restartPolicy: 'Never', serviceAccountName: 'co2-calculator' });
  });

  test('runs never overlap', () => {
    expect(render(minimalProps).cronJob.spec.concurrencyPolicy).toBe('Forbid');
  });

  test('ArgoCD never prunes or deletes the claim, and syncs it in the last wave', () => {
    const { chart } = render(minimalProps);
    applySyncWaves(chart);
    const manifests = validManifests(chart);
    const claim = find(manifests, 'PersistentVolumeClaim', 'db-dumps')[0];
    expect(claim.metadata.annotations).toEqual({
      [ANNOTATION.syncOptions]: 'Prune=false,Delete=false',
      [ANNOTATION.syncWave]: String(SyncWave.CLAIMS),
    });
    expect(find(manifests, 'CronJob')[0].metadata.annotations?.[ANNOTATION.syncOptions]).toBeUndefined();
  });

  test('labels every object as the backup component, and the job and its pods with the client version', () => {
    const { manifests, cronJob } = render(minimalProps);
    for (const manifest of manifests) {
      expect(manifest.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'db-dump', 'app.kubernetes.io/component': 'backup' });
    }
    for (const labels of [cronJob.metadata.labels, cronJob.spec.jobTemplate.metadata.labels, cronJob.spec.jobTemplate.spec.template.metadata.labels]) {
      expect(labels['app.kubernetes.io/version']).toBe('17.2-bookworm');
    }
  });

  test.each([
    ['docker.io/library/postgres:16', undefined],
    ['docker.io/bitnami/postgresql:16.4.0-debian-12-r0', undefined],
    ['quay-its.epfl.ch/mirror/postgres:18-alpine', undefined],
    ['docker.io/library/postgres@sha256:' + 'a'.repeat(64), 17],
    ['docker.io/library/postgres:17.2-bookworm', 17],
  ])('accepts the client image %s (clientMajorVersion %s) for a version 16 server', (reference, clientMajorVersion) => {
    expect(() => render({ ...minimalProps, image: parseImageReference(reference), clientMajorVersion })).not.toThrow();
  });

  const postgres = (tag: string) => parseImageReference(`docker.io/library/postgres:${tag}`);
  test.each<[string, Partial<DatabaseBackupProps>]>([
    ['a client older than the server', { image: postgres('15.8-bookworm') }],
    ['an explicit client version older than the server', { image: parseImageReference('quay-its.epfl.ch/svc1751/pg-tools:1.2.0'), clientMajorVersion: 15 }],
    ['an image whose tag does not tell the version', { image: parseImageReference('quay-its.epfl.ch/svc1751/pg-tools:1.2.0') }],
    ['a PostgreSQL image pinned by digest only', { image: parseImageReference('docker.io/library/postgres@sha256:' + 'a'.repeat(64)) }],
    ['a client version that contradicts the tag', { clientMajorVersion: 18 }],
    ['a server version before 10', { database: secretDatabaseUrl('backend-secrets', 9) }],
    ['a server version that is not a major version', { database: secretDatabaseUrl('backend-secrets', 16.2) }],
    ['a retention of zero', { retentionCount: 0 }],
    ['a fractional retention', { retentionCount: 1.5 }],
    ['a retention beyond what the script accepts', { retentionCount: 1_000_000_000 }],
    ['a size of zero', { size: '0Gi' }],
    ['a negative size', { size: '-1Gi' }],
    ['a size that is not a quantity', { size: 'lots' }],
    ['a schedule that is not cron', { schedule: 'every night' }],
    ['a time zone in the schedule', { schedule: 'CRON_TZ=UTC 30 1 * * *' }],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }],
    ['a starting deadline the controller cannot honour', { startingDeadlineSeconds: 5 }],
    ['a negative history limit', { failedJobsHistoryLimit: -1 }],
    ['a negative backoff limit', { backoffLimit: -1 }],
    ['no time for the run', { activeDeadlineSeconds: 0 }],
    ['no time to connect', { connectTimeoutSeconds: 0 }],
    ['a volume limit of 100% (the script could never refuse)', { maxVolumeUsagePercent: 100 }],
    ['a volume limit of zero', { maxVolumeUsagePercent: 0 }],
  ])('refuses %s', (_case, overrides) => {
    expect(() => new DatabaseBackup(testChart(), 'Backup', { ...minimalProps, ...overrides })).toThrowErrorMatchingSnapshot();
  });
});
