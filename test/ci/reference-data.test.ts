/**
 * .ci/reference-data.txt, the list .ci/fetch-reference-data downloads on machines without ../shared
 * (GitHub's runners): each entry must be the file of ../shared, byte for byte, at its upstream commit.
 * The script itself runs in test/integration/ci-scripts.test.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { kubernetesDefinitionsFile, OPENSHIFT_RELEASES } from '../../lib/platform/supported-releases';
import { defaultSchemaSources, sharedReferenceData } from '../../lib/synth/schema-sources';

const REPO = resolve(__dirname, '..', '..');
const { crdDirectory } = sharedReferenceData();
const SHARED = dirname(crdDirectory);

const entries = readFileSync(join(REPO, '.ci', 'reference-data.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [path, blob, url, ...rest] = line.split(' ');
    return { path, blob, url, rest };
  });

/** `git hash-object`: the SHA-1 of "blob <size>\0" and the content. */
const gitBlob = (content: Buffer) => createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

test('lists every schema file synthesis reads from ../shared, and only files of ../shared', () => {
  const read = [...defaultSchemaSources().kubernetes.map(({ definitions }) => relative(SHARED, definitions)), ...readdirSync(crdDirectory).filter((file) => file.endsWith('.yaml')).map((file) => relative(SHARED, join(crdDirectory, file)))];
  const listed = entries.map(({ path }) => path);
  expect(read.filter((path) => !listed.includes(path))).toEqual([]);
  // The whole supported range is listed, not only the ends synthesis validates against.
  for (const { kubernetes } of OPENSHIFT_RELEASES) expect(listed).toContain(`schemas/${kubernetesDefinitionsFile(kubernetes)}`);
  expect(listed.filter((path) => !existsSync(join(SHARED, path)))).toEqual([]);
  expect(entries.filter(({ rest }) => rest.length > 0)).toEqual([]);
});

test.each(entries.map((entry) => [entry.path, entry]))('%s: the listed blob is the one of ../shared, at a pinned upstream commit', (_path, { path, blob, url }) => {
  expect(gitBlob(readFileSync(join(SHARED, path)))).toBe(blob);
  expect(url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/[0-9a-f]{40}\//);
});

test('every CRD cdk8s.yaml imports bindings from is downloaded from the same upstream file', () => {
  // ../shared may hold CRDs no binding is imported from any more (the Jaeger operator's): they are
  // listed too, since synthesis reads the whole folder, but every import must be among them.
  const imports = [...readFileSync(join(REPO, 'cdk8s.yaml'), 'utf8').matchAll(/^\s+- \w+:=(\S+)$/gm)].map(([, url]) => url).sort();
  const listed = new Set(entries.filter(({ path }) => path.startsWith('crds')).map(({ url }) => url));
  expect(imports.filter((url) => !listed.has(url))).toEqual([]);
});
