/**
 * `npm run promote` and `npm run rollback`: move an environment's pins forward to what another runs,
 * or back to what it ran before, as a new commit that the caller makes (or opens a pull request
 * with). Both read git history (lib/cli/git-history.ts), plan in lib/delivery/promote.ts, and write
 * like set-image: the images file and dist/ together, after a successful synthesis, or nothing.
 *
 *   npm run promote -- --from staging --to prod [--message-file <file>]
 *   npm run rollback -- --env prod [--to <commit>] [--message-file <file>]
 *
 * Exit status: 0 done or nothing to change, 1 refused (nothing written), 2 bad command line.
 */
import { join } from 'node:path';
import { diskFiles, imagesFile, IMAGES_FOLDER, ProjectFiles } from '../config/project-files';
import { UsageError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { dispatchersOf, HistoryCommit, PinChange, planPromotion, planRollback, PromotionError } from '../delivery/promote';
import { DeliveryPipeline } from '../delivery/update-manifest';
import { CommandSpec, parseCommand, ParsedCommandLine, stringFlag } from './command-line';
import { Command, CommandContext } from './context';
import { checkHistory, commitsChanging, fileAt, hasUncommittedChanges, releaseHistory, resolveCommit } from './git-history';
import { checkMessageFile } from './update-manifest-command';
import { synthesizeAndWrite, withWriteLock } from './write-output';
import { writeSummary } from './write-summary';

const MESSAGE_FILE = { type: 'string', value: '<file>', description: 'also write the commit message there (outside the repository)' } as const;

export const PROMOTE: CommandSpec = {
  name: 'promote',
  purpose: 'pins an environment to the digests another runs (release versions as tags), re-synthesizes dist/.',
  usage: 'usage: npm run promote -- --to <environment> [--from <environment>] [--message-file <file>]',
  flags: {
    from: { type: 'string', value: '<environment>', description: 'where the pins come from (default: the environment --to is tested in, environments/pipeline.ts)' },
    to: { type: 'string', value: '<environment>', description: 'the environment whose images file is rewritten' },
    'message-file': MESSAGE_FILE,
  },
  examples: [
    ['npm run promote -- --from staging --to prod', 'prod runs what staging runs; commit it on a branch and open a pull request'],
    ['npm run promote -- --to prod --message-file "$(mktemp)"', 'the same (prod is tested in staging), keeping the commit message'],
  ],
  notes: [
    'Only environments/images/<to>.json and dist/ change, together or not at all; committing is yours.',
    'Exit status: 0 done or nothing to promote, 1 refused (nothing written), 2 bad command line. More: docs/delivery.md',
  ],
};

export const ROLLBACK: CommandSpec = {
  name: 'rollback',
  purpose: "restores an environment's pins from before their last change (or a commit), re-synthesizes dist/.",
  usage: 'usage: npm run rollback -- --env <environment> [--to <commit>] [--message-file <file>]',
  flags: {
    env: { type: 'string', value: '<environment>', description: 'the environment to roll back: a file of environments/images/' },
    to: { type: 'string', value: '<commit>', description: "restore the pins of this commit (default: those before the file's last change)" },
    'message-file': MESSAGE_FILE,
  },
  examples: [
    ['npm run rollback -- --env prod', 'prod back to the pins before its last change, as a new commit'],
    ['npm run rollback -- --env staging --to 1a2b3c4', 'staging back to the pins it had at commit 1a2b3c4'],
  ],
  notes: [
    'A new commit forward, never a revert: promoting again afterwards is an ordinary change.',
    'Exit status: 0 done or nothing to roll back, 1 refused (nothing written), 2 bad command line. More: docs/delivery.md',
  ],
};

/** The environments with an images file that the project reads, sorted. */
function environmentNames(context: CommandContext): string[] {
  return context
    .loadProject(diskFiles(context.repoRoot))
    .environments.map((environment) => String((environment as { name?: unknown }).name))
    .sort();
}

function checkEnvironment(name: string, flag: string, known: readonly string[]): void {
  if (!known.includes(name)) throw new PromotionError(`${flag} ${name}: unknown environment: ${didYouMean(name, known)}valid environments are ${known.map((n) => `"${n}"`).join(', ')} (${IMAGES_FOLDER})`);
}

function refuseUncommitted(context: CommandContext, path: string, purpose: string): void {
  if (hasUncommittedChanges(context.repoRoot, path)) throw new PromotionError(`${path}: has uncommitted changes; ${purpose}: commit or discard them first (git diff -- ${path})`);
}

/** Writes a planned change through the one write path, and prints it like set-image and update-manifest. */
function writeChange(context: CommandContext, command: string, parsed: ParsedCommandLine, plan: (files: ProjectFiles) => PinChange): number {
  const messageFlag = stringFlag(parsed, 'message-file');
  const messageFile = messageFlag === undefined ? undefined : checkMessageFile(messageFlag, context.repoRoot, '--message-file');
  const outDir = join(context.repoRoot, 'dist');
  const request = {
    command,
    repoRoot: context.repoRoot,
    outDir,
    loadProject: (files: ProjectFiles) => context.loadProject(files),
    env: context.env,
    onRecovered: (sentence: string) => context.stderr(`note: ${sentence}`),
  };
  // Planned under the lock, from the files as they are then (see withWriteLock).
  return withWriteLock(request, (interrupted) => {
    const change = plan(diskFiles(context.repoRoot));
    if (change.edits.size === 0) {
      const lines = interrupted ? writeSummary(synthesizeAndWrite(request), outDir, change.lines) : change.lines;
      for (const line of lines) context.stdout(line);
      return 0;
    }
    const alongside = new Map(messageFile === undefined ? [] : [[messageFile, change.commitMessage] as const]);
    const outcome = synthesizeAndWrite({ ...request, edits: change.edits, alongside });
    for (const line of writeSummary(outcome, outDir, change.lines)) context.stdout(line);
    context.stdout(`\ncommit message:\n${change.commitMessage.replace(/^/gm, '  ').trimEnd()}`);
    return 0;
  });
}

export const promoteCommand = (pipeline: DeliveryPipeline): Command => (context) => {
  const parsed = parseCommand(PROMOTE, context.argv, context.env, context.stdout);
  if (parsed === undefined) return 0;
  const to = stringFlag(parsed, 'to');
  if (to === undefined) throw new UsageError(`missing --to\n${PROMOTE.usage}`);
  const rules = Object.hasOwn(pipeline.deployers, to) ? pipeline.deployers[to] : undefined;
  const from = stringFlag(parsed, 'from') ?? rules?.testedIn;
  if (from === undefined) throw new UsageError(`missing --from: environments/pipeline.ts names no environment ${to} is tested in\n${PROMOTE.usage}`);
  const known = environmentNames(context);
  checkEnvironment(from, '--from', known);
  checkEnvironment(to, '--to', known);
  if (from === to) throw new PromotionError(`--from and --to are both "${from}": promote from one environment to another`);
  checkHistory(context.repoRoot, 'npm run promote');
  refuseUncommitted(context, imagesFile(from), `${from} runs what is committed, so only that is promoted`);
  refuseUncommitted(context, imagesFile(to), 'the promotion would overwrite them');
  const head = resolveCommit(context.repoRoot, 'HEAD', 'HEAD');
  const history = releaseHistory(context.repoRoot);
  return writeChange(context, 'npm run promote', parsed, (files) =>
    planPromotion({
      from,
      to,
      source: { path: imagesFile(from), text: files.read(imagesFile(from)) },
      target: { path: imagesFile(to), text: files.read(imagesFile(to)) },
      sourceRevision: head,
      history,
      dispatchers: dispatchersOf(pipeline),
      noDowngrade: rules?.noDowngrade,
    }),
  );
};

export const rollbackCommand: Command = (context) => {
  const parsed = parseCommand(ROLLBACK, context.argv, context.env, context.stdout);
  if (parsed === undefined) return 0;
  const env = stringFlag(parsed, 'env');
  if (env === undefined) throw new UsageError(`missing --env\n${ROLLBACK.usage}`);
  checkEnvironment(env, '--env', environmentNames(context));
  checkHistory(context.repoRoot, 'npm run rollback');
  const path = imagesFile(env);
  refuseUncommitted(context, path, 'the rollback would overwrite them');
  const toFlag = stringFlag(parsed, 'to');
  let restoredFrom: string;
  let undoing: HistoryCommit | undefined;
  if (toFlag !== undefined) {
    restoredFrom = resolveCommit(context.repoRoot, toFlag, '--to');
  } else {
    const [last] = commitsChanging(context.repoRoot, 'HEAD', path);
    if (last === undefined) throw new PromotionError(`${path}: no commit of HEAD changes it, so there is nothing to roll back to`);
    const parent = fileAt(context.repoRoot, `${last.sha}^`, path) === undefined ? undefined : `${last.sha}^`;
    if (parent === undefined) throw new PromotionError(`${path}: its last change ${last.sha.slice(0, 12)} created it, so there are no earlier pins; give --to <commit>`);
    restoredFrom = resolveCommit(context.repoRoot, parent, '--to');
    undoing = last;
  }
  const restored = fileAt(context.repoRoot, restoredFrom, path);
  if (restored === undefined) throw new PromotionError(`--to ${toFlag}: commit ${restoredFrom.slice(0, 12)} has no ${path}`);
  return writeChange(context, 'npm run rollback', parsed, (files) =>
    planRollback({ environment: env, current: { path, text: files.read(path) }, restored: { path, text: restored }, restoredFrom, undoing }),
  );
};
