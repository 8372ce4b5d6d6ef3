/**
 * `npm run where`: what runs where, offline, from one commit of git alone (default HEAD): the
 * revision each Argo CD Application of dist/argocd/ follows, the pins of environments/images/, the
 * source commits (release versions resolved from dispatch messages), and what waits to be promoted.
 * Writes nothing; see lib/delivery/where.ts.
 */
import { parseAllDocuments } from 'yaml';
import { IMAGES_FOLDER, imagesFile } from '../config/project-files';
import { DeliveryPipeline } from '../delivery/update-manifest';
import { dispatchersOf } from '../delivery/promote';
import { describeWhere } from '../delivery/where';
import { CommandSpec, parseCommand, stringFlag } from './command-line';
import { Command } from './context';
import { checkHistory, fileAt, filesAt, releaseHistory, resolveCommit } from './git-history';

export const WHERE: CommandSpec = {
  name: 'where',
  purpose: 'prints what runs where, from git alone: revision followed, versions, digests, source commits, what waits.',
  usage: 'usage: npm run where [-- --at <commit>]',
  flags: {
    at: { type: 'string', value: '<commit>', description: 'read this commit (default HEAD); origin/main, after git fetch, is what Argo CD sees' },
  },
  examples: [
    ['npm run where', 'as of the checked-out commit'],
    ['npm run where -- --at origin/main', 'as of main on GitHub, after git fetch'],
  ],
  notes: ['Exit status: 0 printed, 1 bad input (an unknown commit, no git history), 2 bad command line. More: docs/delivery.md'],
};

/** Environment name (from the source path dist/<env>) -> targetRevision, for every Application of dist/argocd/ at `commit`. */
function followedRevisions(repoRoot: string, commit: string): Map<string, string> {
  const follows = new Map<string, string>();
  for (const file of filesAt(repoRoot, commit, 'dist/argocd').filter((name) => name.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(fileAt(repoRoot, commit, `dist/argocd/${file}`) ?? '')) {
      const object = document.toJS() as { kind?: string; spec?: { source?: { path?: string; targetRevision?: string } } } | null;
      const source = object?.kind === 'Application' ? object.spec?.source : undefined;
      const match = source?.path === undefined ? null : /^dist\/([^/]+)\/?$/.exec(source.path);
      if (match && source?.targetRevision) follows.set(match[1], source.targetRevision);
    }
  }
  return follows;
}

export const whereCommand = (pipeline: DeliveryPipeline): Command => (context) => {
  const parsed = parseCommand(WHERE, context.argv, context.env, context.stdout);
  if (parsed === undefined) return 0;
  const named = stringFlag(parsed, 'at') ?? 'HEAD';
  checkHistory(context.repoRoot, 'npm run where');
  const commit = resolveCommit(context.repoRoot, named, '--at');
  const follows = followedRevisions(context.repoRoot, commit);
  const names = filesAt(context.repoRoot, commit, IMAGES_FOLDER)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length));
  // Pipeline order first (dev, staging, prod), then the rest.
  const order = Object.values(pipeline.branches).map(({ environment }) => environment);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const environments = names.map((name) => ({ name, images: { path: `${imagesFile(name)} at ${commit.slice(0, 12)}`, text: fileAt(context.repoRoot, commit, imagesFile(name))! }, follows: follows.get(name) }));
  const promotions = Object.entries(pipeline.deployers).flatMap(([to, { testedIn }]) => (testedIn === undefined ? [] : [{ from: testedIn, to }]));
  for (const line of describeWhere({ commit, named, environments, history: releaseHistory(context.repoRoot), dispatchers: dispatchersOf(pipeline), promotions })) context.stdout(line);
  return 0;
};
