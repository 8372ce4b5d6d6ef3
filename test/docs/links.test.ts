/**
 * Every relative link in README.md, CONTRIBUTING.md and docs/ resolves: the file exists, and an anchor names a
 * heading of the target as GitHub slugs it. Moving text between pages must not leave a dead link behind.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const ROOT = resolve(__dirname, '../..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set(
    text
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => githubSlug(line.replace(/^#+ /, ''))),
  );
}

/** The relative links of a Markdown text, outside code blocks and code spans. */
export function relativeLinks(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z]+:/i.test(target));
}

const files = [join(ROOT, 'README.md'), join(ROOT, 'CONTRIBUTING.md'), ...markdownFiles(join(ROOT, 'docs'))];

describe('documentation links', () => {
  it.each(files.map((file) => [relative(ROOT, file), file]))('%s: every relative link resolves', (_name, file) => {
    const broken = relativeLinks(readFileSync(file, 'utf8')).filter((target) => {
      const [path, anchor] = target.split('#');
      const destination = path === '' ? file : resolve(dirname(file), path);
      if (!existsSync(destination)) return true;
      return anchor !== undefined && destination.endsWith('.md') && !anchorsOf(destination).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  it('finds links, anchors and slugs as GitHub does', () => {
    expect(relativeLinks('[a](docs/a.md) `[b](no.md)` [c](https://x.org) [d](#sync-order)')).toEqual(['docs/a.md', '#sync-order']);
    expect(githubSlug('Platforms and the `local` environment')).toBe('platforms-and-the-local-environment');
    expect(githubSlug('Sync order under Argo CD 3.x health')).toBe('sync-order-under-argo-cd-3x-health');
  });

  it('README.md stays at most 250 lines', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });
});
