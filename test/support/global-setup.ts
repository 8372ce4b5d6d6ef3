/**
 * Before the unit tests: synthesizes the project once and writes the syntheses the test files share
 * (test/support/synthesis.ts) to a temporary folder, named to the test workers in CO2_TEST_SYNTHESES.
 * Every file that looks at the environments reads them instead of synthesizing them again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSharedSyntheses, serializeSynthesis } from './synthesis';

export default function globalSetup(): void {
  const folder = mkdtempSync(join(tmpdir(), 'co2-test-syntheses-'));
  for (const [name, synthesis] of Object.entries(makeSharedSyntheses())) writeFileSync(join(folder, `${name}.json`), serializeSynthesis(synthesis));
  process.env.CO2_TEST_SYNTHESES = folder;
}
