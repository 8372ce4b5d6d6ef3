/**
 * A whole tree written in one call, over TreeWrite (lib/synth/output.ts): what the tests of the write
 * path and of previews need, where the commands add files one at a time.
 */
import { CommitResult, FolderChanges, TreeWrite, writeWhole } from '../../lib/synth/output';

export interface Change {
  /** A folder to hold exactly these files afterwards (relative path with "/" -> content). */
  readonly tree: { readonly root: string; readonly files: ReadonlyMap<string, string> };
  /** Other files to replace in the same step (absolute path -> content), e.g. environments/images/dev.json. */
  readonly files?: ReadonlyMap<string, string>;
}

/** Makes the tree hold exactly `change.tree.files` and replaces `change.files`, as a command's write does. */
export function commitChange(change: Change): CommitResult {
  const write = new TreeWrite(change.tree.root);
  return writeWhole(write, () => {
    for (const [path, content] of [...change.tree.files].sort(([a], [b]) => a.localeCompare(b))) write.add(path, content);
    return write.commit(change.files);
  });
}

/** Writes a tree on its own, and says what changed per top-level folder. */
export function writeTree(root: string, files: ReadonlyMap<string, string>): Map<string, FolderChanges> {
  return commitChange({ tree: { root, files } }).changes;
}
