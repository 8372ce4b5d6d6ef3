import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root: the nearest folder above `from` that holds cdk8s.yaml. Modules find their
 * files (schemas, the backup script) from here rather than from their own location, because
 * `npm run synth` runs a compiled copy of them under node_modules/.cache.
 */
export function findRepoRoot(from: string = __dirname): string {
  for (let folder = from; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'cdk8s.yaml'))) return folder;
    if (dirname(folder) === folder) throw new Error(`no cdk8s.yaml above ${from}: cannot find the repository root`);
  }
}

export const REPO_ROOT = findRepoRoot();
