/**
 * `npm run diff`: what the current code would change in the committed dist/, object by object and
 * field by field. Synthesis runs in memory, unless dist/'s stamp says it holds the synthesis of the current
 * inputs (lib/synth/input-stamp.ts): then dist/ is read instead. Nothing is written.
 *
 *   npm run diff                          # against dist/ as committed (git HEAD), every environment
 *   npm run diff -- dev staging           # only these
 *   npm run diff -- --against disk        # against the dist/ folder on disk
 *   npm run diff -- --against index       # against what `git add` staged (the pre-commit hook)
 *   npm run diff -- --markdown            # for a pull-request comment
 *   npm run -s diff -- --exit-code        # CI: fail, saying what differs, when dist/ is stale
 *   npm run diff -- --dist <dir>          # compare with another folder on disk
 *
 * HEAD by default so that, after `npm run synth` has rewritten dist/, the diff still shows what the
 * change does to what is deployed (Argo CD syncs the committed tree).
 *
 * Exit status: 0 when nothing differs, or without --exit-code; 1 when something differs with
 * --exit-code; 2 when the comparison could not be made (bad arguments, a missing folder, synthesis
 * failed, not a git repository), so CI can tell a stale dist/ from a broken build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UsageError, UserError } from '../core/errors';
import { diskFiles, displayPath } from '../config/project-files';
import { readTree, runManifestDiff } from '../delivery/manifest-diff';
import { defaultSchemaValidator, synthesizeAll } from '../synth';
import { OWNERSHIP_FILE } from '../synth/output';
import { booleanFlag, CommandSpec, parseCommand, stringFlag } from './command-line';
import { CommandContext } from './context';
import { holdsCurrentSynthesis } from './write-output';

export const DIFF: CommandSpec = {
  name: 'diff',
  purpose: 'shows what the current code changes in dist/ as committed, object by object, field by field.',
  usage: 'usage: npm run diff -- [environment...] [--against head|index|disk] [--exit-code] [--markdown] [--dist <dir>]',
  positionals: { value: '[environment...]', description: 'compare only these (dev, staging, prod, local, argocd, ...)' },
  flags: {
    against: { type: 'string', value: 'head|index|disk', description: 'dist/ as committed (head, the default), as staged (index), or on disk' },
    'exit-code': { type: 'boolean', description: 'exit with 1 when anything differs (CI, the pre-commit hook)' },
    markdown: { type: 'boolean', description: 'print Markdown, for a pull-request comment' },
    dist: { type: 'string', value: '<dir>', description: 'compare with this folder on disk instead of dist/' },
  },
  examples: [
    ['npm run diff', 'after editing environments/ (with or without npm run synth): what changes'],
    ['npm run diff -- prod', 'only prod'],
    ['npm run diff -- --against disk', 'against the dist/ folder as it is on disk'],
    ['npm run -s diff -- --exit-code', 'fail when the committed dist/ is not what synth writes'],
  ],
  notes: ['Exit status: 0 no difference (or no --exit-code), 1 differs with --exit-code, 2 cannot compare.', 'More: docs/commands.md'],
};

const AGAINST = ['head', 'index', 'disk'] as const;
type Against = (typeof AGAINST)[number];

/** Any failure to compare exits with 2, above the 1 that means "dist/ differs". */
class CannotCompare extends UsageError {}

export function diffCommand(context: CommandContext): number {
  const parsed = parseCommand(DIFF, context.argv, context.env, context.stdout);
  if (parsed === undefined) return 0;
  const dist = stringFlag(parsed, 'dist');
  const againstFlag = stringFlag(parsed, 'against')?.toLowerCase();
  if (againstFlag !== undefined && !(AGAINST as readonly string[]).includes(againstFlag)) {
    throw new UsageError(`--against ${againstFlag}: must be head, index or disk\n${DIFF.usage}`);
  }
  if (dist !== undefined && againstFlag !== undefined && againstFlag !== 'disk') throw new UsageError(`--dist is a folder on disk; it cannot be compared --against ${againstFlag}\n${DIFF.usage}`);
  const against: Against = (againstFlag as Against | undefined) ?? (dist === undefined ? 'head' : 'disk');
  const committedDir = dist === undefined ? join(context.repoRoot, 'dist') : resolve(dist);
  const committed = against === 'disk' ? diskTree(committedDir) : gitTree(context.repoRoot, against, context.env);
  // dist/ as the last `npm run synth` wrote it, when nothing it is made from changed since: the synthesis itself.
  const written = join(context.repoRoot, 'dist');
  try {
    const result = runManifestDiff({
      committed,
      synthesized: holdsCurrentSynthesis(written, context.env) ? readTree(written) : synthesizedFiles(context),
      only: parsed.positionals,
      exitCode: booleanFlag(parsed, 'exit-code'),
      markdown: booleanFlag(parsed, 'markdown'),
      pathPrefix: `${relative(process.cwd(), committedDir).split('\\').join('/') || '.'}/`,
    });
    if (result.output !== '') context.stdout(result.output.replace(/\n$/, ''));
    return result.exitCode;
  } catch (error) {
    if (error instanceof UserError && !(error instanceof UsageError)) throw new CannotCompare(error.message);
    throw error;
  }
}

/** Every file the synthesis renders, without keeping the previews' objects. */
function synthesizedFiles(context: CommandContext): Map<string, string> {
  const previews = new Map<string, string>();
  const { files } = synthesizeAll(context.loadProject(diskFiles(context.repoRoot)), defaultSchemaValidator(context.env), { previewFiles: (path, content) => previews.set(path, content) });
  return new Map([...files, ...previews]);
}

function diskTree(folder: string): Map<string, string> {
  const shown = displayPath(folder);
  if (!existsSync(folder)) throw new CannotCompare(`${shown}: no such folder; run npm run synth to create it, or give --dist the folder to compare with`);
  if (!statSync(folder).isDirectory()) throw new CannotCompare(`${shown}: is a file, not a folder`);
  return readTree(folder);
}

/**
 * dist/ as git has it: in the commit HEAD, or in the index (what the next commit holds). Read with
 * one `git ls-tree`/`ls-files` and one `git cat-file --batch`, so a tree of thousands of files
 * costs two processes.
 */
export function gitTree(repoRoot: string, where: 'head' | 'index', env: NodeJS.ProcessEnv = process.env, folder = 'dist'): Map<string, string> {
  // A string input is encoded with `encoding`, and 'buffer' is not a text encoding: hand it bytes.
  const git = (args: string[], input?: string) => spawnSync('git', args, { cwd: repoRoot, env, input: input === undefined ? undefined : Buffer.from(input), maxBuffer: 1 << 30, encoding: 'buffer' });
  const listing = where === 'head' ? git(['ls-tree', '-r', '-z', 'HEAD', '--', folder]) : git(['ls-files', '-s', '-z', '--', folder]);
  if (listing.error || listing.status !== 0) {
    const reason = listing.error ? listing.error.message : listing.stderr.toString('utf8').trim().split('\n')[0];
    throw new CannotCompare(`cannot read ${folder}/ from git ${where === 'head' ? 'HEAD' : 'index'} (${reason}); compare with the folder on disk: npm run diff -- --against disk`);
  }
  // ls-tree: "<mode> blob <id>\t<path>"; ls-files -s: "<mode> <id> <stage>\t<path>".
  const entries = listing.stdout
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [meta, path] = entry.split('\t');
      const fields = meta.split(' ');
      return { id: where === 'head' ? fields[2] : fields[1], path: path.slice(folder.length + 1) };
    })
    .filter(({ path }) => path !== OWNERSHIP_FILE);
  const tree = new Map<string, string>();
  if (entries.length === 0) return tree;
  const batch = git(['cat-file', '--batch'], `${entries.map(({ id }) => id).join('\n')}\n`);
  if (batch.status !== 0) throw new CannotCompare(`cannot read ${folder}/ from git: ${batch.stderr.toString('utf8').trim().split('\n')[0]}`);
  let offset = 0;
  for (const { path } of entries) {
    const header = batch.stdout.indexOf(0x0a, offset);
    const size = Number(batch.stdout.subarray(offset, header).toString('utf8').split(' ')[2]);
    tree.set(path, batch.stdout.subarray(header + 1, header + 1 + size).toString('utf8'));
    offset = header + 1 + size + 1;
  }
  return tree;
}
