/**
 * The whole project type-checks (main.ts, lib/, environments/, imports/, scripts/, test/): what
 * `npm run typecheck` runs, as a test of the suite, so that it runs beside the other test files
 * instead of before all of them (jest and swc only strip types; this is where they are checked).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/core/repo-root';

test('tsc --noEmit finds no type error', () => {
  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', REPO_ROOT], { encoding: 'utf8' });
  expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
  expect(tsc.status).toBe(0);
}, 120_000);
