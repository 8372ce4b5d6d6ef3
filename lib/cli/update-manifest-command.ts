/**
 * `npm run update-manifest`: applies a `repository_dispatch` of type `update-manifest` from the
 * application's build pipeline: pins the pushed images in the environment the dispatch's branch
 * deploys, then re-synthesizes dist/. What .github/workflows/update-manifest.yml runs.
 *
 *   npm run update-manifest -- --event "$GITHUB_EVENT_PATH"
 *   npm run update-manifest -- --event event.json --message-file commit-message.txt
 *   npm run update-manifest -- --event "$GITHUB_EVENT_PATH" --message-file m.txt --publish-file p.txt
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
import { CommandSpec, parseCommand, stringFlag } from './command-line';
import { Command } from './context';
import { synthesizeAndWrite, withWriteLock } from './write-output';
import { writeSummary } from './write-summary';

export const UPDATE_MANIFEST: CommandSpec = {
  name: 'update-manifest',
  purpose: "applies the build pipeline's repository_dispatch: pins the pushed images, re-synthesizes dist/.",
  usage: 'usage: npm run update-manifest -- --event <event file> [--message-file <file>] [--publish-file <file>]',
  flags: {
    event: { type: 'string', value: '<file>', description: 'the event GitHub wrote for the run ($GITHUB_EVENT_PATH)' },
    'message-file': { type: 'string', value: '<file>', description: 'also write the commit message there (outside the repository)' },
    'publish-file': { type: 'string', value: '<file>', description: 'write "push" or "pull-request" there: how the change must reach main' },
  },
  examples: [
    ['npm run update-manifest -- --event "$GITHUB_EVENT_PATH"', 'what .github/workflows/update-manifest.yml runs'],
    ['npm run update-manifest -- --event event.json --message-file "$(mktemp)"', 'try a saved event, keeping the commit message'],
  ],
  notes: [
    'Which branch deploys which environment: environments/pipeline.ts.',
    'Exit status: 0 applied or nothing to apply, 1 refused (nothing written), 2 bad command line. More: docs/commands.md',
  ],
};

/** The command, for the pipeline whose dispatches it applies (environments/pipeline.ts). */
export const updateManifestCommand = (pipeline: DeliveryPipeline): Command => (context) => {
  const parsed = parseCommand(UPDATE_MANIFEST, context.argv, context.env, context.stdout);
  if (parsed === undefined) return 0;
  const event = stringFlag(parsed, 'event');
  if (event === undefined) throw new UsageError(`missing --event\n${UPDATE_MANIFEST.usage}`);
  const messageFileFlag = stringFlag(parsed, 'message-file');
  const messageFile = messageFileFlag === undefined ? undefined : checkMessageFile(messageFileFlag, context.repoRoot, '--message-file');
  const publishFileFlag = stringFlag(parsed, 'publish-file');
  const publishFile = publishFileFlag === undefined ? undefined : checkMessageFile(publishFileFlag, context.repoRoot, '--publish-file');

  const payload = parseDispatchEvent(readJsonArgument(event), event);
  const outDir = join(context.repoRoot, 'dist');
  const request = {
    command: 'npm run update-manifest',
    repoRoot: context.repoRoot,
    outDir,
    loadProject: (projectFiles: ProjectFiles) => context.loadProject(projectFiles),
    env: context.env,
    onRecovered: (sentence: string) => context.stderr(`note: ${sentence}`),
  };
  // The images file is read and edited under the lock, so a concurrent writer's edit is never lost.
  return withWriteLock(request, (interrupted) => {
    const files = diskFiles(context.repoRoot);
    const plan = planManifestUpdate(payload, pipeline, (environment) => ({ path: imagesFile(environment), text: files.read(imagesFile(environment)) }));
    if (plan.kind === 'not-deployed' || plan.edits.size === 0) {
      // A killed run's write is repaired even when this dispatch has nothing to apply.
      const lines = interrupted ? writeSummary(synthesizeAndWrite(request), outDir, plan.lines) : plan.lines;
      for (const line of lines) context.stdout(line);
      return 0;
    }
    // How it reaches main is the plan's (environments/pipeline.ts), never the payload's alone.
    const alongside = new Map([
      ...(messageFile === undefined ? [] : [[messageFile, plan.commitMessage] as const]),
      ...(publishFile === undefined ? [] : [[publishFile, `${plan.createPullRequest ? 'pull-request' : 'push'}\n`] as const]),
    ]);
    const outcome = synthesizeAndWrite({ ...request, edits: plan.edits, alongside });
    for (const line of writeSummary(outcome, outDir, plan.lines)) context.stdout(line);
    context.stdout(`\ncommit message:\n${plan.commitMessage.replace(/^/gm, '  ').trimEnd()}`);
    context.stdout(`\npublish: ${plan.createPullRequest ? 'a pull request into main' : 'a push to main'}`);
    return 0;
  });
};

/**
 * The absolute path of --message-file, refused when it is a file of the project: written into
 * environments/ or dist/ (or over a tracked file) it would end up in the commit it describes.
 */
export function checkMessageFile(file: string, repoRoot: string, flag: string): string {
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
    throw new UsageError(`${flag} ${file}: is a file of this repository (environments/, dist/ or tracked by git), which the commit would include; give a file outside it, such as one from mktemp`);
  }
  if (existsSync(absolute) && statSync(absolute).isDirectory()) throw new UsageError(`${flag} ${file}: is a folder, not a file`);
  return absolute;
}
