/**
 * `node scripts/run.cjs scripts/export-synthesis.ts <file>`: synthesizes the project as `npm run synth`
 * does (every environment, every object validated) and writes the synthesis as JSON to <file>, without
 * writing dist/. The unit tests' global setup (test/support/global-setup.ts) runs it once per test run,
 * and every test file reads the result instead of synthesizing the project again.
 */
import { writeFileSync } from 'node:fs';
import { loadProject } from '../environments';
import { UsageError } from '../lib/core/errors';
import { runCli } from '../lib/cli/run';
import { synthesizeAll } from '../lib/synth';
import { serializeSynthesis } from '../lib/synth/serialize';

runCli(() => {
  const [file, ...extra] = process.argv.slice(2);
  if (file === undefined || extra.length > 0) throw new UsageError('usage: node scripts/run.cjs scripts/export-synthesis.ts <file>');
  writeFileSync(file, serializeSynthesis(synthesizeAll(loadProject())));
  return 0;
});
