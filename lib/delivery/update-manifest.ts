/**
 * What a `repository_dispatch` of type `update-manifest` from EPFL's build pipeline changes here: the
 * pinned images of one environment. Pure: the event and the current images files in, the edits and
 * the messages out; scripts/update-manifest.ts writes them together with dist/.
 *
 * The sender is the reusable workflow of EPFL-ENAC/epfl-enac-build-push-deploy-action, which the
 * application calls at v3.0.7 (EPFL-ENAC/co2-calculator, .github/workflows/deploy.yml:24). All line
 * numbers below are of its .github/workflows/deploy.yml at the commit named.
 *
 * - **The payload** (v3.0.7 = 7e07a0fcfbb8b1a47c7af53bdae232adb3930819, lines 397-412): `repo_name`,
 *   `repo_org`, `branch`, `images`, `create_pull_request`, `helm_chart_name`, `helm_chart_version`,
 *   `triggered_by` (github.actor), `source_repo` (github.repository), `source_sha` (github.sha). The
 *   last three came in v3.0.1 (f70162ff, lines 389-392) with a fourth, `source_ref`: 11 properties,
 *   over GitHub's limit of 10 for a client_payload (the REST API's maxProperties), and curl did not
 *   --fail, so those dispatches were lost silently until v3.0.5 (1c3a6acc, commit ae280bd "remove
 *   source_ref to be under 10 properties") dropped it and added --fail. `source_ref` is therefore read
 *   if present but never relied on. v3.0.0 and older send none of them; before v2.4.0 (2728e3ec, lines
 *   187-191) not even `create_pull_request` (v1.0.0 = 7512e514, lines 164-167).
 * - **Each image** (v3.0.7, lines 329-335): `name` (the repository, without tag), `digest` (what the
 *   push reported), `ref_name` (github.ref_name: the branch, or the git tag for a release), `registry`,
 *   `push_id`. Before v3.0.0 an image had only `name`, `digest` and `ref_name` (v2.13.0 =
 *   7345645579f09663caa4c2c72ebd884a617e165e, lines 217-221). The action's README documents the
 *   list under the key `image` in one of its examples (README.md:495 at v3.0.7); no sender in its
 *   history emits that key, but a hand-made dispatch copied from that example would, so it is read
 *   the same way.
 * - **Which images a dispatch carries**: one dispatch per GitOps repository, with the images pushed to
 *   the registry that repository is listed under (lines 201-209 and 362-368). Image names are
 *   `<registry>/<registry_path>/<last folder of the build context>` (lines 139-149, 187-192), e.g.
 *   quay-its.epfl.ch/svc1751/backend. An image of a registry the environment does not pull from is
 *   ignored (a dispatch to a repository listed under two registries carries both).
 * - **Branches** (lines 370-392): a git tag deploys `prod`; the branches dev (and develop), stage and
 *   test deploy `dev`, `stage` and `test`. `PIPELINE.branches` (environments/pipeline.ts) says which
 *   environment each one is here; any other branch deploys nothing here.
 * - **Tags**: each push tags the image with the full commit SHA (line 319) and docker/metadata-action's
 *   defaults, i.e. the git tag verbatim (`v1.0.7`) for a release, the branch name for a branch (see
 *   lib/core/image.ts). The action's own receiver pins the digest and, on prod only, sets the tag
 *   from `ref_name` (README.md:469-479 at v3.0.7); so do we. Dev and staging get the commit SHA as
 *   tag (`<40 hex>@sha256:...`), not the branch name: the SHA names exactly one build, so the pods'
 *   `app.kubernetes.io/version` label tells which commit runs, where "dev" would label every build
 *   alike. A dispatch without `source_sha` (older senders) pins the digest alone.
 */
import { z } from 'zod';
import { describeIssues } from '../config/environment';
import { COMMIT_SHA_TAG, formatImageReference, parseImageReference, RELEASE_VERSION_TAG } from '../core/image';
import { parseJson } from '../config/project-files';
import { UserError } from '../core/errors';
import { formatImagesFile } from './set-image';

/** How the images of one dispatch branch are tagged: with the source commit SHA, or the release version of `ref_name`. */
export type TagSource = 'commit' | 'release';

/** Who may deploy to one environment, and the rules its dispatches follow. */
export interface EnvironmentDeployers {
  /** `client_payload.repo_org/repo_name` values that may deploy here ("org/name"). */
  readonly repositories: readonly string[];
  /** `sender.login` values (the owner of the dispatching token) that may deploy here. */
  readonly senders: readonly string[];
  /** `as-asked` (default): the payload's create_pull_request decides; `pull-request`: always a pull request. */
  readonly publish?: 'as-asked' | 'pull-request';
  /** Refuse a release version lower than the one the component runs (default false). */
  readonly noDowngrade?: boolean;
  /** Refuse a dispatch with an image that is neither applied nor a copy of an applied one (default false: ignored). */
  readonly complete?: boolean;
  /** An environment pinned by commit SHA that must run the dispatch's source commit first (default: none). */
  readonly testedIn?: string;
}

/** Where the build pipeline's dispatches go in this repository: data, in environments/pipeline.ts. */
export interface DeliveryPipeline {
  /** `client_payload.branch` -> the environment it deploys and how its images are tagged. Other branches deploy nothing here. */
  readonly branches: Readonly<Record<string, { readonly environment: string; readonly tag: TagSource }>>;
  /** Environment -> who may deploy there. An environment a branch deploys must be listed. */
  readonly deployers: Readonly<Record<string, EnvironmentDeployers>>;
}

const login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/, 'must be a GitHub login');
const pipelineSchema = z.strictObject({
  branches: z.record(z.string().min(1), z.strictObject({ environment: z.string().min(1), tag: z.enum(['commit', 'release']) })),
  deployers: z.record(
    z.string().min(1),
    z.strictObject({
      repositories: z.array(z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be org/name')).min(1, 'must list at least one repository'),
      senders: z.array(login).min(1, 'must list at least one sender'),
      publish: z.enum(['as-asked', 'pull-request']).optional(),
      noDowngrade: z.boolean().optional(),
      complete: z.boolean().optional(),
      testedIn: z.string().min(1).optional(),
    }),
  ),
});

/** A pipeline (environments/pipeline.ts) that cannot be applied; the message names the field. */
export class PipelineConfigError extends UserError {}

/**
 * environments/pipeline.ts checked beyond its type: every environment a branch deploys has its
 * deployers, and every `testedIn` names an environment that a commit-tagged branch deploys (its
 * images' tags are the source commits compared with).
 */
export function checkPipeline(pipeline: DeliveryPipeline, environments?: readonly string[]): void {
  const where = 'environments/pipeline.ts';
  const result = pipelineSchema.safeParse(pipeline);
  if (!result.success) throw new PipelineConfigError(`${where}: ${describeIssues(result.error).join('; ')}`);
  const commitTagged = Object.values(pipeline.branches).filter(({ tag }) => tag === 'commit').map(({ environment }) => environment);
  for (const [branch, { environment }] of Object.entries(pipeline.branches)) {
    if (!Object.hasOwn(pipeline.deployers, environment)) throw new PipelineConfigError(`${where}: deployers.${environment}: missing: branch "${branch}" deploys ${environment}, so say who may`);
    if (environments && !environments.includes(environment)) throw new PipelineConfigError(`${where}: branches.${branch}.environment: "${environment}" is no environment of the project (${environments.join(', ')})`);
  }
  for (const [environment, { testedIn }] of Object.entries(pipeline.deployers)) {
    if (testedIn !== undefined && !commitTagged.includes(testedIn)) {
      throw new PipelineConfigError(`${where}: deployers.${environment}.testedIn: "${testedIn}" is not deployed by a commit-tagged branch (${commitTagged.join(', ') || 'none'})`);
    }
  }
}

/** The event type the pipeline sends (deploy.yml:399 at v3.0.7), and the one the workflow listens to. */
export const DISPATCH_EVENT_TYPE = 'update-manifest';

/** A dispatch that cannot be applied; nothing was written. */
export class ManifestUpdateError extends UserError {}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** A value that ends up in a commit message: one line, no spaces (a login, owner/repo). */
const singleWord = z.string().regex(/^[^\s\x00-\x1f\x7f]+$/, 'must be a single word without spaces or control characters');

const dispatchedImage = z.object({
  name: z.string().min(1, 'must not be empty'),
  // Checked with the image's name in the message, below.
  digest: z.string(),
  ref_name: z.string().min(1, 'must not be empty'),
  registry: z.string().min(1).optional(),
  push_id: z.string().optional(),
});

/** client_payload as senders write it; fields we do not use (helm_chart_*, source_ref) are allowed and ignored. */
const clientPayload = z
  .object({
    repo_org: singleWord,
    repo_name: singleWord,
    branch: singleWord,
    images: z.array(dispatchedImage).optional(),
    image: z.array(dispatchedImage).optional(),
    create_pull_request: z.boolean().default(false),
    triggered_by: singleWord.optional(),
    source_repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/repository').optional(),
    source_sha: z.string().regex(COMMIT_SHA_TAG, 'must be a full 40-character commit SHA').optional(),
    source_ref: singleWord.optional(),
  })
  .superRefine((payload, ctx) => {
    if ((payload.images === undefined) === (payload.image === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must list the images under "images" (or, as older examples do, "image"), exactly once' });
    }
  })
  .transform(({ image, images, ...rest }) => ({ ...rest, images: (images ?? image)! }));

/** The payload as read, and the login GitHub names as the event's sender (not anything the payload claims). */
export type DispatchPayload = z.output<typeof clientPayload> & { readonly sender: string };
export type DispatchedImage = DispatchPayload['images'][number];

/**
 * Characters no payload string may hold: C0 and C1 controls (a line break forges a commit trailer),
 * and the bidirectional marks, embeddings, overrides and isolates (U+202E shows "txt.exe" as
 * "exe.txt"), which reach the commit subject and the pull request's title.
 */
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** A string as one line of plain ASCII: JSON's escapes, and \uXXXX for everything outside printable ASCII. */
export const escapeForLine = (text: string) => JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The first string (key or value) under `value` holding a forbidden character, as [path, string]. */
function findForbidden(value: unknown, path: string): [string, string] | undefined {
  if (typeof value === 'string') return FORBIDDEN_CHARACTER.test(value) ? [path, value] : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (FORBIDDEN_CHARACTER.test(key)) return [at, key];
    const found = findForbidden(inner, at);
    if (found) return found;
  }
  return undefined;
}

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`);

/**
 * The client_payload of a `repository_dispatch` event, as GitHub writes the event to $GITHUB_EVENT_PATH:
 * `{ "action": "<event_type>", "branch": ..., "client_payload": {...}, "repository": ..., "sender": ... }`
 * (the webhook's repository_dispatch payload; client_payload is null when the sender gave none).
 */
export function parseDispatchEvent(event: unknown, source: string): DispatchPayload {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new ManifestUpdateError(`${source}: must be a repository_dispatch event (a JSON object), not ${describe(event)}`);
  }
  const { action, client_payload: payload, sender } = event as { action?: unknown; client_payload?: unknown; sender?: { login?: unknown } | null };
  if (action !== undefined && action !== DISPATCH_EVENT_TYPE) {
    throw new ManifestUpdateError(`${source}: the event is a dispatch of type ${JSON.stringify(action)}, not "${DISPATCH_EVENT_TYPE}"`);
  }
  if (payload === undefined || payload === null) {
    throw new ManifestUpdateError(
      `${source}: the event has no client_payload: give the repository_dispatch event GitHub writes to $GITHUB_EVENT_PATH, ` +
        'with the pipeline\'s payload under "client_payload"',
    );
  }
  const forbidden = findForbidden(payload, 'client_payload') ?? findForbidden(sender, 'sender');
  if (forbidden) {
    const [path, text] = forbidden;
    const character = [...text].find((c) => FORBIDDEN_CHARACTER.test(c))!;
    const code = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new ManifestUpdateError(`${source}: ${escapeForLine(path).slice(1, -1)}: ${escapeForLine(text)} holds the control or bidirectional character ${code}, which no dispatch may carry`);
  }
  const login = sender !== null && typeof sender === 'object' ? sender.login : undefined;
  if (typeof login !== 'string' || !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/.test(login)) {
    throw new ManifestUpdateError(`${source}: sender.login: ${login === undefined ? 'required field is missing' : `${escapeForLine(String(login))} is not a GitHub login`} (GitHub writes the dispatching token's owner there)`);
  }
  const result = clientPayload.safeParse(payload, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required field is missing' : undefined),
  });
  if (!result.success) {
    // Paths as the other messages write them: client_payload.images[0].digest.
    const where = (path: readonly PropertyKey[]) => path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), 'client_payload');
    const issues = result.error.issues.map((issue) => ({ ...issue, path: [where(issue.path)] }));
    throw new ManifestUpdateError(`${source}: ${describeIssues(new z.ZodError(issues)).join('; ')}`);
  }
  return { ...result.data, sender: login };
}

/** The registry of an image repository: its first path segment (quay-its.epfl.ch). */
export const registryOf = (repository: string) => repository.split('/')[0];

export interface ImagesFile {
  /** Path relative to the repository: environments/images/<environment>.json. */
  readonly path: string;
  readonly text: string;
}

export interface ImageUpdate {
  readonly component: string;
  readonly before: string;
  readonly after: string;
}

interface PlanBase {
  /** What to print, one line each. */
  readonly lines: readonly string[];
}

/** A dispatch for a branch that deploys nothing here (test, a branch of another setup). */
export interface NothingToDeploy extends PlanBase {
  readonly kind: 'not-deployed';
}

export interface ManifestUpdate extends PlanBase {
  readonly kind: 'update';
  readonly environment: string;
  /** Files to write (path -> content): the environment's images file when a reference changes; empty when all were already pinned so. */
  readonly edits: ReadonlyMap<string, string>;
  readonly updates: readonly ImageUpdate[];
  /** For the commit: a subject line, a blank line, then the details. */
  readonly commitMessage: string;
  /** Whether the sender asked for a pull request rather than a push. */
  readonly createPullRequest: boolean;
}

export type ManifestUpdatePlan = NothingToDeploy | ManifestUpdate;

/**
 * What the dispatch changes. `currentImages` gives an environment's images file; every problem is a
 * ManifestUpdateError and nothing is planned.
 */
export function planManifestUpdate(payload: DispatchPayload, pipeline: DeliveryPipeline, currentImages: (environment: string) => ImagesFile): ManifestUpdatePlan {
  checkPipeline(pipeline);
  const route = Object.hasOwn(pipeline.branches, payload.branch) ? pipeline.branches[payload.branch] : undefined;
  if (!route) {
    const known = Object.entries(pipeline.branches).map(([branch, { environment }]) => `${branch} -> ${environment}`);
    return { kind: 'not-deployed', lines: [`branch "${payload.branch}" deploys no environment of this repository (${known.join(', ')}): nothing changed`] };
  }
  const { environment } = route;
  const rules = pipeline.deployers[environment];
  const repository = `${payload.repo_org}/${payload.repo_name}`;
  if (!rules.repositories.includes(repository)) {
    throw new ManifestUpdateError(`client_payload.repo_org/repo_name: "${repository}" may not deploy to ${environment} (environments/pipeline.ts allows ${rules.repositories.join(', ')})`);
  }
  if (!rules.senders.includes(payload.sender)) {
    throw new ManifestUpdateError(`sender.login: "${payload.sender}" may not deploy to ${environment} (environments/pipeline.ts allows ${rules.senders.join(', ')})`);
  }
  const file = currentImages(environment);
  const { images, current } = readPins(file);
  const pulledRegistries = [...new Set([...current.keys()].map(registryOf))].sort();

  const lines: string[] = [];
  const ignored: { index: number; image: DispatchedImage }[] = [];
  const matched: { component: string; image: DispatchedImage; field: string; before: string; after: string }[] = [];
  const seen = new Map<string, number>();
  payload.images.forEach((image, index) => {
    const field = `client_payload.images[${index}]`;
    const registry = image.registry ?? registryOf(image.name);
    if (registryOf(image.name) !== registry) {
      throw new ManifestUpdateError(`${field}: its name "${image.name}" is not in its registry "${registry}"`);
    }
    if (!pulledRegistries.includes(registry)) {
      ignored.push({ index, image });
      return;
    }
    const slot = current.get(image.name);
    if (!slot) {
      const known = [...current].map(([repository, { component }]) => `${repository} (${component})`).join(', ');
      throw new ManifestUpdateError(`${field}: unknown repository "${image.name}": ${file.path} has ${known}`);
    }
    if (seen.has(slot.component)) {
      throw new ManifestUpdateError(`${field}: ${slot.component} (${image.name}) is already set by client_payload.images[${seen.get(slot.component)}]`);
    }
    seen.set(slot.component, index);
    if (!DIGEST.test(image.digest)) {
      throw new ManifestUpdateError(`${field}.digest: ${JSON.stringify(image.digest)} (${image.name}) is not sha256: followed by 64 lowercase hex digits`);
    }
    const tag = tagFor(route.tag, payload, image, field);
    if (rules.noDowngrade) refuseDowngrade(environment, slot.component, slot.reference, tag, `${field}.ref_name`);
    let after: string;
    try {
      after = formatImageReference(parseImageReference(formatImageReference({ repository: image.name, tag, digest: image.digest })));
    } catch (error) {
      throw new ManifestUpdateError(`${field}: ${(error as Error).message}`);
    }
    matched.push({ component: slot.component, image, field, before: slot.reference, after });
  });

  // The same build copied to another registry (same last path segment, same digest) is accounted for.
  const copyOfMatched = ({ image }: { image: DispatchedImage }) =>
    matched.some((m) => m.image.digest === image.digest && m.image.name.split('/').pop() === image.name.split('/').pop());
  if (rules.complete) {
    const stray = ignored.find((entry) => !copyOfMatched(entry));
    if (stray) {
      throw new ManifestUpdateError(
        `client_payload.images[${stray.index}]: ${stray.image.name} is no image ${environment} runs (it pulls from ${pulledRegistries.join(', ')}) nor a copy of one this dispatch applies; ` +
          `a ${environment} dispatch must account for every image it names, so nothing is applied`,
      );
    }
  }
  const differs = rules.testedIn === undefined ? [] : compareWithTested(payload, environment, rules.testedIn, matched, currentImages);

  const updates: ImageUpdate[] = matched.filter(({ before, after }) => before !== after).map(({ component, before, after }) => ({ component, before, after }));
  for (const { component, before, after } of matched) if (before === after) lines.push(`${file.path} ${component}: already ${after}, unchanged`);
  for (const { image } of ignored) lines.push(`ignored ${image.name}: ${environment} pulls its images from ${pulledRegistries.join(', ')} only`);
  for (const { component, before, after } of updates) lines.push(`${file.path} ${component}: ${before} -> ${after}`);
  if (updates.length === 0 && ignored.length === payload.images.length) {
    lines.push(`no image of this dispatch is pulled by ${environment}: nothing changed`);
  }
  if (differs.length > 0) lines.unshift(`${differLine(rules.testedIn!, payload.source_sha!)}: ${differs.map(({ component }) => component).join(', ')} (a pull request says so)`);
  const edits = new Map<string, string>();
  if (updates.length > 0) {
    const updated: Record<string, unknown> = { ...images };
    for (const { component, after } of updates) updated[component] = after;
    edits.set(file.path, formatImagesFile(updated));
  }
  const publishAs = rules.publish ?? 'as-asked';
  return {
    kind: 'update',
    environment,
    edits,
    updates,
    lines,
    commitMessage: commitMessage(payload, environment, file.path, updates, ignored.map(({ image }) => image.name), differs.length > 0 ? { testedIn: rules.testedIn!, differs } : undefined),
    createPullRequest: publishAs === 'pull-request' || differs.length > 0 || payload.create_pull_request,
  };
}

/** An images file as component -> reference, and repository -> its component and reference. */
function readPins(file: ImagesFile) {
  const images = parseJson(file.text, file.path);
  if (images === null || typeof images !== 'object' || Array.isArray(images)) {
    throw new ManifestUpdateError(`${file.path}: must be a JSON object of component -> image reference`);
  }
  const current = new Map<string, { component: string; reference: string }>();
  for (const [component, reference] of Object.entries(images)) {
    if (typeof reference !== 'string') throw new ManifestUpdateError(`${file.path}: ${component} is not an image reference string`);
    current.set(parseImageReference(reference).repository, { component, reference });
  }
  return { images: images as Record<string, unknown>, current };
}

/** vX.Y.Z as numbers, or undefined for any other tag. */
const releaseVersion = (tag: string | undefined) => (tag !== undefined && RELEASE_VERSION_TAG.test(tag) ? tag.slice(1).split('.').map(Number) : undefined);

/** Refuses a release lower than the one running: a dispatch is never a rollback (npm run rollback is). */
function refuseDowngrade(environment: string, component: string, running: string, tag: string | undefined, field: string): void {
  const was = releaseVersion(parseImageReference(running).tag);
  const next = releaseVersion(tag);
  if (!was || !next) return;
  const order = next.map((part, i) => part - was[i]).find((difference) => difference !== 0) ?? 0;
  if (order < 0) {
    throw new ManifestUpdateError(
      `${field}: ${tag} is lower than v${was.join('.')}, which ${environment} runs (${component}); a dispatch never rolls back: use npm run rollback`,
    );
  }
}

export interface DigestDifference {
  readonly component: string;
  /** What the tested environment runs for the source commit, and what the dispatch pins. */
  readonly tested: string;
  readonly dispatched: string;
}

/**
 * The dispatch's source commit must be the one the tested environment (staging) runs for every
 * component it names, or the dispatch is refused; components whose digests differ are returned.
 */
function compareWithTested(
  payload: DispatchPayload,
  environment: string,
  testedIn: string,
  matched: readonly { component: string; image: DispatchedImage }[],
  currentImages: (environment: string) => ImagesFile,
): DigestDifference[] {
  if (payload.source_sha === undefined) {
    throw new ManifestUpdateError(`client_payload.source_sha: required field is missing: a ${environment} dispatch must name its source commit, to compare with what ${testedIn} ran`);
  }
  const testedFile = currentImages(testedIn);
  const tested = readPins(testedFile);
  const differs: DigestDifference[] = [];
  for (const { component, image } of matched) {
    const entry = [...tested.current.values()].find((slot) => slot.component === component);
    const ran = entry === undefined ? undefined : parseImageReference(entry.reference);
    if (ran === undefined || ran.tag !== payload.source_sha) {
      throw new ManifestUpdateError(
        `client_payload.source_sha: ${testedIn} never ran ${payload.source_sha} for ${component} (${testedFile.path} has ${ran?.tag ?? 'no such component'}); ` +
          `deploy that commit to ${testedIn} first, or promote what ${testedIn} runs`,
      );
    }
    if (ran.digest !== image.digest) differs.push({ component, tested: ran.digest ?? 'none', dispatched: image.digest });
  }
  return differs;
}

/** The first line of such a pull request, plainly; the commit's first 12 hex digits keep it within 72 columns. */
const differLine = (testedIn: string, sha: string, length = 40) => `digests differ from what ${testedIn} ran for ${sha.slice(0, length)}`;

/** The tag an image gets in the environment, by the branch's tag source (see the top of this file). */
function tagFor(source: TagSource, payload: DispatchPayload, image: DispatchedImage, field: string): string | undefined {
  if (source === 'release') {
    if (!RELEASE_VERSION_TAG.test(image.ref_name)) {
      throw new ManifestUpdateError(`${field}.ref_name: "${image.ref_name}" is not a release version vX.Y.Z, which the "${payload.branch}" branch deploys (${image.name})`);
    }
    return image.ref_name;
  }
  return payload.source_sha;
}

/** Git's convention, which `git log` and GitHub's commit view are drawn for. */
export const COMMIT_MESSAGE_WIDTH = 72;

/**
 * The commit message: what changed where, from which commit of which repository, at whose push.
 * Every line fits in 72 columns: prose is wrapped at spaces (continued two columns in), and an image
 * change is its repository, then the tag and the digest's first 12 hex digits before and after (the
 * whole references are in the images file's diff of the same commit).
 */
function commitMessage(
  payload: DispatchPayload,
  environment: string,
  file: string,
  updates: readonly ImageUpdate[],
  ignored: readonly string[],
  untested?: { readonly testedIn: string; readonly differs: readonly DigestDifference[] },
): string {
  const application = `${payload.repo_org}/${payload.repo_name}`;
  const release = updates.map(({ after }) => parseImageReference(after).tag).find((tag) => tag !== undefined && RELEASE_VERSION_TAG.test(tag));
  const version = release ?? payload.source_sha?.slice(0, 7);
  const update = `chore(manifest): update ${application} (${environment})${version ? ` to ${version}` : ''}`;
  // A pull request's title is the subject: the difference comes first, in plain words.
  const subject = untested ? `${differLine(untested.testedIn, payload.source_sha!, 12)} (${environment}${release ? ` ${release}` : ''})` : update;
  const short = (reference: string) => {
    const { tag, digest } = parseImageReference(reference);
    return [tag, digest?.slice(0, 'sha256:'.length + 12)].filter((part) => part !== undefined).join('@') || reference;
  };
  const imageLines = updates.flatMap(({ component, before, after }) => [
    `  ${component}: ${parseImageReference(after).repository}`,
    `    from ${short(before)}`,
    `    to   ${short(after)}`,
  ]);
  const digest12 = (digest: string) => digest.slice(0, 'sha256:'.length + 12);
  const body = [
    ...(untested
      ? [
          `${differLine(untested.testedIn, payload.source_sha!)}:`,
          ...untested.differs.flatMap(({ component, tested, dispatched }) => [`  ${component}: ${untested.testedIn} ran ${digest12(tested)}`, `    this dispatch pins ${digest12(dispatched)}`]),
          'The release was built again; review before merging (docs/delivery.md).',
          '',
          update,
        ]
      : []),
    `Environment: ${environment} (dispatch branch "${payload.branch}")`,
    // Repository and commit on two lines: together they pass 72 columns.
    `Source: ${payload.source_repo ?? application}`,
    payload.source_sha ? `Commit: ${payload.source_sha}` : 'Commit: unknown (the dispatch does not name it: its sender predates source_sha)',
    `Triggered by (as the payload says): ${payload.triggered_by ?? 'unknown (its sender predates triggered_by)'}`,
    ...(updates.length > 0 ? [`Images (${file}):`, ...imageLines] : [`Images (${file}): unchanged`]),
    ...(ignored.length > 0 ? [`Ignored (${environment} does not pull from their registry):`, ...ignored.map((name) => `  ${name}`)] : []),
  ];
  // The real sender (the event's sender.login), as a git trailer: `git log --format=%(trailers)` reads it.
  return `${subject}\n\n${body.flatMap((line) => wrapLine(line, COMMIT_MESSAGE_WIDTH)).join('\n')}\n\nDispatched-by: ${payload.sender}\n`;
}

/** A line broken at spaces into lines of at most `width` columns, continued two columns further in; a longer word stays whole. */
export function wrapLine(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^ */.exec(line)![0];
  const continued = `${indent}  `;
  const lines: string[] = [];
  let current = '';
  for (const word of line.trimStart().split(' ')) {
    const start = lines.length === 0 ? indent : continued;
    if (current === '') current = `${start}${word}`;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = `${continued}${word}`;
    }
  }
  lines.push(current);
  return lines;
}
