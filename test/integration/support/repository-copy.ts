import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { STAMP_FILE } from '../../../lib/synth/input-stamp';
import { sharedReferenceData } from '../../../lib/synth/schema-sources';

export const REPO = resolve(__dirname, '..', '..', '..');

/**
 * A copy of this repository at `target`, for running its commands for real without touching the
 * working tree: every file but .git and node_modules, and a node_modules folder that links each
 * package of ours. The caches (node_modules/.cache: compiled copy, validators, write lock) are the
 * copy's own, so its commands find the copy as their repository root; so is the stamp of its dist/
 * (lib/synth/input-stamp.ts), which the copy starts without.
 */
export function copyRepository(target: string): string {
  const skipped = new Set(['node_modules', '.git']);
  const stamp = join(REPO, 'dist', STAMP_FILE);
  cpSync(REPO, target, { recursive: true, filter: (source) => !skipped.has(relative(REPO, source).split('/')[0]) && source !== stamp });
  mkdirSync(join(target, 'node_modules'));
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry !== '.cache') symlinkSync(join(REPO, 'node_modules', entry), join(target, 'node_modules', entry));
  }
  return target;
}

/** The environment for a command run in a copy: the schemas of ../shared where this repository finds them. */
export function copyEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { schemaDirectory, crdDirectory } = sharedReferenceData();
  const env: NodeJS.ProcessEnv = { ...process.env, K8S_SCHEMA_DIRECTORY: schemaDirectory, CRD_DIRECTORY: crdDirectory, ...extra };
  delete env.CO2_LOCK_TOKEN;
  return env;
}
