/**
 * Before the unit tests: synthesizes the project once, as `npm run synth` does and with the same
 * bundled code (scripts/export-synthesis.ts through scripts/run.cjs), and writes it to a temporary
 * folder named to the test workers in CO2_TEST_SYNTHESES. Every file that looks at the environments
 * reads it (test/support/synthesis.ts) instead of synthesizing the project again.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..');

export default function globalSetup(): void {
  const folder = mkdtempSync(join(tmpdir(), 'co2-test-syntheses-'));
  execFileSync(process.execPath, ['--max-semi-space-size=64', join(REPO_ROOT, 'scripts', 'run.cjs'), 'scripts/export-synthesis.ts', join(folder, 'standard.json')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  process.env.CO2_TEST_SYNTHESES = folder;
}
