/**
 * Container image references, pinned: `registry/repository:tag`, `registry/repository@sha256:<digest>`,
 * or both (`...:tag@sha256:<digest>`, where the digest wins at pull time and the tag documents it).
 */

export interface ImageReference {
  /** Registry and repository, e.g. `quay-its.epfl.ch/svc1751/co2-calculator-backend`. */
  readonly repository: string;
  readonly tag?: string;
  /** `sha256:` followed by 64 hex digits. */
  readonly digest?: string;
}

const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Tags that name "whatever was pushed last" and so make a deployment unreproducible without a digest:
 * the usual moving names, and the branch tags of EPFL's build pipeline. That pipeline
 * (EPFL-ENAC/epfl-enac-build-push-deploy-action v3.0.7, .github/workflows/deploy.yml:306-319) tags
 * each image with docker/metadata-action's default tags, which for a branch push is the branch name
 * (docker/metadata-action v5.10.0, src/tag.ts:56-62 and src/meta.ts:296-302), besides the commit SHA;
 * the branches it deploys are dev, develop, stage and test (deploy.yml:370-392). Such a tag is
 * accepted with its digest (`dev@sha256:...`), which pins the content.
 */
export const FLOATING_TAGS: ReadonlySet<string> = new Set(['latest', 'main', 'master', 'stable', 'edge', 'nightly', 'dev', 'develop', 'stage', 'test']);

/** A release version tag as the pipeline pushes it for a git tag `vX.Y.Z` (the tag name, verbatim). */
export const RELEASE_VERSION_TAG = /^v\d+\.\d+\.\d+$/;
/** A full git commit SHA, which the pipeline pushes as a tag for every build (deploy.yml:319). */
export const COMMIT_SHA_TAG = /^[0-9a-f]{40}$/;

/**
 * Parses and checks an image reference. Throws an error that says what is wrong with it.
 */
export function parseImageReference(reference: string): ImageReference {
  const [nameAndTag, digest, ...extra] = reference.split('@');
  if (extra.length > 0) throw new Error(`"${reference}" has more than one "@"`);
  // The tag follows the last ":" after the last "/", so a registry port ("host:5000/repo") is not a tag.
  const lastSlash = nameAndTag.lastIndexOf('/');
  const tagColon = nameAndTag.indexOf(':', lastSlash + 1);
  const repository = tagColon < 0 ? nameAndTag : nameAndTag.slice(0, tagColon);
  const tag = tagColon < 0 ? undefined : nameAndTag.slice(tagColon + 1);

  if (!REPOSITORY.test(repository)) {
    throw new Error(`"${reference}": "${repository}" is not a valid image repository`);
  }
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw new Error(`"${reference}": digest must be sha256: followed by 64 lowercase hex digits`);
  }
  if (tag !== undefined && !TAG.test(tag)) {
    throw new Error(`"${reference}": "${tag}" is not a valid image tag`);
  }
  if (tag === undefined && digest === undefined) {
    throw new Error(`"${reference}" is not pinned: give a tag (e.g. ":1.4.2") or a digest ("@sha256:...")`);
  }
  if (tag !== undefined && digest === undefined && FLOATING_TAGS.has(tag.toLowerCase())) {
    throw new Error(
      `"${reference}" uses the floating tag "${tag}", which names whatever was pushed last: add its digest ("${tag}@sha256:...") or pin a version tag`,
    );
  }
  return { repository, tag, digest };
}

export function formatImageReference(image: ImageReference): string {
  return `${image.repository}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
}

/**
 * The version an image represents, as a label value (at most 63 characters of [A-Za-z0-9_.-], starting and
 * ending alphanumeric): the tag, else the first 12 hex digits of the digest.
 */
export function imageVersionLabel(image: ImageReference): string {
  const raw = image.tag ?? image.digest!.slice('sha256:'.length, 'sha256:'.length + 12);
  return raw.slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '') || 'unknown';
}
