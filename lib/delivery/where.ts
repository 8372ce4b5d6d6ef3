/**
 * What runs where, from one commit of this repository: per environment the revision its Argo CD
 * Application follows, and per component the version, digest and source commit pinned, then what
 * each promotion path (environments/pipeline.ts, deployers.<env>.testedIn) has waiting. Pure: the
 * CLI (lib/cli/where-command.ts) reads the files and history from git.
 */
import { COMMIT_SHA_TAG } from '../core/image';
import { Dispatchers, HistoryCommit, readImages, releasesInHistory } from './promote';
import type { ImagesFile } from './update-manifest';

export interface EnvironmentAtCommit {
  readonly name: string;
  readonly images: ImagesFile;
  /** The targetRevision of its Argo CD Application; undefined when none syncs it (applied by hand). */
  readonly follows?: string;
}

export interface WhereRequest {
  /** The commit read, in full, and how it was named (HEAD, origin/main). */
  readonly commit: string;
  readonly named: string;
  readonly environments: readonly EnvironmentAtCommit[];
  /** Newest first: where release versions get their source commits. */
  readonly history: readonly HistoryCommit[];
  /** Whose release dispatches count (see releasesInHistory). */
  readonly dispatchers: Dispatchers;
  /** Promotion paths: `to` is tested in `from`. */
  readonly promotions: readonly { readonly from: string; readonly to: string }[];
}

const short = (sha: string) => sha.slice(0, 12);
const shortDigest = (digest: string | undefined) => (digest === undefined ? '-' : digest.slice(0, 'sha256:'.length + 12));

/** Rows padded into columns, two spaces apart, without trailing spaces. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
}

export function describeWhere(request: WhereRequest): string[] {
  const releases = releasesInHistory(request.history, request.dispatchers);
  const sourceOf = (tag: string | undefined) => {
    if (tag === undefined) return '-';
    if (COMMIT_SHA_TAG.test(tag)) return short(tag);
    const record = releases.find(({ version }) => version === tag);
    return record ? short(record.sourceCommit) : '-';
  };
  const pins = new Map(request.environments.map((environment) => [environment.name, readImages(environment.images)]));
  const rows = [['environment', 'follows', 'component', 'version', 'digest', 'source commit']];
  for (const environment of request.environments) {
    for (const [component, pin] of pins.get(environment.name)!) {
      const version = pin.tag === undefined ? '-' : COMMIT_SHA_TAG.test(pin.tag) ? short(pin.tag) : pin.tag;
      rows.push([environment.name, environment.follows ?? 'by hand', component, version, shortDigest(pin.digest), sourceOf(pin.tag)]);
    }
  }
  const lines = [`as of ${short(request.commit)} (${request.named})`, ...table(rows)];
  for (const { from, to } of request.promotions) {
    const [source, target] = [pins.get(from), pins.get(to)];
    if (!source || !target) continue;
    const waiting = [...source].filter(([component, pin]) => pin.digest === undefined || target.get(component)?.digest !== pin.digest);
    if (waiting.length === 0) {
      lines.push('', `${to} runs every digest ${from} runs: nothing waiting to be promoted`);
      continue;
    }
    lines.push('', `waiting to be promoted from ${from} to ${to} (npm run promote -- --from ${from} --to ${to}):`);
    const waitingRows = waiting.map(([component, pin]) => {
      const running = target.get(component);
      return [`  ${component}`, pin.tag === undefined ? '-' : COMMIT_SHA_TAG.test(pin.tag) ? short(pin.tag) : pin.tag, shortDigest(pin.digest), running ? `(${to} runs ${running.tag === undefined ? '' : `${COMMIT_SHA_TAG.test(running.tag) ? short(running.tag) : running.tag} `}${shortDigest(running.digest)})` : `(${to} has no ${component})`];
    });
    lines.push(...table(waitingRows));
  }
  return lines;
}
