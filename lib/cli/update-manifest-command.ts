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
 * last, and written to --message-file when given, in the same step as the edit and dist/; a refused
 * dispatch, or one that changes nothing, leaves that file untouched. The message file may not be a file
 * of the project (environments/, dist/, a tracked file): it would be committed. Exit status: 0 when
 * applied or when there is nothing to apply (a branch that deploys nothing here, images already
 * pinned), 1 when the dispatch is refused or synthesis fails, 2 for a bad command line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { diskFiles, imagesFile, ProjectFiles, readJsonArgument } from '../config/project-files';
import { UsageError } from '../core/errors';
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
  const messageFile = values['message-file'] === undefined ? undefined : checkMessageFile(values['message-file'], context.repoRoot);

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
    const alongside = new Map(messageFile === undefined ? [] : [[messageFile, plan.commitMessage]]);
    const { result } = synthesizeAndWrite({ ...request, edits: plan.edits, alongside });
    for (const line of plan.lines) context.stdout(line);
    context.stdout(`dist: ${changedFiles(result)} file(s) changed`);
    context.stdout(`\ncommit message:\n${plan.commitMessage.replace(/^/gm, '  ').trimEnd()}`);
    return 0;
  });
};

/**
 * The absolute path of --message-file, refused when it is a file of the project: written into
 * environments/ or dist/ (or over a tracked file) it would end up in the commit it describes.
 */
function checkMessageFile(file: string, repoRoot: string): string {
  const absolute = resolve(file);
  const real = (path: string): string => {
    try {
      return realpathSync(path);
    } catch {
      return dirname(path) === path ? path : join(real(dirname(path)), basename(path));
    }
  };
  const inside = (folder: string) => !relative(real(join(repoRoot, folder)), real(absolute)).startsWith('..');
  const tracked = () =>
    !relative(real(repoRoot), real(absolute)).startsWith('..') &&
    spawnSync('git', ['ls-files', '--error-unmatch', '--', real(absolute)], { cwd: repoRoot, stdio: 'ignore' }).status === 0;
  if (inside('environments') || inside('dist') || tracked()) {
    throw new UsageError(`--message-file ${file}: is a file of this repository (environments/, dist/ or tracked by git), which the commit would include; give a file outside it, such as one from mktemp`);
  }
  if (existsSync(absolute) && statSync(absolute).isDirectory()) throw new UsageError(`--message-file ${file}: is a folder, not a file`);
  return absolute;
}
