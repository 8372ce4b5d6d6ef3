import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles, OutputError, OWNERSHIP_FILE, recoverInterruptedWrite, STAGING_FOLDER, TreeWrite, writeWhole } from '../../lib/synth/output';
import { commitChange, writeTree } from '../support/tree-write';

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

  test('leaves nothing beside the output or in it: no staging folder', () => {
    writeTree(root, new Map([['dev/a.yaml', 'a\n']]));
    writeTree(root, new Map([['dev/a.yaml', 'a2\n']]));
    expect(readdirSync(base)).toEqual(['dist']);
    expect(readdirSync(root).sort()).toEqual([OWNERSHIP_FILE, 'dev']);
  });

  test('an output folder that is a mount point is written in place (no rename of the folder, none across devices)', () => {
    // A real tmpfs mount is in test/cli/bad-input.test.ts; here: the folder itself is never renamed.
    writeTree(root, new Map([['dev/a.yaml', 'a\n']]));
    const inode = statSync(root).ino;
    writeTree(root, new Map([['prod/b.yaml', 'b\n']]));
    expect(statSync(root).ino).toBe(inode);
    expect(listFiles(root)).toEqual(['prod/b.yaml']);
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

  test('files staged one by one, then a failure before the commit (a preview refused mid-way): nothing changed', () => {
    writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['preview-x/a.yaml', 'x\n']]));
    const before = snapshot(root);
    const write = new TreeWrite(root);
    expect(() =>
      writeWhole(write, () => {
        write.add('preview-x/a.yaml', 'x2\n');
        write.add('preview-y/a.yaml', 'y\n');
        expect(existsSync(join(root, STAGING_FOLDER, 'preview-y', 'a.yaml'))).toBe(true);
        throw new Error('synthesis failed: environment "preview-z": ...');
      }),
    ).toThrow('synthesis failed');
    expect(snapshot(root)).toEqual(before);
  });

  test('files staged one by one land with the commit, as a whole tree would', () => {
    writeTree(root, new Map([['dev/a.yaml', 'a\n'], ['preview-x/a.yaml', 'x\n']]));
    const write = new TreeWrite(root);
    const result = writeWhole(write, () => {
      write.add('preview-y/a.yaml', 'y\n');
      write.add('dev/a.yaml', 'a\n');
      return write.commit();
    });
    expect(result.written).toBe(true);
    expect(listFiles(root)).toEqual(['dev/a.yaml', 'preview-y/a.yaml']);
    expect(result.changes.get('preview-x')!.removed).toEqual(['preview-x/a.yaml']);
    expect(readFileSync(join(root, OWNERSHIP_FILE), 'utf8')).toMatch(/\ndev\/a.yaml\npreview-y\/a.yaml\n$/);
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
 * A run killed at any point: every file-system call of a commit is a point where the process may die
 * (SIGKILL, OOM). At each one the test copies the whole folder, exactly as a killed run would leave
 * it, then runs the next run on the copy: recovery, then the output the sources on disk now ask for
 * (the images file is the source here: "new" asks for NEW, "old" for OLD). Real SIGKILLs of
 * `npm run synth` are in test/integration/atomic-output.test.ts.
 */
const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
/** Runs `fn` with `before` called ahead of every call to fs functions that change something. */
function everyCall<T>(before: (name: string) => void, fn: () => T): T {
  const spies = (['writeFileSync', 'renameSync', 'mkdirSync', 'rmSync', 'rmdirSync'] as const).map((name) => {
    const original = fs[name] as (...args: unknown[]) => unknown;
    return jest.spyOn(fs, name).mockImplementation(((...args: unknown[]) => (before(name), original(...args))) as never);
  });
  try {
    return fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('a run killed before any file-system call', () => {
  const OLD = new Map([['dev/a.yaml', 'a1\n'], ['dev/gone.yaml', 'g\n'], ['README.md', 'old\n'], ['x/y.yaml', 'file becomes folder\n']]);
  const NEW = new Map([['dev/a.yaml', 'a2\n'], ['prod/p.yaml', 'p\n'], ['README.md', 'new\n'], ['x/y.yaml/z.yaml', 'z\n']]);

  test('is repaired by the next run: the tree then matches the sources, and nothing is left over', () => {
    writeTree(root, OLD);
    const imagesFile = join(base, 'images.json');
    writeFileSync(imagesFile, 'old\n');
    const [oldTree, crashes] = [snapshot(root), mkdtempSync(join(tmpdir(), 'crashes-'))];
    const copies: string[] = [];
    everyCall(() => {
      const folder = join(crashes, String(copies.length));
      cpSync(base, folder, { recursive: true });
      copies.push(folder);
    }, () => commitChange({ tree: { root, files: NEW }, files: new Map([[imagesFile, 'new\n']]) }));
    const newTree = snapshot(root);
    expect(copies.length).toBeGreaterThan(8);
    const outcomes = new Set<string>();
    for (const [at, folder] of copies.entries()) {
      const [copyRoot, images] = [join(folder, 'dist'), readFileSync(join(folder, 'images.json'), 'utf8')];
      // Right at the crash: the old state, or a staging folder that tells the next run to repair.
      const seen = JSON.stringify(snapshot(copyRoot)) === JSON.stringify(oldTree) && images === 'old\n' ? 'old' : existsSync(join(copyRoot, STAGING_FOLDER)) ? 'marked' : 'unmarked';
      expect({ at, seen }).not.toMatchObject({ seen: 'unmarked' });
      const marked = existsSync(join(copyRoot, STAGING_FOLDER));
      expect(recoverInterruptedWrite(copyRoot) !== undefined).toBe(marked);
      writeTree(copyRoot, images === 'new\n' ? NEW : OLD);
      expect({ at, tree: snapshot(copyRoot) }).toEqual({ at, tree: images === 'new\n' ? newTree : oldTree });
      expect(readdirSync(folder).sort()).toEqual(['dist', 'images.json']);
      outcomes.add(images);
    }
    // Early crashes keep the old sources, late ones the new: both occur.
    expect([...outcomes].sort()).toEqual(['new\n', 'old\n']);
    rmSync(crashes, { recursive: true, force: true });
  });

  test('a run that finds nothing to recover says so', () => {
    expect(recoverInterruptedWrite(root)).toBeUndefined();
  });

  test('a staging list edited by hand deletes only files this tool stages', () => {
    writeTree(root, OLD);
    const precious = join(base, 'precious.json');
    writeFileSync(precious, 'keep\n');
    mkdirSync(join(root, STAGING_FOLDER));
    writeFileSync(join(root, STAGING_FOLDER, 'beside.txt'), [precious, join(base, '.x.synth-new'), '42'].join('\n'));
    writeFileSync(join(base, '.x.synth-new'), 'staged\n');
    expect(recoverInterruptedWrite(root)).toMatch(/interrupted while writing/);
    expect(readdirSync(base).sort()).toEqual(['dist', 'precious.json']);
  });
});

/**
 * A device that fills up (or a file system that fails) at any write or rename of a commit: the command
 * reports one OutputError line, never a raw system error; failing while staging, nothing changed;
 * failing later, the next run repairs.
 */
describe('a write that fails at any file-system call', () => {
  const OLD = new Map([['dev/a.yaml', 'a1\n'], ['README.md', 'old\n']]);
  const NEW = new Map([['dev/a.yaml', 'a2\n'], ['prod/p.yaml', 'p\n']]);

  test('is one line, and changes nothing or leaves the staging folder for the next run', () => {
    const outcomes = new Set<string>();
    for (let failAt = 1; ; failAt++) {
      rmSync(base, { recursive: true, force: true });
      mkdirSync(base);
      writeTree(root, OLD);
      const imagesFile = join(base, 'images.json');
      writeFileSync(imagesFile, 'old\n');
      const [oldTree, calls] = [snapshot(root), { count: 0 }];
      let failure: unknown;
      try {
        everyCall(() => {
          if (++calls.count === failAt) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }, () => commitChange({ tree: { root, files: NEW }, files: new Map([[imagesFile, 'new\n']]) }));
      } catch (error) {
        failure = error;
      }
      if (failure === undefined) break;
      expect({ failAt, failure }).toEqual({ failAt, failure: expect.any(OutputError) });
      expect((failure as Error).message).not.toContain('\n');
      const unchanged = JSON.stringify(snapshot(root)) === JSON.stringify(oldTree) && readFileSync(imagesFile, 'utf8') === 'old\n';
      const state = unchanged ? 'unchanged' : existsSync(join(root, STAGING_FOLDER)) && /half-way/.test((failure as Error).message) ? 'marked' : 'broken';
      expect({ failAt, state }).not.toMatchObject({ state: 'broken' });
      outcomes.add(state);
      if (state === 'marked') {
        recoverInterruptedWrite(root);
        writeTree(root, readFileSync(imagesFile, 'utf8') === 'new\n' ? NEW : OLD);
      }
      expect(readdirSync(base).sort()).toEqual(['dist', 'images.json']);
    }
    expect([...outcomes].sort()).toEqual(['marked', 'unchanged']);
  });
});
