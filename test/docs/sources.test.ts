/**
 * The sources files of docs/sources/ hold where the code's facts were read; the code names a heading
 * there with a short key, `(#backend-image)` or `(docs/sources/argocd.md, #sync-order)`. Each key must resolve,
 * and the table of backend settings must list exactly the settings of the contract.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { BACKEND_SETTINGS } from '../../lib/application/contract';

const ROOT = resolve(__dirname, '../..');
const slug = (heading: string) => heading.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
const headings = (file: string) => new Set([...readFileSync(file, 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|cjs|mts)$/.test(name) ? [path] : [];
  });
}

/**
 * Every key of a file, `(#key)` or `(docs/sources/<file>.md, #key)`, with its sources file: the one
 * named with it, else the first the file names.
 */
function keysOf(text: string): Array<{ sources?: string; key: string }> {
  const first = /docs\/sources\/([\w-]+\.md)/.exec(text)?.[1];
  return [...text.matchAll(/\((?:docs\/sources\/([\w-]+\.md), )?#([a-z][a-z0-9-]*)\)/g)].map((m) => ({ sources: m[1] ?? first, key: m[2] }));
}

const unresolved = (text: string) =>
  keysOf(text)
    .filter(({ sources, key }) => !sources || !headings(join(ROOT, 'docs', 'sources', sources)).has(key))
    .map(({ sources, key }) => `${sources ?? '(no sources file)'}#${key}`);

test.each(sourceFiles(join(ROOT, 'lib')).map((file) => [relative(ROOT, file), file]))('%s: each key names a heading of its sources file', (_name, file) => {
  expect(unresolved(readFileSync(file, 'utf8'))).toEqual([]);
});

test('the table of backend settings lists exactly the settings of the contract', () => {
  const text = readFileSync(join(ROOT, 'docs', 'sources', 'application.md'), 'utf8');
  const rows = [...text.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
  expect(rows).toEqual(Object.keys(BACKEND_SETTINGS));
});

test('a key that names no heading, or no sources file, is found', () => {
  expect(unresolved('// docs/sources/application.md\n// the user (#no-such-heading) and (#backend-image)')).toEqual(['application.md#no-such-heading']);
  expect(unresolved('// the order (docs/sources/argocd.md, #sync-order), (docs/sources/argocd.md, #backend-image)')).toEqual(['argocd.md#backend-image']);
  expect(unresolved('// a key (#sync-order) with no sources file')).toEqual(['(no sources file)#sync-order']);
});
