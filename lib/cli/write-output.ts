/**
 * The one way the commands write: under the write lock, after removing what a killed run left,
 * synthesize the project as it is once `edits` are applied and, only if that succeeds, write the
 * edits and the output tree together (lib/synth/output.ts).
 */
import { resolve } from 'node:path';
import { diskFiles, ProjectFiles, withEdits } from '../config/project-files';
import { defaultSchemaValidator, ProjectConfig, synthesizeAll } from '../synth';
import { recordReads, removeStamp, stampKey, unchangedSince, writeStamp } from '../synth/input-stamp';
import { listFiles, OWNERSHIP_FILE, recoverInterruptedWrite, TreeWrite, writeWhole } from '../synth/output';
import { lockFileOf } from './context';
import { withLock } from './lock';
import { folderRows, WriteOutcome } from './write-summary';

export interface WriteRequest {
  /** The repository: edits and the project's data files are read from, and written into, it. */
  readonly repoRoot: string;
  /** What holds the lock, as a waiting run reads it: "npm run set-image". */
  readonly command: string;
  readonly outDir: string;
  /** Repository files to change (path relative to the repository -> content), with the output. @default none */
  readonly edits?: ReadonlyMap<string, string>;
  /** Files outside the project written in the same step (absolute path -> content): a commit message. @default none */
  readonly alongside?: ReadonlyMap<string, string>;
  /** The project, read from the given files (environments/index.ts: loadProject). */
  readonly loadProject: (files: ProjectFiles) => ProjectConfig;
  readonly env?: NodeJS.ProcessEnv;
  /** Told of a killed run's write that was removed first. @default a line on stderr */
  readonly onRecovered?: (sentence: string) => void;
}

/**
 * Runs `fn` under the write lock, after removing what a killed run's write left; `fn` is told whether
 * it did, and must then write the output whole even with nothing to edit. A command that edits a file
 * computes the edit inside `fn`, from the file as it is under the lock, or two writers lose one edit.
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

/** The stamp options of `npm run synth` without --previews: the project exactly as the repository defines it. */
export const REPOSITORY_PROJECT = 'the repository project';
const stampedFiles = (outDir: string) => [OWNERSHIP_FILE, ...listFiles(outDir)];

/** `npm run synth`: synthesizeAndWrite, unless dist/'s stamp says nothing it is made from changed (lib/synth/input-stamp.ts). */
export function synthesizeUnlessUnchanged(request: Omit<WriteRequest, 'edits' | 'alongside'>, options: string): WriteOutcome {
  const [key, outDir] = [stampKey(options), resolve(request.outDir)];
  return withWriteLock(request, (interrupted) => {
    const unchanged = interrupted ? undefined : unchangedSince(outDir, key, request.env ?? process.env, () => stampedFiles(outDir));
    return unchanged === undefined ? writeLocked(request, key) : { unchanged };
  });
}

/** Whether `outDir` holds what `npm run synth` would write now, as its stamp says (`npm run diff` then reads it). */
export function holdsCurrentSynthesis(outDir: string, env: NodeJS.ProcessEnv): boolean {
  return unchangedSince(resolve(outDir), stampKey(REPOSITORY_PROJECT), env, () => stampedFiles(resolve(outDir))) !== undefined;
}

function writeLocked(request: WriteRequest, stamp: string | undefined): WriteOutcome {
  const [outDir, edits, env] = [resolve(request.outDir), request.edits ?? new Map<string, string>(), request.env ?? process.env];
  const write = new TreeWrite(outDir); // refuses a folder it may not replace before spending a synthesis on it
  return writeWhole(write, () => {
    // Each preview's files are staged as soon as they are rendered: the previews need not stay in memory.
    const synthesize = (env: NodeJS.ProcessEnv) =>
      synthesizeAll(request.loadProject(withEdits(diskFiles(request.repoRoot), edits)), defaultSchemaValidator(env), { previewFiles: (path, content) => write.add(path, content) });
    const { result: synthesis, reads } = stamp === undefined ? { result: synthesize(env), reads: undefined } : recordReads(env, outDir, synthesize);
    for (const [path, content] of synthesis.files) write.add(path, content);
    removeStamp(outDir); // from here on, the folder and the edited files change
    const result = write.commit(new Map([...[...edits].map(([path, content]) => [resolve(request.repoRoot, path), content] as const), ...(request.alongside ?? [])]));
    // The rows the next run prints if nothing changes: the folders the output holds now, nothing added.
    if (stamp !== undefined && reads !== undefined) writeStamp(outDir, stamp, reads, stampedFiles(outDir), folderRows(synthesis, result.changes, true));
    return { synthesis, result };
  });
}
