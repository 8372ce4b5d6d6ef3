/**
 * `npm run synth`: renders every environment into dist/<env>/, one file per object, after validating
 * the environment configs and every object. dist/ ends up holding exactly what this run produced.
 *
 *   npm run synth                 # write dist/
 *   npm run synth -- --out <dir>  # write elsewhere (e.g. to compare with the committed dist/)
 *   npm run synth -- --previews <file>   # another preview list (a JSON array like environments/previews.json)
 *
 * Under `cdk8s synth`, the CLI's CDK8S_OUTDIR is the default output folder.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT } from './environments';
import { DeliveryConfigError } from './lib/config/delivery';
import { EnvironmentConfigError } from './lib/config/environment';
import { PREVIEW_PREFIX } from './lib/config/previews';
import { DELIVERY_FOLDER, Synthesis, synthesizeAll, SynthesisError } from './lib/synth';
import { FolderChanges, writeTree } from './lib/synth/output';

function main(): number {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: process.env.CDK8S_OUTDIR ?? 'dist' },
      previews: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const outDir = resolve(values.out!);
  try {
    const project = values.previews
      ? { ...PROJECT, previews: { ...PROJECT.previews!, entries: JSON.parse(readFileSync(values.previews, 'utf8')) } }
      : PROJECT;
    const synthesis = synthesizeAll(project);
    const changes = writeTree(outDir, synthesis.files);
    if (!values.quiet) printSummary(synthesis, changes);
    if (!values.quiet) console.log(`wrote ${outDir}`);
    return 0;
  } catch (error) {
    if (error instanceof EnvironmentConfigError || error instanceof DeliveryConfigError || error instanceof SynthesisError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** One line per folder of dist/; previews, which may be hundreds, in one line together. */
function printSummary(synthesis: Synthesis, changes: Map<string, FolderChanges>): void {
  const rows = new Map<string, { objects: string; added: number; changed: number; removed: number }>();
  const add = (row: string, objects: string, change: FolderChanges | undefined) => {
    const current = rows.get(row) ?? { objects, added: 0, changed: 0, removed: 0 };
    rows.set(row, {
      objects,
      added: current.added + (change?.added.length ?? 0),
      changed: current.changed + (change?.changed.length ?? 0),
      removed: current.removed + (change?.removed.length ?? 0),
    });
  };
  const previews = synthesis.environments.filter(({ preview }) => preview);
  const previewObjects = `${previews.length} envs, ${previews.reduce((sum, { manifests }) => sum + manifests.length, 0)} objects`;
  const known = new Set<string>();
  for (const { environment, manifests, preview } of synthesis.environments) {
    known.add(environment.name);
    if (preview) add('previews', previewObjects, changes.get(environment.name));
    else add(environment.name, `${manifests.length} objects`, changes.get(environment.name));
  }
  add(DELIVERY_FOLDER, `${synthesis.delivery.length} objects`, changes.get(DELIVERY_FOLDER));
  known.add(DELIVERY_FOLDER);
  for (const [folder, change] of changes) {
    if (known.has(folder)) continue;
    if (folder === '.') add('.', 'generated files', change);
    else if (folder.startsWith(PREVIEW_PREFIX)) add('previews', previewObjects, change);
    else add(folder, 'removed environment', change);
  }
  const width = Math.max(...[...rows.keys()].map((row) => row.length));
  for (const [row, { objects, added, changed, removed }] of rows) {
    console.log(`${row.padEnd(width)}  ${objects.padEnd(24)} ${added} added, ${changed} changed, ${removed} removed`);
  }
}

process.exitCode = main();
