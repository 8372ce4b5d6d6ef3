/**
 * Two writers at once, as real processes in a copy of the repository: two `set-image` runs on one
 * environment, and a `set-image` beside an `update-manifest`, each changing a different image of dev.
 * Both edits must land, whichever run goes first. The test holds the write lock itself until both runs
 * are waiting for it, so both start from the same images file: a command that read the file before
 * taking the lock would then overwrite the other's edit every time, not only when timing is unlucky.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lock } from 'proper-lockfile';
import { imagesFile } from '../../environments';
import { lockFileOf } from '../../lib/cli/context';
import { copyEnvironment, copyRepository, REPO } from './support/repository-copy';

jest.setTimeout(180_000);

const DIGEST = (digit: string) => `sha256:${digit.repeat(64)}`;

let scratch: string;
let copy: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'concurrent-writers-'));
  copy = copyRepository(join(scratch, 'repo'));
  // Builds the copy's bundle once, so the races below do not wait on esbuild.
  expect(spawnSync('npm', ['run', '-s', 'diff', '--', '--against', 'disk'], { cwd: copy, env: copyEnvironment(), encoding: 'utf8' }).status).toBe(0);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const images = () => JSON.parse(readFileSync(join(copy, imagesFile('dev')), 'utf8')) as Record<string, string>;

interface Run {
  readonly child: ChildProcess;
  readonly waiting: Promise<void>;
  readonly done: Promise<{ status: number | null; stdout: string; stderr: string }>;
}

function start(script: string, args: string[]): Run {
  const child = spawn('npm', ['run', '-s', script, '--', ...args], { cwd: copy, env: copyEnvironment() });
  let stdout = '';
  let stderr = '';
  let told: () => void;
  const waiting = new Promise<void>((resolve) => (told = resolve));
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.includes('waiting for another run to finish')) told();
  });
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
  return { child, waiting, done };
}

/** Holds the lock (as this test process, with proper-lockfile as the commands do) until every run waits for it, then lets them go. */
async function race(runs: Run[]) {
  const lockFile = lockFileOf(copy);
  mkdirSync(dirname(lockFile), { recursive: true });
  const release = await lock(lockFile, { lockfilePath: lockFile, realpath: false });
  await Promise.all(runs.map((run) => run.waiting));
  await release();
  return Promise.all(runs.map((run) => run.done));
}

describe('two writers on one environment', () => {
  test('two set-image runs: both edits land', async () => {
    const before = images();
    const results = await race([
      start('set-image', ['--env', 'dev', '--component', 'backend', '--tag', `v1.0.8@${DIGEST('1')}`]),
      start('set-image', ['--env', 'dev', '--component', 'frontend', '--tag', `v1.0.8@${DIGEST('2')}`]),
    ]);
    expect(results.map(({ status, stderr }) => ({ status, stderr: stderr.replace(/^waiting for another run.*\n/gm, '') }))).toEqual([
      { status: 0, stderr: '' },
      { status: 0, stderr: '' },
    ]);
    expect(images()).toEqual({
      ...before,
      backend: `quay-its.epfl.ch/svc1751/backend:v1.0.8@${DIGEST('1')}`,
      frontend: `quay-its.epfl.ch/svc1751/frontend:v1.0.8@${DIGEST('2')}`,
    });
    const diff = spawnSync('npm', ['run', '-s', 'diff', '--', '--against', 'disk', '--exit-code'], { cwd: copy, env: copyEnvironment(), encoding: 'utf8' });
    expect(diff.status).toBe(0);
  });

  test('set-image beside update-manifest: both edits land', async () => {
    const before = images();
    const event = JSON.parse(readFileSync(join(REPO, 'test', 'delivery', 'dispatch-events', 'v3.0.7-dev.json'), 'utf8'));
    event.client_payload.images = event.client_payload.images.filter((image: { name: string }) => image.name.endsWith('/frontend'));
    const eventFile = join(scratch, 'frontend-only.json');
    writeFileSync(eventFile, JSON.stringify(event));
    const results = await race([
      start('update-manifest', ['--event', eventFile]),
      start('set-image', ['--env', 'dev', '--component', 'docs', '--tag', `v1.0.9@${DIGEST('3')}`]),
    ]);
    expect(results.map(({ status }) => status)).toEqual([0, 0]);
    const { source_sha: sha, images: [frontend] } = event.client_payload;
    expect(images()).toEqual({
      ...before,
      frontend: `${frontend.name}:${sha}@${frontend.digest}`,
      docs: `quay-its.epfl.ch/svc1751/docs:v1.0.9@${DIGEST('3')}`,
    });
    const diff = spawnSync('npm', ['run', '-s', 'diff', '--', '--against', 'disk', '--exit-code'], { cwd: copy, env: copyEnvironment(), encoding: 'utf8' });
    expect(diff.status).toBe(0);
  });
});
