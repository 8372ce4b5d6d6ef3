import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockTimeoutError, withLock } from '../../lib/cli/lock';

let folder: string;
let lockFile: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'lock-'));
  lockFile = join(folder, 'write.lock');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** A lock held by another run: the folder, with its holder, last refreshed `ageMs` ago. */
function hold(ageMs = 0, holder: unknown = { pid: 4242, command: 'npm run set-image', startedAt: '2026-11-30T10:00:00.000Z' }) {
  mkdirSync(lockFile);
  writeFileSync(join(lockFile, 'holder.json'), JSON.stringify(holder));
  const then = new Date(Date.now() - ageMs);
  utimesSync(lockFile, then, then);
}
const quiet = { onWait: () => {} };

describe('the write lock', () => {
  test('is held while the work runs and released after, even when the work fails', () => {
    const seen = withLock({ command: 'test', lockFile, env: {}, ...quiet }, () => JSON.parse(readFileSync(join(lockFile, 'holder.json'), 'utf8')));
    expect(seen).toMatchObject({ pid: process.pid, command: 'test' });
    expect(existsSync(lockFile)).toBe(false);
    expect(() => withLock({ command: 'test', lockFile, env: {}, ...quiet }, () => { throw new Error('boom'); })).toThrow('boom');
    expect(readdirSync(folder)).toEqual([]);
  });

  test('a second run stops after the timeout, naming who holds the lock and what to do', () => {
    hold();
    let waited: string | undefined;
    expect(() => withLock({ command: 'test', lockFile, timeoutMs: 60, env: {}, onWait: (holder) => (waited = holder) }, () => 'ran')).toThrow(LockTimeoutError);
    expect(() => withLock({ command: 'test', lockFile, timeoutMs: 60, env: {}, ...quiet }, () => 'ran')).toThrow(
      /^another run holds .*write\.lock \(pid 4242, "npm run set-image", started 2026-11-30T10:00:00.000Z\) and did not finish within 0 s; .*delete that folder$/,
    );
    expect(waited).toBe('pid 4242, "npm run set-image", started 2026-11-30T10:00:00.000Z');
    expect(existsSync(join(lockFile, 'holder.json'))).toBe(true);
  });

  test('CO2_LOCK_TIMEOUT sets the wait', () => {
    hold();
    const started = Date.now();
    expect(() => withLock({ command: 'test', lockFile, env: { CO2_LOCK_TIMEOUT: '0' }, ...quiet }, () => 'ran')).toThrow('within 0 s');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a second run waits for the first to finish, then runs', async () => {
    // The "first run" is a shell that holds the lock for 150 ms and then removes it, as a release does.
    hold();
    const first = spawn('sh', ['-c', `sleep 0.15; rm -rf '${lockFile}'`]);
    const waits: string[] = [];
    const started = Date.now();
    expect(withLock({ command: 'test', lockFile, timeoutMs: 10_000, env: {}, onWait: (holder) => waits.push(holder) }, () => 'ran')).toBe('ran');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(waits).toHaveLength(1);
    await new Promise((done) => first.on('exit', done));
  });

  test('the lock of a run that died (SIGKILL, OOM) is taken over once it is no longer refreshed', () => {
    hold(3_000);
    expect(withLock({ command: 'test', lockFile, staleMs: 2_000, timeoutMs: 0, env: {}, ...quiet }, () => 'ran')).toBe('ran');
    expect(readdirSync(folder)).toEqual([]);
  });

  test('a holder refreshes its lock while its work keeps the thread busy, so it is not taken for dead', () => {
    const { made, now } = withLock({ command: 'test', lockFile, env: {}, ...quiet }, () => {
      const made = statSync(lockFile).mtimeMs;
      // Busy for 2.5 s without yielding, as a large synthesis is; the refresher runs every second.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_500);
      return { made, now: statSync(lockFile).mtimeMs };
    });
    expect(now).toBeGreaterThan(made);
  });

  test('one process taking its own lock again does not wait for itself', () => {
    expect(withLock({ command: 'outer', lockFile, env: {}, ...quiet }, () => withLock({ command: 'inner', lockFile, timeoutMs: 0, env: {}, ...quiet }, () => 'inner ran'))).toBe('inner ran');
    expect(existsSync(lockFile)).toBe(false);
  });

  test.each(['null', '0', 'false', '{'])('a lock file holding %s is no run: once unrefreshed it is taken over, not waited on forever', (content) => {
    writeFileSync(lockFile, content);
    const then = new Date(Date.now() - 3_000);
    utimesSync(lockFile, then, then);
    let waited: string | undefined;
    expect(withLock({ command: 'test', lockFile, staleMs: 2_000, timeoutMs: 5_000, env: {}, onWait: (holder) => (waited = holder) }, () => 'ran')).toBe('ran');
    expect(waited).toBeUndefined();
    expect(readdirSync(folder)).toEqual([]);
  });

  test('a fresh lock file holding null is waited on for the stale time at most, then taken over', () => {
    writeFileSync(lockFile, 'null');
    let waited: string | undefined;
    const started = Date.now();
    expect(withLock({ command: 'test', lockFile, staleMs: 2_000, timeoutMs: 30_000, env: {}, onWait: (holder) => (waited = holder) }, () => 'ran')).toBe('ran');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(waited).toBe('another run');
  });

  test('a lock that cannot be created (a file where its folder should be) is one error line', () => {
    writeFileSync(join(folder, 'cache'), 'a file where the lock\'s folder should be');
    expect(() => withLock({ command: 'test', lockFile: join(folder, 'cache', 'write.lock'), env: {}, ...quiet }, () => 'ran')).toThrow(
      /^cannot create the write lock .*cache\/write\.lock: a path component is a file, not a folder$/,
    );
  });
});
