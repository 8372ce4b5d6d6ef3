/**
 * renovate.json keeps every pinned image current: each `@sha256:` image reference of lib/ and
 * environments/*.ts is found by one of its regex managers (with its tag and digest), and the
 * application's own images are left to the deployment pipeline. The file itself is checked by
 * Renovate's validator in .ci/run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..');

interface CustomManager {
  readonly customType: string;
  readonly managerFilePatterns: string[];
  readonly matchStrings: string[];
  readonly autoReplaceStringTemplate?: string;
}
const config = JSON.parse(readFileSync(join(REPO, 'renovate.json'), 'utf8')) as {
  customManagers: CustomManager[];
  packageRules: { matchPackageNames?: string[]; enabled?: boolean }[];
};

/** Renovate's `/.../` file patterns as RegExps. */
const filePattern = (pattern: string) => new RegExp(pattern.replace(/^\/(.*)\/$/, '$1'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(REPO, path)];
  });
}

const sources = [...filesUnder(join(REPO, 'lib')), ...filesUnder(join(REPO, 'environments'))].filter((file) =>
  file.endsWith('.ts'),
);

/** Every image reference pinned by digest in a TypeScript source: `name[:tag]@sha256:<64 hex>`. */
function pinnedImages(text: string): string[] {
  return [...text.matchAll(/[a-z0-9][a-z0-9.\/:_-]*@sha256:[a-f0-9]{64}/g)].map((match) => match[0]);
}

function managedImages(file: string, text: string): string[] {
  return config.customManagers
    .filter((manager) => manager.managerFilePatterns.some((pattern) => filePattern(pattern).test(file)))
    .flatMap((manager) => manager.matchStrings.flatMap((source) => [...text.matchAll(new RegExp(source, 'g'))]))
    .map((match) => `${match.groups!.depName}:${match.groups!.currentValue}@${match.groups!.currentDigest}`);
}

test('the sources pin images by digest (so the check below has something to check)', () => {
  expect(sources.flatMap((file) => pinnedImages(readFileSync(join(REPO, file), 'utf8')))).not.toHaveLength(0);
});

test('every image pinned in lib/ and environments/ is one Renovate updates, tag and digest', () => {
  const unmanaged = sources.flatMap((file) => {
    const text = readFileSync(join(REPO, file), 'utf8');
    const managed = managedImages(file, text);
    return pinnedImages(text)
      .filter((image) => !managed.includes(image))
      .map((image) => `${file}: ${image}`);
  });
  expect(unmanaged).toEqual([]);
});

test('an image written without its tag is not one Renovate could update, and the check sees it', () => {
  const text = `const image = 'docker.io/library/postgres@sha256:${'a'.repeat(64)}';`;
  expect(pinnedImages(text)).toHaveLength(1);
  expect(managedImages('lib/database/example.ts', text)).toHaveLength(0);
});

test("the application's images are left to the deployment pipeline", () => {
  const rule = config.packageRules.find((candidate) => candidate.matchPackageNames?.includes('quay-its.epfl.ch/svc1751/**'));
  expect(rule?.enabled).toBe(false);
});

test('every image pinned by tag alone (the known limits) is one Renovate pins by digest', () => {
  const file = 'lib/config/environment.ts';
  const text = readFileSync(join(REPO, file), 'utf8');
  const tagOnly = [...text.matchAll(/'([a-z0-9][a-z0-9.-]*(?:\/[a-z0-9._-]+)+:[A-Za-z0-9._-]+)'/g)].map((match) => match[1]);
  expect(tagOnly.length).toBeGreaterThan(0);
  const pinning = config.customManagers.filter(
    (manager) => manager.autoReplaceStringTemplate?.includes('newDigest') && manager.managerFilePatterns.some((pattern) => filePattern(pattern).test(file)),
  );
  const found = pinning.flatMap((manager) => manager.matchStrings.flatMap((source) => [...text.matchAll(new RegExp(source, 'g'))])).map((m) => `${m.groups!.depName}:${m.groups!.currentValue}`);
  expect(tagOnly.filter((image) => !found.includes(image))).toEqual([]);
});
