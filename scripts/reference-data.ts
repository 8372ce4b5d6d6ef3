/**
 * Run before `npm run synth`, `npm test` and `npm run diff` (their npm `pre` scripts): on a clone
 * without `../shared` (and without K8S_SCHEMA_DIRECTORY/CRD_DIRECTORY pointing elsewhere), fetches the
 * reference data into the cache (lib/core/reference-data.ts). Silent when there is nothing to do.
 */
import { describeFailure } from '../lib/cli/run';
import { downloadCache, fetchReferenceData, readReferenceList, referenceDataList, referenceDataRoot } from '../lib/core/reference-data';

async function main(): Promise<void> {
  if (process.env.K8S_SCHEMA_DIRECTORY || process.env.CRD_DIRECTORY) return;
  const root = referenceDataRoot();
  if (root !== downloadCache()) return;
  await fetchReferenceData(readReferenceList(referenceDataList()), root, (line) => process.stderr.write(`${line}\n`));
}

main().catch((error: unknown) => {
  const { exitCode, lines } = describeFailure(error);
  for (const line of lines) console.error(line);
  process.exitCode = exitCode;
});
