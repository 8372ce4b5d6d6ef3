/**
 * The rendered output: one snapshot per environment (a reviewable record of every change), and the
 * properties of the files themselves: deterministic, faithful to the validated objects, and identical
 * to the committed dist/.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { DELIVERY_FOLDER } from '../lib/synth';
import { manifestFileName } from '../lib/synth/manifest';
import { listFiles } from '../lib/synth/output';
import { standardSynthesis, synthesizeProjectAgain } from './support/synthesis';

const DIST = resolve(__dirname, '..', 'dist');
const synthesis = standardSynthesis();

describe.each([...synthesis.environments.map(({ environment }) => environment.name), DELIVERY_FOLDER])('%s', (name) => {
  test('matches its snapshot', () => {
    const files = Object.fromEntries([...synthesis.files].filter(([path]) => path.startsWith(`${name}/`)));
    expect(files).toMatchSnapshot();
  });
});

test('synthesis is deterministic', () => {
  const again = synthesizeProjectAgain();
  expect(again.files).toEqual(synthesis.files);
  expect(again.delivery).toEqual(synthesis.delivery);
});

test('each object is written to its own predictable file, and reads back as the validated object', () => {
  const folders = [...synthesis.environments.map(({ environment, manifests }) => [environment.name, manifests] as const), [DELIVERY_FOLDER, synthesis.delivery] as const];
  for (const [folder, manifests] of folders) {
    for (const manifest of manifests) {
      const content = synthesis.files.get(`${folder}/${manifestFileName(manifest)}`);
      expect(content).toBeDefined();
      expect(parse(content!)).toEqual(manifest);
    }
  }
  const objects = folders.reduce((sum, [, manifests]) => sum + manifests.length, 0);
  expect([...synthesis.files.keys()].filter((path) => path.endsWith('.yaml'))).toHaveLength(objects);
});

test('the committed dist/ is exactly what synthesis writes (run `npm run synth` if this fails)', () => {
  const committed = listFiles(DIST);
  expect(committed).toEqual([...synthesis.files.keys()].sort());
  const stale = committed.filter((path) => readFileSync(join(DIST, path), 'utf8') !== synthesis.files.get(path));
  expect(stale).toEqual([]);
});
