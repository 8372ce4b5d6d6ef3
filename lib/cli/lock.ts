/**
 * One writer at a time: synth, set-image and update-manifest run under this lock, so two of them never
 * interleave their writes or start from the same images file. A second run waits (saying so once) and
 * stops after CO2_LOCK_TIMEOUT seconds (default 120).
 *
 * The lock is proper-lockfile's: a folder made with mkdir (atomic), whose modification time the
 * holder refreshes every second. A folder not refreshed for `staleMs` belongs to a run that died
 * (SIGKILL, OOM) or to no run at all (a file put there by hand), and is taken over. The commands
 * are synchronous, so the refreshing runs in a worker thread: it goes on while a synthesis keeps the
 * main thread busy, and dies with the process.
 */
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { lockSync } from 'proper-lockfile';
import { describeSystemError, systemErrorCode, UserError } from '../core/errors';

export const LOCK_TIMEOUT_VARIABLE = 'CO2_LOCK_TIMEOUT';
const DEFAULT_TIMEOUT_SECONDS = 120;
/** proper-lockfile's default: ten refreshes missed in a row. */
const DEFAULT_STALE_MS = 10_000;
const HOLDER_FILE = 'holder.json';

export interface LockOptions {
  /** What the holder is doing, as a waiting run reads it: "npm run synth". */
  readonly command: string;
  /** The lock of the repository (lib/cli/context.ts: lockFileOf). */
  readonly lockFile: string;
  /** How long to wait for another holder. @default CO2_LOCK_TIMEOUT seconds, else 120 s */
  readonly timeoutMs?: number;
  /** How old an unrefreshed lock must be to be taken over. @default 10 s */
  readonly staleMs?: number;
  /** Told once when another run holds the lock. @default a line on stderr */
  readonly onWait?: (holder: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export class LockTimeoutError extends UserError {}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Who holds the lock, in words; a lock without a readable holder (being made, or not ours) is "another run". */
function describeHolder(lockFile: string): string {
  try {
    const { pid, command, startedAt } = JSON.parse(fs.readFileSync(join(lockFile, HOLDER_FILE), 'utf8'));
    return `pid ${Number(pid)}, "${String(command)}", started ${String(startedAt)}`;
  } catch {
    return 'another run';
  }
}

/** Removing a lock removes what is inside (the holder file) and a plain file left at its place. */
const lockFs = { ...fs, rmdirSync: (path: string) => fs.rmSync(path, { recursive: true, force: true }) };

/** The locks this process holds: taking one again (a command calling another's write) does not wait for itself. */
const held = new Set<string>();

/** Runs `fn` holding the lock; returns what it returns. */
export function withLock<T>(options: LockOptions, fn: () => T): T {
  const { lockFile, env = process.env } = options;
  if (held.has(lockFile)) return fn();
  const seconds = Number(env[LOCK_TIMEOUT_VARIABLE] ?? DEFAULT_TIMEOUT_SECONDS);
  const timeoutMs = options.timeoutMs ?? (Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_TIMEOUT_SECONDS) * 1000;
  const stale = options.staleMs ?? DEFAULT_STALE_MS;
  const cannot = (error: unknown) =>
    new UserError(`cannot create the write lock ${lockFile}: ${systemErrorCode(error) === 'EEXIST' ? 'a path component is a file, not a folder' : describeSystemError(error)}`);
  try {
    fs.mkdirSync(dirname(lockFile), { recursive: true });
  } catch (error) {
    throw cannot(error);
  }
  const deadline = Date.now() + timeoutMs;
  let told = false;
  let release: () => void;
  for (;;) {
    try {
      // realpath: false, so that the lock's folder need not exist as a file of its own.
      release = lockSync(lockFile, { lockfilePath: lockFile, realpath: false, stale, fs: lockFs, onCompromised: () => {} });
      break;
    } catch (error) {
      if (systemErrorCode(error) !== 'ELOCKED') throw cannot(error);
    }
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(
        `another run holds ${lockFile} (${describeHolder(lockFile)}) and did not finish within ${Math.round(timeoutMs / 1000)} s; ` +
          `wait for it, or, if no such run exists any more, delete that folder`,
      );
    }
    if (!told) (options.onWait ?? ((holder) => console.error(`waiting for another run to finish (${holder})...`)))(describeHolder(lockFile));
    told = true;
    sleep(50);
  }
  try {
    fs.writeFileSync(join(lockFile, HOLDER_FILE), `${JSON.stringify({ pid: process.pid, command: options.command, startedAt: new Date().toISOString() })}\n`);
  } catch {
    // Only the waiting message reads it.
  }
  const refresher = new Worker(
    `const { utimesSync } = require('node:fs'); setInterval(() => { try { const now = new Date(); utimesSync(${JSON.stringify(lockFile)}, now, now); } catch {} }, 1000);`,
    { eval: true },
  );
  refresher.unref();
  held.add(lockFile);
  try {
    return fn();
  } finally {
    held.delete(lockFile);
    void refresher.terminate();
    release();
  }
}
