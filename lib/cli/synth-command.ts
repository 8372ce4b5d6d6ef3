/**
 * `npm run synth`: renders every environment into dist/<env>/, one file per object, after validating
 * the environment configs and every object. dist/ ends up holding exactly what this run produced, and
 * is never left half-written (lib/cli/write-output.ts).
 *
 *   npm run synth                 # write dist/
 *   npm run synth -- --out <dir>  # write elsewhere (a new or empty folder, or one synthesis wrote before)
 *   npm run synth -- --previews <file>   # another preview list (a JSON array like environments/previews.json)
 *
 * Under `cdk8s synth`, the CLI's CDK8S_OUTDIR is the default output folder.
 */
import { join, resolve } from 'node:path';
import { PREVIEW_PREFIX } from '../config/previews';
import { displayPath, readJsonArgument } from '../config/project-files';
import { CLUSTER_SETUP_FOLDER, DELIVERY_FOLDER, Synthesis } from '../synth';
import { CommitResult, FolderChanges } from '../synth/output';
import { CommandContext } from './context';
import { parseCommandLine } from './run';
import { synthesizeAndWrite } from './write-output';

const USAGE = 'usage: npm run synth -- [--out <dir>] [--previews <file>] [--quiet]';

export function synthCommand(context: CommandContext): number {
  const { values } = parseCommandLine(
    {
      args: [...context.argv],
      options: {
        out: { type: 'string' },
        previews: { type: 'string' },
        quiet: { type: 'boolean', default: false },
      },
    },
    USAGE,
  );
  const out = values.out ?? context.env.CDK8S_OUTDIR;
  const outDir = out === undefined ? join(context.repoRoot, 'dist') : resolve(out);
  const previewEntries = values.previews === undefined ? undefined : readJsonArgument(values.previews);
  const { synthesis, result } = synthesizeAndWrite({
    command: 'npm run synth',
    repoRoot: context.repoRoot,
    outDir,
    loadProject: (files) => context.loadProject(files, { previewEntries }),
    env: context.env,
    onRecovered: (sentence) => context.stderr(`note: ${sentence}`),
  });
  if (!values.quiet) {
    for (const line of summary(synthesis, outDir, result)) context.stdout(line);
    context.stdout(result.written ? `wrote ${outDir}` : `${outDir} is up to date`);
  }
  return 0;
}

/** One line per folder of the output (previews, which may be hundreds, in one line together), after the files it removed that it had not written. */
function summary(synthesis: Synthesis, outDir: string, { changes, strays }: CommitResult): string[] {
  const shown = displayPath(outDir);
  const lines = strays.map((stray) => `removed ${join(shown, stray)}: synthesis had not written it (added by hand?)`);
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
  add(CLUSTER_SETUP_FOLDER, `${synthesis.clusterSetup.length} objects`, changes.get(CLUSTER_SETUP_FOLDER));
  known.add(CLUSTER_SETUP_FOLDER);
  for (const [folder, change] of changes) {
    if (known.has(folder)) continue;
    if (folder === '.') add('.', 'generated files', change);
    else if (folder.startsWith(PREVIEW_PREFIX)) add('previews', previewObjects, change);
    else add(folder, 'removed environment', change);
  }
  const width = Math.max(...[...rows.keys()].map((row) => row.length));
  for (const [row, { objects, added, changed, removed }] of rows) {
    lines.push(`${row.padEnd(width)}  ${objects.padEnd(24)} ${added} added, ${changed} changed, ${removed} removed`);
  }
  return lines;
}
