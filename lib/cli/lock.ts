/**
 * One writer at a time, so that two runs never interleave their writes or start from the same images
 * file. The lock is proper-lockfile's: a folder made with mkdir, whose modification time the holder
 * refreshes every second, from a worker thread because the commands keep the main thread busy. A
 * lock not refreshed for `staleMs` belongs to a run that died or to none (put there by hand), and is
 * taken over. A second run waits, saying so once, for CO2_LOCK_TIMEOUT seconds (default 120).
 */
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { lockSync } from 'proper-lockfile';
import { describeSystemError, systemErrorCode, UserError } from '../core/errors';

export interface LockOptions {
  /** What the holder is doing, as a waiting run reads it: "npm run synth". */
  readonly command: string;
  readonly lockFile: string;
  /** How long to wait for another holder. @default CO2_LOCK_TIMEOUT seconds, else 120 s */
  readonly timeoutMs?: number;
  /** How old an unrefreshed lock must be to be taken over. @default 10 s (proper-lockfile's) */
  readonly staleMs?: number;
  /** Told once when another run holds the lock. @default a line on stderr */
  readonly onWait?: (holder: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export class LockTimeoutError extends UserError {}

/** A lock without a readable holder (being made, or not ours) is "another run". */
function holderOf(lockFile: string): string {
  try {
    const { pid, command, startedAt } = JSON.parse(fs.readFileSync(join(lockFile, 'holder.json'), 'utf8'));
    return `pid ${Number(pid)}, "${String(command)}", started ${String(startedAt)}`;
  } catch {
    return 'another run';
  }
}

/** Removing a lock removes the holder file in it, and a plain file left at its place. */
const lockFs = { ...fs, rmdirSync: (path: string) => fs.rmSync(path, { recursive: true, force: true }) };
/** The locks this process holds: a command calling another's write does not wait for itself. */
const held = new Set<string>();

/** Runs `fn` holding the lock; returns what it returns. */
export function withLock<T>(options: LockOptions, fn: () => T): T {
  const { lockFile, env = process.env, onWait = (holder: string) => console.error(`waiting for another run to finish (${holder})...`) } = options;
  if (held.has(lockFile)) return fn();
  const seconds = Number(env.CO2_LOCK_TIMEOUT ?? 120);
  const timeoutMs = options.timeoutMs ?? (Number.isFinite(seconds) && seconds >= 0 ? seconds : 120) * 1000;
  const deadline = Date.now() + timeoutMs;
  let release: (() => void) | undefined;
  for (let waited = false; release === undefined; waited = true) {
    try {
      fs.mkdirSync(dirname(lockFile), { recursive: true });
      // realpath: false, so that the lock's folder need not exist as a file of its own.
      release = lockSync(lockFile, { lockfilePath: lockFile, realpath: false, stale: options.staleMs ?? 10_000, fs: lockFs, onCompromised: () => {} });
    } catch (error) {
      const code = systemErrorCode(error);
      if (code !== 'ELOCKED') throw new UserError(`cannot create the write lock ${lockFile}: ${code === 'EEXIST' ? 'a path component is a file, not a folder' : describeSystemError(error)}`);
      if (Date.now() >= deadline) {
        throw new LockTimeoutError(
          `another run holds ${lockFile} (${holderOf(lockFile)}) and did not finish within ${Math.round(timeoutMs / 1000)} s; ` +
            `wait for it, or, if no such run exists any more, delete that folder`,
        );
      }
      if (!waited) onWait(holderOf(lockFile));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    fs.writeFileSync(join(lockFile, 'holder.json'), `${JSON.stringify({ pid: process.pid, command: options.command, startedAt: new Date().toISOString() })}\n`);
  } catch {} // only the waiting message reads it
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
