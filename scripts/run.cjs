#!/usr/bin/env node
/**
 * Runs a TypeScript entry point (main.ts, scripts/*.ts) from an esbuild bundle of it and all it imports:
 *
 *   node scripts/run.cjs <entry.ts> [arguments...]
 *
 * Why a bundle and a code cache, and what each saves: docs/performance.md, "The launcher". A bundle is
 * kept under node_modules/.cache/co2-calculator/build/<fingerprint>/ until a source (.ts, .cjs) or the
 * installed packages change; data files are read at run time. Bundling only strips types: `npm test`
 * type-checks.
 */
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { requireWithCodeCache } = require('../lib/core/code-cache.cjs');

const ROOT = join(__dirname, '..');
const BUILDS = join(ROOT, 'node_modules', '.cache', 'co2-calculator', 'build');
/** CO2_DEBUG=1: a bundle with a source map, so that stack traces name our sources (the map doubles a build's time). */
const DEBUG = process.env.CO2_DEBUG === '1';
const oneLine = (text) => String(text).split('\n')[0].replace(/[\x00-\x1f\x7f]/g, ' ');

/** Path, size and modification time of every source, and npm's record of the installed packages. */
function fingerprint() {
  const hash = createHash('sha256');
  const add = (path, { size, mtimeMs } = fs.statSync(path)) => hash.update(`${relative(ROOT, path)}\0${size}\0${mtimeMs}\n`);
  const walk = (path) => (fs.statSync(path).isDirectory() ? fs.readdirSync(path).sort().forEach((entry) => walk(join(path, entry))) : /\.(ts|cjs)$/.test(path) && add(path));
  ['main.ts', 'lib', 'environments', 'imports', 'scripts'].forEach((source) => walk(join(ROOT, source)));
  if (fs.existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) add(join(ROOT, 'node_modules', '.package-lock.json'));
  return hash.digest('hex').slice(0, 16);
}

/** The bundle of `entry` for the current sources, built first if there is none; a syntax error is one line, exit 1. */
function bundleOf(entry) {
  const folder = join(BUILDS, fingerprint());
  const bundle = join(folder, entry.replace(/\.ts$/, DEBUG ? '.debug.js' : '.js'));
  if (fs.existsSync(bundle)) return bundle;
  let result;
  try {
    // ajv compiles schemas only when the validator cache is cold: loaded at run time, not bundled.
    const options = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', external: ['ajv', 'ajv-formats'], metafile: true, write: false, logLevel: 'silent' };
    result = require('esbuild').buildSync({ ...options, entryPoints: [join(ROOT, entry)], outfile: bundle, sourcemap: DEBUG && 'linked', absWorkingDir: ROOT });
  } catch (error) {
    const [first, ...more] = error.errors ?? [];
    if (!first) throw error;
    const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    console.error(`error: ${oneLine(`${where}${first.text}`)}${more.length > 0 ? ` (and ${more.length} more)` : ''}`);
    process.exit(1);
  }
  // What went in, for test/integration/topology-mermaid.test.ts.
  const inputs = { path: `${bundle}.inputs.json`, contents: `${JSON.stringify(Object.keys(result.metafile.inputs).sort(), null, 1)}\n` };
  // The bundle is written last: one that exists is whole, even with two runs building at once.
  for (const { path, contents } of [inputs, ...result.outputFiles]) {
    fs.mkdirSync(dirname(path), { recursive: true });
    fs.writeFileSync(`${path}.${process.pid}.tmp`, contents);
    fs.renameSync(`${path}.${process.pid}.tmp`, path);
  }
  for (const other of fs.readdirSync(BUILDS)) if (join(BUILDS, other) !== folder) fs.rmSync(join(BUILDS, other), { recursive: true, force: true });
  return bundle;
}

const entry = process.argv[2];
if (!entry?.endsWith('.ts')) {
  console.error('usage: node scripts/run.cjs <entry.ts> [arguments...]');
  process.exit(2);
}
process.argv.splice(1, 2, join(ROOT, entry)); // the entry sees its own arguments, as if run directly
try {
  if (DEBUG) process.setSourceMapsEnabled(true);
  (DEBUG ? require : requireWithCodeCache)(bundleOf(entry));
} catch (error) {
  // Thrown while the modules load (environments/*.ts run then): a TypeScript mistake is one line, exit 1;
  // anything else is a bug of ours (exit 70), said as lib/cli/run.ts says it.
  const typeError = require('../lib/cli/type-check.cjs').environmentTypeError(ROOT);
  console.error(`error: ${typeError === undefined ? 'internal error: ' : ''}${oneLine(typeError ?? (error instanceof Error ? error.message : error))}`);
  if (DEBUG) console.error(error instanceof Error ? error.stack : String(error));
  else if (typeError === undefined) console.error('hint: this is a bug of the tool, not a problem with your input; rerun with CO2_DEBUG=1 to see where it happened');
  process.exit(typeError === undefined ? 70 : 1);
}
