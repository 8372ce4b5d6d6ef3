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
import { relative } from 'node:path';
import { IMAGES_FOLDER, loadProject } from '../environments';
import { UsageError } from '../lib/core/errors';
import { REPO_ROOT } from '../lib/core/repo-root';
import { parseCommandLine, runCli } from '../lib/cli/run';
import { synthesizeAndWrite } from '../lib/cli/write-output';
import { planImageChange } from '../lib/delivery/set-image';

const USAGE = 'usage: npm run set-image -- --env <environment> --component <component> --tag <tag | sha256:digest | tag@sha256:digest>';

function main(): number {
  const { values } = parseCommandLine(
    {
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

  const change = planImageChange({ imagesDir: IMAGES_FOLDER, environment: values.env!, component: values.component!, version: values.tag! });
  const where = `${change.file} ${values.component}`;
  if (!change.changed) {
    console.log(`${where}: already ${change.after}, unchanged`);
    return 0;
  }
  const { result } = synthesizeAndWrite({
    command: 'npm run set-image',
    outDir: `${REPO_ROOT}/dist`,
    edits: new Map([[change.file, change.content]]),
    loadProject: (files) => loadProject(files),
  });
  console.log(`${where}: ${change.before} -> ${change.after}`);
  const files = [...result.changes.values()].reduce((sum, folder) => sum + folder.added.length + folder.changed.length + folder.removed.length, 0);
  console.log(`dist: ${files} file(s) changed (${relative(process.cwd(), `${REPO_ROOT}/dist`) || 'dist'})`);
  return 0;
}

runCli(main);
