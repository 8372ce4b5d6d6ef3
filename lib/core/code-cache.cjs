/**
 * Loads a CommonJS file as `require` would, with V8's code cache kept beside it (`<file>.v8-cache`):
 * made at the end of the first run that loads the file, so it holds the functions that actually ran
 * compiled, and used by later runs, which then neither parse the file nor compile those functions
 * again. A cache V8 rejects (another Node.js version) is made again. Used for the large generated files
 * every command loads: the bundle scripts/run.cjs runs, and the compiled schema validators.
 *
 * Plain CommonJS (with code-cache.d.cts for TypeScript) because scripts/run.cjs needs it before any
 * TypeScript can run.
 */
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

/** Caches to write when the process ends: one exit handler for all of them. */
const pending = new Map();
process.once('exit', () => {
  for (const [cacheFile, script] of pending) {
    try {
      const aside = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(aside, script.createCachedData());
      renameSync(aside, cacheFile);
    } catch {
      // The cache only saves time: a run that cannot write it still succeeded.
    }
  }
});

/** Runs `file` as a CommonJS module and returns its exports. */
function requireWithCodeCache(file) {
  const cacheFile = `${file}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) pending.set(cacheFile, script);
  const module = new Module(file, null);
  module.filename = file;
  module.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, dirname(file));
  return module.exports;
}

module.exports = { requireWithCodeCache };
