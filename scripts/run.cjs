#!/usr/bin/env node
/**
 * Runs one of the repository's TypeScript entry points (main.ts for `npm run synth`, scripts/*.ts for
 * the other commands) from a bundle of it:
 *
 *   node scripts/run.cjs <entry.ts> [arguments...]
 *
 * Why: loading modules was most of a synthesis, and Node's type stripping cannot run these sources
 * (extensionless imports, enums in the generated imports/). So esbuild bundles the entry and all it
 * imports into one CommonJS file under node_modules/.cache/co2-calculator/build/<fingerprint>/, run
 * with V8's code cache (lib/core/code-cache.cjs): a warm run resolves no module and compiles few
 * functions (docs/performance.md). Bundling only removes types: `npm test` type-checks.
 *
 * The fingerprint is the path, size and modification time of every source (.ts and .cjs of main.ts, lib/,
 * environments/, imports/, scripts/) and of the installed packages' lockfile, so an edit, a new or deleted
 * file, or `npm ci` makes a fresh bundle on the next run. Data files (environments/images/*.json,
 * environments/previews.json, lib/backup/db-dump.sh) are read from the repository at run time, so
 * editing one (set-image does) costs no new bundle.
 */
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { requireWithCodeCache } = require('../lib/core/code-cache.cjs');

const REPO_ROOT = join(__dirname, '..');
const SOURCES = ['main.ts', 'lib', 'environments', 'imports', 'scripts'];
/** What says which packages are installed: npm rewrites it on every install. */
const INSTALLED = join(REPO_ROOT, 'node_modules', '.package-lock.json');
const BUILDS = join(REPO_ROOT, 'node_modules', '.cache', 'co2-calculator', 'build');
/**
 * Loaded at run time rather than bundled: only needed when schemas must be compiled (a cold validator
 * cache), and large.
 */
const EXTERNAL = ['ajv', 'ajv-formats'];
/** CO2_DEBUG=1: stack traces name our sources (through a source map), and the code cache is not used. */
const DEBUG = process.env.CO2_DEBUG === '1';

/** The fingerprint of everything a bundle is made from. */
function fingerprint() {
  const hash = createHash('sha256');
  const add = (path) => {
    const stat = statSync(path);
    hash.update(`${relative(REPO_ROOT, path)}\0${stat.size}\0${stat.mtimeMs}\n`);
  };
  const walk = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path).sort()) walk(join(path, entry));
    else if (path.endsWith('.ts') || path.endsWith('.cjs')) add(path);
  };
  for (const source of SOURCES) walk(join(REPO_ROOT, source));
  if (existsSync(INSTALLED)) add(INSTALLED);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The bundle of `entry` for the current sources, made first if it does not exist yet. With DEBUG, another
 * one with a source map: the map doubles the time of a build, which every edit pays.
 */
function bundleOf(entry) {
  const folder = join(BUILDS, fingerprint());
  const bundle = join(folder, entry.replace(/\.ts$/, DEBUG ? '.debug.js' : '.js'));
  if (existsSync(bundle)) return bundle;
  const { buildSync } = require('esbuild');
  const result = buildOrExit(buildSync, {
    entryPoints: [join(REPO_ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: bundle,
    external: EXTERNAL,
    metafile: true,
    sourcemap: DEBUG && 'linked',
    write: false,
    absWorkingDir: REPO_ROOT,
    logLevel: 'silent',
  });
  // What went into the bundle, for tests that check what a command loads (test/report/topology.test.ts).
  const inputs = { path: `${bundle}.inputs.json`, contents: `${JSON.stringify(Object.keys(result.metafile.inputs).sort(), null, 1)}\n` };
  // Each file written aside, then renamed, the bundle last (esbuild lists it after its map): a run
  // interrupted half-way never leaves a bundle that looks complete, and two runs building at once both
  // end with whole files.
  for (const { path, contents } of [inputs, ...result.outputFiles]) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.${process.pid}.tmp`, contents);
    renameSync(`${path}.${process.pid}.tmp`, path);
  }
  removeOtherBuilds(folder);
  return bundle;
}

/**
 * esbuild's build, or, when a source does not parse (a syntax error in environments/*.ts), one
 * `error: file:line:column: message` line and exit status 1: bad input, not a bug of ours.
 */
function buildOrExit(buildSync, options) {
  try {
    return buildSync(options);
  } catch (error) {
    const [first] = error.errors ?? [];
    if (!first) throw error;
    const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : '';
    const more = error.errors.length > 1 ? ` (and ${error.errors.length - 1} more)` : '';
    console.error(`error: ${where}${first.text}${more}`.replace(/[\x00-\x09\x0b-\x1f\x7f]/g, ' '));
    process.exit(1);
  }
}

/** Only the newest fingerprint's bundles are run again; a bundle being written by a live process is left alone. */
function removeOtherBuilds(current) {
  for (const entry of readdirSync(BUILDS)) {
    const path = join(BUILDS, entry);
    if (path !== current) rmSync(path, { recursive: true, force: true });
  }
}

const entry = process.argv[2];
if (!entry || !entry.endsWith('.ts')) {
  console.error('usage: node scripts/run.cjs <entry.ts> [arguments...]');
  process.exit(2);
}
// The entry sees its own arguments only, as if it had been run directly.
process.argv.splice(1, 2, join(REPO_ROOT, entry));
try {
  if (DEBUG) process.setSourceMapsEnabled(true);
  (DEBUG ? require : requireWithCodeCache)(bundleOf(entry));
} catch (error) {
  failedWhileLoading(error);
}

/**
 * An error thrown while the modules load (environments/*.ts are evaluated then): a TypeScript
 * mistake there is one line (lib/cli/type-check.cjs); anything else is an error of ours, said as
 * lib/cli/run.ts says it.
 */
function failedWhileLoading(error) {
  const { environmentTypeError } = require('../lib/cli/type-check.cjs');
  const typeError = environmentTypeError(REPO_ROOT);
  const oneLine = (text) => String(text).split('\n')[0].replace(/[\x00-\x1f\x7f]/g, ' ');
  if (typeError !== undefined) console.error(`error: ${oneLine(typeError)}`);
  else console.error(`error: internal error: ${oneLine(error instanceof Error ? error.message : error)}`);
  if (DEBUG) console.error(error instanceof Error ? error.stack : String(error));
  else if (typeError === undefined) console.error('hint: this is a bug of the tool, not a problem with your input; rerun with CO2_DEBUG=1 to see where it happened');
  process.exit(typeError === undefined ? 70 : 1);
}
