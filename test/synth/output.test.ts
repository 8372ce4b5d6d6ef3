import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles, writeTree } from '../../lib/synth/output';

describe('writing the output tree', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dist-'));
  });

  test('writes every file and reports them as added', () => {
    const changes = writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['dev/b.yaml', 'b\n'], ['README.md', '#\n']]));
    expect(listFiles(root)).toEqual(['README.md', 'dev/a.yaml', 'dev/b.yaml']);
    expect(changes.get('dev')).toEqual({ added: ['dev/a.yaml', 'dev/b.yaml'], changed: [], removed: [], unchanged: 0 });
    expect(changes.get('.')).toEqual({ added: ['README.md'], changed: [], removed: [], unchanged: 0 });
  });

  test('removes files and folders it no longer writes', () => {
    writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['dev/stale.yaml', 'x\n'], ['old-env/a.yaml', 'a\n']]));
    mkdirSync(join(root, 'empty'));
    writeFileSync(join(root, 'dev', 'hand-written.yaml'), 'y\n');
    const changes = writeTree(root, new Map([['dev/a.yaml', 'a\n']]));
    expect(listFiles(root)).toEqual(['dev/a.yaml']);
    expect(existsSync(join(root, 'old-env'))).toBe(false);
    expect(existsSync(join(root, 'empty'))).toBe(false);
    expect(changes.get('dev')).toEqual({ added: [], changed: [], removed: ['dev/hand-written.yaml', 'dev/stale.yaml'], unchanged: 1 });
    expect(changes.get('old-env')).toEqual({ added: [], changed: [], removed: ['old-env/a.yaml'], unchanged: 0 });
  });

  test('rewrites a changed file and leaves an unchanged one untouched', () => {
    writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['dev/b.yaml', 'b\n']]));
    const before = statSync(join(root, 'dev/a.yaml')).mtimeMs;
    const changes = writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['dev/b.yaml', 'b2\n']]));
    expect(readFileSync(join(root, 'dev/b.yaml'), 'utf8')).toBe('b2\n');
    expect(statSync(join(root, 'dev/a.yaml')).mtimeMs).toBe(before);
    expect(changes.get('dev')).toEqual({ added: [], changed: ['dev/b.yaml'], removed: [], unchanged: 1 });
  });
});
