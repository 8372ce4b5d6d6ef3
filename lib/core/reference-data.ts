/**
 * The shared reference data (Kubernetes definitions, operator CRDs) for a clone that has no `../shared`
 * beside it: every file of `.ci/reference-data.txt` is downloaded from its pinned upstream URL into a
 * cache outside the repository, and kept only if its git blob id is the listed one, as
 * `.ci/fetch-reference-data` does for CI. Where `../shared` exists nothing is downloaded.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from './errors';
import { REPO_ROOT } from './repo-root';

export interface ReferenceFile {
  /** Path under the reference data folder, e.g. `crds-2026/argoproj.io_applications.yaml`. */
  readonly path: string;
  /** The file's git blob id (`git hash-object`). */
  readonly blob: string;
  readonly url: string;
}

export class ReferenceDataError extends UserError {}

/** The list CI and this module share; REFERENCE_DATA_LIST names another one. */
export function referenceDataList(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.REFERENCE_DATA_LIST ?? join(REPO_ROOT, '.ci', 'reference-data.txt'));
}

export function readReferenceList(file: string): ReferenceFile[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line, index) => {
      const [path, blob, url, extra] = line.split(/\s+/);
      if (!url || extra !== undefined || !/^[0-9a-f]{40}$/.test(blob) || path.split('/').includes('..')) {
        throw new ReferenceDataError(`${file}: entry ${index + 1} is not "<path> <git blob id> <url>": ${line.slice(0, 120)}`);
      }
      return { path, blob, url };
    });
}

/** `git hash-object` of some bytes. */
export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** `../shared` beside the repository when it is there, else the download cache. */
export function referenceDataRoot(env: NodeJS.ProcessEnv = process.env): string {
  const shared = resolve(REPO_ROOT, '..', 'shared');
  if (existsSync(shared) && statSync(shared).isDirectory()) return shared;
  return downloadCache(env);
}

export function downloadCache(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'co2-calculator', 'reference-data');
}

const isCurrent = (file: string, blob: string) => existsSync(file) && gitBlobId(readFileSync(file)) === blob;

/**
 * Downloads what the cache lacks, checking each file's blob id before it is kept. Returns the files
 * fetched; prints one line before it starts, naming what and from where.
 */
export async function fetchReferenceData(
  files: readonly ReferenceFile[],
  root: string,
  say: (line: string) => void,
): Promise<string[]> {
  const missing = files.filter((file) => !isCurrent(join(root, file.path), file.blob));
  if (missing.length === 0) return [];
  const hosts = [...new Set(missing.map((file) => new URL(file.url).host))].sort().join(', ');
  say(`fetching ${missing.length} reference data file(s) listed in .ci/reference-data.txt from ${hosts} into ${root}`);
  for (const file of missing) {
    let content: Buffer;
    try {
      const response = await fetch(file.url, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      content = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      // fetch() reports the network's reason (ECONNREFUSED, ENOTFOUND...) as its error's cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ReferenceDataError(
        `cannot download ${file.url} (${reason}): without network, put the reference data in ../shared beside the repository (.ci/fetch-reference-data ../shared on a machine that has network)`,
      );
    }
    const actual = gitBlobId(content);
    if (actual !== file.blob) {
      throw new ReferenceDataError(`${file.url} has git blob ${actual}, not the ${file.blob} that .ci/reference-data.txt lists: refusing it as ${file.path}`);
    }
    const target = join(root, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.part`, content);
    renameSync(`${target}.part`, target);
  }
  return missing.map((file) => file.path);
}
