/**
 * The rendered output: one snapshot per environment (a reviewable record of every change), and the
 * properties of the files themselves: deterministic, faithful to the validated objects, and identical
 * to the committed dist/.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CLUSTER_SETUP_FOLDER, DELIVERY_FOLDER } from '../lib/synth';
import { manifestFileName } from '../lib/core/manifest';
import { listFiles } from '../lib/synth/output';
import { imagesFile, loadProject } from '../environments';
import { formatImageReference, parseImageReference } from '../lib/core/image';
import { diskFiles, withEdits } from '../lib/config/project-files';
import { synthesizeAll } from '../lib/synth';
import { sharedValidator, snapshotSynthesis, standardSynthesis, synthesizeProjectAgain, withSnapshotVersions } from './support/synthesis';

const DIST = resolve(__dirname, '..', 'dist');
const synthesis = standardSynthesis();

// Snapshots are taken with every application image at a fixed tag (see withSnapshotVersions), so a
// deployment by the build pipeline, which only changes versions, leaves them as they are.
describe.each([...synthesis.environments.map(({ environment }) => environment.name), DELIVERY_FOLDER, CLUSTER_SETUP_FOLDER])('%s', (name) => {
  test('matches its snapshot', () => {
    const files = Object.fromEntries([...snapshotSynthesis().files].filter(([path]) => path.startsWith(`${name}/`)));
    expect(files).toMatchSnapshot();
  });
});

test('snapshots do not depend on the deployed versions: a new version changes dist/, not the snapshots', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const dev = JSON.parse(diskFiles().read(imagesFile('dev'))) as Record<string, string>;
  const redeployed = Object.fromEntries(
    Object.entries(dev).map(([component, reference]) => [component, formatImageReference({ repository: parseImageReference(reference).repository, tag: 'v9.9.9', digest })]),
  );
  const files = withEdits(diskFiles(), new Map([[imagesFile('dev'), JSON.stringify(redeployed)]]));
  expect(synthesizeAll(loadProject(files), sharedValidator()).files.get('dev/deployment-backend.yaml')).not.toBe(synthesis.files.get('dev/deployment-backend.yaml'));
  expect(synthesizeAll(loadProject(withSnapshotVersions(files)), sharedValidator()).files).toEqual(snapshotSynthesis().files);
});

test('synthesis is deterministic', () => {
  const again = synthesizeProjectAgain();
  expect(again.files).toEqual(synthesis.files);
  expect(again.delivery).toEqual(synthesis.delivery);
});

test('each object is written to its own predictable file, and reads back as the validated object', () => {
  const folders = [...synthesis.environments.map(({ environment, manifests }) => [environment.name, manifests] as const), [DELIVERY_FOLDER, synthesis.delivery] as const, [CLUSTER_SETUP_FOLDER, synthesis.clusterSetup] as const];
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
