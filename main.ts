/**
 * `npm run synth`: renders every environment into dist/<env>/, one file per object, after validating
 * the environment configs and every object. dist/ ends up holding exactly what this run produced.
 *
 *   npm run synth                 # write dist/
 *   npm run synth -- --out <dir>  # write elsewhere (e.g. to compare with the committed dist/)
 *
 * Under `cdk8s synth`, the CLI's CDK8S_OUTDIR is the default output folder.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT } from './environments';
import { DeliveryConfigError } from './lib/config/delivery';
import { EnvironmentConfigError } from './lib/config/environment';
import { DELIVERY_FOLDER, synthesizeAll, SynthesisError } from './lib/synth';
import { writeTree } from './lib/synth/output';

function main(): number {
  const { values } = parseArgs({
    options: { out: { type: 'string', default: process.env.CDK8S_OUTDIR ?? 'dist' }, quiet: { type: 'boolean', default: false } },
  });
  const outDir = resolve(values.out!);
  try {
    const synthesis = synthesizeAll(PROJECT);
    const changes = writeTree(outDir, synthesis.files);
    if (!values.quiet) {
      const counts = new Map(synthesis.environments.map(({ environment, manifests }) => [environment.name, manifests.length]));
      counts.set(DELIVERY_FOLDER, synthesis.delivery.length);
      const folders = [...new Set([...counts.keys(), ...changes.keys()])];
      const width = Math.max(...folders.map((folder) => folder.length));
      for (const folder of folders) {
        const change = changes.get(folder) ?? { added: [], changed: [], removed: [], unchanged: 0 };
        const objects = counts.has(folder) ? `${counts.get(folder)} objects` : folder === '.' ? 'generated files' : 'removed environment';
        console.log(
          `${folder.padEnd(width)}  ${objects.padEnd(19)} ${change.added.length} added, ${change.changed.length} changed, ${change.removed.length} removed`,
        );
      }
      console.log(`wrote ${outDir}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof EnvironmentConfigError || error instanceof DeliveryConfigError || error instanceof SynthesisError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = main();
