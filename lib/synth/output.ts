/**
 * Writes a complete output tree: every file given, and nothing else. A file that a previous synthesis
 * wrote but this one does not is deleted, since ArgoCD would otherwise keep applying an object nobody
 * declares any more. Files whose content is unchanged are not rewritten.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export interface FolderChanges {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  unchanged: number;
}

/** Relative paths (with "/") of every file under `root`. */
export function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** The folder a file is summarised under: its first path segment, or "." for files at the root. */
function folderOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.indexOf('/')) : '.';
}

/**
 * Makes `root` hold exactly `files` (relative path -> content) and reports, per top-level folder, what
 * was added, changed and removed.
 */
export function writeTree(root: string, files: ReadonlyMap<string, string>): Map<string, FolderChanges> {
  const changes = new Map<string, FolderChanges>();
  const changesOf = (path: string) => {
    const folder = folderOf(path);
    if (!changes.has(folder)) changes.set(folder, { added: [], changed: [], removed: [], unchanged: 0 });
    return changes.get(folder)!;
  };

  const existing = new Set(listFiles(root));
  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const target = join(root, path);
    if (!existing.has(path)) {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      changesOf(path).added.push(path);
    } else if (readFileSync(target, 'utf8') !== content) {
      writeFileSync(target, content);
      changesOf(path).changed.push(path);
    } else {
      changesOf(path).unchanged++;
    }
  }
  for (const path of existing) {
    if (files.has(path)) continue;
    unlinkSync(join(root, path));
    changesOf(path).removed.push(path);
  }
  removeEmptyFolders(root);
  return changes;
}

function removeEmptyFolders(dir: string, isRoot = true): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyFolders(join(dir, entry.name), false);
  }
  if (!isRoot && readdirSync(dir).length === 0) rmdirSync(dir);
}
