/**
 * Writing the output tree (dist/) and the files edited with it, so that nothing is lost or half-kept.
 *
 * - **Staged first.** Every new file is written under STAGING_FOLDER inside the output folder as it
 *   comes (TreeWrite.add; the other files beside their targets), then renamed into place. A full device or an unwritable
 *   folder fails while staging, and the staged files are removed: nothing changed. Staging inside
 *   the output folder keeps each rename on one file system, so an output folder that is a mount
 *   point works (a rename across devices fails with EXDEV).
 * - **A killed run is repaired by the next one.** The edited files (environments/images/<env>.json)
 *   are renamed into place first: they are the source of the output. A run killed after that leaves
 *   the staging folder behind, and the next run, finding it, removes it and writes the whole output
 *   again from the sources (lib/cli/write-output.ts), which then hold the killed run's edit.
 * - **Only its own files.** OWNERSHIP_FILE lists the files synthesis wrote. A non-empty folder without
 *   it is refused, so `--out` never wipes a folder of someone else's; files found in an owned folder
 *   that synthesis did not write (added by hand) are removed with the rest, and named.
 * - **Nothing to do, nothing done.** When every file is unchanged, nothing is written at all.
 *
 * Callers hold the write lock (lib/cli/lock.ts) around `recoverInterruptedWrite` and a `TreeWrite`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { describeSystemError, systemErrorCode, UserError } from '../core/errors';
import { STAMP_FILE } from './input-stamp';

/** The record of the files an output tree holds, at its root. Not itself listed, nor listed by listFiles. */
export const OWNERSHIP_FILE = '.synth-files';
const OWNERSHIP_HEADER = '# Written by `npm run synth`: every file of this folder that synthesis wrote, one per line.\n';
/** Where a write stages the new tree, inside the output folder; its presence means a write was interrupted. */
export const STAGING_FOLDER = '.synth-staging';
/** The list, in the staging folder, of the files staged beside their targets (relative to the output folder). */
const BESIDE_LIST = 'beside.json';
const besideName = (target: string) => join(dirname(target), `.${basename(target)}.synth-new`);
const BESIDE_PATTERN = /\.synth-new$/;

export interface FolderChanges {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  unchanged: number;
}

export interface CommitResult {
  /** Per top-level folder of the tree: what was added, changed and removed. */
  readonly changes: Map<string, FolderChanges>;
  /** Files of the old tree that synthesis had not written (removed with it). */
  readonly strays: string[];
  /** Other files whose content changed. */
  readonly filesChanged: string[];
  /** False when everything already was as asked: nothing was written. */
  readonly written: boolean;
}

/** Wraps file-system errors of the output into one-line user errors naming the path. */
export class OutputError extends UserError {}
/** A write that failed while renaming: the staging folder stays, for the next run to repair. */
class HalfWrittenError extends OutputError {}

function attempt<T>(action: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new OutputError(`cannot ${action} ${path}: ${describeSystemError(error)}`);
  }
}

/** Relative paths (with "/") of every file under `root`, except the ownership record, the stamp and the staging folder. */
export function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return files.filter((file) => file !== OWNERSHIP_FILE && file !== STAMP_FILE && !file.startsWith(`${STAGING_FOLDER}/`)).sort();
}

const ownershipRecord = (files: Iterable<string>) => `${OWNERSHIP_HEADER}${[...files].sort().join('\n')}\n`;

/** Refuses an output folder that synthesis may not replace; returns what it holds (empty if new). */
export function inspectOutputFolder(root: string): { existing: string[]; owned: Set<string> } {
  let stat;
  try {
    stat = statSync(root);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return { existing: [], owned: new Set() };
    throw new OutputError(`cannot read the output folder ${root}: ${describeSystemError(error)}`);
  }
  if (!stat.isDirectory()) throw new OutputError(`the output ${root} is a file, not a folder: choose a folder with --out`);
  const record = join(root, OWNERSHIP_FILE);
  const owned = existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#')) : undefined;
  const entries = attempt('read the output folder', root, () => readdirSync(root)).filter((entry) => entry !== STAGING_FOLDER && entry !== STAMP_FILE);
  if (owned === undefined && entries.length > 0) {
    throw new OutputError(
      `${root} is not empty and was not written by synthesis (it has no ${OWNERSHIP_FILE}); synthesis replaces its output folder ` +
        `as a whole, so give --out a new or empty folder, or empty this one yourself if its content is expendable`,
    );
  }
  return { existing: listFiles(root), owned: new Set(owned) };
}

/**
 * Removes what a killed write into `root` left (the staging folder, files staged beside their
 * targets); returns a sentence for the user, or undefined when nothing was left. The caller then
 * writes the whole output again. Call it holding the lock, before anything else.
 */
export function recoverInterruptedWrite(root: string): string | undefined {
  const staging = join(resolve(root), STAGING_FOLDER);
  if (!existsSync(staging)) return undefined;
  let beside: unknown = [];
  try {
    beside = JSON.parse(readFileSync(join(staging, BESIDE_LIST), 'utf8'));
  } catch {
    // Killed before the list was written: nothing was staged beside.
  }
  // Only names this tool gives its staged files: a list edited by hand deletes nothing else.
  for (const path of Array.isArray(beside) ? beside : []) if (typeof path === 'string' && BESIDE_PATTERN.test(path)) rmSync(resolve(root, path), { force: true });
  attempt('remove the leftovers of an interrupted write,', staging, () => rmSync(staging, { recursive: true, force: true }));
  return `a run that was interrupted while writing ${relative(process.cwd(), root) || '.'} left it incomplete; writing it whole again`;
}

/** Removes the empty folders under `dir` (not `dir` itself). */
function removeEmptyFolders(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === STAGING_FOLDER) continue;
    const path = join(dir, entry.name);
    removeEmptyFolders(path);
    if (readdirSync(path).length === 0) rmdirSync(path);
  }
}

/**
 * A write of the output tree that takes its files one at a time (see the top of this file): each is
 * compared with the folder's and staged at once when it differs, so the caller need not hold the
 * whole tree (hundreds of previews). `commit` then replaces the other files and renames everything
 * into place; `abort` (on any failure before `commit` returned) removes what was staged.
 */
export class TreeWrite {
  private readonly root: string;
  private readonly existing: Set<string>;
  private readonly owned: Set<string>;
  private readonly paths = new Set<string>();
  private readonly toWrite: string[] = [];
  private readonly changes = new Map<string, FolderChanges>();
  private readonly staging: string;

  /** Refuses a folder that synthesis may not replace (inspectOutputFolder). */
  constructor(root: string) {
    this.root = resolve(root);
    this.staging = join(this.root, STAGING_FOLDER);
    const { existing, owned } = inspectOutputFolder(this.root);
    this.existing = new Set(existing);
    this.owned = owned;
  }

  private changesOf(path: string): FolderChanges {
    const folder = path.includes('/') ? path.slice(0, path.indexOf('/')) : '.';
    if (!this.changes.has(folder)) this.changes.set(folder, { added: [], changed: [], removed: [], unchanged: 0 });
    return this.changes.get(folder)!;
  }

  /** One file of the new tree (relative path with "/"). */
  add(path: string, content: string): void {
    this.paths.add(path);
    if (!this.existing.has(path)) this.changesOf(path).added.push(path);
    else if (readFileSync(join(this.root, path), 'utf8') !== content) this.changesOf(path).changed.push(path);
    else {
      this.changesOf(path).unchanged++;
      return;
    }
    const staged = join(this.staging, path);
    attempt('write', join(this.root, path), () => {
      mkdirSync(dirname(staged), { recursive: true });
      writeFileSync(staged, content);
    });
    this.toWrite.push(path);
  }

  /** Makes the tree hold exactly the files added, and replaces `files` (absolute path -> content) with it. */
  commit(files: ReadonlyMap<string, string> = new Map()): CommitResult {
    const { root, staging, changes, toWrite } = this;
    const toRemove = [...this.existing].filter((path) => !this.paths.has(path));
    for (const path of toRemove) this.changesOf(path).removed.push(path);
    const strays = toRemove.filter((path) => !this.owned.has(path));
    const record = ownershipRecord(this.paths);
    const recordPath = join(root, OWNERSHIP_FILE);
    const recordDiffers = !existsSync(recordPath) || readFileSync(recordPath, 'utf8') !== record;
    const others = [...files]
      .map(([path, content]) => ({ target: resolve(path), content, staged: besideName(resolve(path)) }))
      .filter(({ target, content }) => !existsSync(target) || readFileSync(target, 'utf8') !== content);
    if (toWrite.length + toRemove.length === 0 && !recordDiffers && others.length === 0) return { changes, strays, filesChanged: [], written: false };

    // 1. Stage the rest: the list of what goes beside its target first, so a killed run's leftovers are known.
    attempt('create a folder in', root, () => mkdirSync(staging, { recursive: true }));
    attempt('write', join(staging, BESIDE_LIST), () => writeFileSync(join(staging, BESIDE_LIST), JSON.stringify(others.map(({ staged }) => relative(root, staged)))));
    attempt('write', recordPath, () => writeFileSync(join(staging, OWNERSHIP_FILE), record));
    for (const { target, content, staged } of others) attempt('write a file beside', target, () => writeFileSync(staged, content));

    // 2. Rename into place: the edits first, then the tree; the staging folder goes last.
    try {
      for (const { target, staged } of others) renameSync(staged, target);
      for (const path of toRemove) rmSync(join(root, path), { force: true });
      removeEmptyFolders(root);
      for (const path of toWrite) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        renameSync(join(staging, path), join(root, path));
      }
      renameSync(join(staging, OWNERSHIP_FILE), recordPath);
      rmSync(staging, { recursive: true, force: true });
    } catch (error) {
      throw new HalfWrittenError(`the write stopped half-way (${describeSystemError(error)}); run the command again: it writes the output whole first (${staging})`);
    }
    return { changes, strays, filesChanged: others.map(({ target }) => target), written: true };
  }

  /** Removes what was staged: nothing changed. Not after a commit that began renaming (the next run repairs it). */
  abort(): void {
    recoverInterruptedWrite(this.root);
  }
}

/**
 * Runs `fn`, which adds to `write` and commits it; any failure before the commit renames anything
 * removes what was staged, so nothing changed.
 */
export function writeWhole<T>(write: TreeWrite, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof HalfWrittenError)) write.abort();
    throw error;
  }
}
