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
 * --exit-code; 2 when the comparison could not be made (bad arguments, synthesis failed), so CI can
 * tell a stale dist/ from a broken build.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT } from '../environments';
import { EnvironmentConfigError } from '../lib/config/environment';
import { DiffUsageError, runManifestDiff } from '../lib/delivery/manifest-diff';
import { synthesizeAll, SynthesisError } from '../lib/synth';

const USAGE = 'usage: npm run diff -- [environment...] [--exit-code] [--markdown] [--dist <dir>]';

function main(): number {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: {
        'exit-code': { type: 'boolean', default: false },
        markdown: { type: 'boolean', default: false },
        dist: { type: 'string', default: resolve(__dirname, '..', 'dist') },
      },
    });
    const committedDir = resolve(values.dist!);
    const result = runManifestDiff({
      committedDir,
      synthesized: synthesizeAll(PROJECT).files,
      only: positionals,
      exitCode: values['exit-code'],
      markdown: values.markdown,
      pathPrefix: `${relative(process.cwd(), committedDir).split('\\').join('/') || '.'}/`,
    });
    process.stdout.write(result.output);
    return result.exitCode;
  } catch (error) {
    if (error instanceof EnvironmentConfigError || error instanceof SynthesisError || error instanceof DiffUsageError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) {
      console.error(`error: ${(error as Error).message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main();
