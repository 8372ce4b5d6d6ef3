/**
 * The output guarantees, with real processes: `npm run synth` and `npm run set-image` killed with
 * SIGKILL at random moments of their write leave a state the next run repairs without help; two runs
 * at once do not interleave; bad input through the real entry point prints one `error:` line and no
 * stack trace. (Every single file-system call of a write, and every category of bad input, are covered
 * in-process by test/synth/output.test.ts and test/cli/bad-input.test.ts.)
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/core/repo-root';
import { listFiles, OWNERSHIP_FILE, STAGING_FOLDER } from '../../lib/synth/output';
import { copyEnvironment, copyRepository } from './support/repository-copy';

jest.setTimeout(300_000);

const RUN = join(REPO_ROOT, 'scripts', 'run.cjs');

function synth(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [RUN, 'main.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Every file of a tree, the ownership record included. */
function tree(root: string): string {
  if (!existsSync(root)) return 'absent';
  return JSON.stringify([...listFiles(root), OWNERSHIP_FILE].map((path) => [path, existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : null]));
}

/**
 * Starts `child` and kills it with SIGKILL at a random moment of its write: once the staging folder
 * appears in `out`, after a random delay up to `windowMs`. Resolves with whether it was killed.
 */
function killWhileWriting(child: ChildProcess, out: string, windowMs: number): Promise<boolean> {
  return new Promise((done) => {
    const poll = setInterval(() => {
      if (!existsSync(join(out, STAGING_FOLDER))) return;
      clearInterval(poll);
      setTimeout(() => child.kill('SIGKILL'), Math.random() * windowMs);
    }, 1);
    child.on('exit', (_status, signal) => {
      clearInterval(poll);
      done(signal === 'SIGKILL');
    });
  });
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'atomic-output-'));
  writeFileSync(join(scratch, 'old-previews.json'), JSON.stringify([{ name: 'alpha' }, { name: 'beta' }]));
  writeFileSync(join(scratch, 'new-previews.json'), JSON.stringify([{ name: 'beta' }, { name: 'gamma' }, { name: 'delta' }]));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run synth killed with SIGKILL while writing', () => {
  test('leaves a marked tree (or the old or new one whole), and the next run writes the new one whole', async () => {
    const reference = (name: string) => {
      const out = join(scratch, `reference-${name}`);
      expect(synth(['--quiet', '--out', out, '--previews', join(scratch, `${name}-previews.json`)]).status).toBe(0);
      return tree(out);
    };
    const [oldTree, newTree] = [reference('old'), reference('new')];
    const states: string[] = [];
    // Until two kills hit the write itself (twelve runs at most): a loaded machine shifts the timing.
    for (let run = 0; run < 12 && states.filter((state) => state === 'marked').length < 2; run++) {
      const out = join(scratch, `killed-${run}`);
      cpSync(join(scratch, 'reference-old'), out, { recursive: true });
      const child = spawn(process.execPath, [RUN, 'main.ts', '--quiet', '--out', out, '--previews', join(scratch, 'new-previews.json')], { cwd: REPO_ROOT, stdio: 'ignore' });
      const killed = await killWhileWriting(child, out, 40);
      const now = tree(out);
      // A staging folder left behind marks the tree for repair, whatever part of it was already renamed.
      const state = !killed ? 'finished' : existsSync(join(out, STAGING_FOLDER)) ? 'marked' : now === oldTree ? 'old' : now === newTree ? 'new' : 'unmarked';
      states.push(state);
      expect({ run, state }).not.toEqual({ run, state: 'unmarked' });

      // The next run (whatever it writes) repairs first, and says so when there was something to repair.
      const next = synth(['--quiet', '--out', out, '--previews', join(scratch, 'new-previews.json')]);
      expect(next.status).toBe(0);
      if (state === 'marked') expect(next.stderr).toMatch(/^note: a run that was interrupted while writing .* left it incomplete; writing it whole again$/m);
      expect({ run, state, repaired: tree(out) === newTree }).toEqual({ run, state, repaired: true });
      expect(readdirSync(out)).not.toContain(STAGING_FOLDER);
    }
    // The kills hit the write itself, not only the time before or after it.
    expect(states).toContain('marked');
  });
});

describe('npm run set-image killed with SIGKILL while writing', () => {
  test('the images file and dist/ agree after the next run, whichever moment the kill hit', async () => {
    const copy = copyRepository(join(scratch, 'set-image-repo'));
    const images = join(copy, 'environments', 'images', 'dev.json');
    const npm = (args: string[]) => spawnSync('npm', ['run', '-s', ...args], { cwd: copy, env: copyEnvironment(), encoding: 'utf8' });
    expect(npm(['diff', '--', '--against', 'disk', '--exit-code']).status).toBe(0);
    const kinds = new Set<string>();
    for (let run = 0; run < 5; run++) {
      const before = readFileSync(images, 'utf8');
      const tag = `v1.0.${run + 10}@sha256:${String(run).repeat(64)}`;
      const child = spawn(process.execPath, [join(copy, 'scripts', 'run.cjs'), 'scripts/set-image.ts', '--env', 'dev', '--component', 'backend', '--tag', tag], { cwd: copy, env: copyEnvironment(), stdio: 'ignore' });
      const killed = await killWhileWriting(child, join(copy, 'dist'), 30);
      const after = readFileSync(images, 'utf8');
      kinds.add(!killed ? 'finished' : after === before ? 'edit not landed' : 'edit landed');
      // The next run repairs: dist/ is then exactly the synthesis of the images file as it is.
      expect(npm(['synth', '--', '--quiet']).status).toBe(0);
      expect(npm(['diff', '--', '--against', 'disk', '--exit-code']).status).toBe(0);
      expect(readdirSync(join(copy, 'environments', 'images')).filter((file) => file.startsWith('.'))).toEqual([]);
      expect(existsSync(join(copy, 'dist', STAGING_FOLDER))).toBe(false);
    }
    expect([...kinds].some((kind) => kind.startsWith('edit'))).toBe(true);
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
    expect(runs.filter(({ stderr }) => /waiting for another run to finish \((pid \d+, "npm run synth"|another run)/.test(stderr))).toHaveLength(1);
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
