/**
 * `npm run diff`: what the current code would change in the committed dist/, object by object and
 * field by field. Synthesis runs in memory; dist/ is only read.
 *
 *   npm run diff                          # every environment (and any other entry of dist/)
 *   npm run diff -- dev staging           # only these
 *   npm run diff -- --markdown            # for a pull-request comment
 *   npm run -s diff -- --exit-code        # CI: fail, saying what differs, when dist/ is stale
 *   npm run diff -- --dist <dir>          # compare with another folder than dist/
 *
 * Exit status: 0 when nothing differs, or without --exit-code; 1 when something differs with
 * --exit-code; 2 when the comparison could not be made (bad arguments, a missing folder, synthesis
 * failed), so CI can tell a stale dist/ from a broken build.
 */
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadProject } from '../environments';
import { runManifestDiff } from '../lib/delivery/manifest-diff';
import { UsageError, UserError } from '../lib/core/errors';
import { REPO_ROOT } from '../lib/core/repo-root';
import { parseCommandLine, runCli } from '../lib/cli/run';
import { synthesizeAll } from '../lib/synth';

const USAGE = 'usage: npm run diff -- [environment...] [--exit-code] [--markdown] [--dist <dir>]';

/** Any failure to compare exits with 2, above the 1 that means "dist/ differs". */
class CannotCompare extends UsageError {}

function main(): number {
  const { values, positionals } = parseCommandLine(
    {
      allowPositionals: true,
      options: {
        'exit-code': { type: 'boolean', default: false },
        markdown: { type: 'boolean', default: false },
        dist: { type: 'string', default: resolve(REPO_ROOT, 'dist') },
      },
    },
    USAGE,
  );
  const committedDir = resolve(values.dist!);
  if (!existsSync(committedDir)) throw new CannotCompare(`--dist ${values.dist}: no such folder (${committedDir}); run npm run synth to create it`);
  if (!statSync(committedDir).isDirectory()) throw new CannotCompare(`--dist ${values.dist}: is a file, not a folder`);
  try {
    const result = runManifestDiff({
      committedDir,
      synthesized: synthesizeAll(loadProject()).files,
      only: positionals,
      exitCode: values['exit-code'],
      markdown: values.markdown,
      pathPrefix: `${relative(process.cwd(), committedDir).split('\\').join('/') || '.'}/`,
    });
    process.stdout.write(result.output);
    return result.exitCode;
  } catch (error) {
    if (error instanceof UserError && !(error instanceof UsageError)) throw new CannotCompare(error.message);
    throw error;
  }
}

runCli(main);
