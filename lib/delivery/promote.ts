/**
 * Promotion and rollback of pinned images, planned from the images files and git history alone.
 * Pure: texts and commit messages in, the new images file and the commit message out;
 * lib/cli/promote-command.ts and lib/cli/rollback-command.ts read git and write through the same
 * path as set-image (the file and dist/ together, or nothing).
 *
 * - **Promote** (`npm run promote -- --from staging --to prod`): the target gets exactly the pins the
 *   source runs, repository and digest, component for component. A pin tagged with a commit SHA gets
 *   the release version instead when a release dispatch named that commit (its commit message, as
 *   lib/delivery/update-manifest.ts writes it: `chore(manifest): update <app> (<env>) to vX.Y.Z` and
 *   `Commit: <40 hex>`), so prod's pods are labelled with the release they run.
 * - **Rollback** (`npm run rollback -- --env prod [--to <commit>]`): the images file as it was at an
 *   earlier commit, as a new commit forward: no revert, so a later promotion is an ordinary change.
 *
 * The messages end with git trailers, read back with `git log --format=%(trailers:...)`
 * (docs/sources/delivery-dispatch.md, #promotion-and-rollback).
 */
import { formatImageReference, parseImageReference, RELEASE_VERSION_TAG, COMMIT_SHA_TAG } from '../core/image';
import { UserError } from '../core/errors';
import { parseJson } from '../config/project-files';
import { formatImagesFile } from './set-image';
import { COMMIT_MESSAGE_WIDTH, DeliveryPipeline, ImageUpdate, ImagesFile, wrapLine } from './update-manifest';

/** A promotion or rollback that cannot be made; nothing was written. */
export class PromotionError extends UserError {}

/** One commit of the history, newest first: its full SHA and message. */
export interface HistoryCommit {
  readonly sha: string;
  readonly message: string;
  /** True for a commit of a workflow's pull-request branch that main does not have (not reviewed). @default false */
  readonly unmerged?: boolean;
}

/** Environment -> the logins that may dispatch to it (environments/pipeline.ts, deployers.<env>.senders). */
export type Dispatchers = Readonly<Record<string, readonly string[]>>;

/** Who may dispatch to each environment, as environments/pipeline.ts says. */
export const dispatchersOf = (pipeline: DeliveryPipeline): Dispatchers => Object.fromEntries(Object.entries(pipeline.deployers).map(([environment, { senders }]) => [environment, senders]));

/** What a release dispatch (or a promotion that carried a release) says: this version was built from this commit. */
export interface ReleaseRecord {
  readonly version: string;
  readonly sourceCommit: string;
  /** The commit whose message says so. */
  readonly recordedIn: string;
}

const RELEASE_SUBJECT = /^chore\(manifest\): update \S+ \((\S+)\) to (v\d+\.\d+\.\d+)$/m;
const DISPATCHED_BY = /^Dispatched-by: (\S+)$/m;
const COMMIT_LINE = /^Commit: ([0-9a-f]{40})$/m;
const RELEASE_TRAILER = /^Release: (v\d+\.\d+\.\d+)$/m;
const SOURCE_TRAILER = /^Source-commit: ([0-9a-f]{40})$/gm;

/**
 * Every release the history records, newest first: release dispatches (the update line may follow a
 * "digests differ" subject, so it is looked for on any line) whose `Dispatched-by:` trailer names a
 * sender allowed to dispatch to that environment, and promotions with a Release trailer that main
 * has (reviewed). A branch anyone pushes cannot label prod with a version of its choosing, which
 * would also make the real release look like a downgrade.
 */
export function releasesInHistory(commits: readonly HistoryCommit[], dispatchers: Dispatchers): ReleaseRecord[] {
  const records: ReleaseRecord[] = [];
  for (const { sha, message, unmerged } of commits) {
    const dispatched = RELEASE_SUBJECT.exec(message);
    const commit = COMMIT_LINE.exec(message);
    const sender = DISPATCHED_BY.exec(message)?.[1];
    if (dispatched && commit) {
      const [, environment, version] = dispatched;
      if (sender !== undefined && Object.hasOwn(dispatchers, environment) && dispatchers[environment].includes(sender)) records.push({ version, sourceCommit: commit[1], recordedIn: sha });
      continue;
    }
    const release = RELEASE_TRAILER.exec(message);
    const sources = [...message.matchAll(SOURCE_TRAILER)].map((match) => match[1]);
    if (release && sources.length === 1 && !unmerged) records.push({ version: release[1], sourceCommit: sources[0], recordedIn: sha });
  }
  return records;
}

/** An images file as component -> parsed reference, every value checked. */
export function readImages(file: ImagesFile): Map<string, { reference: string; repository: string; tag?: string; digest?: string }> {
  const images = parseJson(file.text, file.path);
  if (images === null || typeof images !== 'object' || Array.isArray(images)) throw new PromotionError(`${file.path}: must be a JSON object of component -> image reference`);
  const pins = new Map<string, { reference: string; repository: string; tag?: string; digest?: string }>();
  for (const [component, reference] of Object.entries(images)) {
    if (typeof reference !== 'string') throw new PromotionError(`${file.path}: ${component} is not an image reference string`);
    try {
      pins.set(component, { reference, ...parseImageReference(reference) });
    } catch (error) {
      throw new PromotionError(`${file.path}: ${component}: ${(error as Error).message}`);
    }
  }
  return pins;
}

/** A reference as a commit message line shows it: tag, and the digest's first 12 hex digits. */
export const shortReference = (reference: string) => {
  const { tag, digest } = parseImageReference(reference);
  return [tag, digest?.slice(0, 'sha256:'.length + 12)].filter((part) => part !== undefined).join('@');
};

const releaseParts = (tag: string | undefined) => (tag !== undefined && RELEASE_VERSION_TAG.test(tag) ? tag.slice(1).split('.').map(Number) : undefined);
/** Negative when `a` is a lower release than `b`, 0 when equal or either is no release. */
export function compareReleases(a: string | undefined, b: string | undefined): number {
  const [x, y] = [releaseParts(a), releaseParts(b)];
  if (!x || !y) return 0;
  return x.map((part, i) => part - y[i]).find((difference) => difference !== 0) ?? 0;
}

export interface PinChange {
  /** Files to write (the target's images file); empty when nothing changes. */
  readonly edits: ReadonlyMap<string, string>;
  readonly updates: readonly ImageUpdate[];
  /** What to print, one line each. */
  readonly lines: readonly string[];
  /** Subject, blank line, body, blank line, trailers. Empty when nothing changes. */
  readonly commitMessage: string;
}

export interface PromotionRequest {
  readonly from: string;
  readonly to: string;
  readonly source: ImagesFile;
  readonly target: ImagesFile;
  /** The commit the source file was read at (for the message). */
  readonly sourceRevision: string;
  /** The repository's history, newest first (for the release versions). */
  readonly history: readonly HistoryCommit[];
  /** Whose release dispatches count. */
  readonly dispatchers: Dispatchers;
  /** Refuse a release lower than the target runs (environments/pipeline.ts, deployers.<to>.noDowngrade). @default false */
  readonly noDowngrade?: boolean;
}

/** The tag a promoted pin gets: the release that named its source commit, else the source's tag. */
function promotedTag(tag: string | undefined, releases: readonly ReleaseRecord[]): { tag: string | undefined; release?: ReleaseRecord } {
  if (tag === undefined || !COMMIT_SHA_TAG.test(tag)) return { tag };
  const release = releases.find((record) => record.sourceCommit === tag);
  return release ? { tag: release.version, release } : { tag };
}

/** The target's images file with every pin of the source, and the commit message saying so. */
export function planPromotion(request: PromotionRequest): PinChange {
  const { from, to } = request;
  if (from === to) throw new PromotionError(`--from and --to are both "${from}": promote from one environment to another`);
  const source = readImages(request.source);
  const target = readImages(request.target);
  const missing = [...target.keys()].filter((component) => !source.has(component));
  if (missing.length > 0) throw new PromotionError(`${request.source.path}: has no ${missing.join(', ')}, which ${to} runs (${request.target.path}); ${from} must run every component it promotes`);
  const extra = [...source.keys()].filter((component) => !target.has(component));
  if (extra.length > 0) throw new PromotionError(`${request.target.path}: has no ${extra.join(', ')}, which ${from} runs; add it to ${request.target.path} first (npm run set-image)`);
  const releases = releasesInHistory(request.history, request.dispatchers);

  const pins = [...target.keys()].map((component) => {
    const ran = source.get(component)!;
    if (ran.digest === undefined) throw new PromotionError(`${request.source.path}: ${component} is "${ran.reference}", pinned by tag only; only digests are promoted, so that ${to} runs exactly what ${from} ran`);
    const { tag, release } = promotedTag(ran.tag, releases);
    const before = target.get(component)!;
    if (request.noDowngrade && compareReleases(tag, before.tag) < 0) {
      throw new PromotionError(`${request.source.path}: ${component} is ${tag}, lower than ${before.tag}, which ${to} runs; a promotion never rolls back: use npm run rollback -- --env ${to}`);
    }
    return { component, before: before.reference, after: formatImageReference({ repository: ran.repository, tag, digest: ran.digest }), sourceCommit: ran.tag !== undefined && COMMIT_SHA_TAG.test(ran.tag) ? ran.tag : undefined, release };
  });
  const updates = pins.filter(({ before, after }) => before !== after).map(({ component, before, after }) => ({ component, before, after }));
  const lines = pins.map(({ component, before, after }) => (before === after ? `${request.target.path} ${component}: already ${after}, unchanged` : `${request.target.path} ${component}: ${before} -> ${after}`));
  if (updates.length === 0) return { edits: new Map(), updates, lines: [...lines, `${to} already runs what ${from} runs: nothing to promote`], commitMessage: '' };

  const updated = Object.fromEntries(pins.map(({ component, after }) => [component, after]));
  const sources = [...new Set(pins.map(({ sourceCommit }) => sourceCommit).filter((sha): sha is string => sha !== undefined))];
  const versions = [...new Set(pins.map(({ after }) => parseImageReference(after).tag))];
  const release = versions.length === 1 && versions[0] !== undefined && RELEASE_VERSION_TAG.test(versions[0]) ? versions[0] : undefined;
  const label = release ?? (sources.length === 1 ? sources[0].slice(0, 7) : undefined);
  const named = [...new Map(pins.flatMap(({ release: record }) => (record ? [[record.version, record] as const] : []))).values()];
  const body = [
    `Pins ${to} to exactly the images ${from} runs, digest for digest (${request.source.path} at ${request.sourceRevision.slice(0, 12)}).`,
    ...named.map((record) => `${record.version} is the release of ${record.sourceCommit.slice(0, 12)} (its dispatch: ${record.recordedIn.slice(0, 12)}).`),
    `Images (${request.target.path}):`,
    ...updates.flatMap(({ component, before, after }) => [`  ${component}: ${parseImageReference(after).repository}`, `    from ${shortReference(before)}`, `    to   ${shortReference(after)}`]),
  ];
  const trailers = [`Promoted-from: ${from}`, ...sources.map((sha) => `Source-commit: ${sha}`), ...(release ? [`Release: ${release}`] : [])];
  const subject = `chore(promote): ${to} to what ${from} runs${label ? ` (${label})` : ''}`;
  return {
    edits: new Map([[request.target.path, formatImagesFile(updated)]]),
    updates,
    lines,
    commitMessage: `${subject}\n\n${body.flatMap((line) => wrapLine(line, COMMIT_MESSAGE_WIDTH)).join('\n')}\n\n${trailers.join('\n')}\n`,
  };
}

export interface RollbackRequest {
  readonly environment: string;
  readonly current: ImagesFile;
  /** The images file as it was at `restoredFrom`. */
  readonly restored: ImagesFile;
  /** The commit the pins are taken from. */
  readonly restoredFrom: string;
  /** The commit whose pin change is undone, when the rollback is to the pins before it (no --to). */
  readonly undoing?: HistoryCommit;
}

/** The environment's images file restored from an earlier commit, as a forward change. */
export function planRollback(request: RollbackRequest): PinChange {
  const { environment } = request;
  const current = readImages(request.current);
  const restored = readImages({ path: `${request.restored.path} at ${request.restoredFrom.slice(0, 12)}`, text: request.restored.text });
  const missing = [...current.keys()].filter((component) => !restored.has(component));
  const extra = [...restored.keys()].filter((component) => !current.has(component));
  if (missing.length > 0 || extra.length > 0) {
    const what = [missing.length > 0 ? `has no ${missing.join(', ')}` : '', extra.length > 0 ? `has ${extra.join(', ')}, which ${environment} no longer runs` : ''].filter(Boolean).join(' and ');
    throw new PromotionError(`${request.restored.path} at ${request.restoredFrom.slice(0, 12)}: ${what}; roll back to a later commit (--to)`);
  }
  const pins = [...current.keys()].map((component) => ({ component, before: current.get(component)!.reference, after: restored.get(component)!.reference }));
  const updates = pins.filter(({ before, after }) => before !== after);
  const lines = pins.map(({ component, before, after }) => (before === after ? `${request.current.path} ${component}: already ${after}, unchanged` : `${request.current.path} ${component}: ${before} -> ${after}`));
  if (updates.length === 0) return { edits: new Map(), updates, lines: [...lines, `${environment} already runs the pins of ${request.restoredFrom.slice(0, 12)}: nothing to roll back`], commitMessage: '' };

  const lower = updates.filter(({ before, after }) => compareReleases(parseImageReference(after).tag, parseImageReference(before).tag) < 0);
  const undone = request.undoing;
  const body = [
    undone
      ? `Restores ${request.current.path} as it was before ${undone.sha.slice(0, 12)} ("${undone.message.split('\n')[0]}"), at ${request.restoredFrom.slice(0, 12)}.`
      : `Restores ${request.current.path} as it was at ${request.restoredFrom.slice(0, 12)}.`,
    ...(lower.length > 0 ? [`An explicit rollback to a lower release (${lower.map(({ component }) => component).join(', ')}), which no dispatch may make.`] : []),
    `Images (${request.current.path}):`,
    ...updates.flatMap(({ component, before, after }) => [`  ${component}: ${parseImageReference(after).repository}`, `    from ${shortReference(before)}`, `    to   ${shortReference(after)}`]),
  ];
  const versions = [...new Set(updates.map(({ after }) => parseImageReference(after).tag))];
  const label = versions.length === 1 && versions[0] !== undefined ? (COMMIT_SHA_TAG.test(versions[0]) ? versions[0].slice(0, 7) : versions[0]) : undefined;
  const trailers = [`Rolled-back: ${environment}`, `Restored-from: ${request.restoredFrom}`, ...(undone ? [`Undoes: ${undone.sha}`] : [])];
  const subject = `chore(rollback): ${environment} to the pins of ${request.restoredFrom.slice(0, 12)}${label && label.length <= 20 ? ` (${label})` : ''}`;
  const updated = Object.fromEntries(pins.map(({ component, after }) => [component, after]));
  return {
    edits: new Map([[request.current.path, formatImagesFile(updated)]]),
    updates,
    lines,
    commitMessage: `${subject}\n\n${body.flatMap((line) => wrapLine(line, COMMIT_MESSAGE_WIDTH)).join('\n')}\n\n${trailers.join('\n')}\n`,
  };
}
