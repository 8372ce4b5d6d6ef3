/**
 * Loads a CommonJS file with V8's code cache kept beside it (`<file>.v8-cache`), written when the first
 * process that loads it exits, so that it holds every function that ran, compiled. Used for the bundle
 * scripts/run.cjs runs and the compiled schema validators; what it saves: docs/performance.md.
 */
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** Runs `file` as a CommonJS module and returns its exports. A cache V8 rejects (another Node.js) is made again. */
function requireWithCodeCache(file) {
  const cacheFile = `${file}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {} // none yet
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        writeFileSync(`${cacheFile}.${process.pid}.tmp`, script.createCachedData());
        renameSync(`${cacheFile}.${process.pid}.tmp`, cacheFile);
      } catch {} // the cache only saves time
    });
  }
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

module.exports = { requireWithCodeCache };
