/**
 * `node --require record-modules.cjs <script>`: when the process exits, writes the path of every
 * CommonJS module it loaded (require.cache) as a JSON array to $RECORD_MODULES_TO. The synthesis is
 * CommonJS: the bundle scripts/run.cjs runs, and any package it requires outside the bundle.
 */
'use strict';
const { writeFileSync } = require('node:fs');

process.once('exit', () => writeFileSync(process.env.RECORD_MODULES_TO, JSON.stringify(Object.keys(require.cache))));
