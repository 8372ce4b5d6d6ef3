/**
 * lib/core/code-cache.cjs: a module loaded through it behaves as `require` would, its V8 code cache is
 * written when the first process exits and used (not rewritten) by the next, and a cache V8 rejects
 * is replaced.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../lib/core/repo-root';

const LOADER = join(REPO_ROOT, 'lib', 'core', 'code-cache.cjs');

describe('requireWithCodeCache', () => {
  let folder: string;
  let file: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'code-cache-'));
    file = join(folder, 'module.cjs');
    writeFileSync(file, "exports.sum = (a, b) => a + b;\nmodule.exports.where = [__filename, __dirname, require('./data.json').name];\n");
    writeFileSync(join(folder, 'data.json'), '{ "name": "beside" }');
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  /** Loads the module in a new process and returns what it printed. */
  const load = () => {
    const script = `const m = require(${JSON.stringify(LOADER)}).requireWithCodeCache(${JSON.stringify(file)}); console.log(JSON.stringify([m.sum(2, 3), ...m.where]));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout);
  };

  test('exports, __filename, __dirname and a require relative to the file, as require gives them', () => {
    expect(load()).toEqual([5, file, folder, 'beside']);
  });

  test('the cache is written by the first process and kept by the next', () => {
    rmSync(`${file}.v8-cache`, { force: true });
    load();
    const made = statSync(`${file}.v8-cache`);
    expect(made.size).toBeGreaterThan(0);
    expect(load()).toEqual([5, file, folder, 'beside']);
    expect(statSync(`${file}.v8-cache`).mtimeMs).toBe(made.mtimeMs);
  });

  test('a cache V8 rejects is made again', () => {
    writeFileSync(`${file}.v8-cache`, 'not a code cache');
    expect(load()).toEqual([5, file, folder, 'beside']);
    expect(readFileSync(`${file}.v8-cache`, 'utf8')).not.toBe('not a code cache');
  });
});
