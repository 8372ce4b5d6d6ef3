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
import { join, relative, resolve } from 'node:path';
import { loadProject } from './environments';
import { PREVIEW_PREFIX } from './lib/config/previews';
import { readJsonArgument } from './lib/config/project-files';
import { parseCommandLine, runCli } from './lib/cli/run';
import { synthesizeAndWrite } from './lib/cli/write-output';
import { DELIVERY_FOLDER, Synthesis } from './lib/synth';
import { CommitResult, FolderChanges } from './lib/synth/output';

const USAGE = 'usage: npm run synth -- [--out <dir>] [--previews <file>] [--quiet]';

function main(): number {
  const { values } = parseCommandLine(
    {
      options: {
        out: { type: 'string', default: process.env.CDK8S_OUTDIR ?? 'dist' },
        previews: { type: 'string' },
        quiet: { type: 'boolean', default: false },
      },
    },
    USAGE,
  );
  const outDir = resolve(values.out!);
  const previewEntries = values.previews === undefined ? undefined : readJsonArgument(values.previews);
  const { synthesis, result } = synthesizeAndWrite({
    command: 'npm run synth',
    outDir,
    loadProject: (files) => loadProject(files, { previewEntries }),
  });
  if (!values.quiet) {
    printSummary(synthesis, outDir, result);
    console.log(result.written ? `wrote ${outDir}` : `${outDir} is up to date`);
  }
  return 0;
}

/** One line per folder of dist/; previews, which may be hundreds, in one line together. */
function printSummary(synthesis: Synthesis, outDir: string, { changes, strays }: CommitResult): void {
  const shown = relative(process.cwd(), outDir) || '.';
  for (const stray of strays) console.log(`removed ${join(shown, stray)}: synthesis had not written it (added by hand?)`);
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

runCli(main);
