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
import { ManifestUpdate, ManifestUpdateError, parseDispatchEvent, planManifestUpdate, wrapLine } from '../../lib/delivery/update-manifest';
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
const plan = (value: unknown) => planManifestUpdate(payloadOf(value), PIPELINE, currentImages);
const update = (value: unknown) => {
  const result = plan(value);
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
    expect(result.createPullRequest).toBe(false);
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
        'Triggered by: jdoe-epfl',
        'Images (environments/images/staging.json):',
        ...['frontend', 'backend', 'docs'].flatMap((component) => [
          `  ${component}: quay-its.epfl.ch/svc1751/${component}`,
          `    from ${short(current('staging')[component])}`,
          `    to   ${short(after[component])}`,
        ]),
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

  test('create_pull_request is passed on', () => {
    expect(update(event('v3.0.7-prod.json', (e) => (e.client_payload.create_pull_request = true))).createPullRequest).toBe(true);
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
    const result = update(event('readme-image-key-prod.json'));
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
    ['a dispatch for another application', 'v3.0.7-dev.json', (e: any) => (e.client_payload.repo_name = 'other-app'), 'the dispatch is for epfl/other-app, but this repository deploys epfl/co2-calculator'],
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
    ['a triggered_by with a line break', 'v3.0.7-dev.json', (e: any) => (e.client_payload.triggered_by = 'jdoe\nSigned-off-by: x'), 'client_payload.triggered_by: must be a single word'],
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

describe('the branch map (environments/pipeline.ts)', () => {
  test('every branch deploys an environment of environments/, and no two the same one', () => {
    const names = ENVIRONMENTS.map(({ name }) => name as string);
    const targets = Object.values(PIPELINE.branches).map(({ environment }) => environment);
    expect(targets.filter((environment) => !names.includes(environment))).toEqual([]);
    expect(new Set(targets).size).toBe(targets.length);
  });
});
