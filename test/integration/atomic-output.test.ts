/**
 * The output guarantees, with real processes: `npm run synth` killed with SIGKILL at many points of its
 * write leaves the old tree or the new one (or, between the two renames of the swap, no tree and a
 * journal that the next run completes); two runs at once do not interleave; bad input through the real
 * entry point prints one `error:` line and no stack trace. (Every single operation of a write, and
 * every category of bad input, are covered in-process by test/synth/output.test.ts and
 * test/cli/bad-input.test.ts.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/core/repo-root';
import { journalFileFor, listFiles, OWNERSHIP_FILE } from '../../lib/synth/output';
import { copyEnvironment, copyRepository } from './support/repository-copy';

const RUN = join(REPO_ROOT, 'scripts', 'run.cjs');

function synth(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [RUN, 'main.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Every file of a tree, the ownership record included. */
function tree(root: string): string {
  if (!existsSync(root)) return 'absent';
  return JSON.stringify([...listFiles(root), OWNERSHIP_FILE].map((path) => [path, existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : null]));
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'atomic-output-'));
  writeFileSync(join(scratch, 'old-previews.json'), JSON.stringify([{ name: 'alpha' }, { name: 'beta' }]));
  writeFileSync(join(scratch, 'new-previews.json'), JSON.stringify([{ name: 'beta' }, { name: 'gamma' }, { name: 'delta' }]));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run synth killed with SIGKILL while writing', () => {
  test('leaves the old tree or the new one, and the next run finishes the job', () => {
    const reference = (name: string) => {
      const out = join(scratch, `reference-${name}`);
      expect(synth(['--quiet', '--out', out, '--previews', join(scratch, `${name}-previews.json`)]).status).toBe(0);
      return tree(out);
    };
    const [oldTree, newTree] = [reference('old'), reference('new')];
    const files = listFiles(join(scratch, 'reference-new')).length;
    // Operations of a write (lib/synth/output.ts): journal, mkdir, one per file, the ownership record,
    // journal, rename aside, rename into place, remove the old tree, journal. Early, middle and every
    // operation of the swap.
    const points = [1, 2, 3, Math.floor(files / 2), files + 1, files + 2, files + 3, files + 4, files + 5, files + 6, files + 7, files + 8];
    const seen = new Map<number, string>();
    for (const point of points) {
      const out = join(scratch, `killed-${point}`);
      cpSync(join(scratch, 'reference-old'), out, { recursive: true });
      const killed = synth(['--quiet', '--out', out, '--previews', join(scratch, 'new-previews.json')], { CO2_TEST_KILL_AFTER_OPERATIONS: String(point) });
      expect({ point, signal: killed.signal }).toEqual({ point, signal: 'SIGKILL' });
      const now = tree(out);
      const state = now === oldTree ? 'old' : now === newTree ? 'new' : now === 'absent' ? 'absent' : 'mixed';
      seen.set(point, state);
      expect({ point, state }).not.toEqual({ point, state: 'mixed' });
      if (state === 'absent') expect(JSON.parse(readFileSync(journalFileFor(out), 'utf8')).phase).toBe('swapping');

      // The next run (whatever it writes) first finishes or undoes the killed one, and says so; after
      // the last operation (the journal removed) there is nothing left to finish.
      const next = synth(['--quiet', '--out', out, '--previews', join(scratch, 'new-previews.json')]);
      expect(next.status).toBe(0);
      if (point < files + 8) expect(next.stderr).toMatch(/^note: (undid|completed) an interrupted write of pid \d+/m);
      else expect(next.stderr).not.toMatch(/interrupted write/);
      expect(tree(out)).toBe(newTree);
      expect(readdirSync(scratch).filter((entry) => entry.startsWith(`.killed-${point}.`))).toEqual([]);
    }
    // Both outcomes happened: early kills kept the old tree, kills during the swap completed the new one.
    expect(new Set(seen.values())).toEqual(new Set(['old', 'new', 'absent']));
  });
});

describe('two runs at once', () => {
  test('do not interleave: the second waits for the first, and the tree is whole', async () => {
    const out = join(scratch, 'concurrent');
    const start = () =>
      new Promise<{ status: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, [RUN, 'main.ts', '--quiet', '--out', out], { cwd: REPO_ROOT });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('exit', (status) => done({ status, stderr }));
      });
    const runs = await Promise.all([start(), start()]);
    expect(runs.map(({ status }) => status)).toEqual([0, 0]);
    expect(runs.filter(({ stderr }) => /waiting for another run to finish \(pid \d+ on .*"npm run synth"/.test(stderr))).toHaveLength(1);
    expect(listFiles(out)).toEqual(listFiles(join(REPO_ROOT, 'dist')));
  });
});

describe('bad input through the real entry points', () => {
  test.each([
    ['synth with an unknown flag', ['main.ts', '--bogus'], {}, 2, "error: Unknown option '--bogus'"],
    ['synth with a corrupt preview list', ['main.ts', '--previews', '<scratch>/corrupt.json', '--out', '<scratch>/never'], {}, 1, 'corrupt.json:1:2: not valid JSON'],
    ['synth without the shared reference data', ['main.ts', '--out', '<scratch>/never'], { K8S_SCHEMA_DIRECTORY: '/nonexistent' }, 1, 'error: the Kubernetes 1.29 schemas are missing'],
    ['diff against a missing folder', ['scripts/diff.ts', '--dist', '<scratch>/nowhere'], {}, 2, 'nowhere: no such folder'],
    ['set-image with a floating tag', ['scripts/set-image.ts', '--env', 'dev', '--component', 'backend', '--tag', 'latest'], {}, 1, 'floating tag "latest"'],
  ])('%s', (_name, args, env, exitCode, message) => {
    writeFileSync(join(scratch, 'corrupt.json'), '[');
    const before = tree(join(REPO_ROOT, 'dist')) + readdirSync(join(REPO_ROOT, 'environments', 'images')).map((file) => readFileSync(join(REPO_ROOT, 'environments', 'images', file), 'utf8')).join();
    const run = spawnSync(process.execPath, [RUN, ...args.map((arg) => arg.replace('<scratch>', scratch))], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
    expect(run.status).toBe(exitCode);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr.trim().split('\n').filter((line) => line.startsWith('error:'))).toHaveLength(1);
    expect(existsSync(join(scratch, 'never'))).toBe(false);
    expect(tree(join(REPO_ROOT, 'dist')) + readdirSync(join(REPO_ROOT, 'environments', 'images')).map((file) => readFileSync(join(REPO_ROOT, 'environments', 'images', file), 'utf8')).join()).toBe(before);
  });
});

describe('a reader that goes away (npm run synth | head -1)', () => {
  test('does not turn a finished write into a failure or a stack trace', async () => {
    const out = join(scratch, 'closed-stdout');
    const child = spawn(process.execPath, [RUN, 'main.ts', '--out', out], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // The read end closes before the command prints: every line it prints then meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const status = await new Promise((done) => child.on('exit', done));
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(listFiles(out)).toEqual(listFiles(join(REPO_ROOT, 'dist')));
  });
});

describe('a syntax error in environments/*.ts', () => {
  test('is one error line naming the file, line and column, exit 1, nothing written', () => {
    const copy = copyRepository(join(scratch, 'syntax-error-repo'));
    writeFileSync(join(copy, 'environments', 'dev.ts'), `${readFileSync(join(copy, 'environments', 'dev.ts'), 'utf8')}export const broken = ;\n`);
    const before = tree(join(copy, 'dist'));
    const run = spawnSync(process.execPath, [join(copy, 'scripts', 'run.cjs'), 'main.ts'], { cwd: copy, encoding: 'utf8', env: copyEnvironment() });
    const lines = readFileSync(join(copy, 'environments', 'dev.ts'), 'utf8').split('\n').length - 1;
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 1, stderr: `error: environments/dev.ts:${lines}:23: Unexpected ";"\n` });
    expect(tree(join(copy, 'dist'))).toBe(before);
  });
});
