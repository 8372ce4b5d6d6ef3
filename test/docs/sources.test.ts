/**
 * The sources files of docs/sources/ hold where the code's facts were read; the code names a heading
 * there with a short key, `(#backend-image)`, under the sources file it names. Each key must resolve,
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

/** Every `(#key)` of a file, with the sources file the file names first. */
function keysOf(text: string): { sources?: string; keys: string[] } {
  const sources = /docs\/sources\/([\w-]+\.md)/.exec(text)?.[1];
  return { sources, keys: [...text.matchAll(/\(#([a-z][a-z0-9-]*)\)/g)].map((m) => m[1]) };
}

test.each(sourceFiles(join(ROOT, 'lib')).map((file) => [relative(ROOT, file), file]))('%s: each (#key) names a heading of its sources file', (_name, file) => {
  const { sources, keys } = keysOf(readFileSync(file, 'utf8'));
  if (keys.length === 0) return;
  expect(sources).toBeDefined();
  const known = headings(join(ROOT, 'docs', 'sources', sources!));
  expect(keys.filter((key) => !known.has(key))).toEqual([]);
});

test('the table of backend settings lists exactly the settings of the contract', () => {
  const text = readFileSync(join(ROOT, 'docs', 'sources', 'application.md'), 'utf8');
  const rows = [...text.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
  expect(rows).toEqual(Object.keys(BACKEND_SETTINGS));
});

test('a key that names no heading is found', () => {
  const { sources, keys } = keysOf('// see docs/sources/application.md\n// the user (#no-such-heading) and (#backend-image)');
  const known = headings(join(ROOT, 'docs', 'sources', sources!));
  expect(keys.filter((key) => !known.has(key))).toEqual(['no-such-heading']);
});
