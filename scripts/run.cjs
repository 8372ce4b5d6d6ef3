#!/usr/bin/env node
/**
 * Runs one of the repository's TypeScript entry points (main.ts for `npm run synth`, scripts/*.ts for
 * the other commands) from a JavaScript copy of the sources:
 *
 *   node scripts/run.cjs <entry.ts> [arguments...]
 *
 * tsx, which runs our other scripts, hashes and transforms every TypeScript file it loads on each run;
 * for this app (6 MB of generated CRD bindings among them) that was about a third of the wall time. So
 * the TypeScript sources (main.ts, lib/, environments/, imports/, scripts/) are transpiled file by file
 * with esbuild into node_modules/.cache/co2-calculator/build/<fingerprint>/, keeping the folder layout,
 * and run from there. The fingerprint is each file's path, size and modification time, so an edit, a new
 * file or a deleted one makes a fresh copy on the next run. Data files (environments/images/*.json,
 * environments/previews.json, lib/backup/db-dump.sh) are not copied: the code reads them from the
 * repository at run time, so editing one (set-image does) never costs a new copy.
 * Transpiling only removes types: `npm test` type-checks, and tsx, jest and this copy run the same code.
 *
 * CO2_SYNTH_WITH_TSX=1 runs the entry through tsx instead (original stack traces).
 */
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const REPO_ROOT = join(__dirname, '..');
const SOURCES = ['main.ts', 'lib', 'environments', 'imports', 'scripts'];
const BUILDS = join(REPO_ROOT, 'node_modules', '.cache', 'co2-calculator', 'build');

/** Every TypeScript source file, relative to the repository, in a stable order. */
function sourceFiles() {
  const files = [];
  const walk = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    else if (path.endsWith('.ts')) files.push({ path: relative(REPO_ROOT, path), size: stat.size, mtime: stat.mtimeMs });
  };
  for (const source of SOURCES) walk(join(REPO_ROOT, source));
  return files;
}

/** The compiled copy for the current sources, built first if it does not exist yet. */
function compiledCopy() {
  const files = sourceFiles();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.path}\0${file.size}\0${file.mtime}\n`);
  const folder = join(BUILDS, hash.digest('hex').slice(0, 16));
  if (existsSync(join(folder, '.complete'))) return folder;

  const { transformSync } = require('esbuild');
  // Build beside the final folder, then rename: a run interrupted half-way never leaves a copy that looks complete.
  const staging = `${folder}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  for (const file of files) {
    const from = join(REPO_ROOT, file.path);
    const to = join(staging, file.path.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(to), { recursive: true });
    const { code } = transformSync(readFileSync(from, 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: from });
    writeFileSync(to, code);
  }
  writeFileSync(join(staging, '.complete'), '');
  try {
    renameSync(staging, folder);
  } catch (error) {
    // Another run built the same copy meanwhile: use it.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(folder, '.complete'))) throw error;
  }
  removeOtherCopies(folder);
  return folder;
}

/** Only the newest copy is run again; a copy still being built by a live process is left alone. */
function removeOtherCopies(current) {
  for (const entry of readdirSync(BUILDS)) {
    const path = join(BUILDS, entry);
    if (path === current) continue;
    const builder = /\.(\d+)\.tmp$/.exec(entry);
    if (builder && isAlive(Number(builder[1]))) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const entry = process.argv[2];
if (!entry || !entry.endsWith('.ts')) {
  console.error('usage: node scripts/run.cjs <entry.ts> [arguments...]');
  process.exit(2);
}
// The entry sees its own arguments only, as if it had been run directly.
process.argv.splice(2, 1);
if (process.env.CO2_SYNTH_WITH_TSX === '1') {
  require('tsx/cjs');
  require(join(REPO_ROOT, entry));
} else {
  require(join(compiledCopy(), entry.replace(/\.ts$/, '.js')));
}
