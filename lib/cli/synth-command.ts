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
import { ProjectFiles, readJsonArgument } from '../config/project-files';
import { booleanFlag, CommandSpec, parseCommand, stringFlag } from './command-line';
import { CommandContext } from './context';
import { REPOSITORY_PROJECT, synthesizeAndWrite, synthesizeUnlessUnchanged } from './write-output';
import { writeSummary } from './write-summary';

export const SYNTH: CommandSpec = {
  name: 'synth',
  purpose: 'renders every environment into dist/<env>/, one file per object, after validating it.',
  usage: 'usage: npm run synth -- [--out <dir>] [--previews <file>] [--quiet]',
  flags: {
    out: { type: 'string', value: '<dir>', description: 'write there instead of dist/ (a new or empty folder, or one synth wrote)' },
    previews: { type: 'string', value: '<file>', description: 'the preview list to use instead of environments/previews.json' },
    quiet: { type: 'boolean', description: 'print nothing on success' },
  },
  examples: [
    ['npm run synth', 'write dist/; then `npm run diff` shows what changed against git HEAD'],
    ['npm run synth -- --out /tmp/dist', 'write into another folder'],
    ['npm run synth -- --previews previews.json', 'synthesize another list of previews'],
  ],
  notes: ['Exit status: 0 written or up to date, 1 bad input (nothing written), 2 bad command line.', 'More: docs/commands.md'],
};

export function synthCommand(context: CommandContext): number {
  const parsed = parseCommand(SYNTH, context.argv, context.env, context.stdout);
  if (parsed === undefined) return 0;
  const out = stringFlag(parsed, 'out') ?? context.env.CDK8S_OUTDIR;
  const outDir = out === undefined ? join(context.repoRoot, 'dist') : resolve(out);
  const previews = stringFlag(parsed, 'previews');
  const previewEntries = previews === undefined ? undefined : readJsonArgument(previews);
  const request = {
    command: 'npm run synth',
    repoRoot: context.repoRoot,
    outDir,
    loadProject: (files: ProjectFiles) => context.loadProject(files, { previewEntries }),
    env: context.env,
    onRecovered: (sentence: string) => context.stderr(`note: ${sentence}`),
  };
  // Another preview list is read before the lock, outside what the stamp records: such a run is never skipped.
  const outcome = previews === undefined ? synthesizeUnlessUnchanged(request, REPOSITORY_PROJECT) : synthesizeAndWrite(request);
  if (!booleanFlag(parsed, 'quiet')) for (const line of writeSummary(outcome, outDir)) context.stdout(line);
  return 0;
}
