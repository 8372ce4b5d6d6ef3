/**
 * npm run update-manifest, planned in memory: dispatches shaped as the build pipeline sends them
 * (test/delivery/dispatch-events, see its README for the source lines) against the current
 * environments/images files. The command itself, run for real, is in update-manifest-command.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS, imagesFile, loadProject } from '../../environments';
import { PIPELINE } from '../../environments/pipeline';
import { parseImageReference } from '../../lib/core/image';
import { diskFiles, withEdits } from '../../lib/config/project-files';
import { checkPipeline, DispatchPayload, ManifestUpdate, ManifestUpdateError, parseDispatchEvent, PipelineConfigError, planManifestUpdate, wrapLine } from '../../lib/delivery/update-manifest';
import { synthesizeAll } from '../../lib/synth';
import { sharedValidator, standardSynthesis } from '../support/synthesis';

const EVENTS = join(__dirname, 'dispatch-events');
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const files = diskFiles();
const currentImages = (environment: string) => ({ path: imagesFile(environment), text: files.read(imagesFile(environment)) });

/** A fixture event, optionally changed by `edit` (which gets a deep copy of it). */
function event(name: string, edit: (event: any) => void = () => {}): any {
  const value = JSON.parse(readFileSync(join(EVENTS, name), 'utf8'));
  edit(value);
  return value;
}
const payloadOf = (value: unknown) => parseDispatchEvent(value, 'event.json');
/**
 * The images files, with staging as it is after the release's commit ran there with these very
 * digests (the flow docs/delivery.md describes), for a prod dispatch that names its commit.
 */
const stagingRanTheRelease = (payload: DispatchPayload) => (environment: string) => {
  if (environment !== 'staging' || payload.branch !== 'prod' || payload.source_sha === undefined) return currentImages(environment);
  const staging = current('staging');
  for (const image of payload.images) {
    const component = Object.keys(staging).find((name) => parseImageReference(staging[name]).repository === image.name);
    if (component) staging[component] = `${image.name}:${payload.source_sha}@${image.digest}`;
  }
  return { path: imagesFile('staging'), text: JSON.stringify(staging) };
};
const plan = (value: unknown, images?: (environment: string) => { path: string; text: string }) => {
  const payload = payloadOf(value);
  return planManifestUpdate(payload, PIPELINE, images ?? stagingRanTheRelease(payload));
};
const update = (value: unknown, images?: (environment: string) => { path: string; text: string }) => {
  const result = plan(value, images);
  if (result.kind !== 'update') throw new Error(`expected an update, got ${result.lines.join('\n')}`);
  return result;
};
const current = (environment: string) => JSON.parse(currentImages(environment).text) as Record<string, string>;

describe('a dispatch of the v3 pipeline', () => {
  test.each([
    ['v3.0.7-dev.json', 'dev', 'commit'],
    ['v3.0.7-stage.json', 'staging', 'commit'],
    ['v3.0.7-prod.json', 'prod', 'release'],
  ])('%s updates exactly %s, every image pinned by its digest', (fixture, environment, tagSource) => {
    const dispatched = event(fixture);
    const payload = dispatched.client_payload;
    const result = update(dispatched);
    expect(result.environment).toBe(environment);
    expect([...result.edits.keys()]).toEqual([imagesFile(environment)]);

    const after = JSON.parse(result.edits.get(imagesFile(environment))!);
    // Key order and the repositories stay; each component gets its own image's tag and digest.
    expect(Object.keys(after)).toEqual(Object.keys(current(environment)));
    for (const image of payload.images) {
      const component = image.name.split('/').pop();
      const tag = tagSource === 'release' ? image.ref_name : payload.source_sha;
      expect(after[component]).toBe(`${image.name}:${tag}@${image.digest}`);
      expect(parseImageReference(after[component]).digest).toMatch(DIGEST);
    }
    expect(result.updates.map(({ component }) => component)).toEqual(['frontend', 'backend', 'docs']);
    // Prod is always a pull request (environments/pipeline.ts); the others as the payload asks.
    expect(result.createPullRequest).toBe(environment === 'prod');
  });

  test('dev and staging are tagged with the source commit, so the version label names the commit; prod with the release', () => {
    const dev = update(event('v3.0.7-dev.json'));
    expect(JSON.parse(dev.edits.get(imagesFile('dev'))!).backend).toMatch(/:5a1f0c3d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49@sha256:/);
    const prod = update(event('v3.0.7-prod.json'));
    expect(JSON.parse(prod.edits.get(imagesFile('prod'))!).backend).toMatch(/:v1\.0\.8@sha256:/);
  });

  test.each([
    ['v3.0.7-dev.json', 'dev'],
    ['v3.0.7-stage.json', 'staging'],
    ['v3.0.7-prod.json', 'prod'],
  ])('the synthesis with the edit of %s changes only %s in dist/ (and what shows it: previews built on dev, dist/README.md)', (fixture, environment) => {
    const result = update(event(fixture));
    const edited = synthesizeAll(loadProject(withEdits(files, result.edits)), sharedValidator());
    const before = standardSynthesis().files;
    const changed = [...edited.files].filter(([path, content]) => before.get(path) !== content).map(([path]) => path);
    expect(changed.length).toBeGreaterThan(0);
    expect([...before.keys()].sort()).toEqual([...edited.files.keys()].sort());
    const folders = new Set(changed.map((path) => path.split('/')[0]));
    // Previews run dev's images for the components they do not build (environments/preview-template.ts).
    const allowed = new Set([environment, 'README.md', ...(environment === 'dev' ? [...folders].filter((folder) => folder.startsWith('preview-')) : [])]);
    expect([...folders].filter((folder) => !allowed.has(folder))).toEqual([]);
    expect(folders.has(environment)).toBe(true);
  });

  test('the commit message names the environment, the source repository and commit, and who triggered it, in 72 columns', () => {
    const short = (reference: string) => reference.replace(/^[^:]+:/, '').replace(/(@sha256:[0-9a-f]{12})[0-9a-f]{52}$/, '$1');
    const after = JSON.parse(update(event('v3.0.7-stage.json')).edits.get(imagesFile('staging'))!);
    expect(update(event('v3.0.7-stage.json')).commitMessage).toBe(
      [
        'chore(manifest): update epfl/co2-calculator (staging) to 0b9d6c1',
        '',
        'Environment: staging (dispatch branch "stage")',
        'Source: EPFL-ENAC/co2-calculator',
        'Commit: 0b9d6c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c',
        'Triggered by (as the payload says): jdoe-epfl',
        'Images (environments/images/staging.json):',
        ...['frontend', 'backend', 'docs'].flatMap((component) => [
          `  ${component}: quay-its.epfl.ch/svc1751/${component}`,
          `    from ${short(current('staging')[component])}`,
          `    to   ${short(after[component])}`,
        ]),
        '',
        'Dispatched-by: epfl-enac-bot',
        '',
      ].join('\n'),
    );
    expect(update(event('v3.0.7-prod.json')).commitMessage.split('\n')[0]).toBe('chore(manifest): update epfl/co2-calculator (prod) to v1.0.8');
  });

  test.each(readdirSync(EVENTS).filter((file) => file.endsWith('.json')))('every line of the commit message of %s fits in 72 columns', (file) => {
    let result;
    try {
      result = plan(event(file));
    } catch {
      return; // a dispatch this repository refuses has no message
    }
    if (result.kind !== 'update') return;
    expect(result.commitMessage.split('\n').filter((line) => line.length > 72)).toEqual([]);
  });

  test('a long line is wrapped at spaces, continued two columns in; a longer word stays whole', () => {
    expect(wrapLine('Ignored: a b c', 72)).toEqual(['Ignored: a b c']);
    expect(wrapLine(`word ${'x'.repeat(80)} end`, 20)).toEqual(['word', `  ${'x'.repeat(80)}`, '  end']);
    expect(wrapLine('  one two three four', 10)).toEqual(['  one two', '    three', '    four']);
  });

  test('create_pull_request is passed on for dev and staging; prod is always a pull request, whatever the payload asks', () => {
    expect(update(event('v3.0.7-stage.json', (e) => (e.client_payload.create_pull_request = true))).createPullRequest).toBe(true);
    expect(update(event('v3.0.7-stage.json')).createPullRequest).toBe(false);
    expect(update(event('v3.0.7-prod.json', (e) => (e.client_payload.create_pull_request = false))).createPullRequest).toBe(true);
  });

  test('a "test" dispatch changes nothing and says so', () => {
    const result = plan(event('v3.0.7-test.json'));
    expect(result).toEqual({ kind: 'not-deployed', lines: ['branch "test" deploys no environment of this repository (dev -> dev, stage -> staging, prod -> prod): nothing changed'] });
  });

  test('a dispatch of images the environment does not pull (the ghcr.io copies) is ignored, with a line for each', () => {
    const result = update(event('v3.0.7-dev-ghcr.json'));
    expect(result.edits.size).toBe(0);
    expect(result.lines).toEqual([
      'ignored ghcr.io/epfl-enac/epfl/co2-calculator/frontend: dev pulls its images from quay-its.epfl.ch only',
      'ignored ghcr.io/epfl-enac/epfl/co2-calculator/backend: dev pulls its images from quay-its.epfl.ch only',
      'ignored ghcr.io/epfl-enac/epfl/co2-calculator/docs: dev pulls its images from quay-its.epfl.ch only',
      'no image of this dispatch is pulled by dev: nothing changed',
    ]);
  });

  test('in a dispatch with both registries, the quay images are applied and the ghcr ones ignored', () => {
    const ghcr = event('v3.0.7-dev-ghcr.json').client_payload.images;
    const result = update(event('v3.0.7-dev.json', (e) => e.client_payload.images.push(...ghcr)));
    expect(result.updates.map(({ component }) => component)).toEqual(['frontend', 'backend', 'docs']);
    expect(result.lines.filter((line) => line.startsWith('ignored '))).toHaveLength(3);
    expect(result.commitMessage).toContain('Ignored (dev does not pull from their registry):\n  ghcr.io/epfl-enac/epfl/co2-calculator/frontend\n');
  });

  test('a dispatch of only some images changes only those', () => {
    const result = update(event('v3.0.7-dev.json', (e) => (e.client_payload.images = e.client_payload.images.filter((image: any) => image.name.endsWith('/backend')))));
    const after = JSON.parse(result.edits.get(imagesFile('dev'))!);
    expect(after).toEqual({ ...current('dev'), backend: after.backend });
    expect(after.backend).not.toBe(current('dev').backend);
  });

  test('a dispatch of what is already deployed changes nothing', () => {
    const first = update(event('v3.0.7-dev.json'));
    const again = planManifestUpdate(payloadOf(event('v3.0.7-dev.json')), PIPELINE, (environment) => ({ path: imagesFile(environment), text: first.edits.get(imagesFile(environment))! }));
    expect(again).toMatchObject({ kind: 'update', edits: new Map(), updates: [] });
    expect((again as ManifestUpdate).lines).toHaveLength(3);
    expect((again as ManifestUpdate).lines[0]).toMatch(/^environments\/images\/dev\.json frontend: already .*, unchanged$/);
  });
});

describe('older payloads', () => {
  test('v2 (no triggered_by, source_repo, source_sha; images without registry): the digest is pinned alone, and the message still says what it can', () => {
    const dispatched = event('v2.13.0-dev.json');
    const result = update(dispatched);
    const after = JSON.parse(result.edits.get(imagesFile('dev'))!);
    for (const image of dispatched.client_payload.images) expect(after[image.name.split('/').pop()]).toBe(`${image.name}@${image.digest}`);
    expect(result.commitMessage.split('\n').slice(0, 5)).toEqual([
      'chore(manifest): update epfl/co2-calculator (dev)',
      '',
      'Environment: dev (dispatch branch "dev")',
      'Source: epfl/co2-calculator',
      'Commit: unknown (the dispatch does not name it: its sender predates',
    ]);
  });

  test('the README example\'s "image" key is read like "images"', () => {
    const result = update(event('readme-image-key-prod.json', (e) => (e.client_payload.source_sha = 'a7cd6ec671a0c74ab0fa5a8afe5754d54ae17579')));
    expect(result.environment).toBe('prod');
    expect(result.createPullRequest).toBe(true);
    expect(Object.values(JSON.parse(result.edits.get(imagesFile('prod'))!))).toEqual(
      event('readme-image-key-prod.json').client_payload.image.map((image: any) => `${image.name}:v1.0.8@${image.digest}`),
    );
  });

  test('a v1 payload without create_pull_request means a push', () => {
    expect(update(event('v2.13.0-dev.json', (e) => delete e.client_payload.create_pull_request)).createPullRequest).toBe(false);
  });
});

describe('a dispatch that is refused, with one message naming what is wrong', () => {
  const images = (e: any) => e.client_payload.images;
  test.each([
    ['a malformed digest', 'v3.0.7-dev.json', (e: any) => (images(e)[1].digest = 'sha256:abc'), 'client_payload.images[1].digest: "sha256:abc" (quay-its.epfl.ch/svc1751/backend) is not sha256: followed by 64 lowercase hex digits'],
    ['an empty digest (a push that reported none)', 'v3.0.7-dev.json', (e: any) => (images(e)[0].digest = ''), 'client_payload.images[0].digest: "" (quay-its.epfl.ch/svc1751/frontend) is not sha256:'],
    [
      'an unknown repository in a registry the environment pulls from',
      'v3.0.7-dev.json',
      (e: any) => (images(e)[2].name = 'quay-its.epfl.ch/svc1751/worker'),
      'client_payload.images[2]: unknown repository "quay-its.epfl.ch/svc1751/worker": environments/images/dev.json has quay-its.epfl.ch/svc1751/frontend (frontend), quay-its.epfl.ch/svc1751/backend (backend), quay-its.epfl.ch/svc1751/docs (docs)',
    ],
    ['a name with a tag', 'v3.0.7-dev.json', (e: any) => (images(e)[0].name = 'quay-its.epfl.ch/svc1751/frontend:dev'), 'unknown repository "quay-its.epfl.ch/svc1751/frontend:dev"'],
    ['a component listed twice', 'v3.0.7-dev.json', (e: any) => images(e).push({ ...images(e)[0] }), 'client_payload.images[3]: frontend (quay-its.epfl.ch/svc1751/frontend) is already set by client_payload.images[0]'],
    ['a registry that is not the name\'s', 'v3.0.7-dev.json', (e: any) => (images(e)[0].registry = 'ghcr.io'), 'client_payload.images[0]: its name "quay-its.epfl.ch/svc1751/frontend" is not in its registry "ghcr.io"'],
    ['a prod ref_name that is not a version', 'v3.0.7-prod.json', (e: any) => (images(e)[0].ref_name = 'main'), 'client_payload.images[0].ref_name: "main" is not a release version vX.Y.Z, which the "prod" branch deploys'],
    ['a prod pre-release', 'v3.0.7-prod.json', (e: any) => (images(e)[1].ref_name = 'v1.0.8-rc.1'), '"v1.0.8-rc.1" is not a release version vX.Y.Z'],
    ['a dispatch for another application', 'v3.0.7-dev.json', (e: any) => (e.client_payload.repo_name = 'other-app'), 'client_payload.repo_org/repo_name: "epfl/other-app" may not deploy to dev (environments/pipeline.ts allows epfl/co2-calculator)'],
    ['a sender the pipeline does not list', 'v3.0.7-prod.json', (e: any) => (e.sender.login = 'mallory'), 'sender.login: "mallory" may not deploy to prod (environments/pipeline.ts allows epfl-enac-bot)'],
    ['a sender that claims the bot only in triggered_by', 'v3.0.7-stage.json', (e: any) => Object.assign(e, { sender: { login: 'mallory' } }, { client_payload: { ...e.client_payload, triggered_by: 'epfl-enac-bot' } }), 'sender.login: "mallory" may not deploy to staging'],
    ['an event without sender', 'v3.0.7-dev.json', (e: any) => delete e.sender, 'event.json: sender.login: required field is missing'],
    ['a sender login that is no login', 'v3.0.7-dev.json', (e: any) => (e.sender.login = 'a b'), 'event.json: sender.login: "a b" is not a GitHub login'],
    ['a right-to-left override in triggered_by', 'v3.0.7-dev.json', (e: any) => (e.client_payload.triggered_by = 'jdoe\u202Egpj.exe'), 'event.json: client_payload.triggered_by: "jdoe\\u202egpj.exe" holds the control or bidirectional character U+202E'],
    ['a first-strong isolate in an image name', 'v3.0.7-dev.json', (e: any) => (images(e)[1].name = 'quay-its.epfl.ch/svc1751/\u2068backend'), 'client_payload.images[1].name: "quay-its.epfl.ch/svc1751/\\u2068backend" holds the control or bidirectional character U+2068'],
    ['a left-to-right mark in a ref_name', 'v3.0.7-prod.json', (e: any) => (images(e)[0].ref_name = 'v1.0.8\u200E'), 'client_payload.images[0].ref_name: "v1.0.8\\u200e" holds the control or bidirectional character U+200E'],
    ['a C1 control in helm_chart_name (a field nobody reads)', 'v3.0.7-dev.json', (e: any) => (e.client_payload.helm_chart_name = 'co2\u0085calc'), 'client_payload.helm_chart_name: "co2\\u0085calc" holds the control or bidirectional character U+0085'],
    ['an escape sequence in a payload key', 'v3.0.7-dev.json', (e: any) => (e.client_payload['x\u001b[31m'] = 1), 'client_payload.x\\u001b[31m: "x\\u001b[31m" holds the control or bidirectional character U+001B'],
    ['a bidirectional character in the sender', 'v3.0.7-dev.json', (e: any) => (e.sender.login = 'epfl\u202Denac-bot'), 'sender.login: "epfl\\u202denac-bot" holds the control or bidirectional character U+202D'],
    ['a prod release lower than prod runs', 'v3.0.7-prod.json', (e: any) => (images(e)[2].ref_name = 'v1.0.6'), 'client_payload.images[2].ref_name: v1.0.6 is lower than v1.0.7, which prod runs (docs); a dispatch never rolls back: use npm run rollback'],
    [
      'a prod dispatch only partly matched (an image of a registry prod does not pull)',
      'v3.0.7-prod.json',
      (e: any) => images(e).push({ name: 'ghcr.io/epfl-enac/worker', digest: `sha256:${'1'.repeat(64)}`, ref_name: 'v1.0.8', registry: 'ghcr.io', push_id: 'r1_c4' }),
      'client_payload.images[3]: ghcr.io/epfl-enac/worker is no image prod runs (it pulls from quay-its.epfl.ch) nor a copy of one this dispatch applies; a prod dispatch must account for every image it names, so nothing is applied',
    ],
    ['a prod dispatch without its source commit', 'readme-image-key-prod.json', () => {}, 'client_payload.source_sha: required field is missing: a prod dispatch must name its source commit, to compare with what staging ran'],
    ['a missing client_payload', 'v3.0.7-dev.json', (e: any) => delete e.client_payload, 'event.json: the event has no client_payload'],
    ['a null client_payload (a dispatch sent without one)', 'v3.0.7-dev.json', (e: any) => (e.client_payload = null), 'event.json: the event has no client_payload'],
    ['another event type', 'v3.0.7-dev.json', (e: any) => (e.action = 'deploy'), 'event.json: the event is a dispatch of type "deploy", not "update-manifest"'],
    ['a missing branch', 'v3.0.7-dev.json', (e: any) => delete e.client_payload.branch, 'event.json: client_payload.branch: required field is missing'],
    ['no images at all', 'v3.0.7-dev.json', (e: any) => delete e.client_payload.images, 'event.json: client_payload: must list the images under "images" (or, as older examples do, "image"), exactly once'],
    ['both images and image', 'readme-image-key-prod.json', (e: any) => (e.client_payload.images = e.client_payload.image), 'exactly once'],
    ['images that are not a list', 'v3.0.7-dev.json', (e: any) => (e.client_payload.images = 'frontend'), 'event.json: client_payload.images: Invalid input: expected array, received string'],
    ['an image without digest', 'v3.0.7-dev.json', (e: any) => delete images(e)[0].digest, 'event.json: client_payload.images[0].digest: required field is missing'],
    ['create_pull_request as a string', 'v3.0.7-dev.json', (e: any) => (e.client_payload.create_pull_request = 'true'), 'client_payload.create_pull_request: Invalid input: expected boolean, received string'],
    ['a short source_sha', 'v3.0.7-dev.json', (e: any) => (e.client_payload.source_sha = '5a1f0c3'), 'client_payload.source_sha: must be a full 40-character commit SHA'],
    ['a triggered_by with a line break', 'v3.0.7-dev.json', (e: any) => (e.client_payload.triggered_by = 'jdoe\nSigned-off-by: x'), 'client_payload.triggered_by: "jdoe\\nSigned-off-by: x" holds the control or bidirectional character U+000A'],
  ])('%s', (_name, fixture, edit, message) => {
    let thrown: unknown;
    try {
      plan(event(fixture, edit));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ManifestUpdateError);
    expect((thrown as Error).message).toContain(message);
    expect((thrown as Error).message).not.toContain('\n');
  });

  test.each([
    ['a list', [], 'event.json: must be a repository_dispatch event (a JSON object), not a list'],
    ['a string', 'update-manifest', 'not string "update-manifest"'],
  ])('an event that is %s', (_name, value, message) => {
    expect(() => payloadOf(value)).toThrow(message);
  });
});

describe('a release dispatch, against what staging ran (docs/delivery.md, "Release dispatches")', () => {
  const release = () => event('v3.0.7-prod.json');
  const sha = release().client_payload.source_sha;
  /** Staging ran the release's commit, but its backend with another digest (the tag's build is a rebuild). */
  const rebuilt = (environment: string) => {
    const images = stagingRanTheRelease(payloadOf(release()))(environment);
    return environment === 'staging' ? { ...images, text: images.text.replace(/(backend:[0-9a-f]{40}@sha256:)[0-9a-f]{64}/, `$1${'2'.repeat(64)}`) } : images;
  };

  test('the same digests staging ran: a pull request titled as any update', () => {
    const result = update(release());
    expect(result.createPullRequest).toBe(true);
    expect(result.commitMessage.split('\n')[0]).toBe('chore(manifest): update epfl/co2-calculator (prod) to v1.0.8');
    expect(result.commitMessage).not.toContain('digests differ');
  });

  test('other digests for the same commit: a pull request whose first line says so plainly, and whose body says which', () => {
    const result = update(release(), rebuilt);
    expect(result.createPullRequest).toBe(true);
    const lines = result.commitMessage.split('\n');
    expect(lines[0]).toBe(`digests differ from what staging ran for ${sha.slice(0, 12)} (prod v1.0.8)`);
    expect(lines.slice(2, 7)).toEqual([
      'digests differ from what staging ran for',
      `  ${sha}:`,
      `  backend: staging ran sha256:${'2'.repeat(12)}`,
      '    this dispatch pins sha256:00c02c4dd599',
      'The release was built again; review before merging (docs/delivery.md).',
    ]);
    expect(result.lines[0]).toBe(`digests differ from what staging ran for ${sha}: backend (a pull request says so)`);
    expect(lines.filter((line) => line.length > 72)).toEqual([]);
    // Still applied in full: the reviewer sees the very change that would run.
    expect(result.updates.map(({ component }) => component)).toEqual(['frontend', 'backend', 'docs']);
  });

  test('versions compare as numbers: v1.0.10 is above v1.0.7', () => {
    const result = update(event('v3.0.7-prod.json', (e) => e.client_payload.images.forEach((image: any) => (image.ref_name = 'v1.0.10'))));
    expect(JSON.parse(result.edits.get(imagesFile('prod'))!).backend).toMatch(/:v1\.0\.10@sha256:/);
  });

  test('the same version again (a rebuild of the tag) is not a downgrade', () => {
    expect(update(event('v3.0.7-prod.json', (e) => e.client_payload.images.forEach((image: any) => (image.ref_name = 'v1.0.7')))).updates).toHaveLength(3);
  });

  test('a copy of an applied image in another registry (same build, same digest) is accounted for', () => {
    const result = update(event('v3.0.7-prod.json', (e) => e.client_payload.images.push({ ...e.client_payload.images[0], name: 'ghcr.io/epfl-enac/frontend', registry: 'ghcr.io' })));
    expect(result.lines).toContain('ignored ghcr.io/epfl-enac/frontend: prod pulls its images from quay-its.epfl.ch only');
  });

  test('a commit staging never ran is refused outright', () => {
    const other = event('v3.0.7-prod.json', (e) => (e.client_payload.source_sha = 'f'.repeat(40)));
    expect(() => plan(other, currentImages)).toThrow(
      `client_payload.source_sha: staging never ran ${'f'.repeat(40)} for frontend (environments/images/staging.json has c123fbe16d03b9d80fc5c5c4ac9085e8d1669bb9); deploy that commit to staging first, or promote what staging runs`,
    );
  });

  test('a refused release changes nothing: no plan at all', () => {
    expect(() => plan(event('v3.0.7-prod.json', (e) => (e.client_payload.images[1].ref_name = 'v1.0.6')))).toThrow(ManifestUpdateError);
  });
});

describe('environments/pipeline.ts, checked', () => {
  const names = ENVIRONMENTS.map(({ name }) => name as string);
  test('the pipeline as it is passes', () => {
    expect(() => checkPipeline(PIPELINE, names)).not.toThrow();
  });
  test.each([
    ['an environment without deployers', (p: any) => delete p.deployers.staging, 'environments/pipeline.ts: deployers.staging: missing: branch "stage" deploys staging, so say who may'],
    ['no sender at all', (p: any) => (p.deployers.prod.senders = []), 'environments/pipeline.ts: deployers.prod.senders: must list at least one sender'],
    ['a sender that is no login', (p: any) => (p.deployers.dev.senders = ['two words']), 'environments/pipeline.ts: deployers.dev.senders.0: must be a GitHub login'],
    ['a repository without its org', (p: any) => (p.deployers.dev.repositories = ['co2-calculator']), 'environments/pipeline.ts: deployers.dev.repositories.0: must be org/name'],
    ['a typo in a rule', (p: any) => (p.deployers.prod.noDowngrad = true), 'environments/pipeline.ts: deployers.prod: unknown field "noDowngrad"'],
    ['testedIn an environment tagged by release', (p: any) => (p.deployers.dev.testedIn = 'prod'), 'environments/pipeline.ts: deployers.dev.testedIn: "prod" is not deployed by a commit-tagged branch (dev, staging)'],
    ['a branch to an unknown environment', (p: any) => { p.branches.qa = { environment: 'qa', tag: 'commit' }; p.deployers.qa = p.deployers.dev; }, 'environments/pipeline.ts: branches.qa.environment: "qa" is no environment of the project'],
  ])('%s', (_name, edit, message) => {
    const pipeline = structuredClone(PIPELINE) as any;
    edit(pipeline);
    expect(() => checkPipeline(pipeline, names)).toThrow(PipelineConfigError);
    expect(() => checkPipeline(pipeline, names)).toThrow(message);
  });
});

describe('the branch map (environments/pipeline.ts)', () => {
  test('every branch deploys an environment of environments/, and no two the same one', () => {
    const names = ENVIRONMENTS.map(({ name }) => name as string);
    const targets = Object.values(PIPELINE.branches).map(({ environment }) => environment);
    expect(targets.filter((environment) => !names.includes(environment))).toEqual([]);
    expect(new Set(targets).size).toBe(targets.length);
  });
});
