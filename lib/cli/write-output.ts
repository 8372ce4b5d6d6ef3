/**
 * The one way the commands write: under the write lock, after finishing or undoing whatever a killed
 * run left behind, synthesize the project as it will be once `edits` are applied, and only if that
 * succeeds write the edits and the output tree together (lib/synth/output.ts). A failure anywhere
 * before the final step changes nothing; a failure in it is finished or undone by the next run.
 */
import { resolve } from 'node:path';
import { REPO_ROOT } from '../core/repo-root';
import { diskFiles, ProjectFiles, withEdits } from '../config/project-files';
import { ProjectConfig, synthesizeAll, Synthesis } from '../synth';
import { commitChange, CommitResult, journalFileFor, recoverInterruptedWrite } from '../synth/output';
import { withLock } from './lock';

export interface WriteRequest {
  /** What holds the lock, as a waiting run reads it: "npm run set-image". */
  readonly command: string;
  /** The output folder. */
  readonly outDir: string;
  /** Repository files to change (path relative to the repository -> content), with the output. @default none */
  readonly edits?: ReadonlyMap<string, string>;
  /** The project, read from the given files (environments/index.ts: loadProject). */
  readonly loadProject: (files: ProjectFiles) => ProjectConfig;
  /** Told of a killed run's write that was finished or undone first. @default a line on stderr */
  readonly onRecovered?: (sentence: string) => void;
}

export interface WriteOutcome {
  readonly synthesis: Synthesis;
  readonly result: CommitResult;
}

export function synthesizeAndWrite(request: WriteRequest): WriteOutcome {
  const outDir = resolve(request.outDir);
  const edits = request.edits ?? new Map<string, string>();
  return withLock({ command: request.command }, () => {
    const recovered = recoverInterruptedWrite(journalFileFor(outDir));
    if (recovered) (request.onRecovered ?? ((sentence) => console.error(`note: ${sentence}`)))(recovered);
    const synthesis = synthesizeAll(request.loadProject(withEdits(diskFiles(), edits)));
    const result = commitChange({
      tree: { root: outDir, files: synthesis.files },
      files: new Map([...edits].map(([path, content]) => [resolve(REPO_ROOT, path), content])),
    });
    return { synthesis, result };
  });
}
