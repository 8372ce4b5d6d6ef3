/**
 * scripts/check-cycles.mts (`npm run check:cycles`, also a step of .ci/run): imports run one way in
 * main.ts and lib/, between files and between the folders of lib/. It runs on this repository and on
 * small trees that hold a cycle, to show it can fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '..', '..', 'scripts', 'check-cycles.mts');
const check = (root?: string) => spawnSync(process.execPath, [SCRIPT, ...(root ? [root] : [])], { encoding: 'utf8' });

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cycles-'));
  for (const [path, text] of Object.entries({ 'main.ts': "import './lib/a/one';\n", ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
const fixture = (files: Record<string, string>) => {
  const root = tree(files);
  roots.push(root);
  return root;
};

test('main.ts and lib/ have no import cycle', () => {
  const run = check();
  expect(run.stdout).toContain('no import cycle in main.ts and lib/');
  expect(run.status).toBe(0);
});

test('a cycle between two files fails, named file by file, type-only imports included', () => {
  const run = check(fixture({ 'lib/a/one.ts': "import type { Two } from './two';\nexport type One = Two;\n", 'lib/a/two.ts': "import { one } from './one';\nexport type Two = typeof one;\n" }));
  expect(run.stdout).toMatch(/import cycle between files: lib\/a\/(one|two)\.ts -> lib\/a\/(one|two)\.ts -> lib\/a\/(one|two)\.ts/);
  expect(run.status).toBe(1);
});

test('a cycle between folders fails even when the files form none', () => {
  const run = check(fixture({
    'lib/a/one.ts': "import { b } from '../b/b';\nexport const one = b;\n",
    'lib/b/b.ts': "export const b = 1;\nexport { a } from './c';\n",
    'lib/b/c.ts': "export { three as a } from '../a/three';\n",
    'lib/a/three.ts': 'export const three = 3;\n',
  }));
  expect(run.stdout).not.toContain('between files');
  expect(run.stdout).toMatch(/import cycle between folders: lib\/(a|b) -> lib\/(a|b) -> lib\/(a|b)/);
  expect(run.status).toBe(1);
});
