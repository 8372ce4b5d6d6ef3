/**
 * `npm run update-manifest`: applies a `repository_dispatch` of type `update-manifest` from the
 * application's build pipeline: pins the pushed images in the environment the dispatch's branch
 * deploys, then re-synthesizes dist/. What .github/workflows/update-manifest.yml runs.
 *
 *   npm run update-manifest -- --event "$GITHUB_EVENT_PATH"
 *   npm run update-manifest -- --event event.json --message-file commit-message.txt
 *
 * The event is the file GitHub writes for the workflow run (the pipeline's payload under
 * `client_payload`). See lib/delivery/update-manifest.ts for what is read and why, and
 * environments/pipeline.ts for which branch deploys which environment.
 *
 * Only environments/images/<env>.json is edited, and only together with dist/ (lib/cli/write-output.ts):
 * a refused dispatch or a failing synthesis leaves every file as it was. The commit message is printed
 * last, and written to --message-file when given (emptied when nothing changed). Exit status: 0 when
 * applied or when there is nothing to apply (a branch that deploys nothing here, images already
 * pinned), 1 when the dispatch is refused or synthesis fails, 2 for a bad command line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diskFiles, imagesFile, ProjectFiles, readJsonArgument } from '../config/project-files';
import { describeSystemError, UsageError, UserError } from '../core/errors';
import { DeliveryPipeline, parseDispatchEvent, planManifestUpdate } from '../delivery/update-manifest';
import { Command } from './context';
import { parseCommandLine } from './run';
import { changedFiles, synthesizeAndWrite, withWriteLock } from './write-output';

const USAGE = 'usage: npm run update-manifest -- --event <repository_dispatch event file> [--message-file <file>]';

/** The command, for the pipeline whose dispatches it applies (environments/pipeline.ts). */
export const updateManifestCommand = (pipeline: DeliveryPipeline): Command => (context) => {
  const { values } = parseCommandLine(
    {
      args: [...context.argv],
      options: {
        event: { type: 'string' },
        'message-file': { type: 'string' },
      },
    },
    USAGE,
  );
  if (values.event === undefined) throw new UsageError(`missing --event\n${USAGE}`);
  const messageFile = values['message-file'];
  // Emptied first, so a caller never commits with the message of an earlier run.
  if (messageFile !== undefined) writeMessage(messageFile, '');

  const payload = parseDispatchEvent(readJsonArgument(values.event), values.event);
  const request = {
    command: 'npm run update-manifest',
    repoRoot: context.repoRoot,
    outDir: join(context.repoRoot, 'dist'),
    loadProject: (projectFiles: ProjectFiles) => context.loadProject(projectFiles),
    env: context.env,
    onRecovered: (sentence: string) => context.stderr(`note: ${sentence}`),
  };
  // The images file is read and edited under the lock, so a concurrent writer's edit is never lost.
  return withWriteLock(request, () => {
    const files = diskFiles(context.repoRoot);
    const plan = planManifestUpdate(payload, pipeline, (environment) => ({ path: imagesFile(environment), text: files.read(imagesFile(environment)) }));
    if (plan.kind === 'not-deployed' || plan.edits.size === 0) {
      for (const line of plan.lines) context.stdout(line);
      return 0;
    }
    const { result } = synthesizeAndWrite({ ...request, edits: plan.edits });
    for (const line of plan.lines) context.stdout(line);
    context.stdout(`dist: ${changedFiles(result)} file(s) changed`);
    context.stdout(`\ncommit message:\n${plan.commitMessage.replace(/^/gm, '  ').trimEnd()}`);
    if (messageFile !== undefined) writeMessage(messageFile, plan.commitMessage);
    return 0;
  });
};

function writeMessage(file: string, message: string): void {
  try {
    writeFileSync(file, message);
  } catch (error) {
    throw new UserError(`--message-file ${file}: cannot write it: ${describeSystemError(error)}`);
  }
}
