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
import { join, relative, resolve } from 'node:path';
import { UsageError, UserError } from '../core/errors';
import { diskFiles, displayPath } from '../config/project-files';
import { runManifestDiff } from '../delivery/manifest-diff';
import { defaultSchemaValidator, synthesizeAll } from '../synth';
import { CommandContext } from './context';
import { parseCommandLine } from './run';

const USAGE = 'usage: npm run diff -- [environment...] [--exit-code] [--markdown] [--dist <dir>]';

/** Any failure to compare exits with 2, above the 1 that means "dist/ differs". */
class CannotCompare extends UsageError {}

export function diffCommand(context: CommandContext): number {
  const { values, positionals } = parseCommandLine(
    {
      args: [...context.argv],
      allowPositionals: true,
      options: {
        'exit-code': { type: 'boolean', default: false },
        markdown: { type: 'boolean', default: false },
        dist: { type: 'string' },
      },
    },
    USAGE,
  );
  const committedDir = values.dist === undefined ? join(context.repoRoot, 'dist') : resolve(values.dist);
  const shown = displayPath(committedDir);
  if (!existsSync(committedDir)) throw new CannotCompare(`${shown}: no such folder; run npm run synth to create it, or give --dist the folder to compare with`);
  if (!statSync(committedDir).isDirectory()) throw new CannotCompare(`${shown}: is a file, not a folder`);
  try {
    const result = runManifestDiff({
      committedDir,
      synthesized: synthesizeAll(context.loadProject(diskFiles(context.repoRoot)), defaultSchemaValidator(context.env)).files,
      only: positionals,
      exitCode: values['exit-code'],
      markdown: values.markdown,
      pathPrefix: `${relative(process.cwd(), committedDir).split('\\').join('/') || '.'}/`,
    });
    if (result.output !== '') context.stdout(result.output.replace(/\n$/, ''));
    return result.exitCode;
  } catch (error) {
    if (error instanceof UserError && !(error instanceof UsageError)) throw new CannotCompare(error.message);
    throw error;
  }
}
