/**
 * `npm run set-image`: pins a new image for one component of one environment, then re-synthesizes
 * dist/. What an application repository's pipeline calls after pushing an image.
 *
 *   npm run set-image -- --env dev --component backend --tag 1.4.3
 *   npm run set-image -- --env prod --component backend --tag sha256:<64 hex>        # digest; drops the tag
 *   npm run set-image -- --env prod --component backend --tag 1.4.3@sha256:<64 hex>  # both
 *   npm run set-image -- ... --no-synth     # only edit environments/images/<env>.json
 *
 * Only environments/images/<env>.json is edited (see lib/delivery/set-image.ts for the rules). dist/ is
 * then rewritten by running `npm run synth` itself, in a new process: this one has already loaded the
 * images files, and dist/ must be byte for byte what `npm run synth` writes. Exit status: 0 on success,
 * 1 when the request is refused or synthesis fails.
 */
import { spawnSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SetImageError, setImage } from '../lib/delivery/set-image';

const repoRoot = resolve(__dirname, '..');
const USAGE = 'usage: npm run set-image -- --env <environment> --component <component> --tag <tag | sha256:digest | tag@sha256:digest> [--no-synth]';

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        env: { type: 'string' },
        component: { type: 'string' },
        tag: { type: 'string' },
        'no-synth': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const missing = (['env', 'component', 'tag'] as const).filter((option) => values[option] === undefined);
  if (missing.length > 0) {
    console.error(`error: missing ${missing.map((option) => `--${option}`).join(', ')}\n${USAGE}`);
    return 1;
  }

  try {
    const change = setImage({
      // Relative, so messages and the summary name the file as the pipeline's log reader knows it.
      imagesDir: relative(process.cwd(), join(repoRoot, 'environments', 'images')) || '.',
      environment: values.env!,
      component: values.component!,
      version: values.tag!,
    });
    const where = `${change.file} ${values.component}`;
    console.log(change.changed ? `${where}: ${change.before} -> ${change.after}` : `${where}: already ${change.after}, unchanged`);
  } catch (error) {
    if (error instanceof SetImageError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }

  if (values['no-synth']) return 0;
  const synth = spawnSync('npm', ['run', '--silent', 'synth'], { cwd: repoRoot, stdio: 'inherit' });
  if (synth.error) throw synth.error;
  return synth.status ?? 1;
}

process.exitCode = main();
