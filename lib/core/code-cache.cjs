/**
 * Loads a CommonJS file with V8's code cache kept beside it (`<file>.v8-cache`), written when the
 * first process that loads it exits, so it holds every function that ran, compiled: later runs neither
 * parse the file nor compile those functions. Node's own `module.enableCompileCache()` saved far less
 * here (docs/performance.md).
 * Public APIs only (vm.Script, module.createRequire). Used for the bundle scripts/run.cjs runs and the
 * compiled schema validators; plain CommonJS (code-cache.d.cts for TypeScript): run.cjs needs it first.
 */
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** Caches to write when the process ends, by cache file. */
const pending = new Map();
process.once('exit', () => {
  for (const [cacheFile, script] of pending) {
    try {
      writeFileSync(`${cacheFile}.${process.pid}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.${process.pid}.tmp`, cacheFile);
    } catch {
      // The cache only saves time: a run that cannot write it still succeeded.
    }
  }
});

/** Runs `file` as a CommonJS module and returns its exports. A cache V8 rejects (another Node.js) is made again. */
function requireWithCodeCache(file) {
  const cacheFile = `${file}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {}
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(source, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) pending.set(cacheFile, script);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

module.exports = { requireWithCodeCache };
