/**
 * The stamp that lets `npm run synth` skip a run with nothing to change, and `npm run diff` read dist/
 * instead of synthesizing (lib/synth/input-stamp.ts), as real processes in a copy of the repository.
 * Every kind of input and every kind of change to the output must make the next run synthesize again
 * and leave dist/ exactly as a full synthesis writes it; only a run after which nothing changed skips.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagesFile, PREVIEWS_FILE } from '../../environments';
import { listFiles } from '../../lib/synth/output';
import { STAMP_FILE } from '../../lib/synth/input-stamp';
import { copyEnvironment, copyRepository } from './support/repository-copy';

jest.setTimeout(240_000);

const SKIPPED = '(nothing it is made from changed since the last synth)';

let scratch: string;
let copy: string;
let dist: string;
/** dist/ as a full synthesis of the unchanged copy writes it. */
let pristine: Map<string, string>;

const run = (script: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
  const result = spawnSync('node', [join(copy, 'scripts', 'run.cjs'), script, ...args], { cwd: copy, env: copyEnvironment(env), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return result.stdout.trimEnd().split('\n');
};
const synth = (env: NodeJS.ProcessEnv = {}) => run('main.ts', [], env).at(-1)!;
const tree = (root: string) => new Map(listFiles(root).map((path) => [path, readFileSync(join(root, path), 'utf8')]));
/** Runs synth until it skips (the validator cache may be rewritten by the first run after a change). */
const settle = (env: NodeJS.ProcessEnv = {}) => {
  for (let attempt = 0; attempt < 3; attempt++) if (synth(env).endsWith(SKIPPED)) return;
  throw new Error('synth never found its output unchanged');
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'input-stamp-'));
  copy = copyRepository(join(scratch, 'repo'));
  dist = join(copy, 'dist');
  rmSync(join(dist, STAMP_FILE), { force: true });
  pristine = tree(dist);
  settle();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a run with nothing to change', () => {
  test('is skipped, says so, and leaves dist/ as a full synthesis wrote it', () => {
    expect(synth()).toBe(`dist is up to date ${SKIPPED}`);
    expect(tree(dist)).toEqual(pristine);
  });

  test('prints the same folder rows as a run that synthesized', () => {
    rmSync(join(dist, STAMP_FILE));
    const full = run('main.ts');
    const skipped = run('main.ts');
    expect(skipped.at(-1)).toBe(`dist is up to date ${SKIPPED}`);
    expect(skipped.slice(0, -1)).toEqual(full.slice(0, -1));
  });
});

// Each change must make the next run synthesize; `restore` puts the copy back, and the run after must skip again.
const CHANGES: Record<string, { change: () => void; env?: NodeJS.ProcessEnv }> = {
  'an images file rewritten with the same content': { change: () => writeFileSync(join(copy, imagesFile('dev')), readFileSync(join(copy, imagesFile('dev')))) },
  'an images file copied back with its old modification time (cp -p)': {
    change: () => {
      const file = join(copy, imagesFile('prod'));
      const saved = join(scratch, 'prod.json');
      cpSync(file, saved, { preserveTimestamps: true });
      appendFileSync(file, ' ');
      cpSync(saved, file, { preserveTimestamps: true });
    },
  },
  'the preview list rewritten': { change: () => writeFileSync(join(copy, PREVIEWS_FILE), readFileSync(join(copy, PREVIEWS_FILE))) },
  "a CRD of the project's crds/ touched": {
    change: () => {
      const crd = listFiles(join(copy, 'crds')).find((file) => file.endsWith('.yaml'))!;
      utimesSync(join(copy, 'crds', crd), new Date(), new Date());
    },
  },
  'a source of lib/ edited (a new bundle)': { change: () => appendFileSync(join(copy, 'lib', 'synth', 'render.ts'), '\n// edited\n') },
  'a file of dist/ edited by hand': { change: () => appendFileSync(join(dist, 'prod', listFiles(join(dist, 'prod'))[0]), '# by hand\n') },
  'a file of dist/ deleted': { change: () => unlinkSync(join(dist, 'staging', listFiles(join(dist, 'staging'))[0])) },
  'a file added to dist/ by hand': { change: () => writeFileSync(join(dist, 'dev', 'stray.yaml'), 'kind: ConfigMap\n') },
  'the ownership record of dist/ edited': { change: () => appendFileSync(join(dist, '.synth-files'), 'dev/other.yaml\n') },
  'the stamp itself damaged': { change: () => writeFileSync(join(dist, STAMP_FILE), '{"format":1,') },
  'a run killed while writing (its staging folder left)': { change: () => mkdirSync(join(dist, '.synth-staging'), { recursive: true }) },
  'another validator cache (an environment variable synthesis reads)': { change: () => undefined, env: { CO2_VALIDATOR_CACHE: 'off' } },
};

describe.each(Object.entries(CHANGES))('after %s', (_name, { change, env }) => {
  test('the next run synthesizes, and dist/ is what a full synthesis writes', () => {
    change();
    expect(synth(env)).not.toContain(SKIPPED);
    expect(tree(dist)).toEqual(pristine);
    settle(env);
  });
});

describe('a command that edits the images', () => {
  test('removes the stamp: the next synth synthesizes', () => {
    const before = readFileSync(join(copy, imagesFile('dev')), 'utf8');
    const [component, reference] = Object.entries(JSON.parse(before) as Record<string, string>)[0];
    const tag = reference.slice(reference.lastIndexOf(':', reference.indexOf('@')) + 1, reference.indexOf('@'));
    run('scripts/set-image.ts', ['--env', 'dev', '--component', component, '--tag', `${tag}@sha256:${'e'.repeat(64)}`]);
    expect(listFiles(dist)).toEqual([...pristine.keys()]);
    expect(() => readFileSync(join(dist, STAMP_FILE))).toThrow();
    expect(synth()).not.toContain(SKIPPED);
    writeFileSync(join(copy, imagesFile('dev')), before);
    expect(synth()).toMatch(/^wrote dist/);
    expect(tree(dist)).toEqual(pristine);
    // What the run wrote is its output, not an input: the next run already skips.
    expect(synth()).toBe(`dist is up to date ${SKIPPED}`);
  });
});

describe('npm run diff', () => {
  test('reads dist/ while its stamp holds, and synthesizes as soon as an input changed', () => {
    expect(run('scripts/diff.ts', ['--against', 'disk']).at(-1)).toBe('dist/ matches the synthesis');
    // An edit that `npm run synth` has not written yet: the diff must see it, not the stamped dist/.
    const file = join(copy, imagesFile('staging'));
    const before = readFileSync(file, 'utf8');
    const images = JSON.parse(before) as Record<string, string>;
    const [component, reference] = Object.entries(images)[0];
    writeFileSync(file, `${JSON.stringify({ ...images, [component]: reference.replace(/@sha256:[0-9a-f]{64}$/, `@sha256:${'d'.repeat(64)}`) }, null, 2)}\n`);
    const diff = run('scripts/diff.ts', ['--against', 'disk', 'staging']);
    expect(diff.at(-1)).toMatch(/differs? from the synthesis/);
    expect(diff.join('\n')).toContain('d'.repeat(64));
    writeFileSync(file, before);
    settle();
  });
});
