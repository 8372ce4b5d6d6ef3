/**
 * What the writing commands print (lib/cli/write-summary.ts): one row per folder, previews together,
 * folders that only disappeared named for what they were, and the rows a skipped run repeats.
 */
import { join } from 'node:path';
import { folderRows, writeSummary } from '../../lib/cli/write-summary';
import type { Synthesis } from '../../lib/synth';
import type { FolderChanges } from '../../lib/synth/output';

const synthesis = {
  environments: [
    { environment: { name: 'dev' }, objectCount: 40, preview: false },
    { environment: { name: 'preview-a' }, objectCount: 30, preview: true },
    { environment: { name: 'prod' }, objectCount: 45, preview: false },
    { environment: { name: 'preview-b' }, objectCount: 31, preview: true },
  ],
  delivery: new Array(12),
  clusterSetup: new Array(6),
  files: new Map(),
} as unknown as Synthesis;

const change = (added: number, changed: number, removed: number, unchanged = 0): FolderChanges => ({
  added: Array.from({ length: added }, (_, i) => `a${i}`),
  changed: Array.from({ length: changed }, (_, i) => `c${i}`),
  removed: Array.from({ length: removed }, (_, i) => `r${i}`),
  unchanged,
});

const changes = new Map<string, FolderChanges>([
  ['dev', change(1, 2, 0, 37)],
  ['preview-a', change(0, 1, 0, 29)],
  ['preview-b', change(31, 0, 0)],
  ['preview-gone', change(0, 0, 30)],
  ['qa', change(0, 0, 44)],
  ['.', change(0, 1, 0, 1)],
]);

describe('the folder rows', () => {
  test('one per environment in order, previews (kept and removed) in one row, then delivery, cluster setup and the rest', () => {
    expect(folderRows(synthesis, changes)).toEqual([
      'dev            40 objects               1 added, 2 changed, 0 removed',
      'previews       2 envs, 61 objects       31 added, 1 changed, 30 removed',
      'prod           45 objects               0 added, 0 changed, 0 removed',
      'argocd         12 objects               0 added, 0 changed, 0 removed',
      'cluster-setup  6 objects                0 added, 0 changed, 0 removed',
      'qa             removed environment      0 added, 0 changed, 44 removed',
      '.              generated files          0 added, 1 changed, 0 removed',
    ]);
  });

  test('as a skipped run repeats them: no counts, and no row for a folder the write emptied', () => {
    const rows = folderRows(synthesis, changes, true);
    expect(rows.map((row) => row.split(/\s{2,}/)[0])).toEqual(['dev', 'previews', 'prod', 'argocd', 'cluster-setup', '.']);
    expect(rows.every((row) => row.endsWith('0 added, 0 changed, 0 removed'))).toBe(true);
  });
});

describe('the summary', () => {
  const result = { changes, strays: ['dev/by-hand.yaml'], written: true };

  test('edited lines first, then strays, the rows, and how many files changed', () => {
    const lines = writeSummary({ synthesis, result }, join(process.cwd(), 'dist'), ['environments/images/dev.json backend: a -> b']);
    expect(lines[0]).toBe('environments/images/dev.json backend: a -> b');
    expect(lines[1]).toBe('removed dist/dev/by-hand.yaml: synthesis had not written it (added by hand?)');
    expect(lines.at(-1)).toBe('wrote dist (110 files changed)');
  });

  test('nothing written, and a skipped run', () => {
    expect(writeSummary({ synthesis, result: { changes: new Map(), strays: [], written: false } }, join(process.cwd(), 'dist')).at(-1)).toBe('dist is up to date');
    expect(writeSummary({ unchanged: ['row'] }, join(process.cwd(), 'dist'))).toEqual(['row', 'dist is up to date (nothing it is made from changed since the last synth)']);
  });
});
