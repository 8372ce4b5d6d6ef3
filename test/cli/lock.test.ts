import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_TOKEN_VARIABLE, LockHolder, LockTimeoutError, withLock } from '../../lib/cli/lock';

let folder: string;
let lockFile: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'lock-'));
  lockFile = join(folder, 'write.lock');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const holder = (pid: number, extra: Partial<LockHolder> = {}): LockHolder => ({
  pid,
  host: hostname(),
  command: 'npm run synth',
  startedAt: '2026-11-30T10:00:00.000Z',
  token: 'other',
  ...extra,
});
const hold = (value: LockHolder) => writeFileSync(lockFile, JSON.stringify(value));
const quiet = { onWait: () => {}, onTakeOver: () => {} };

describe('the write lock', () => {
  test('is held while the work runs and released after, even when the work fails', () => {
    const env: NodeJS.ProcessEnv = {};
    const seen = withLock({ command: 'test', lockFile, env, ...quiet }, () => JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder);
    expect(seen).toMatchObject({ pid: process.pid, host: hostname(), command: 'test' });
    expect(existsSync(lockFile)).toBe(false);
    expect(() => withLock({ command: 'test', lockFile, env, ...quiet }, () => { throw new Error('boom'); })).toThrow('boom');
    expect(readdirSync(folder)).toEqual([]);
  });

  test('a second run stops after the timeout, naming who holds the lock and what to do', () => {
    hold(holder(process.ppid, { command: 'npm run set-image' }));
    let waited: LockHolder | undefined;
    let failure: unknown;
    try {
      withLock({ command: 'test', lockFile, timeoutMs: 60, env: {}, onWait: (busy) => (waited = busy) }, () => 'ran');
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(LockTimeoutError);
    expect((failure as Error).message).toMatch(new RegExp(`another run holds .*write\\.lock \\(pid ${process.ppid} on .*"npm run set-image", started 2026-11-30T10:00:00.000Z\\) .*delete that file`));
    expect(waited?.command).toBe('npm run set-image');
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).token).toBe('other');
  });

  test('a second run waits for the first to finish, then runs', async () => {
    // The "first run" is a shell that holds the lock for 150 ms and then removes it, as a release does.
    const first = spawn('sh', ['-c', `sleep 0.15; rm -f '${lockFile}'`]);
    hold(holder(first.pid!));
    const waits: LockHolder[] = [];
    const started = Date.now();
    const result = withLock({ command: 'test', lockFile, timeoutMs: 10_000, env: {}, onWait: (busy) => waits.push(busy) }, () => 'ran');
    expect(result).toBe('ran');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(waits).toHaveLength(1);
    await new Promise((done) => first.on('exit', done));
  });

  test('the lock of a run that died (SIGKILL, OOM) is taken over', () => {
    const dead = holder(2 ** 22 + 12345);
    hold(dead);
    const takenOver: LockHolder[] = [];
    expect(withLock({ command: 'test', lockFile, env: {}, onWait: () => {}, onTakeOver: (gone) => takenOver.push(gone) }, () => 'ran')).toBe('ran');
    expect(takenOver).toEqual([dead]);
    expect(readdirSync(folder)).toEqual([]);
  });

  test('a run started by the holder, with its token, does not wait for it', () => {
    const env: NodeJS.ProcessEnv = {};
    const inner = withLock({ command: 'outer', lockFile, env, ...quiet }, () => {
      expect(env[LOCK_TOKEN_VARIABLE]).toBeDefined();
      return withLock({ command: 'inner', lockFile, timeoutMs: 0, env: { [LOCK_TOKEN_VARIABLE]: env[LOCK_TOKEN_VARIABLE] }, ...quiet }, () => 'inner ran');
    });
    expect(inner).toBe('inner ran');
    expect(env[LOCK_TOKEN_VARIABLE]).toBeUndefined();
  });

  test('a token that is not the holder\'s is no way around the lock', () => {
    hold(holder(process.ppid));
    expect(() => withLock({ command: 'test', lockFile, timeoutMs: 50, env: { [LOCK_TOKEN_VARIABLE]: 'guessed' }, ...quiet }, () => 'ran')).toThrow(LockTimeoutError);
  });

  test.each(['null', '0', 'false', '""', '[]', '{"pid": "1"}', '{'])('a lock file holding %s names no run: it is taken over at once, not waited on', (content) => {
    writeFileSync(lockFile, content);
    const takenOver: LockHolder[] = [];
    const started = Date.now();
    expect(withLock({ command: 'test', lockFile, timeoutMs: 60_000, env: {}, onWait: () => {}, onTakeOver: (gone) => takenOver.push(gone) }, () => 'ran')).toBe('ran');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(takenOver.map(({ pid }) => pid)).toEqual([-1]);
    expect(readdirSync(folder)).toEqual([]);
  });

  test('a lock that cannot be created (a read-only checkout) is one error line', () => {
    writeFileSync(join(folder, 'cache'), 'a file where the lock\'s folder should be');
    expect(() => withLock({ command: 'test', lockFile: join(folder, 'cache', 'write.lock'), env: {}, ...quiet }, () => 'ran')).toThrow(
      /^cannot create the write lock .*cache\/write\.lock: a path component is a file, not a folder$/,
    );
  });
});
