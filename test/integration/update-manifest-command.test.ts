/**
 * `npm run update-manifest`, run for real as .github/workflows/update-manifest.yml runs it, in a copy of this repository (its
 * own environments/, dist/ and caches; node_modules linked package by package, so the compiled copy
 * and the write lock live in the copy and it finds the copy as its repository root).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagesFile } from '../../environments';
import { parseImageReference } from '../../lib/core/image';
import { listFiles } from '../../lib/synth/output';
import { copyEnvironment, copyRepository, REPO } from './support/repository-copy';

const EVENTS = join(REPO, 'test', 'delivery', 'dispatch-events');
jest.setTimeout(120_000);

let copy: string;
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'update-manifest-'));
  copy = copyRepository(join(scratch, 'repo'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file under a folder of the copy, with its bytes. */
function tree(folder: string): Map<string, string> {
  const root = join(copy, folder);
  const files = [...listFiles(root), ...(folder === 'dist' ? ['.synth-files'] : [])];
  return new Map(files.map((path) => [path, readFileSync(join(root, path), 'latin1')]));
}
const changedFiles = (before: Map<string, string>, after: Map<string, string>) =>
  [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path)).sort();

function run(args: string[]) {
  const result = spawnSync('npm', ['run', '-s', 'update-manifest', '--', ...args], { cwd: copy, env: copyEnvironment(), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a dispatch that must be refused: exit 1, one error line, and not a byte changed. */
function expectRefused(args: string[], message: string) {
  const environments = tree('environments');
  const dist = tree('dist');
  const messageFile = join(scratch, 'commit-message');
  writeFileSync(messageFile, 'left over from an earlier run');
  const result = run([...args, '--message-file', messageFile]);
  expect(result.stderr).toBe(`error: ${message}\n`);
  expect(result.status).toBe(1);
  expect(changedFiles(environments, tree('environments'))).toEqual([]);
  expect(changedFiles(dist, tree('dist'))).toEqual([]);
  expect(readFileSync(messageFile, 'utf8')).toBe('left over from an earlier run');
}

/** A fixture event changed by `edit`, written to the scratch folder. */
function eventFile(fixture: string, edit: (event: any) => void): string {
  const event = JSON.parse(readFileSync(join(EVENTS, fixture), 'utf8'));
  edit(event);
  const file = join(scratch, `edited-${fixture}`);
  writeFileSync(file, JSON.stringify(event, null, 2));
  return file;
}

describe('npm run update-manifest', () => {
  test('a malformed digest is refused, and environments/ and dist/ stay byte for byte as they were', () => {
    const file = eventFile('v3.0.7-dev.json', (event) => (event.client_payload.images[0].digest = 'sha256:0123'));
    expectRefused(['--event', file], 'client_payload.images[0].digest: "sha256:0123" (quay-its.epfl.ch/svc1751/frontend) is not sha256: followed by 64 lowercase hex digits');
  });

  test('a file that is not JSON is refused with its line and column', () => {
    // The trailing comma of the action's README example (README.md:505 at v3.0.7).
    const file = join(scratch, 'not-json.json');
    writeFileSync(file, '{\n  "action": "update-manifest",\n  "client_payload": { "branch": "dev", }\n}\n');
    expectRefused(['--event', file], `${file}:3:40: not valid JSON: Expected double-quoted property name`);
  });

  test('an event without client_payload is refused', () => {
    const file = eventFile('v3.0.7-dev.json', (event) => delete event.client_payload);
    expectRefused(['--event', file], `${file}: the event has no client_payload: give the repository_dispatch event GitHub writes to $GITHUB_EVENT_PATH, with the pipeline's payload under "client_payload"`);
  });

  test('a failing synthesis writes neither the images file nor dist/', () => {
    const previews = join(copy, 'environments', 'previews.json');
    const original = readFileSync(previews, 'utf8');
    writeFileSync(previews, JSON.stringify([{ name: 'broken', images: { backend: 'quay-its.epfl.ch/svc1751/backend:latest' } }]));
    try {
      expectRefused(
        ['--event', join(EVENTS, 'v3.0.7-dev.json')],
        'environment "preview-broken": images.backend: "quay-its.epfl.ch/svc1751/backend:latest" uses the floating tag "latest", which names whatever was pushed last: add its digest ("latest@sha256:...") or pin a version tag',
      );
    } finally {
      writeFileSync(previews, original);
    }
  });

  test('a bad command line exits 2 with the usage', () => {
    const result = run([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('error: missing --event\nusage: npm run update-manifest -- --event <repository_dispatch event file> [--message-file <file>]\n');
  });

  test('a "test" dispatch says so, changes nothing and exits 0', () => {
    const environments = tree('environments');
    const result = run(['--event', join(EVENTS, 'v3.0.7-test.json')]);
    expect(result).toEqual({ status: 0, stderr: '', stdout: 'branch "test" deploys no environment of this repository (dev -> dev, stage -> staging, prod -> prod): nothing changed\n' });
    expect(changedFiles(environments, tree('environments'))).toEqual([]);
  });

  test('a dev dispatch pins dev to the pushed digests, re-synthesizes dist/ and writes the commit message', () => {
    const event = JSON.parse(readFileSync(join(EVENTS, 'v3.0.7-dev.json'), 'utf8'));
    const environments = tree('environments');
    const dist = tree('dist');
    const messageFile = join(scratch, 'commit-message');
    const result = run(['--event', join(EVENTS, 'v3.0.7-dev.json'), '--message-file', messageFile]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    expect(changedFiles(environments, tree('environments'))).toEqual(['images/dev.json']);
    const dev = JSON.parse(readFileSync(join(copy, imagesFile('dev')), 'utf8'));
    for (const image of event.client_payload.images) {
      expect(dev[image.name.split('/').pop()]).toBe(`${image.name}:${event.client_payload.source_sha}@${image.digest}`);
    }
    expect(Object.values(dev).every((reference) => parseImageReference(reference as string).digest)).toBe(true);

    const distChanges = changedFiles(dist, tree('dist'));
    expect(distChanges).toContain('dev/deployment-backend.yaml');
    expect(distChanges.filter((path) => !/^(dev|preview-[^/]+)\//.test(path) && path !== 'README.md')).toEqual([]);
    expect(readFileSync(join(copy, 'dist', 'dev', 'deployment-backend.yaml'), 'utf8')).toContain(`image: ${dev.backend}\n`);

    const message = readFileSync(messageFile, 'utf8');
    expect(message.split('\n').slice(0, 5)).toEqual([
      'chore(manifest): update epfl/co2-calculator (dev) to 5a1f0c3',
      '',
      'Environment: dev (dispatch branch "dev")',
      'Source: EPFL-ENAC/co2-calculator',
      'Commit: 5a1f0c3d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49',
    ]);
    expect(result.stdout).toContain(`environments/images/dev.json backend: ${JSON.parse(environments.get('images/dev.json')!).backend} -> ${dev.backend}\n`);
    expect(result.stdout).toContain(`\nwrote dist (${distChanges.length} files changed)\n`);
    expect(result.stdout).toContain(`commit message:\n  ${message.split('\n')[0]}\n`);

    // dist/ is exactly what synthesis writes from the new images file.
    const diff = spawnSync('npm', ['run', '-s', 'diff', '--', '--against', 'disk', '--exit-code'], { cwd: copy, env: copyEnvironment(), encoding: 'utf8' });
    expect(diff.stdout).toContain('dist/ matches the synthesis');
    expect(diff.status).toBe(0);

    // The same dispatch again (a re-run of the workflow) has nothing left to do.
    const again = run(['--event', join(EVENTS, 'v3.0.7-dev.json'), '--message-file', messageFile]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^environments\/images\/dev\.json frontend: already .*, unchanged\n/);
    // Nothing changed, so nothing is written: the message file is as the first run left it.
    expect(readFileSync(messageFile, 'utf8')).toBe(message);
  });
});
