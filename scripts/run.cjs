#!/usr/bin/env node
/**
 * `npm run synth`: runs main.ts from a JavaScript copy of the sources.
 *
 * tsx, which runs our other scripts, hashes and transforms every TypeScript file it loads on each run;
 * for this app (6 MB of generated CRD bindings among them) that was about a third of the wall time. So
 * the sources (main.ts, lib/, environments/, imports/) are transpiled file by file with esbuild into
 * node_modules/.cache/co2-calculator/build/<fingerprint>/, keeping the folder layout, and run from
 * there. The fingerprint is each file's path, size and modification time, so an edit, a new file or a
 * deleted one makes a fresh copy on the next run; files other than TypeScript are copied as they are.
 * Transpiling only removes types: `npm test` type-checks, and tsx, jest and this copy run the same code.
 *
 * CO2_SYNTH_WITH_TSX=1 runs main.ts through tsx instead (original stack traces).
 */
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const REPO_ROOT = join(__dirname, '..');
const SOURCES = ['main.ts', 'lib', 'environments', 'imports'];
const BUILDS = join(REPO_ROOT, 'node_modules', '.cache', 'co2-calculator', 'build');

/** Every source file, relative to the repository, in a stable order. */
function sourceFiles() {
  const files = [];
  const walk = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    else files.push({ path: relative(REPO_ROOT, path), size: stat.size, mtime: stat.mtimeMs });
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
    if (file.path.endsWith('.ts')) {
      const { code } = transformSync(readFileSync(from, 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20', sourcefile: from });
      writeFileSync(to, code);
    } else {
      copyFileSync(from, to);
    }
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

if (process.env.CO2_SYNTH_WITH_TSX === '1') {
  require('tsx/cjs');
  require(join(REPO_ROOT, 'main.ts'));
} else {
  require(join(compiledCopy(), 'main.js'));
}
