/**
 * Writing dist/ and the files edited with it so that nothing is lost or half-kept (docs/commands.md,
 * "Atomic output"). New files are staged in STAGING_FOLDER, inside the output folder so that every
 * rename stays on one device; edited files beside their targets. A failure while staging removes what
 * was staged: nothing changed. Then the edits are renamed in, the sources of the output, then the
 * tree: a run killed there leaves the staging folder, and the next run removes it and writes the whole
 * output again (lib/cli/write-output.ts). OWNERSHIP_FILE lists what synthesis wrote: a non-empty folder
 * without it is refused; a file not in it is removed with the rest, and named. Callers hold the lock.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { describeSystemError, systemErrorCode, UserError } from '../core/errors';
import { STAMP_FILE } from './input-stamp';

/** The record of the files an output tree holds, at its root. Not itself listed, nor listed by listFiles. */
export const OWNERSHIP_FILE = '.synth-files';
/** Where a write stages the new tree; its presence means a write was interrupted. */
export const STAGING_FOLDER = '.synth-staging';
/** In the staging folder: the files staged beside their targets, for a killed run's next run to remove. */
const BESIDE_LIST = 'beside.txt';
const besideName = (target: string) => join(dirname(target), `.${basename(target)}.synth-new`);

/** What a write did in one top-level folder of the tree: the files it added, changed and removed. */
export type FolderChanges = { readonly added: string[]; readonly changed: string[]; readonly removed: string[]; unchanged: number };

export interface CommitResult {
  /** Per top-level folder of the tree ("." for the root's files). */
  readonly changes: Map<string, FolderChanges>;
  /** Files of the old tree that synthesis had not written (removed with it). */
  readonly strays: string[];
  /** False when everything already was as asked: nothing was written. */
  readonly written: boolean;
}

/** A file-system error of the output, as one line naming the path. */
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

const readOrUndefined = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

/** Relative paths (with "/") of every file under `root`, but the ownership record, the stamp and the staging folder. */
export function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
  return files.filter((file) => file !== OWNERSHIP_FILE && file !== STAMP_FILE && !file.startsWith(`${STAGING_FOLDER}/`)).sort();
}

/** Removes what a killed write into `root` left; returns a sentence for the user, or undefined if nothing was left. */
export function recoverInterruptedWrite(root: string): string | undefined {
  const staging = join(resolve(root), STAGING_FOLDER);
  if (!existsSync(staging)) return undefined;
  // Only names this tool gives its staged files: a list edited by hand deletes nothing else.
  for (const path of readOrUndefined(join(staging, BESIDE_LIST))?.split('\n') ?? []) if (path.endsWith('.synth-new')) rmSync(resolve(root, path), { force: true });
  attempt('remove the leftovers of an interrupted write,', staging, () => rmSync(staging, { recursive: true, force: true }));
  return `a run that was interrupted while writing ${relative(process.cwd(), root) || '.'} left it incomplete; writing it whole again`;
}

/** Removes the empty folders under `root`, the deepest first. */
function removeEmptyFolders(root: string): void {
  const folders = readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(entry.parentPath, entry.name));
  for (const folder of folders.sort().reverse()) if (!folder.startsWith(join(root, STAGING_FOLDER)) && readdirSync(folder).length === 0) rmdirSync(folder);
}

/**
 * A write of the output tree that takes its files one at a time: each is compared with the folder's
 * and staged at once if it differs, so the caller need not hold hundreds of previews. `commit`
 * renames everything into place; on a failure before it, `writeWhole` removes what was staged.
 */
export class TreeWrite {
  readonly root: string;
  private readonly staging: string;
  private readonly existing: Set<string>;
  private readonly owned: Set<string>;
  private readonly paths = new Set<string>();
  private readonly staged: string[] = [];
  private readonly changes = new Map<string, FolderChanges>();

  /** Refuses a folder that synthesis may not replace, before anything is synthesized for it. */
  constructor(root: string) {
    this.root = resolve(root);
    this.staging = join(this.root, STAGING_FOLDER);
    let isFolder: boolean | undefined;
    try {
      isFolder = statSync(this.root).isDirectory();
    } catch (error) {
      if (systemErrorCode(error) !== 'ENOENT') throw new OutputError(`cannot read the output folder ${this.root}: ${describeSystemError(error)}`);
    }
    if (isFolder === false) throw new OutputError(`the output ${this.root} is a file, not a folder: choose a folder with --out`);
    const record = readOrUndefined(join(this.root, OWNERSHIP_FILE));
    this.owned = new Set(record?.split('\n').filter((line) => line !== '' && !line.startsWith('#')));
    this.existing = new Set(listFiles(this.root));
    if (isFolder && record === undefined && readdirSync(this.root).some((entry) => entry !== STAGING_FOLDER && entry !== STAMP_FILE)) {
      throw new OutputError(
        `${this.root} is not empty and was not written by synthesis (it has no ${OWNERSHIP_FILE}); synthesis replaces its output folder ` +
          `as a whole, so give --out a new or empty folder, or empty this one yourself if its content is expendable`,
      );
    }
  }

  private changesOf(path: string): FolderChanges {
    const folder = path.includes('/') ? path.slice(0, path.indexOf('/')) : '.';
    if (!this.changes.has(folder)) this.changes.set(folder, { added: [], changed: [], removed: [], unchanged: 0 });
    return this.changes.get(folder)!;
  }

  /** One file of the new tree (relative path with "/"). */
  add(path: string, content: string): void {
    this.paths.add(path);
    const old = this.existing.has(path) ? readFileSync(join(this.root, path), 'utf8') : undefined;
    if (old === content) {
      this.changesOf(path).unchanged++;
      return;
    }
    (old === undefined ? this.changesOf(path).added : this.changesOf(path).changed).push(path);
    const staged = join(this.staging, path);
    attempt('write', join(this.root, path), () => (mkdirSync(dirname(staged), { recursive: true }), writeFileSync(staged, content)));
    this.staged.push(path);
  }

  /** Makes the tree hold exactly the files added, and replaces `files` (absolute path -> content) with it. */
  commit(files: ReadonlyMap<string, string> = new Map()): CommitResult {
    const { root, staging, changes } = this;
    const removed = [...this.existing].filter((path) => !this.paths.has(path));
    for (const path of removed) this.changesOf(path).removed.push(path);
    const strays = removed.filter((path) => !this.owned.has(path));
    const record = `# Written by \`npm run synth\`: every file of this folder that synthesis wrote, one per line.\n${[...this.paths].sort().join('\n')}\n`;
    const others = [...files].map(([path, content]) => [resolve(path), content] as const).filter(([path, content]) => readOrUndefined(path) !== content);
    if (this.staged.length + removed.length + others.length === 0 && readOrUndefined(join(root, OWNERSHIP_FILE)) === record) {
      return { changes, strays, written: false };
    }
    // The list of what goes beside its target is written first, so that a killed run's leftovers are known.
    attempt('write in', staging, () => {
      mkdirSync(staging, { recursive: true });
      writeFileSync(join(staging, BESIDE_LIST), others.map(([path]) => relative(root, besideName(path))).join('\n'));
      writeFileSync(join(staging, OWNERSHIP_FILE), record);
    });
    for (const [path, content] of others) attempt('write a file beside', path, () => writeFileSync(besideName(path), content));
    try {
      for (const [path] of others) renameSync(besideName(path), path);
      for (const path of removed) rmSync(join(root, path), { force: true });
      removeEmptyFolders(root);
      for (const path of this.staged) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        renameSync(join(staging, path), join(root, path));
      }
      renameSync(join(staging, OWNERSHIP_FILE), join(root, OWNERSHIP_FILE));
      rmSync(staging, { recursive: true, force: true });
    } catch (error) {
      throw new HalfWrittenError(`the write stopped half-way (${describeSystemError(error)}); run the command again: it writes the output whole first (${staging})`);
    }
    return { changes, strays, written: true };
  }
}

/** Runs `fn`, which adds to `write` and commits it; a failure before the commit renamed anything removes what was staged. */
export function writeWhole<T>(write: TreeWrite, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof HalfWrittenError)) recoverInterruptedWrite(write.root);
    throw error;
  }
}
