/**
 * The stamp of a synthesis, kept in its output folder as STAMP_FILE (git-ignored): what it read and the
 * stat of every file it left. While both still match, a synthesis would write the same files again, so
 * `npm run synth` has nothing to do and `npm run diff` reads the folder (docs/performance.md).
 * The inputs are recorded while synthesis runs (every readFileSync, statSync, existsSync, readdirSync
 * and environment lookup), not listed by hand, each noted before it is read; left out are the folder
 * being written and the tool's caches, which follow from recorded inputs. Stats compare size, mtime,
 * ctime (which `touch -d` cannot set back), inode and mode. The code is the bundle's fingerprint
 * (scripts/run.cjs); outside a bundle (tests running commands in-process) no stamp is written or trusted.
 */
import type { PathLike, PathOrFileDescriptor } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The module object itself, not a copy of it (what `import * as` gives in the bundle): the recording
// replaces its functions, which every other module looks up at each call.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs: typeof import('node:fs') = require('node:fs');

export const STAMP_FILE = '.synth-stamp';
const FORMAT = 1;
const CACHE_FOLDER = `${sep}node_modules${sep}.cache${sep}co2-calculator${sep}`;
const BUILD_FOLDER = `${CACHE_FOLDER}build${sep}`;

type InputKind = 'file' | 'exists' | 'folder';
type Input = readonly [kind: InputKind, path: string, value: string | null];

/** What a synthesis read: the inputs above, and each environment variable it looked up (absent: null). */
export interface Reads {
  readonly inputs: readonly Input[];
  readonly env: readonly (readonly [string, string | null])[];
}

interface Stamp {
  readonly format: number;
  /** The code and the options of the run (stampKey). */
  readonly key: string;
  readonly reads: Reads;
  /** Each file of the folder (relative path, as listed by `listFiles`) and its stat. */
  readonly outputs: readonly (readonly [string, string | null])[];
  /** What the command prints when nothing changed, but the last line. */
  readonly summary: readonly string[];
}

// The functions as they were before any recording replaced them: the stamp's own checks use these.
const { readFileSync, statSync, existsSync, readdirSync } = fs;

const orNull = (read: () => string): string | null => {
  try {
    return read();
  } catch {
    return null;
  }
};
const current: Record<InputKind, (path: string) => string | null> = {
  file: (path) =>
    orNull(() => {
      const stat = statSync(path, { bigint: true });
      return `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}:${stat.mode}`;
    }),
  exists: (path) => String(existsSync(path)),
  folder: (path) => orNull(() => readdirSync(path).sort().join('\0')),
};

/**
 * What identifies the code and options of a run: the bundle's fingerprint, Node's version and the
 * caller's options; undefined outside a bundle, where no stamp may be used.
 */
export function stampKey(options: string): string | undefined {
  const at = __filename.indexOf(BUILD_FOLDER);
  if (at < 0) return undefined;
  return [__filename.slice(at + BUILD_FOLDER.length).split(sep)[0], process.version, options].join('\0');
}

/**
 * Runs `fn` with the file system calls above and the lookups in `env` recorded, but those under
 * `output`: the folder being written is not an input (its files' stats are kept apart, writeStamp).
 */
export function recordReads<T>(env: NodeJS.ProcessEnv, output: string, fn: (env: NodeJS.ProcessEnv) => T): { result: T; reads: Reads } {
  const outputFolder = `${resolve(output)}${sep}`;
  const inputs = new Map<string, Input>();
  const note = (kind: InputKind, path: unknown) => {
    if (typeof path !== 'string' && !Buffer.isBuffer(path) && !(path instanceof URL)) return;
    const absolute = resolve(path instanceof URL ? fileURLToPath(path) : String(path));
    // The tool's caches (compiled validators) hold what the recorded inputs determine.
    if (absolute.includes(CACHE_FOLDER) || absolute.startsWith(outputFolder)) return;
    const id = `${kind}\0${absolute}`;
    if (!inputs.has(id)) inputs.set(id, [kind, absolute, current[kind](absolute)]);
  };
  const looked = new Map<string, string | null>();
  const recordingEnv = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string' && !looked.has(name)) looked.set(name, target[name] ?? null);
      return target[name as string];
    },
  });
  const writable = fs as { -readonly [K in keyof typeof fs]: (typeof fs)[K] } & Record<string, unknown>;
  writable.readFileSync = ((path: PathOrFileDescriptor, options?: unknown) => (note('file', path), readFileSync(path, options as never))) as typeof fs.readFileSync;
  writable.statSync = ((path: PathLike, options?: unknown) => (note('file', path), statSync(path, options as never))) as typeof fs.statSync;
  writable.existsSync = (path: PathLike) => (note('exists', path), existsSync(path));
  writable.readdirSync = ((path: PathLike, options?: unknown) => (note('folder', path), readdirSync(path, options as never))) as typeof fs.readdirSync;
  try {
    const result = fn(recordingEnv);
    return { result, reads: { inputs: [...inputs.values()], env: [...looked] } };
  } finally {
    Object.assign(writable, { readFileSync, statSync, existsSync, readdirSync });
  }
}

/** Records what the folder `root` holds now (`files`: its files, relative) and what made it. */
export function writeStamp(root: string, key: string, reads: Reads, files: readonly string[], summary: readonly string[]): void {
  const stamp: Stamp = { format: FORMAT, key, reads, outputs: files.map((file) => [file, current.file(join(root, file))]), summary };
  try {
    fs.writeFileSync(join(root, STAMP_FILE), JSON.stringify(stamp));
  } catch {
    // The stamp only saves time: without it the next run synthesizes.
  }
}

/** Forgets the stamp of `root`: call it before anything in the folder or the inputs may change. */
export function removeStamp(root: string): void {
  try {
    fs.rmSync(join(root, STAMP_FILE), { force: true });
  } catch {
    // A stamp that stays fails its next check anyway: the write that follows changes the folder.
  }
}

/**
 * The summary of the run that made `root` when nothing it read and nothing in `root` changed since
 * (`files` lists the folder now), for the same key; otherwise undefined.
 */
export function unchangedSince(root: string, key: string | undefined, env: NodeJS.ProcessEnv, files: () => readonly string[]): readonly string[] | undefined {
  if (key === undefined) return undefined;
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (stamp.format !== FORMAT || stamp.key !== key) return undefined;
  if (stamp.reads.env.some(([name, value]) => (env[name] ?? null) !== value)) return undefined;
  if (stamp.reads.inputs.some(([kind, path, value]) => current[kind](path) !== value)) return undefined;
  const now = files();
  if (now.length !== stamp.outputs.length || stamp.outputs.some(([file, value], index) => now[index] !== file || current.file(join(root, file)) !== value)) return undefined;
  return stamp.summary;
}
