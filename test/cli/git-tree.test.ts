/** `npm run diff` reads the committed dist/ from git: every file of HEAD's dist/, byte for byte. */
import { execFileSync } from 'child_process';
import { resolve } from 'path';
import { gitTree } from '../../lib/cli/diff-command';

const ROOT = resolve(__dirname, '../..');

test("gitTree reads HEAD's dist/ as git holds it", () => {
  const tree = gitTree(ROOT, 'head');
  const listed = execFileSync('git', ['ls-tree', '-r', '--name-only', 'HEAD', '--', 'dist'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((path) => path !== '' && path !== 'dist/.synth-files')
    .map((path) => path.slice('dist/'.length));
  expect([...tree.keys()].sort()).toEqual(listed.sort());
  const sample = listed.find((path) => path.startsWith('prod/'))!;
  expect(tree.get(sample)).toBe(execFileSync('git', ['show', `HEAD:dist/${sample}`], { cwd: ROOT, encoding: 'utf8' }));
});
