/**
 * Writing the output tree (dist/) so that nothing is ever lost or half-written.
 *
 * - **Atomic.** The new tree is built beside the old one, then swapped in with two renames
 *   (old -> aside, new -> in place); other files changed by the same command (set-image's
 *   environments/images/<env>.json) are renamed into place in the same step. Before the first rename a
 *   journal records what the swap consists of, so a run killed at any point (SIGKILL, OOM, a full disk)
 *   is finished or undone by the next run: killed while building, the leftovers are deleted and the old
 *   tree stays; killed while swapping, the swap is completed. The output is therefore always the old
 *   tree or the new one, except between the two renames, when the folder is briefly absent and the next
 *   run completes the swap before doing anything else.
 * - **Only its own files.** The tree records the files it holds in OWNERSHIP_FILE. A non-empty folder
 *   without that record was not written by synthesis and is refused, so `--out` can never wipe a folder
 *   of someone else's (a git clone, a home directory). Files found in an owned folder that synthesis did
 *   not write (added by hand) are removed with the rest of the old tree, and named.
 * - **Nothing to do, nothing done.** When every file is unchanged, nothing is written at all.
 *
 * Callers hold the write lock (lib/cli/lock.ts) around `recoverInterruptedWrite` and `commitChange`.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeSystemError, systemErrorCode, UserError } from '../core/errors';

/** The record of the files an output tree holds, at its root. Not itself listed, nor listed by listFiles. */
export const OWNERSHIP_FILE = '.synth-files';
const OWNERSHIP_HEADER = [
  '# Written by `npm run synth`: every file of this folder that synthesis wrote, one per line.',
  '# Synthesis replaces this folder as a whole, and refuses a non-empty folder without this record.',
];

/** Test-only: SIGKILL this process after that many file-system operations of a commit. */
export const KILL_AFTER_OPERATIONS_VARIABLE = 'CO2_TEST_KILL_AFTER_OPERATIONS';

export interface FolderChanges {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  unchanged: number;
}

/** Relative paths (with "/") of every file under `root`, except the ownership record. */
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
  return files.filter((file) => file !== OWNERSHIP_FILE).sort();
}

/** The folder a file is summarised under: its first path segment, or "." for files at the root. */
function folderOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.indexOf('/')) : '.';
}

export interface Change {
  /** A folder to hold exactly these files afterwards (relative path with "/" -> content). */
  readonly tree?: { readonly root: string; readonly files: ReadonlyMap<string, string> };
  /** Other files to replace in the same step (path -> content), e.g. environments/images/dev.json. */
  readonly files?: ReadonlyMap<string, string>;
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

export interface CommitOptions {
  /** @default beside the tree (journalFileFor), else beside the first file */
  readonly journalFile?: string;
  /** Called after every file-system operation that changes something; for crash tests. @default none */
  readonly onOperation?: (count: number, what: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** The journal: paths are relative to the journal's folder, so a copy of both can be recovered elsewhere. */
interface Journal {
  readonly pid: number;
  /** building: staged copies are being written (undo them); swapping: they are complete (finish the swap). */
  readonly phase: 'building' | 'swapping';
  readonly tree?: { readonly root: string; readonly staged: string; readonly aside: string };
  readonly files: ReadonlyArray<{ readonly target: string; readonly staged: string }>;
}

/** Wraps file-system errors of the output into one-line user errors naming the path. */
export class OutputError extends UserError {}

function fail(action: string, path: string, error: unknown): never {
  if (error instanceof UserError) throw error;
  throw new OutputError(`cannot ${action} ${path}: ${describeSystemError(error)}`);
}

function ownedFiles(root: string): Set<string> | undefined {
  const record = join(root, OWNERSHIP_FILE);
  if (!existsSync(record)) return undefined;
  return new Set(
    readFileSync(record, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

function ownershipRecord(files: Iterable<string>): string {
  return `${[...OWNERSHIP_HEADER, ...[...files].sort()].join('\n')}\n`;
}

/** Refuses an output folder that synthesis may not replace; returns what it holds (empty if new). */
export function inspectOutputFolder(root: string): { existing: string[]; owned: Set<string> } {
  let stat;
  try {
    stat = statSync(root);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return { existing: [], owned: new Set() };
    fail('read the output folder', root, error);
  }
  if (!stat.isDirectory()) throw new OutputError(`the output ${root} is a file, not a folder: choose a folder with --out`);
  const owned = ownedFiles(root);
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch (error) {
    fail('read the output folder', root, error);
  }
  if (owned === undefined && entries.length > 0) {
    throw new OutputError(
      `${root} is not empty and was not written by synthesis (it has no ${OWNERSHIP_FILE}); synthesis replaces its output folder ` +
        `as a whole, so give --out a new or empty folder, or empty this one yourself if its content is expendable`,
    );
  }
  return { existing: listFiles(root), owned: owned ?? new Set() };
}

/** Staging names beside a path: hidden, and naming the process that made them. */
const besides = (path: string, role: string) => join(dirname(path), `.${basename(path)}.synth-${role}-${process.pid}`);

/**
 * The journal of writes into an output folder, beside it (`.dist.synth-journal.json` for dist/): the
 * next run into the same folder finds what a killed one left.
 */
export function journalFileFor(path: string): string {
  const absolute = resolve(path);
  return join(dirname(absolute), `.${basename(absolute)}.synth-journal.json`);
}

function writeJournal(journalFile: string, journal: Journal): void {
  const aside = `${journalFile}.${process.pid}`;
  try {
    mkdirSync(dirname(journalFile), { recursive: true });
    writeFileSync(aside, `${JSON.stringify(journal, null, 2)}\n`);
    const fd = openSync(aside, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(aside, journalFile);
  } catch (error) {
    rmSync(aside, { force: true });
    fail('write the journal of this write,', journalFile, error);
  }
}

function readJournal(journalFile: string): Journal | undefined {
  if (!existsSync(journalFile)) return undefined;
  const unreadable = (why: string) =>
    new OutputError(`the journal of an interrupted write, ${journalFile}, cannot be read (${why}); check the output folder by hand (git status), then delete that file`);
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(journalFile, 'utf8'));
  } catch (error) {
    throw unreadable(describeSystemError(error));
  }
  const paths = (value: unknown, keys: readonly string[]) => typeof value === 'object' && value !== null && keys.every((key) => typeof (value as Record<string, unknown>)[key] === 'string');
  const valid = typeof journal === 'object' && journal !== null && (journal.phase === 'building' || journal.phase === 'swapping') &&
    (journal.tree === undefined || paths(journal.tree, ['root', 'staged', 'aside'])) && Array.isArray(journal.files) && journal.files.every((file) => paths(file, ['target', 'staged']));
  if (!valid) throw unreadable('it is not a journal this tool writes');
  return journal;
}

/**
 * Finishes or undoes a write that a killed run left behind; returns a sentence for the user, or
 * undefined when there was nothing to recover. Call it holding the lock, before anything else.
 */
export function recoverInterruptedWrite(journalFile: string): string | undefined {
  const journal = readJournal(journalFile);
  if (!journal) return undefined;
  const at = (path: string) => resolve(dirname(journalFile), path);
  const tree = journal.tree && { root: at(journal.tree.root), staged: at(journal.tree.staged), aside: at(journal.tree.aside) };
  const files = journal.files.map(({ target, staged }) => ({ target: at(target), staged: at(staged) }));
  let sentence: string;
  if (journal.phase === 'building') {
    if (tree) rmSync(tree.staged, { recursive: true, force: true });
    for (const { staged } of files) rmSync(staged, { force: true });
    sentence = `undid an interrupted write of pid ${journal.pid}: it had not started replacing anything, so the files are as they were before it`;
  } else {
    if (tree && existsSync(tree.staged)) {
      if (existsSync(tree.root) && !existsSync(tree.aside)) renameSync(tree.root, tree.aside);
      renameSync(tree.staged, tree.root);
    }
    for (const { target, staged } of files) if (existsSync(staged)) renameSync(staged, target);
    if (tree) rmSync(tree.aside, { recursive: true, force: true });
    sentence = `completed an interrupted write of pid ${journal.pid}: ${tree ? relative(process.cwd(), tree.root) || '.' : 'its files'} now hold what it had written`;
  }
  unlinkSync(journalFile);
  return sentence;
}

/**
 * Makes the tree hold exactly `change.tree.files` and replaces `change.files`, as one atomic step (see
 * the top of this file). Throws an OutputError, having changed nothing, when the folder may not be
 * replaced or cannot be written.
 */
export function commitChange(change: Change, options: CommitOptions = {}): CommitResult {
  const firstPath = change.tree?.root ?? change.files?.keys().next().value;
  if (firstPath === undefined) return { changes: new Map(), strays: [], filesChanged: [], written: false };
  const journalFile = options.journalFile ?? journalFileFor(firstPath);
  const env = options.env ?? process.env;
  const killAfter = Number(env[KILL_AFTER_OPERATIONS_VARIABLE] ?? 0);
  let operations = 0;
  const did = (what: string) => {
    operations++;
    options.onOperation?.(operations, what);
    if (killAfter > 0 && operations >= killAfter) process.kill(process.pid, 'SIGKILL');
  };

  const changes = new Map<string, FolderChanges>();
  const changesOf = (path: string) => {
    const folder = folderOf(path);
    if (!changes.has(folder)) changes.set(folder, { added: [], changed: [], removed: [], unchanged: 0 });
    return changes.get(folder)!;
  };

  // What differs: nothing is written until this is known.
  let strays: string[] = [];
  let treeDiffers = false;
  const tree = change.tree && { ...change.tree, root: resolve(change.tree.root) };
  if (tree) {
    const { existing, owned } = inspectOutputFolder(tree.root);
    const existingSet = new Set(existing);
    for (const [path, content] of [...tree.files].sort(([a], [b]) => a.localeCompare(b))) {
      if (!existingSet.has(path)) changesOf(path).added.push(path);
      else if (readFileSync(join(tree.root, path), 'utf8') !== content) changesOf(path).changed.push(path);
      else changesOf(path).unchanged++;
    }
    for (const path of existing) if (!tree.files.has(path)) changesOf(path).removed.push(path);
    strays = existing.filter((path) => !owned.has(path) && !tree.files.has(path));
    const recordDiffers = !existsSync(join(tree.root, OWNERSHIP_FILE)) || readFileSync(join(tree.root, OWNERSHIP_FILE), 'utf8') !== ownershipRecord(tree.files.keys());
    treeDiffers = recordDiffers || [...changes.values()].some((c) => c.added.length + c.changed.length + c.removed.length > 0);
  }
  const files = [...(change.files ?? [])]
    .map(([path, content]) => ({ target: resolve(path), content }))
    .filter(({ target, content }) => !existsSync(target) || readFileSync(target, 'utf8') !== content);
  if (!treeDiffers && files.length === 0) return { changes, strays, filesChanged: [], written: false };

  const fromJournal = (path: string) => {
    const rel = relative(dirname(journalFile), path);
    return isAbsolute(rel) ? path : rel;
  };
  const stagedTree = tree && treeDiffers ? { root: tree.root, staged: besides(tree.root, 'new'), aside: besides(tree.root, 'old') } : undefined;
  const stagedFiles = files.map(({ target, content }) => ({ target, content, staged: besides(target, 'new') }));
  const journal = (phase: Journal['phase']): Journal => ({
    pid: process.pid,
    phase,
    tree: stagedTree && { root: fromJournal(stagedTree.root), staged: fromJournal(stagedTree.staged), aside: fromJournal(stagedTree.aside) },
    files: stagedFiles.map(({ target, staged }) => ({ target: fromJournal(target), staged: fromJournal(staged) })),
  });

  // 1. Build the new content beside the old. Any failure here undoes the building and changes nothing.
  writeJournal(journalFile, journal('building'));
  did('journal: building');
  try {
    if (stagedTree && tree) {
      try {
        mkdirSync(stagedTree.staged, { recursive: true });
      } catch (error) {
        fail('create a folder beside', tree.root, error);
      }
      did(`mkdir ${stagedTree.staged}`);
      const folders = new Set<string>();
      for (const [path, content] of [...tree.files].sort(([a], [b]) => a.localeCompare(b))) {
        const target = join(stagedTree.staged, path);
        const folder = dirname(target);
        try {
          if (!folders.has(folder)) {
            mkdirSync(folder, { recursive: true });
            folders.add(folder);
          }
          writeFileSync(target, content);
        } catch (error) {
          fail('write', join(tree.root, path), error);
        }
        did(`write ${path}`);
      }
      try {
        writeFileSync(join(stagedTree.staged, OWNERSHIP_FILE), ownershipRecord(tree.files.keys()));
      } catch (error) {
        fail('write', join(tree.root, OWNERSHIP_FILE), error);
      }
      did(`write ${OWNERSHIP_FILE}`);
    }
    for (const { target, content, staged } of stagedFiles) {
      try {
        writeFileSync(staged, content);
      } catch (error) {
        fail('write a file beside', target, error);
      }
      did(`write ${staged}`);
    }
  } catch (error) {
    recoverInterruptedWrite(journalFile);
    throw error;
  }

  // 2. Swap. From here on the journal says "finish this", so a crash completes rather than undoes it.
  try {
    writeJournal(journalFile, journal('swapping'));
  } catch (error) {
    recoverInterruptedWrite(journalFile);
    throw error;
  }
  did('journal: swapping');
  try {
    swap(stagedTree, stagedFiles, journalFile, did);
  } catch (error) {
    throw new OutputError(`the write stopped half-way (${describeSystemError(error)}); run the command again: it completes the write first (${journalFile})`);
  }
  return { changes, strays, filesChanged: files.map(({ target }) => target), written: true };
}

function swap(
  stagedTree: { root: string; staged: string; aside: string } | undefined,
  stagedFiles: ReadonlyArray<{ target: string; staged: string }>,
  journalFile: string,
  did: (what: string) => void,
): void {
  if (stagedTree) {
    if (existsSync(stagedTree.root)) {
      renameSync(stagedTree.root, stagedTree.aside);
      did('rename old tree aside');
    }
    renameSync(stagedTree.staged, stagedTree.root);
    did('rename new tree into place');
  }
  for (const { staged, target } of stagedFiles) {
    renameSync(staged, target);
    did(`rename ${target}`);
  }
  if (stagedTree) {
    rmSync(stagedTree.aside, { recursive: true, force: true });
    did('remove old tree');
  }
  unlinkSync(journalFile);
  did('journal: done');
}

/** Writes a tree on its own: commitChange for callers without other files (tests, benchmarks). */
export function writeTree(root: string, files: ReadonlyMap<string, string>, options: CommitOptions = {}): Map<string, FolderChanges> {
  return commitChange({ tree: { root, files } }, options).changes;
}
