/**
 * `npm run set-image`: pins a new image for one component of one environment, then re-synthesizes
 * dist/. What an application repository's pipeline calls after pushing an image.
 *
 *   npm run set-image -- --env prod --component backend --tag v1.0.8@sha256:<64 hex>      # a release, pinned
 *   npm run set-image -- --env dev --component backend --tag <40-hex commit SHA>@sha256:<64 hex>
 *   npm run set-image -- --env dev --component backend --tag dev@sha256:<64 hex>         # a branch tag needs its digest
 *   npm run set-image -- --env prod --component backend --tag sha256:<64 hex>            # digest; drops the tag
 *
 * These are the tags EPFL's build pipeline pushes (lib/config/image.ts); a deployment by that pipeline
 * goes through npm run update-manifest instead.
 *
 * Only environments/images/<env>.json is edited (see lib/delivery/set-image.ts for the rules), and only
 * together with dist/: the project is synthesized with the edit first, and the file and dist/ are
 * written in one step only if that succeeds (lib/cli/write-output.ts). A refused version or a failing
 * synthesis leaves every file as it was. Exit status: 0 on success, 1 when the request is refused or
 * synthesis fails, 2 for a bad command line.
 */
import { join } from 'node:path';
import { diskFiles, IMAGES_FOLDER, ProjectFiles } from '../config/project-files';
import { UsageError } from '../core/errors';
import { planImageChange } from '../delivery/set-image';
import { CommandContext } from './context';
import { parseCommandLine } from './run';
import { changedFiles, synthesizeAndWrite, withWriteLock } from './write-output';

const USAGE = 'usage: npm run set-image -- --env <environment> --component <component> --tag <tag | sha256:digest | tag@sha256:digest>';

export function setImageCommand(context: CommandContext): number {
  const { values } = parseCommandLine(
    {
      args: [...context.argv],
      options: {
        env: { type: 'string' },
        component: { type: 'string' },
        tag: { type: 'string' },
      },
    },
    USAGE,
  );
  const missing = (['env', 'component', 'tag'] as const).filter((option) => values[option] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((option) => `--${option}`).join(', ')}\n${USAGE}`);

  const request = {
    command: 'npm run set-image',
    repoRoot: context.repoRoot,
    outDir: join(context.repoRoot, 'dist'),
    loadProject: (files: ProjectFiles) => context.loadProject(files),
    env: context.env,
    onRecovered: (sentence: string) => context.stderr(`note: ${sentence}`),
  };
  // The images file is read and edited under the lock, so a concurrent writer's edit is never lost.
  return withWriteLock(request, () => {
    const environments = context.loadProject(diskFiles(context.repoRoot)).environments.map((environment) => String((environment as { name?: unknown }).name));
    const change = planImageChange({ repoRoot: context.repoRoot, imagesDir: IMAGES_FOLDER, environment: values.env!, component: values.component!, version: values.tag!, environments });
    const where = `${change.file} ${values.component}`;
    if (!change.changed) {
      context.stdout(`${where}: already ${change.after}, unchanged`);
      return 0;
    }
    const { result } = synthesizeAndWrite({ ...request, edits: new Map([[change.file, change.content]]) });
    context.stdout(`${where}: ${change.before} -> ${change.after}`);
    context.stdout(`dist: ${changedFiles(result)} file(s) changed`);
    return 0;
  });
}
