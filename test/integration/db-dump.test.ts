/**
 * The backup, for real: the script text that the synthesized db-dump-script ConfigMap carries, run with
 * the environment the db-dump CronJob gives it, against a PostgreSQL server started for the test. The
 * dumps it writes are restored and compared with the source.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { DatabaseBackup } from '../../lib/backup/database-backup';
import { parseImageReference } from '../../lib/core/image';
import { listFiles } from '../../lib/synth/output';
import { chartManifests } from '../../lib/synth/synthesize';
import { testChart } from '../support/synthesis';
import { environmentWithoutLibpq, postgresTool, TestPostgres } from './support/postgres';
import { secretDatabaseUrl } from '../../lib/database/database-connection';
import { requireTool } from './support/tools';

const DUMP_NAME = /^db-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.dump$/;

/** The CronJob's script and container environment, from a chart rendered as the environments render it. */
function synthesizedBackup(serverMajorVersion: number) {
  const chart = testChart();
  new DatabaseBackup(chart, 'Backup', {
    image: parseImageReference(`docker.io/library/postgres:${serverMajorVersion}`),
    database: secretDatabaseUrl('backend-secrets', serverMajorVersion),
    serviceAccountName: 'co2-calculator',
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    size: '1Gi',
  });
  const manifests = chartManifests(chart) as any[];
  const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === DatabaseBackup.SCRIPT_CONFIG_MAP_NAME);
  const cronJob = manifests.find((m) => m.kind === 'CronJob');
  const env: Array<{ name: string; value?: string; valueFrom?: unknown }> = cronJob.spec.jobTemplate.spec.template.spec.containers[0].env;
  return { script: configMap.data[DatabaseBackup.SCRIPT_KEY] as string, env };
}

const FIXTURE = `
CREATE TABLE units (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT '2026-01-01 00:00:00+00'
);
CREATE TABLE emission_factors (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  category text NOT NULL,
  kg_co2e_per_unit numeric(12, 6) NOT NULL,
  metadata jsonb,
  valid_from date
);
CREATE SEQUENCE report_number_seq START 1000 INCREMENT 7;
CREATE TABLE reports (
  id integer PRIMARY KEY DEFAULT nextval('report_number_seq'),
  unit_id integer NOT NULL REFERENCES units (id),
  year integer NOT NULL,
  total_kg numeric,
  notes text,
  attachment bytea
);
CREATE INDEX reports_unit_year_idx ON reports (unit_id, year);
INSERT INTO units (name) SELECT 'unit-' || g FROM generate_series(1, 50) g;
INSERT INTO emission_factors (category, kg_co2e_per_unit, metadata, valid_from)
  SELECT 'category-' || (g % 7), g / 3.0, jsonb_build_object('source', 'test', 'rank', g), date '2020-01-01' + g
  FROM generate_series(1, 200) g;
INSERT INTO reports (unit_id, year, total_kg, notes, attachment)
  SELECT 1 + g % 50, 2000 + g % 25, g * 1.5, CASE WHEN g % 3 = 0 THEN NULL ELSE 'Émissions — ' || g END, decode(md5(g::text), 'hex')
  FROM generate_series(1, 500) g;
`;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until the wall clock is in a new second, so the next run's dump name differs from the last. */
const nextSecond = () => sleep(1000 - (Date.now() % 1000) + 50);

const entries = (folder: string) => readdirSync(folder).sort();
const dumpsIn = (folder: string) => entries(folder).filter((name) => DUMP_NAME.test(name));

describe('db-dump.sh against a real PostgreSQL server', () => {
  let server: TestPostgres;
  let work: string;
  let scriptFile: string;
  let cronJobEnv: ReturnType<typeof synthesizedBackup>['env'];
  let clientBin: string;
  let pgRestore: string;
  let folders = 0;

  /** A new, empty folder under the test's work folder. */
  const folder = (name: string) => {
    const path = join(work, `${name}-${++folders}`);
    mkdirSync(path);
    return path;
  };

  /** The CronJob's environment, with DB_URL from the test server and DUMP_DIR and HOME in the work folder. */
  function environment(dumpDir: string, overrides: Record<string, string> = {}, pathFirst?: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...environmentWithoutLibpq(),
      PATH: [pathFirst, clientBin, process.env.PATH].filter(Boolean).join(delimiter),
    };
    for (const variable of cronJobEnv) {
      if (variable.value !== undefined) env[variable.name] = variable.value;
    }
    return { ...env, DB_URL: server.url('app'), DUMP_DIR: dumpDir, HOME: join(work, 'home'), ...overrides };
  }

  function runScript(env: NodeJS.ProcessEnv): Run {
    const result = spawnSync('bash', [scriptFile], { env, encoding: 'utf8', timeout: 60_000 });
    if (result.error) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs the script and fails with its output unless it succeeded. */
  function dump(dumpDir: string, overrides: Record<string, string> = {}): Run {
    const run = runScript(environment(dumpDir, overrides));
    if (run.status !== 0) throw new Error(`db-dump.sh exited with ${run.status}:\n${run.stdout}${run.stderr}`);
    return run;
  }

  /** Nothing the script printed holds the password, raw or percent-encoded. */
  function expectNoPassword(run: Run, password = server.password): void {
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(encodeURIComponent(password));
    }
  }

  beforeAll(async () => {
    for (const tool of ['initdb', 'pg_ctl', 'psql', 'pg_dump', 'pg_restore']) postgresTool(tool);
    pgRestore = postgresTool('pg_restore');
    clientBin = dirname(postgresTool('pg_dump'));
    work = mkdtempSync(join(tmpdir(), 'db-dump-test-'));
    mkdirSync(join(work, 'home'));
    server = await TestPostgres.start();
    server.psql('postgres', 'CREATE DATABASE app;');
    server.psql('app', FIXTURE);

    const serverMajorVersion = Number(server.psql('postgres', 'SHOW server_version_num;').trim().slice(0, -4));
    const synthesized = synthesizedBackup(serverMajorVersion);
    cronJobEnv = synthesized.env;
    scriptFile = join(work, 'db-dump.sh');
    writeFileSync(scriptFile, synthesized.script);
  });

  afterAll(() => {
    server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the CronJob gives the script every setting it reads, and DB_URL only from the Secret', () => {
    expect(cronJobEnv.filter((v) => v.valueFrom !== undefined).map((v) => v.name)).toEqual(['DB_URL']);
    expect(cronJobEnv.filter((v) => v.value !== undefined).map((v) => v.name)).toEqual(
      expect.arrayContaining(['DUMP_DIR', 'RETENTION_COUNT', 'JOB_DEADLINE_SECONDS', 'MAX_USAGE_PERCENT', 'PGCONNECT_TIMEOUT', 'HOME']),
    );
  });

  test('the script under test is the one every committed environment carries in dist/', () => {
    const dist = resolve(__dirname, '..', '..', 'dist');
    const carried = listFiles(dist)
      .filter((path) => path.endsWith(`/configmap-${DatabaseBackup.SCRIPT_CONFIG_MAP_NAME}.yaml`))
      .map((path) => [path, parse(readFileSync(join(dist, path), 'utf8')).data[DatabaseBackup.SCRIPT_KEY]]);
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.filter(([, script]) => script !== readFileSync(scriptFile, 'utf8')).map(([path]) => path)).toEqual([]);
  });

  test('shellcheck finds nothing in the script', () => {
    const shellcheck = requireTool('shellcheck', 'shellcheck');
    const result = spawnSync(shellcheck, ['--shell=bash', '--severity=style', '--format=gcc', scriptFile], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('one run leaves exactly one dump, named by its UTC start time, and no temporary file', () => {
    const dumpDir = folder('single');
    const before = new Date();
    const run = dump(dumpDir);
    const after = new Date();

    const files = entries(dumpDir);
    expect(files).toHaveLength(1);
    const [, year, month, day, hour, minute, second] = DUMP_NAME.exec(files[0])!;
    const stamp = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second);
    expect(stamp).toBeGreaterThanOrEqual(Math.floor(before.getTime() / 1000) * 1000);
    expect(stamp).toBeLessThanOrEqual(after.getTime());
    expect(run.stdout).toContain(`wrote ${files[0]}`);
    expectNoPassword(run);
  });

  test('the dump restores into a fresh database with the same rows, sequences and indexes', () => {
    const dumpDir = folder('restore');
    dump(dumpDir);
    const [file] = dumpsIn(dumpDir);
    server.psql('postgres', 'CREATE DATABASE restored;');
    execFileSync(pgRestore, [...server.socketOptions('restored'), '--no-owner', '--exit-on-error', join(dumpDir, file)], {
      env: environmentWithoutLibpq(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });

    const tables = server.psql('app', "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1;").trim().split('\n');
    expect(tables).toEqual(['emission_factors', 'reports', 'units']);
    for (const table of tables) {
      const rows = (database: string) => server.psql(database, `SELECT * FROM ${table} ORDER BY id;`);
      expect(rows('app').trim().split('\n').length).toBeGreaterThanOrEqual(50);
      expect({ table, rows: rows('restored') }).toEqual({ table, rows: rows('app') });
    }
    for (const query of [
      'SELECT sequencename, last_value, increment_by FROM pg_sequences ORDER BY 1;',
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1;",
    ]) {
      expect(server.psql('restored', query)).toEqual(server.psql('app', query));
    }
    expect(server.psql('app', 'SELECT count(*) FROM pg_sequences;').trim()).toBe('3');
  });

  test('keeps the newest RETENTION_COUNT dumps and touches nothing that is not named like a dump', async () => {
    const dumpDir = folder('retention');
    const unrelated: Record<string, string> = {
      'notes.txt': 'not a dump',
      'db-manual.dump': 'taken by hand',
      'db-20200101T000000Z.dump.bak': 'a copy',
      'db-2020-01-01.dump': 'another naming',
    };
    for (const [name, text] of Object.entries(unrelated)) writeFileSync(join(dumpDir, name), text);
    mkdirSync(join(dumpDir, 'archive'));
    // Named like a dump: an older dump of ours, so retention counts it and removes it first.
    writeFileSync(join(dumpDir, 'db-20200101T000000Z.dump'), 'old');

    const written: string[] = [];
    for (let run = 1; run <= 4; run++) {
      await nextSecond();
      const before = new Set(dumpsIn(dumpDir));
      dump(dumpDir, { RETENTION_COUNT: '2' });
      written.push(...dumpsIn(dumpDir).filter((name) => !before.has(name)));
      expect(dumpsIn(dumpDir)).toHaveLength(2);
    }
    expect(written).toHaveLength(4);
    expect(new Set(written).size).toBe(4);
    expect(dumpsIn(dumpDir)).toEqual(written.slice(-2));
    expect(entries(dumpDir)).toEqual([...Object.keys(unrelated), 'archive', ...written.slice(-2)].sort());
    for (const [name, text] of Object.entries(unrelated)) expect(readFileSync(join(dumpDir, name), 'utf8')).toBe(text);
  });

  describe.each([
    ['a port nobody listens on', () => server.url('app', { port: 1 })],
    ['a wrong password', () => server.url('app', { password: 'Wr0ng+pass/word' })],
    ['a database that does not exist', () => server.url('missing')],
  ])('with %s', (_case, url) => {
    test('exits non-zero, adds no dump, leaves no temporary file and prints no password', async () => {
      const dumpDir = folder('failure');
      dump(dumpDir);
      const existing = entries(dumpDir);
      await nextSecond();
      const run = runScript(environment(dumpDir, { DB_URL: url(), RETENTION_COUNT: '1' }));
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/pg_dump: error/);
      expect(entries(dumpDir)).toEqual(existing);
      expectNoPassword(run);
      expectNoPassword(run, 'Wr0ng+pass/word');
    });
  });

  test.each(['0', '-1', 'two', '', '1e3', '1000000000', ' 2'])('refuses RETENTION_COUNT %j before connecting', (retention) => {
    const dumpDir = folder('bad-retention');
    const run = runScript(environment(dumpDir, { RETENTION_COUNT: retention }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('RETENTION_COUNT must be a whole number from 1 to 999999999');
    expect(run.stdout).not.toContain('pg_dump (PostgreSQL)');
    expect(entries(dumpDir)).toEqual([]);
  });

  test.each([
    ['JOB_DEADLINE_SECONDS', '0', 'JOB_DEADLINE_SECONDS must be a whole number of seconds from 1 to 999999999'],
    ['JOB_DEADLINE_SECONDS', '1h', 'JOB_DEADLINE_SECONDS must be a whole number of seconds from 1 to 999999999'],
    ['MAX_USAGE_PERCENT', '100', 'MAX_USAGE_PERCENT must be a whole number from 1 to 99'],
    ['MAX_USAGE_PERCENT', '', 'MAX_USAGE_PERCENT must be a whole number from 1 to 99'],
  ])('refuses %s=%j before touching the volume', (variable, value, message) => {
    const dumpDir = folder('bad-setting');
    const run = runScript(environment(dumpDir, { [variable]: value }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
    expect(entries(dumpDir)).toEqual([]);
  });

  test('removes temporary files older than the Job deadline, keeps younger ones and anything not named like one', () => {
    const dumpDir = folder('stale-partials');
    const deadline = Number(environment(dumpDir).JOB_DEADLINE_SECONDS);
    expect(deadline).toBeGreaterThan(120);
    const now = Date.now() / 1000;
    const files: Record<string, number> = {
      // Left by a run that the deadline (or SIGKILL) ended: last written a minute more than a deadline ago.
      '.db-20261129T013000Z.partial.Ab12Cd': now - deadline - 60,
      // Possibly a live run (an ad-hoc Job beside the scheduled one): written to a minute ago.
      '.db-20261130T013000Z.partial.Ef34Gh': now - 60,
      // Old, but not a temporary file of ours.
      '.db-notes': now - 10 * deadline,
      'db-20200101T000000Z.dump.partial': now - 10 * deadline,
    };
    for (const [name, mtime] of Object.entries(files)) {
      writeFileSync(join(dumpDir, name), 'partial');
      utimesSync(join(dumpDir, name), mtime, mtime);
    }
    const run = dump(dumpDir, { RETENTION_COUNT: '5' });
    expect(run.stdout).toMatch(/removed \.db-20261129T013000Z\.partial\.Ab12Cd, left by a run that was killed \(last written \d+s ago, the deadline is \d+s\)/);
    const left = entries(dumpDir);
    expect(left.filter((name) => !DUMP_NAME.test(name))).toEqual(['.db-20261130T013000Z.partial.Ef34Gh', '.db-notes', 'db-20200101T000000Z.dump.partial']);
    expect(dumpsIn(dumpDir)).toHaveLength(1);
  });

  test('refuses a SQLAlchemy URL with a clear message and without printing it', () => {
    const dumpDir = folder('sqlalchemy');
    const run = runScript(environment(dumpDir, { DB_URL: server.url('app').replace('postgresql://', 'postgresql+asyncpg://') }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('DB_URL names a SQLAlchemy driver');
    expectNoPassword(run);
    expect(entries(dumpDir)).toEqual([]);
  });

  /** A bash script named `tool` in a folder of its own, to put in front of the real one on PATH. */
  function fakeTool(name: string, tool: string, lines: readonly string[]): string {
    const bin = folder(name);
    const fake = join(bin, tool);
    writeFileSync(fake, ['#!/usr/bin/env bash', 'set -euo pipefail', ...lines, ''].join('\n'));
    chmodSync(fake, 0o755);
    return bin;
  }

  /** A pg_dump in front of the real one on PATH; `body` runs after it parsed --file into $file. */
  function fakePgDump(name: string, body: string): string {
    return fakeTool(name, 'pg_dump', [
      `real=${JSON.stringify(join(clientBin, 'pg_dump'))}`,
      'if [[ ${1:-} == --version ]]; then exec "$real" --version; fi',
      'for arg in "$@"; do if [[ $arg == --file=* ]]; then file=${arg#--file=}; fi; done',
      body,
    ]);
  }

  test('the password reaches pg_dump in its environment, never on its command line (readable in /proc by any user)', () => {
    const dumpDir = folder('argv');
    const record = join(work, 'pg_dump-argv');
    // Records the real pg_dump's arguments and the PGPASSWORD it inherits, then runs it: the dump only
    // succeeds if the server (password authentication) accepted what the environment carried.
    const bin = fakePgDump('recording-bin', `printf '%s\\n' "$@" > ${JSON.stringify(record)}\nprintf '%s' "\${PGPASSWORD-}" > ${JSON.stringify(record + '.env')}\nexec "$real" "$@"`);
    const url = `${server.url('app')}?sslmode=disable&application_name=db-dump-test`;
    const run = runScript(environment(dumpDir, { DB_URL: url }, bin));
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(dumpsIn(dumpDir)).toHaveLength(1);
    const argv = readFileSync(record, 'utf8');
    expect(argv).toContain(`--dbname=postgresql://${new URL(url).username}@127.0.0.1:`);
    expect(argv).toContain('?sslmode=disable&application_name=db-dump-test');
    expect(argv).not.toContain(server.password);
    expect(argv).not.toContain(encodeURIComponent(server.password));
    expect(readFileSync(record + '.env', 'utf8')).toBe(server.password);
    expectNoPassword(run);
  });

  test('a password with a backslash, a colon, an @ and a literal %41 reaches the server intact', () => {
    const password = String.raw`a\b:c@d%41e\x41`;
    server.psql('postgres', `CREATE ROLE tricky LOGIN SUPERUSER PASSWORD '${password}';`);
    // libpq decodes only %XX, so a backslash may also be written as it is: both forms must work.
    const encoded = encodeURIComponent(password);
    for (const userinfo of [encoded, encoded.replace(/%5C/g, '\\')]) {
      const dumpDir = folder('tricky-password');
      const url = `postgresql://tricky:${userinfo}@127.0.0.1:${server.port}/app`;
      const run = runScript(environment(dumpDir, { DB_URL: url }));
      expect({ userinfo, status: run.status, stderr: run.stderr }).toEqual({ userinfo, status: 0, stderr: '' });
      expect(dumpsIn(dumpDir)).toHaveLength(1);
      expectNoPassword(run, password);
    }
  });

  test('a password given as a query parameter is refused before anything runs', () => {
    const dumpDir = folder('query-password');
    const run = runScript(environment(dumpDir, { DB_URL: `postgresql://127.0.0.1:${server.port}/app?password=${encodeURIComponent(server.password)}` }));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('db-dump: error: DB_URL has a password query parameter');
    expect(entries(dumpDir)).toEqual([]);
    expectNoPassword(run);
  });

  /**
   * A volume that can be filled. As root (CI, and this project's machines) a real 4 MiB tmpfs, so the
   * script's own `df` reads it; without root, a `df` on PATH that reports the fill level instead.
   */
  const fullVolumeKind = process.getuid?.() === 0 ? 'a 4 MiB tmpfs' : 'a df shim on PATH (not root: no tmpfs)';
  function fillableVolume(name: string): { dumpDir: string; fill: (percent: number) => void; pathFirst?: string; release: () => void } {
    const dumpDir = folder(name);
    if (process.getuid?.() === 0) {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0777', 'tmpfs', dumpDir]);
      const release = () => execFileSync('umount', [dumpDir]);
      const fill = (percent: number) => {
        rmSync(join(dumpDir, 'filler.bin'), { force: true });
        if (percent > 0) writeFileSync(join(dumpDir, 'filler.bin'), Buffer.alloc(Math.floor((4 * 1024 * 1024 * percent) / 100)));
      };
      return { dumpDir, fill, release };
    }
    const bin = folder(`${name}-df`);
    const level = join(bin, 'level');
    writeFileSync(
      join(bin, 'df'),
      ['#!/usr/bin/env bash', 'echo "Filesystem 1024-blocks Used Available Capacity Mounted on"', `echo "shim 4096 0 4096 $(cat ${JSON.stringify(level)})% /shim"`, ''].join('\n'),
    );
    chmodSync(join(bin, 'df'), 0o755);
    const fill = (percent: number) => writeFileSync(level, String(Math.ceil(percent)));
    fill(0);
    return { dumpDir, fill, pathFirst: bin, release: () => undefined };
  }

  test(`refuses to write on a volume above MAX_USAGE_PERCENT, with a clear message (${fullVolumeKind})`, async () => {
    const { dumpDir, fill, pathFirst, release } = fillableVolume('full-volume');
    try {
      fill(95);
      const before = entries(dumpDir);
      const full = runScript(environment(dumpDir, { MAX_USAGE_PERCENT: '90' }, pathFirst));
      expect(full.status).toBe(1);
      expect(full.stderr).toMatch(/error: .* is 9[5-9]% full, above the limit of 90%: no dump written\. Delete old dumps or grow the db-dumps claim/);
      expect(full.stdout).not.toContain('pg_dump (PostgreSQL)');
      expect(entries(dumpDir)).toEqual(before);

      // The same volume with room again: the run writes its dump.
      fill(40);
      await nextSecond();
      const run = runScript(environment(dumpDir, { MAX_USAGE_PERCENT: '90' }, pathFirst));
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      expect(dumpsIn(dumpDir)).toHaveLength(1);
    } finally {
      release();
    }
  });

  test('a dump that does not read back in full never gets a dump name', () => {
    const dumpDir = folder('truncated');
    // pg_dump "succeeds" but the file loses its second half, as on a full or failing volume.
    const bin = fakePgDump('truncating-bin', '"$real" "$@"\ntruncate --size=$(( $(stat -c %s "$file") / 2 )) "$file"');
    const run = runScript(environment(dumpDir, {}, bin));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/pg_restore: error/);
    expect(entries(dumpDir)).toEqual([]);
  });

  /** A pg_restore in front of the real one; `body` runs for the full read-back (--file=/dev/null). */
  function fakePgRestore(name: string, body: string): string {
    return fakeTool(name, 'pg_restore', [
      `real=${JSON.stringify(pgRestore)}`,
      'for arg in "$@"; do if [[ $arg == --file=/dev/null ]]; then',
      body,
      'fi; done',
      'exec "$real" "$@"',
    ]);
  }

  /** Starts the script, waits until `ready()` holds, sends SIGTERM; returns its exit code and output. */
  async function terminateWhen(env: NodeJS.ProcessEnv, ready: () => boolean): Promise<{ code: number | null; output: string }> {
    const child: ChildProcess = spawn('bash', [scriptFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let waited = 0; !ready(); waited += 50) {
      if (waited > 20_000) {
        child.kill('SIGKILL');
        throw new Error(`the script never reached the point to interrupt:\n${output}`);
      }
      await sleep(50);
    }
    child.kill('SIGTERM');
    return { code: await exited, output };
  }

  test('SIGTERM during the read-back check stops pg_restore, removes the temporary files and exits 143', async () => {
    const dumpDir = folder('terminated-restore');
    const tmp = folder('terminated-restore-tmp');
    const bin = fakePgRestore('slow-restore-bin', 'echo $$ > "$(dirname "$0")/pid"; exec sleep 60');
    const pidFile = join(bin, 'pid');
    const { code, output } = await terminateWhen(environment(dumpDir, { TMPDIR: tmp }, bin), () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
    expect(code).toBe(143);
    expect(output).toContain('received SIGTERM');
    expect(output).toMatch(/removed the incomplete dump \.db-\d{8}T\d{6}Z\.partial\./);
    expect(entries(dumpDir)).toEqual([]);
    // pg_restore's table of contents, written under TMPDIR, is gone too.
    expect(entries(tmp)).toEqual([]);
    const pgRestorePid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(() => process.kill(pgRestorePid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  test('SIGTERM during the dump stops pg_dump, removes the temporary file and exits 143', async () => {
    const dumpDir = folder('terminated');
    const bin = fakePgDump('slow-bin', 'echo $$ > "$(dirname "$0")/pid"\necho partial > "$file"\nexec sleep 60');
    const pidFile = join(bin, 'pid');
    const child: ChildProcess = spawn('bash', [scriptFile], { env: environment(dumpDir, {}, bin), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    for (let waited = 0; !(existsSync(pidFile) && entries(dumpDir).some((name) => name.includes('.partial.'))); waited += 50) {
      if (waited > 10_000) throw new Error(`the fake pg_dump never started:\n${output}`);
      await sleep(50);
    }
    const pgDumpPid = Number(readFileSync(pidFile, 'utf8').trim());
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(output).toContain('received SIGTERM');
    expect(entries(dumpDir)).toEqual([]);
    expect(() => process.kill(pgDumpPid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});
