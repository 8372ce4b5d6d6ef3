/**
 * Pins a new image version for one component of one environment, in environments/images/<env>.json:
 * what an application repository's pipeline calls once it has pushed an image.
 *
 * The version given is
 * - a tag (`v1.0.8`, a 40-hex commit SHA): replaces the tag and drops any digest, which pinned the
 *   previous build. A branch tag of the pipeline (`dev`, `stage`) is refused without its digest;
 * - a digest (`sha256:<64 hex>`): replaces the digest and drops the tag, because the old tag names
 *   another build and would keep labelling the pods with the wrong version
 *   (`app.kubernetes.io/version` comes from the tag when there is one);
 * - both (`v1.0.8@sha256:<64 hex>`): the digest pins the content, the tag documents it.
 * The repository is always kept: a pipeline moves versions, not images.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatImageReference, parseImageReference } from '../core/image';
import { UserError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { REPO_ROOT } from '../core/repo-root';
import { parseJson } from '../config/project-files';

export interface SetImageRequest {
  /** The repository. @default this one */
  readonly repoRoot?: string;
  /** Folder of the `<environment>.json` files, relative to the repository (environments/images) or absolute. */
  readonly imagesDir: string;
  readonly environment: string;
  /** A key of the environment's file: a component of lib/application/components.ts. */
  readonly component: string;
  /** A tag, a digest (`sha256:…`), or `<tag>@sha256:…`. */
  readonly version: string;
  /** The environments the project synthesizes: an images file none of them reads is not edited. @default every file of imagesDir */
  readonly environments?: readonly string[];
}

export interface ImageChange {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  /** False when the file already held this reference; it is then left untouched. */
  readonly changed: boolean;
  /** The whole file with the change made. */
  readonly content: string;
}

/** A request that was refused; nothing was written. */
export class SetImageError extends UserError {}

const quoted = (values: readonly string[]) => values.map((value) => `"${value}"`).join(', ');

/**
 * The reference with its version replaced, as described at the top of this file. Throws a
 * SetImageError when the result is not pinned (floating tag such as latest, malformed digest).
 */
export function withVersion(reference: string, version: string): string {
  const { repository } = parseImageReference(reference);
  const [tagPart, digest] = version.startsWith('sha256:') ? [undefined, version] : version.split('@', 2);
  const tag = tagPart || undefined;
  const candidate = formatImageReference({ repository, tag, digest });
  let parsed;
  try {
    parsed = parseImageReference(candidate);
  } catch (error) {
    throw new SetImageError(`"${version}": ${(error as Error).message}`);
  }
  // A "/" or "@" in the version would otherwise be read as part of another repository or digest.
  if (parsed.repository !== repository || parsed.tag !== tag || parsed.digest !== digest || version.split('@').length > 2) {
    throw new SetImageError(`"${version}" is not a tag, a digest (sha256:<64 hex digits>) or <tag>@<digest>`);
  }
  return candidate;
}

/**
 * The new content of `<imagesDir>/<environment>.json` with one component's image set; nothing is
 * written (the caller writes it together with dist/, see lib/cli/write-output.ts). Only that value
 * changes: the file keeps its key order and stays 2-space JSON with a final newline.
 */
export function planImageChange(request: SetImageRequest): ImageChange {
  const root = request.repoRoot ?? REPO_ROOT;
  const folder = resolve(root, request.imagesDir);
  const environments = existsSync(folder)
    ? readdirSync(folder)
        .filter((file) => file.endsWith('.json'))
        .map((file) => file.slice(0, -'.json'.length))
        .sort()
    : [];
  const valid = request.environments ? environments.filter((name) => request.environments!.includes(name)) : environments;
  if (!valid.includes(request.environment)) {
    const unread = environments.includes(request.environment) ? `${join(request.imagesDir, `${request.environment}.json`)} exists, but no environment of the project reads it; ` : '';
    throw new SetImageError(`unknown environment "${request.environment}": ${unread}${unread ? '' : didYouMean(request.environment, valid)}valid environments are ${quoted(valid)} (${request.imagesDir})`);
  }
  const file = join(request.imagesDir, `${request.environment}.json`);
  const images = parseJson(readFileSync(resolve(root, file), 'utf8'), file);
  if (images === null || typeof images !== 'object' || Array.isArray(images)) {
    throw new SetImageError(`${file}: must be a JSON object of component -> image reference`);
  }
  const before = (images as Record<string, unknown>)[request.component];
  if (!Object.hasOwn(images, request.component)) {
    throw new SetImageError(`unknown component "${request.component}" in ${file}: ${didYouMean(request.component, Object.keys(images))}valid components are ${quoted(Object.keys(images))}`);
  }
  if (typeof before !== 'string') throw new SetImageError(`${file}: ${request.component} is not an image reference string`);

  let after: string;
  try {
    after = withVersion(before, request.version);
  } catch (error) {
    if (error instanceof SetImageError) throw error;
    throw new SetImageError(`${file}: the current ${request.component} image cannot be updated: ${(error as Error).message}`);
  }
  return { file, before, after, changed: after !== before, content: formatImagesFile({ ...images, [request.component]: after }) };
}

/** An images file as the repository keeps it: 2-space JSON in the given key order, with a final newline. */
export function formatImagesFile(images: Readonly<Record<string, unknown>>): string {
  return `${JSON.stringify(images, null, 2)}\n`;
}
