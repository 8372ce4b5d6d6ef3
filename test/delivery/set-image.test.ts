import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { planImageChange, SetImageError, SetImageRequest, withVersion } from '../../lib/delivery/set-image';

/** Plans the change and writes the file, as the command does (with dist/, see lib/cli/write-output.ts). */
function setImage(request: SetImageRequest) {
  const change = planImageChange(request);
  if (change.changed) writeFileSync(change.file, change.content);
  return change;
}

const IMAGES = resolve(__dirname, '..', '..', 'environments', 'images');
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const OTHER_DIGEST = `sha256:${'fedcba9876543210'.repeat(4)}`;
const BACKEND = 'quay-its.epfl.ch/svc1751/backend';
const SHA = 'e81d480525a229f55ecb6dd1d520bc0f6984baac';

describe('setting an image', () => {
  let imagesDir: string;
  /** Every file of the copy, to check what a call changed. */
  const contents = () => Object.fromEntries(readdirSync(imagesDir).map((file) => [file, readFileSync(join(imagesDir, file), 'utf8')]));
  let original: Record<string, string>;

  beforeEach(() => {
    imagesDir = join(mkdtempSync(join(tmpdir(), 'set-image-')), 'images');
    cpSync(IMAGES, imagesDir, { recursive: true });
    original = contents();
  });
  afterEach(() => rmSync(resolve(imagesDir, '..'), { recursive: true, force: true }));

  test('a tag changes that one line of that one file, keeping key order, indentation and final newline', () => {
    const before = JSON.parse(original['staging.json']).backend;
    const change = setImage({ imagesDir, environment: 'staging', component: 'backend', version: '1.4.3' });
    expect(change).toMatchObject({ file: join(imagesDir, 'staging.json'), before, after: `${BACKEND}:1.4.3`, changed: true });
    expect(contents()).toEqual({ ...original, 'staging.json': original['staging.json'].replace(before, `${BACKEND}:1.4.3`) });
  });

  test('a digest replaces the tag; a tag then replaces the digest; both can be given together', () => {
    const set = (version: string) => setImage({ imagesDir, environment: 'prod', component: 'backend', version }).after;
    expect(set(DIGEST)).toBe(`${BACKEND}@${DIGEST}`);
    expect(set(OTHER_DIGEST)).toBe(`${BACKEND}@${OTHER_DIGEST}`);
    expect(set('1.4.3')).toBe(`${BACKEND}:1.4.3`);
    expect(set(`1.4.4@${DIGEST}`)).toBe(`${BACKEND}:1.4.4@${DIGEST}`);
    expect(JSON.parse(contents()['prod.json'])).toEqual({ ...JSON.parse(original['prod.json']), backend: `${BACKEND}:1.4.4@${DIGEST}` });
  });

  test('the same version again leaves the file untouched', () => {
    const version = JSON.parse(original['prod.json']).docs.replace(/^.*\/docs:/, ''); // v1.0.7@sha256:...
    const change = setImage({ imagesDir, environment: 'prod', component: 'docs', version });
    expect(change.changed).toBe(false);
    expect(contents()).toEqual(original);
  });

  test.each([
    [`v1.0.8@${DIGEST}`, `${BACKEND}:v1.0.8@${DIGEST}`],
    ['v1.0.8', `${BACKEND}:v1.0.8`],
    [`${SHA}@${DIGEST}`, `${BACKEND}:${SHA}@${DIGEST}`],
    [SHA, `${BACKEND}:${SHA}`],
    [`dev@${DIGEST}`, `${BACKEND}:dev@${DIGEST}`],
    [`stage@${DIGEST}`, `${BACKEND}:stage@${DIGEST}`],
  ])('the pipeline\'s tags are accepted: %s', (version, after) => {
    expect(setImage({ imagesDir, environment: 'staging', component: 'backend', version }).after).toBe(after);
    expect(JSON.parse(contents()['staging.json']).backend).toBe(after);
  });

  test.each([
    ['latest', 'uses the floating tag "latest"'],
    ['main', 'uses the floating tag "main"'],
    // The pipeline's branch tags name whatever that branch pushed last: only with their digest.
    ['dev', 'uses the floating tag "dev", which names whatever was pushed last: add its digest ("dev@sha256:...")'],
    ['stage', 'uses the floating tag "stage", which names whatever was pushed last: add its digest ("stage@sha256:...")'],
    ['develop', 'uses the floating tag "develop"'],
    ['test', 'uses the floating tag "test"'],
    ['sha256:abc', 'digest must be sha256: followed by 64 lowercase hex digits'],
    ['1.4.3@sha256:abc', 'digest must be sha256: followed by 64 lowercase hex digits'],
    ['-1.4', 'is not a valid image tag'],
    ['x/y', '"x/y"'],
    [`1.0@${DIGEST}@${DIGEST}`, 'is not a tag, a digest'],
    ['', 'is not pinned'],
  ])('"%s" is refused, and nothing is written', (version, message) => {
    expect(() => setImage({ imagesDir, environment: 'dev', component: 'backend', version })).toThrow(SetImageError);
    expect(() => setImage({ imagesDir, environment: 'dev', component: 'backend', version })).toThrow(message);
    expect(contents()).toEqual(original);
  });

  test('an unknown environment or component is refused with the valid ones', () => {
    const environments = readdirSync(imagesDir).filter((f) => f.endsWith('.json')).map((f) => `"${f.slice(0, -'.json'.length)}"`).sort();
    expect(() => setImage({ imagesDir, environment: 'qa', component: 'backend', version: '1.0.0' })).toThrow(
      `unknown environment "qa": valid environments are ${environments.join(', ')}`,
    );
    expect(() => setImage({ imagesDir, environment: 'dev', component: 'worker', version: '1.0.0' })).toThrow(
      'unknown component "worker" in ' + join(imagesDir, 'dev.json') + ': valid components are "frontend", "backend", "docs"',
    );
    expect(contents()).toEqual(original);
  });
});

describe('replacing the version of a reference', () => {
  test('keeps a registry port, which is not a tag', () => {
    expect(withVersion('registry.local:5000/team/backend:1.0', '1.1')).toBe('registry.local:5000/team/backend:1.1');
    expect(withVersion(`registry.local:5000/team/backend:1.0@${DIGEST}`, OTHER_DIGEST)).toBe(`registry.local:5000/team/backend@${OTHER_DIGEST}`);
  });
});
