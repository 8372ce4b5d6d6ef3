import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitChange, journalFileFor, listFiles, OutputError, OWNERSHIP_FILE, recoverInterruptedWrite, writeTree } from '../../lib/synth/output';

/** Every file under a folder with its content, the ownership record included: what a reader of the folder sees. */
function snapshot(root: string): Record<string, string> {
  if (!existsSync(root)) return {};
  const files: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else files[`${prefix}${entry.name}`] = readFileSync(join(dir, entry.name), 'utf8');
    }
  };
  walk(root, '');
  return files;
}

let base: string;
let root: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'output-'));
  root = join(base, 'dist');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('writing the output tree', () => {
  test('writes every file, records them as its own, and reports them as added', () => {
    const changes = writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['dev/b.yaml', 'b\n'], ['README.md', '#\n']]));
    expect(listFiles(root)).toEqual(['README.md', 'dev/a.yaml', 'dev/b.yaml']);
    expect(readFileSync(join(root, OWNERSHIP_FILE), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'))).toEqual([
      'README.md',
      'dev/a.yaml',
      'dev/b.yaml',
    ]);
    expect(changes.get('dev')).toEqual({ added: ['dev/a.yaml', 'dev/b.yaml'], changed: [], removed: [], unchanged: 0 });
    expect(changes.get('.')).toEqual({ added: ['README.md'], changed: [], removed: [], unchanged: 0 });
  });

  test('removes files and folders it no longer writes, and names the files it never wrote', () => {
    writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['dev/stale.yaml', 'x\n'], ['old-env/a.yaml', 'a\n']]));
    mkdirSync(join(root, 'empty'));
    writeFileSync(join(root, 'dev', 'hand-written.yaml'), 'y\n');
    const result = commitChange({ tree: { root, files: new Map([['dev/a.yaml', 'a\n']]) } });
    expect(listFiles(root)).toEqual(['dev/a.yaml']);
    expect(existsSync(join(root, 'old-env'))).toBe(false);
    expect(existsSync(join(root, 'empty'))).toBe(false);
    expect(result.strays).toEqual(['dev/hand-written.yaml']);
    expect(result.changes.get('dev')).toEqual({ added: [], changed: [], removed: ['dev/hand-written.yaml', 'dev/stale.yaml'], unchanged: 1 });
    expect(result.changes.get('old-env')).toEqual({ added: [], changed: [], removed: ['old-env/a.yaml'], unchanged: 0 });
  });

  test('reports a changed file, and writes nothing at all when nothing changed', () => {
    writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['dev/b.yaml', 'b\n']]));
    const changes = writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['dev/b.yaml', 'b2\n']]));
    expect(readFileSync(join(root, 'dev/b.yaml'), 'utf8')).toBe('b2\n');
    expect(changes.get('dev')).toEqual({ added: [], changed: ['dev/b.yaml'], removed: [], unchanged: 1 });

    const before = statSync(join(root, 'dev/a.yaml')).mtimeMs;
    const again = commitChange({ tree: { root, files: new Map([['dev/a.yaml', 'a\n'], ['dev/b.yaml', 'b2\n']]) } });
    expect(again.written).toBe(false);
    expect(statSync(join(root, 'dev/a.yaml')).mtimeMs).toBe(before);
  });

  test('leaves nothing beside the output: no staging folder, no journal', () => {
    writeTree(root, new Map([['dev/a.yaml', 'a\n']]));
    writeTree(root, new Map([['dev/a.yaml', 'a2\n']]));
    expect(readdirSync(base)).toEqual(['dist']);
  });
});

describe('a folder synthesis does not own', () => {
  test.each([
    ['a git clone', { '.git/HEAD': 'ref: refs/heads/main\n', 'README.md': '# mine\n' }],
    ['a folder with one file', { 'notes.txt': 'keep me\n' }],
  ])('%s is refused with what to do, and left untouched', (_case, content) => {
    for (const [path, text] of Object.entries(content)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    expect(() => writeTree(root, new Map([['dev/a.yaml', 'a\n']]))).toThrow(OutputError);
    expect(() => writeTree(root, new Map([['dev/a.yaml', 'a\n']]))).toThrow(/is not empty and was not written by synthesis .*give --out a new or empty folder/);
    expect(snapshot(root)).toEqual(content);
    expect(readdirSync(base)).toEqual(['dist']);
  });

  test('an empty folder is taken', () => {
    mkdirSync(root);
    writeTree(root, new Map([['a.yaml', 'a\n']]));
    expect(listFiles(root)).toEqual(['a.yaml']);
  });

  test('a file where the folder should be is refused', () => {
    writeFileSync(root, 'x');
    expect(() => writeTree(root, new Map([['a.yaml', 'a\n']]))).toThrow('is a file, not a folder');
    expect(readFileSync(root, 'utf8')).toBe('x');
  });

  test('a folder that cannot be created is refused in words, changing nothing', () => {
    writeFileSync(join(base, 'file'), 'x');
    const inside = join(base, 'file', 'dist');
    expect(() => writeTree(inside, new Map([['a.yaml', 'a\n']]))).toThrow(/^cannot read the output folder .*: a path component is a file, not a folder$/);
    expect(readdirSync(base)).toEqual(['file']);
  });
});

/**
 * A run killed at any point: every file-system operation of a commit is a point where the process
 * may die (SIGKILL, OOM). At each one the test copies the whole folder, exactly as a killed run would
 * leave it, then runs the next run's recovery on the copy. A real SIGKILL of `npm run synth` is in
 * test/integration/atomic-output.test.ts.
 */
describe('a run killed after any operation', () => {
  const OLD = new Map([['dev/a.yaml', 'a1\n'], ['dev/gone.yaml', 'g\n'], ['README.md', 'old\n']]);
  const NEW = new Map([['dev/a.yaml', 'a2\n'], ['prod/p.yaml', 'p\n'], ['README.md', 'new\n']]);

  function runKilledAtEveryOperation(imagesContent: string) {
    writeTree(root, OLD);
    const imagesFile = join(base, 'images.json');
    writeFileSync(imagesFile, '{"old": true}\n');
    const oldTree = snapshot(root);
    const copies: Array<{ at: number; what: string; folder: string }> = [];
    const crashes = mkdtempSync(join(tmpdir(), 'crashes-'));
    const result = commitChange(
      { tree: { root, files: NEW }, files: new Map([[imagesFile, imagesContent]]) },
      {
        onOperation: (at, what) => {
          const folder = join(crashes, String(at));
          cpSync(base, folder, { recursive: true });
          copies.push({ at, what, folder });
        },
      },
    );
    expect(result.written).toBe(true);
    const newTree = snapshot(root);
    return { oldTree, newTree, copies, crashes };
  }

  test('leaves the old tree or the new one, with the other files in the same state as the tree', () => {
    const { oldTree, newTree, copies, crashes } = runKilledAtEveryOperation('{"new": true}\n');
    expect(copies.length).toBeGreaterThan(8);
    const outcomes = new Set<string>();
    for (const { at, what, folder } of copies) {
      const copyRoot = join(folder, 'dist');
      const before = snapshot(copyRoot);
      // What a reader sees right at the crash: the old tree, the new one, or (between the two renames
      // of the swap only) no tree while the journal says to finish the swap.
      const seen = JSON.stringify(before) === JSON.stringify(oldTree) ? 'old' : JSON.stringify(before) === JSON.stringify(newTree) ? 'new' : existsSync(copyRoot) ? 'mixed' : 'absent';
      expect({ at, what, seen }).not.toMatchObject({ seen: 'mixed' });
      if (seen === 'absent') expect(JSON.parse(readFileSync(journalFileFor(copyRoot), 'utf8')).phase).toBe('swapping');

      recoverInterruptedWrite(journalFileFor(copyRoot));
      const after = snapshot(copyRoot);
      const images = readFileSync(join(folder, 'images.json'), 'utf8');
      const state = JSON.stringify(after) === JSON.stringify(oldTree) && images === '{"old": true}\n' ? 'old' : JSON.stringify(after) === JSON.stringify(newTree) && images === '{"new": true}\n' ? 'new' : 'mixed';
      expect({ at, what, state }).not.toMatchObject({ state: 'mixed' });
      outcomes.add(state);
      // The next run finds nothing left over beside the tree.
      expect(readdirSync(folder).sort()).toEqual(['dist', 'images.json']);
    }
    // Early crashes undo, late ones complete: both outcomes occur.
    expect([...outcomes].sort()).toEqual(['new', 'old']);
    rmSync(crashes, { recursive: true, force: true });
  });

  test('a run that finds nothing to recover says so', () => {
    expect(recoverInterruptedWrite(journalFileFor(root))).toBeUndefined();
  });
});

/**
 * A device that fills up (or a file system that fails) at any write or rename of a commit: the command
 * reports one OutputError line, never a raw system error, and the files are the old ones, or, when the
 * failure hit the swap, the next run's recovery completes the new ones.
 */
describe('a write that fails at any operation', () => {
  const OLD = new Map([['dev/a.yaml', 'a1\n'], ['README.md', 'old\n']]);
  const NEW = new Map([['dev/a.yaml', 'a2\n'], ['prod/p.yaml', 'p\n']]);
  const fs = jest.requireActual<typeof import('node:fs')>('node:fs');

  test('is one line, and the next run leaves the old state or the new one', () => {
    const outcomes = new Set<string>();
    for (let failAt = 1; ; failAt++) {
      rmSync(base, { recursive: true, force: true });
      mkdirSync(base);
      writeTree(root, OLD);
      const imagesFile = join(base, 'images.json');
      writeFileSync(imagesFile, 'old\n');
      const [oldTree, calls] = [snapshot(root), { count: 0 }];
      const full = () => {
        if (++calls.count === failAt) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
      const spies = (['writeFileSync', 'renameSync', 'mkdirSync'] as const).map((name) => {
        const original = fs[name] as (...args: unknown[]) => unknown;
        return jest.spyOn(fs, name).mockImplementation(((...args: unknown[]) => (full(), original(...args))) as never);
      });
      let failure: unknown;
      try {
        commitChange({ tree: { root, files: NEW }, files: new Map([[imagesFile, 'new\n']]) });
      } catch (error) {
        failure = error;
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
      if (failure === undefined) break;
      expect({ failAt, failure }).toEqual({ failAt, failure: expect.any(OutputError) });
      expect((failure as Error).message).not.toContain('\n');
      recoverInterruptedWrite(journalFileFor(root));
      const state = JSON.stringify(snapshot(root)) === JSON.stringify(oldTree) && readFileSync(imagesFile, 'utf8') === 'old\n' ? 'old' : readFileSync(imagesFile, 'utf8') === 'new\n' && snapshot(root)['prod/p.yaml'] === 'p\n' ? 'new' : 'mixed';
      expect({ failAt, state }).not.toMatchObject({ state: 'mixed' });
      expect(readdirSync(base).sort()).toEqual(['dist', 'images.json']);
      outcomes.add(state);
    }
    expect([...outcomes].sort()).toEqual(['new', 'old']);
  });
});
