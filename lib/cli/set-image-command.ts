/**
 * `npm run set-image`: pins a new image for one component of one environment, then re-synthesizes
 * dist/. What an application repository's pipeline calls after pushing an image.
 *
 *   npm run set-image -- --env prod --component backend --tag v1.0.8@sha256:<64 hex>      # a release, pinned
 *   npm run set-image -- --env dev --component backend --tag <40-hex commit SHA>@sha256:<64 hex>
 *   npm run set-image -- --env dev --component backend --tag dev@sha256:<64 hex>         # a branch tag needs its digest
 *   npm run set-image -- --env prod --component backend --tag sha256:<64 hex>            # digest; drops the tag
 *
 * These are the tags EPFL's build pipeline pushes (lib/core/image.ts); a deployment by that pipeline
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
import { CommandSpec, parseCommand, stringFlag } from './command-line';
import { CommandContext } from './context';
import { synthesizeAndWrite, withWriteLock } from './write-output';
import { writeSummary } from './write-summary';

const DIGEST = 'sha256:<64 hex>';

export const SET_IMAGE: CommandSpec = {
  name: 'set-image',
  purpose: 'pins a new image for one component of one environment, then re-synthesizes dist/.',
  usage: 'usage: npm run set-image -- --env <environment> --component <component> --tag <tag | sha256:digest | tag@sha256:digest>',
  flags: {
    env: { type: 'string', value: '<environment>', description: 'the environment: a file of environments/images/ (dev, staging, prod, local)' },
    component: { type: 'string', value: '<component>', description: 'the component: a key of that file (backend, frontend, ...)' },
    tag: { type: 'string', value: '<version>', description: `tag@${DIGEST}, a release tag vX.Y.Z, or ${DIGEST} alone` },
  },
  examples: [
    [`npm run set-image -- --env dev --component backend --tag dev@${DIGEST}`, 'a branch tag, with the digest it points at'],
    [`npm run set-image -- --env prod --component backend --tag v1.0.8@${DIGEST}`, 'a release, pinned'],
    [`npm run set-image -- --env prod --component backend --tag ${DIGEST}`, 'a digest alone; drops the tag'],
  ],
  notes: [
    'Only environments/images/<env>.json and dist/ change, together or not at all.',
    'Exit status: 0 done or unchanged, 1 refused (nothing written), 2 bad command line. More: docs/commands.md',
  ],
};

export function setImageCommand(context: CommandContext): number {
  const parsed = parseCommand(SET_IMAGE, context.argv, context.env, context.stdout);
  if (parsed === undefined) return 0;
  const [env, component, tag] = (['env', 'component', 'tag'] as const).map((name) => stringFlag(parsed, name));
  const missing = (['env', 'component', 'tag'] as const).filter((option) => stringFlag(parsed, option) === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((option) => `--${option}`).join(', ')}\n${SET_IMAGE.usage}`);

  const outDir = join(context.repoRoot, 'dist');
  const request = {
    command: 'npm run set-image',
    repoRoot: context.repoRoot,
    outDir,
    loadProject: (files: ProjectFiles) => context.loadProject(files),
    env: context.env,
    onRecovered: (sentence: string) => context.stderr(`note: ${sentence}`),
  };
  // The images file is read and edited under the lock, so a concurrent writer's edit is never lost.
  return withWriteLock(request, (interrupted) => {
    const environments = context.loadProject(diskFiles(context.repoRoot)).environments.map((environment) => String((environment as { name?: unknown }).name));
    const change = planImageChange({ repoRoot: context.repoRoot, imagesDir: IMAGES_FOLDER, environment: env!, component: component!, version: tag!, environments });
    const where = `${change.file} ${component}`;
    const edited = change.changed ? `${where}: ${change.before} -> ${change.after}` : `${where}: already ${change.after}, unchanged`;
    if (!change.changed && !interrupted) {
      context.stdout(edited);
      return 0;
    }
    const outcome = synthesizeAndWrite({ ...request, edits: new Map(change.changed ? [[change.file, change.content]] : []) });
    for (const line of writeSummary(outcome, outDir, [edited])) context.stdout(line);
    return 0;
  });
}
