/**
 * A TypeScript mistake in environments/*.ts as one line: `error: environments/dev.ts:12:9: Cannot
 * find name 'hostName'. (TS2304)`. Bundling only strips types, so such a mistake shows up at run time
 * as a JavaScript error of ours (a ReferenceError, a TypeError); only then is the type checker run,
 * on environments/ alone (about 3 s on 2 cores, see docs/commands.md), so a run that works pays
 * nothing for it. Errors the checker finds elsewhere (lib/) are npm test's to report.
 *
 * Plain CommonJS (with type-check.d.cts for TypeScript) because scripts/run.cjs needs it when the
 * bundle fails while loading, before any TypeScript runs.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, writeFileSync } = require('node:fs');
const { join, relative, resolve } = require('node:path');

/** The first type error in environments/*.ts as `file:line:column: message (TSnnnn)`, or undefined. */
function environmentTypeError(repoRoot) {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const folder = join(repoRoot, 'environments');
  if (!existsSync(tsc) || !existsSync(join(repoRoot, 'tsconfig.json')) || !existsSync(folder)) return undefined;
  const files = readdirSync(folder).filter((file) => file.endsWith('.ts'));
  if (files.length === 0) return undefined;
  // The repository's compiler options, on environments/ only (and what it imports).
  const cache = join(repoRoot, 'node_modules', '.cache', 'co2-calculator');
  mkdirSync(cache, { recursive: true });
  const config = join(cache, 'tsconfig.environments.json');
  writeFileSync(config, JSON.stringify({ extends: join(repoRoot, 'tsconfig.json'), compilerOptions: { types: ['node'] }, include: [], files: files.map((file) => join(folder, file)) }));
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', config], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 });
  for (const line of `${run.stdout ?? ''}`.split('\n')) {
    // tsc --pretty false: "environments/dev.ts(12,9): error TS2304: Cannot find name 'hostName'."
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (!match) continue;
    const file = resolve(repoRoot, match[1]);
    if (relative(folder, file).startsWith('..')) continue;
    const shown = relative(process.cwd(), file);
    return `${shown.startsWith('..') ? file : shown}:${match[2]}:${match[3]}: ${match[5]} (${match[4]})`;
  }
  return undefined;
}

module.exports = { environmentTypeError };
