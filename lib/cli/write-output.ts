/**
 * The one way the commands write: under the write lock, after removing whatever a killed run left
 * behind, synthesize the project as it will be once `edits` are applied, and only if that
 * succeeds write the edits and the output tree together (lib/synth/output.ts). A failure anywhere
 * before the final step changes nothing; a run killed in it is repaired by the next run.
 */
import { join, resolve } from 'node:path';
import { PREVIEW_PREFIX } from '../config/previews';
import { diskFiles, displayPath, ProjectFiles, withEdits } from '../config/project-files';
import { CLUSTER_SETUP_FOLDER, defaultSchemaValidator, DELIVERY_FOLDER, ProjectConfig, synthesizeAll, Synthesis } from '../synth';
import { recordReads, removeStamp, stampKey, unchangedSince, writeStamp } from '../synth/input-stamp';
import { CommitResult, FolderChanges, listFiles, OWNERSHIP_FILE, recoverInterruptedWrite, TreeWrite, writeWhole } from '../synth/output';
import { lockFileOf } from './context';
import { withLock } from './lock';

export interface WriteRequest {
  /** The repository: edits and the project's data files are read from, and written into, it. */
  readonly repoRoot: string;
  /** What holds the lock, as a waiting run reads it: "npm run set-image". */
  readonly command: string;
  /** The output folder. */
  readonly outDir: string;
  /** Repository files to change (path relative to the repository -> content), with the output. @default none */
  readonly edits?: ReadonlyMap<string, string>;
  /** Files outside the project written in the same step (absolute path -> content): a commit message. @default none */
  readonly alongside?: ReadonlyMap<string, string>;
  /** The project, read from the given files (environments/index.ts: loadProject). */
  readonly loadProject: (files: ProjectFiles) => ProjectConfig;
  readonly env?: NodeJS.ProcessEnv;
  /** Told of a killed run's write that was finished or undone first. @default a line on stderr */
  readonly onRecovered?: (sentence: string) => void;
}

export interface WriteOutcome {
  readonly synthesis: Synthesis;
  readonly result: CommitResult;
}

/** A run that found the output as the last run with the same inputs left it: its summary lines, the last excepted. */
export interface Unchanged {
  readonly unchanged: readonly string[];
}

/**
 * Runs `fn` under the write lock, after removing what a killed run's write left; `fn` is told whether
 * it did, and must then write the output whole (synthesizeAndWrite) even when it has nothing to edit.
 * A command that edits a file computes the edit inside `fn`, from the file as it is under the lock:
 * planned before, two writers would each start from the same old file and one edit would be lost.
 */
export function withWriteLock<T>(request: Pick<WriteRequest, 'repoRoot' | 'command' | 'outDir' | 'env' | 'onRecovered'>, fn: (interrupted: boolean) => T): T {
  return withLock({ command: request.command, lockFile: lockFileOf(request.repoRoot), env: request.env }, () => {
    const recovered = recoverInterruptedWrite(request.outDir);
    if (recovered) (request.onRecovered ?? ((sentence) => console.error(`note: ${sentence}`)))(recovered);
    return fn(recovered !== undefined);
  });
}

export function synthesizeAndWrite(request: WriteRequest): WriteOutcome {
  return withWriteLock(request, () => writeLocked(request, undefined));
}

/**
 * `npm run synth`: synthesizeAndWrite, unless the stamp of the output folder (lib/synth/input-stamp.ts)
 * says that nothing it was made from changed since, nor the folder itself. `options` are those of the
 * run that change what it writes. Writes the stamp for the next run.
 */
export function synthesizeUnlessUnchanged(request: Omit<WriteRequest, 'edits' | 'alongside'>, options: string): WriteOutcome | Unchanged {
  const key = stampKey(options);
  const outDir = resolve(request.outDir);
  return withWriteLock(request, (interrupted) => {
    const unchanged = interrupted ? undefined : unchangedSince(outDir, key, request.env ?? process.env, () => stampedFiles(outDir));
    return unchanged === undefined ? writeLocked(request, key) : { unchanged };
  });
}

/** The stamp options of `npm run synth` without --previews: the project exactly as the repository defines it. */
export const REPOSITORY_PROJECT = 'the repository project';

/** The files of the output the stamp covers: its ownership record too. */
const stampedFiles = (outDir: string) => [OWNERSHIP_FILE, ...listFiles(outDir)];

/** Whether `outDir` holds what `npm run synth` would write now, as its stamp says (`npm run diff` then reads it). */
export function holdsCurrentSynthesis(outDir: string, env: NodeJS.ProcessEnv): boolean {
  return unchangedSince(resolve(outDir), stampKey(REPOSITORY_PROJECT), env, () => stampedFiles(resolve(outDir))) !== undefined;
}

function writeLocked(request: WriteRequest, stamp: string | undefined): WriteOutcome {
  const outDir = resolve(request.outDir);
  const edits = request.edits ?? new Map<string, string>();
  // Refuses a folder that may not be replaced before spending a synthesis on it.
  const write = new TreeWrite(outDir);
  return writeWhole(write, () => {
    // Each preview's files are staged as soon as they are rendered: the previews need not stay in memory.
    const synthesize = (env: NodeJS.ProcessEnv) =>
      synthesizeAll(request.loadProject(withEdits(diskFiles(request.repoRoot), edits)), defaultSchemaValidator(env), { previewFiles: (path, content) => write.add(path, content) });
    const env = request.env ?? process.env;
    const { result: synthesis, reads } = stamp === undefined ? { result: synthesize(env), reads: undefined } : recordReads(env, outDir, synthesize);
    for (const [path, content] of synthesis.files) write.add(path, content);
    // Refused input changes nothing, the stamp included; from here on, the folder and the edited files change.
    removeStamp(outDir);
    const result = write.commit(new Map([...[...edits].map(([path, content]) => [resolve(request.repoRoot, path), content] as const), ...(request.alongside ?? [])]));
    if (stamp !== undefined && reads !== undefined) {
      // The rows as the next run prints them if nothing changes: the folders the output holds now, nothing added.
      const kept = new Map([...result.changes].filter(([, change]) => change.added.length + change.changed.length + change.unchanged > 0));
      writeStamp(outDir, stamp, reads, stampedFiles(outDir), folderRows(synthesis, kept, true));
    }
    return { synthesis, result };
  });
}

/** How many files of the output a write added, changed or removed. */
export function changedFiles(result: CommitResult): number {
  return [...result.changes.values()].reduce((sum, folder) => sum + folder.added.length + folder.changed.length + folder.removed.length, 0);
}

/**
 * What every command that writes prints, in one format (synth, set-image, update-manifest): the
 * files the command edited (`edited` lines, its own), one line per folder of the output (previews,
 * which may be hundreds, in one line together), the files it removed that it had not written, and
 * a last line saying whether anything was written. Paths are relative to the current folder.
 */
export function writeSummary(outcome: WriteOutcome | Unchanged, outDir: string, edited: readonly string[] = []): string[] {
  const shown = displayPath(outDir);
  if ('unchanged' in outcome) return [...edited, ...outcome.unchanged, `${shown} is up to date (nothing it is made from changed since the last synth)`];
  const { synthesis, result } = outcome;
  const count = changedFiles(result);
  return [
    ...edited,
    ...result.strays.map((stray) => `removed ${join(shown, stray)}: synthesis had not written it (added by hand?)`),
    ...folderRows(synthesis, result.changes),
    result.written ? `wrote ${shown} (${count} file${count === 1 ? '' : 's'} changed)` : `${shown} is up to date`,
  ];
}

/**
 * One line per folder of the output: its objects, and what `changes` added, changed and removed in it
 * (with `unchanged`, nothing: the rows of a run that found every file as it was).
 */
function folderRows(synthesis: Synthesis, changes: ReadonlyMap<string, FolderChanges>, unchanged = false): string[] {
  const lines: string[] = [];
  const rows = new Map<string, { objects: string; added: number; changed: number; removed: number }>();
  const add = (row: string, objects: string, found: FolderChanges | undefined) => {
    const change = unchanged ? undefined : found;
    const current = rows.get(row) ?? { objects, added: 0, changed: 0, removed: 0 };
    rows.set(row, {
      objects,
      added: current.added + (change?.added.length ?? 0),
      changed: current.changed + (change?.changed.length ?? 0),
      removed: current.removed + (change?.removed.length ?? 0),
    });
  };
  const previews = synthesis.environments.filter(({ preview }) => preview);
  const previewObjects = `${previews.length} envs, ${previews.reduce((sum, { objectCount }) => sum + objectCount, 0)} objects`;
  const known = new Set<string>();
  for (const { environment, objectCount, preview } of synthesis.environments) {
    known.add(environment.name);
    if (preview) add('previews', previewObjects, changes.get(environment.name));
    else add(environment.name, `${objectCount} objects`, changes.get(environment.name));
  }
  add(DELIVERY_FOLDER, `${synthesis.delivery.length} objects`, changes.get(DELIVERY_FOLDER));
  known.add(DELIVERY_FOLDER);
  add(CLUSTER_SETUP_FOLDER, `${synthesis.clusterSetup.length} objects`, changes.get(CLUSTER_SETUP_FOLDER));
  known.add(CLUSTER_SETUP_FOLDER);
  for (const [folder, change] of changes) {
    if (known.has(folder)) continue;
    if (folder === '.') add('.', 'generated files', change);
    else if (folder.startsWith(PREVIEW_PREFIX)) add('previews', previewObjects, change);
    else add(folder, 'removed environment', change);
  }
  const width = Math.max(...[...rows.keys()].map((row) => row.length));
  for (const [row, { objects, added, changed, removed }] of rows) {
    lines.push(`${row.padEnd(width)}  ${objects.padEnd(24)} ${added} added, ${changed} changed, ${removed} removed`);
  }
  return lines;
}
