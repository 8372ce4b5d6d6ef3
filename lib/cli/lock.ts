/**
 * One writer at a time. Every command that writes environments/ or an output folder (synth, set-image,
 * update-manifest) runs under this lock, so an editor's watcher and a terminal, or a set-image during a
 * synth, never interleave their writes. A second run waits for the first (saying so once), and stops
 * with a clear message if the wait exceeds CO2_LOCK_TIMEOUT seconds (default 120).
 *
 * The lock is a file created atomically with its content (written aside, then hard-linked into place,
 * which fails if the file exists). It names its holder: pid, host, command, start time. A holder that
 * died without releasing it (SIGKILL, OOM) is recognised by its pid being gone on the same host, and its
 * lock is taken over. A command that runs another under its lock passes it on through CO2_LOCK_TOKEN, so
 * the child does not wait for its own parent.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { describeSystemError, systemErrorCode, UserError } from '../core/errors';

export const LOCK_TOKEN_VARIABLE = 'CO2_LOCK_TOKEN';
export const LOCK_TIMEOUT_VARIABLE = 'CO2_LOCK_TIMEOUT';
const DEFAULT_TIMEOUT_SECONDS = 120;
const POLL_MS = 50;


export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly startedAt: string;
  readonly token: string;
}

export interface LockOptions {
  /** What the holder is doing, as other runs will read it: "npm run synth". */
  readonly command: string;
  /** The lock file of the repository (lib/cli/context.ts: lockFileOf). */
  readonly lockFile: string;
  /** How long to wait for another holder. @default CO2_LOCK_TIMEOUT seconds, else 120 s */
  readonly timeoutMs?: number;
  /** Told once when the lock is held by another run and this one starts waiting. @default a line on stderr */
  readonly onWait?: (holder: LockHolder) => void;
  /** Told when a dead holder's lock is taken over. @default a line on stderr */
  readonly onTakeOver?: (holder: LockHolder) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export class LockTimeoutError extends UserError {}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return systemErrorCode(error) === 'EPERM';
  }
}

/** What a lock file that names no holder (`null`, `0`, edited by hand) reads as: nobody, whose lock is taken over. */
const NOBODY: LockHolder = { pid: -1, host: '?', command: 'unknown', startedAt: '?', token: '' };

function readHolder(lockFile: string): LockHolder | undefined {
  let holder: Partial<LockHolder> | null;
  try {
    holder = JSON.parse(readFileSync(lockFile, 'utf8'));
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return undefined;
    return NOBODY;
  }
  const valid = typeof holder === 'object' && holder !== null && Number.isInteger(holder.pid) && typeof holder.host === 'string' && typeof holder.token === 'string';
  return valid ? { command: 'unknown', startedAt: '?', ...holder } as LockHolder : NOBODY;
}

export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host}, "${holder.command}", started ${holder.startedAt}`;
}

/** Tries once to create the lock file with `holder` in it; false when another run holds it. */
function tryCreate(lockFile: string, holder: LockHolder): boolean {
  const aside = `${lockFile}.${holder.pid}.${holder.token}`;
  writeFileSync(aside, `${JSON.stringify(holder)}\n`);
  try {
    linkSync(aside, lockFile);
    return true;
  } catch (error) {
    if (systemErrorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(aside);
  }
}

/**
 * Removes the lock of a holder that is gone, unless another run replaced it meanwhile: the file is
 * moved aside first (atomic), and put back if it turns out to be someone else's.
 */
function takeOver(lockFile: string, dead: LockHolder): void {
  const aside = `${lockFile}.stale.${process.pid}`;
  try {
    renameSync(lockFile, aside);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved?.token !== dead.token) {
    try {
      linkSync(aside, lockFile);
    } catch (error) {
      if (systemErrorCode(error) !== 'EEXIST') throw error;
    }
  }
  unlinkSync(aside);
}

/**
 * Runs `fn` holding the lock; returns what it returns. Re-entrant across processes through
 * CO2_LOCK_TOKEN: a run started by the holder (with that variable) runs without waiting.
 */
export function withLock<T>(options: LockOptions, fn: () => T): T {
  const env = options.env ?? process.env;
  const { lockFile } = options;
  const inherited = env[LOCK_TOKEN_VARIABLE];
  if (inherited && readHolder(lockFile)?.token === inherited) return fn();

  const timeoutSeconds = Number(env[LOCK_TIMEOUT_VARIABLE] ?? DEFAULT_TIMEOUT_SECONDS);
  const timeoutMs = options.timeoutMs ?? (Number.isFinite(timeoutSeconds) && timeoutSeconds >= 0 ? timeoutSeconds * 1000 : DEFAULT_TIMEOUT_SECONDS * 1000);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command: options.command,
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const create = () => {
    try {
      mkdirSync(dirname(lockFile), { recursive: true });
    } catch (error) {
      // mkdir -p over a file says EEXIST.
      throw new UserError(`cannot create the write lock ${lockFile}: ${systemErrorCode(error) === 'EEXIST' ? 'a path component is a file, not a folder' : describeSystemError(error)}`);
    }
    try {
      return tryCreate(lockFile, holder);
    } catch (error) {
      throw new UserError(`cannot create the write lock ${lockFile}: ${describeSystemError(error)}`);
    }
  };

  const deadline = Date.now() + timeoutMs;
  let told = false;
  while (!create()) {
    const other = readHolder(lockFile);
    if (!other) continue;
    // Lock files are created whole (linked into place), so one that names nobody was never a run's.
    if (other === NOBODY || (other.host === holder.host && other.pid > 0 && !isAlive(other.pid))) {
      (options.onTakeOver ?? ((dead) => console.error(`note: taking over the lock ${dead === NOBODY ? `${lockFile}, which names no run` : `of a run that ended without releasing it (${describeHolder(dead)})`}`)))(other);
      takeOver(lockFile, other);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(
        `another run holds ${lockFile} (${describeHolder(other)}) and did not finish within ${Math.round(timeoutMs / 1000)} s; ` +
          `wait for it, or, if no such run exists any more, delete that file`,
      );
    }
    if (!told) {
      told = true;
      (options.onWait ?? ((busy) => console.error(`waiting for another run to finish (${describeHolder(busy)})...`)))(other);
    }
    sleep(POLL_MS);
  }

  const previousToken = env[LOCK_TOKEN_VARIABLE];
  env[LOCK_TOKEN_VARIABLE] = holder.token;
  // A run that exits without reaching the finally (process.exit in a callee) still releases.
  const release = () => {
    if (readHolder(lockFile)?.token === holder.token) unlinkSync(lockFile);
  };
  process.once('exit', release);
  try {
    return fn();
  } finally {
    process.removeListener('exit', release);
    release();
    if (previousToken === undefined) delete env[LOCK_TOKEN_VARIABLE];
    else env[LOCK_TOKEN_VARIABLE] = previousToken;
  }
}
