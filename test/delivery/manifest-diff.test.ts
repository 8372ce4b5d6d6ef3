import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { diffTrees, diffValues, formatTreeDiff, readTree, runManifestDiff } from '../../lib/delivery/manifest-diff';
import { unifiedLineDiff } from '../../lib/delivery/line-diff';
import { Manifest } from '../../lib/core/manifest';
import { writeTree } from '../support/tree-write';
import { renderManifest } from '../../lib/synth/render';
import { standardSynthesis } from '../support/synthesis';

function deployment(image: string, env: Record<string, string> = {}, extra: Record<string, unknown> = {}): Manifest {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'backend', labels: { 'app.kubernetes.io/version': image.split(':').pop()! } },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'backend', image, env: Object.entries(env).map(([name, value]) => ({ name, value })) },
            { name: 'proxy', image: 'quay.io/x/proxy:2.0' },
          ],
        },
      },
      ...extra,
    },
  };
}

const configMap = (data: Record<string, string>): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data });

/** A tree as synthesis renders it. */
function tree(files: Record<string, Manifest | string>): Map<string, string> {
  return new Map(Object.entries(files).map(([path, content]) => [path, typeof content === 'string' ? content : renderManifest(content)]));
}

describe('comparing dist/ with the synthesis', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'manifest-diff-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Writes `committed` as dist/ and compares it with `synthesized`. */
  function run(committed: Map<string, string>, synthesized: Map<string, string>, options: { only?: string[]; exitCode?: boolean } = {}) {
    writeTree(root, committed);
    return runManifestDiff({ committed: readTree(root), synthesized, ...options });
  }

  test('lists objects added, removed and changed, per environment folder, with the changed fields', () => {
    const committed = tree({
      'dev/deployment-backend.yaml': deployment('quay.io/x/backend:1.4.1'),
      'dev/configmap-old.yaml': { ...configMap({}), metadata: { name: 'old' } },
      'prod/deployment-backend.yaml': deployment('quay.io/x/backend:1.4.0'),
    });
    const synthesized = tree({
      'dev/deployment-backend.yaml': deployment('quay.io/x/backend:1.4.2'),
      'dev/configmap-settings.yaml': configMap({ A: '1' }),
      'prod/deployment-backend.yaml': deployment('quay.io/x/backend:1.4.0'),
    });
    const result = run(committed, synthesized);
    expect(result.output).toBe(
      [
        'dev: 1 added, 1 changed, 1 removed',
        '  - ConfigMap/old (dist/dev/configmap-old.yaml)',
        '  + ConfigMap/settings (dist/dev/configmap-settings.yaml)',
        '  ~ Deployment/backend (dist/dev/deployment-backend.yaml)',
        '      metadata.labels["app.kubernetes.io/version"]: 1.4.1 -> 1.4.2',
        '      spec.template.spec.containers[name=backend].image: quay.io/x/backend:1.4.1 -> quay.io/x/backend:1.4.2',
        'prod: no changes',
        '',
        '3 files of dist/ differ from the synthesis: run `npm run synth` and commit dist/',
        '',
      ].join('\n'),
    );
    expect(result.diff.groups.map((group) => [group.name, group.changes.map((change) => change.status), group.unchanged])).toEqual([
      ['dev', ['removed', 'added', 'changed'], 0],
      ['prod', [], 1],
    ]);
  });

  test('says "no changes" for each folder, and exits 0 even with --exit-code, when nothing differs', () => {
    const files = tree({ 'dev/configmap-settings.yaml': configMap({ A: '1' }), 'prod/configmap-settings.yaml': configMap({ A: '2' }) });
    const result = run(files, files, { exitCode: true });
    expect(result.output).toBe('dev: no changes\nprod: no changes\n\ndist/ matches the synthesis\n');
    expect(result.exitCode).toBe(0);
  });

  test('--exit-code makes a difference exit 1; without it a difference still exits 0', () => {
    const committed = tree({ 'dev/configmap-settings.yaml': configMap({ A: '1' }) });
    const synthesized = tree({ 'dev/configmap-settings.yaml': configMap({ A: '2' }) });
    expect(run(committed, synthesized, { exitCode: true }).exitCode).toBe(1);
    expect(run(committed, synthesized).exitCode).toBe(0);
  });

  test('environment names restrict the comparison; an unknown name is refused with the valid ones', () => {
    const committed = tree({ 'dev/configmap-settings.yaml': configMap({ A: '1' }), 'prod/configmap-settings.yaml': configMap({ A: '1' }) });
    const synthesized = tree({ 'dev/configmap-settings.yaml': configMap({ A: '1' }), 'prod/configmap-settings.yaml': configMap({ A: '2' }) });
    const onlyDev = run(committed, synthesized, { only: ['dev'], exitCode: true });
    expect(onlyDev.output).toBe('dev: no changes\n\ndist/ matches the synthesis\n');
    expect(onlyDev.exitCode).toBe(0);
    expect(run(committed, synthesized, { only: ['prod'], exitCode: true }).exitCode).toBe(1);
    expect(() => run(committed, synthesized, { only: ['dev', 'qa'] })).toThrow('unknown environment "qa": dist/ and the synthesis have dev, prod');
  });

  test('other top-level entries of dist/ are groups of their own; non-YAML files are compared as text', () => {
    const committed = tree({ 'README.md': '# Environments\n\n| host | a |\n| replicas | 2 |\n', 'dev/configmap-settings.yaml': configMap({}) });
    const synthesized = tree({
      'README.md': '# Environments\n\n| host | b |\n| replicas | 2 |\n',
      'argocd/application-dev.yaml': { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'dev' } },
      'dev/configmap-settings.yaml': configMap({}),
    });
    expect(run(committed, synthesized).output).toBe(
      [
        'README.md: 1 changed',
        '  ~ dist/README.md',
        '      (4 -> 4 lines)',
        '        @@ -1,4 +1,4 @@',
        '         # Environments',
        '         ',
        '        -| host | a |',
        '        +| host | b |',
        '         | replicas | 2 |',
        'argocd: 1 added',
        '  + Application/dev (dist/argocd/application-dev.yaml)',
        'dev: no changes',
        '',
        '2 files of dist/ differ from the synthesis: run `npm run synth` and commit dist/',
        '',
      ].join('\n'),
    );
    expect(() => run(committed, synthesized, { only: ['README.md'] })).not.toThrow();
  });

  test('a YAML file whose objects are equal but whose text differs is still reported, as formatting', () => {
    const synthesized = tree({ 'dev/configmap-settings.yaml': configMap({ A: '1' }) });
    const committed = new Map([['dev/configmap-settings.yaml', 'kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: settings\ndata:\n  A: "1"\n']]);
    const [change] = diffTrees(committed, synthesized).groups[0].changes;
    expect(change).toMatchObject({ status: 'changed', label: 'ConfigMap/settings', formattingOnly: true });
    expect(formatTreeDiff(diffTrees(committed, synthesized))).toContain('same objects; only the text differs:');
  });

  test('--markdown puts each changed group in a code block that a diffed Markdown file cannot close', () => {
    const committed = tree({ 'README.md': 'Run:\n\n```sh\nnpm run synth\n```\n', 'dev/a.yaml': configMap({}) });
    const synthesized = tree({ 'README.md': 'Run:\n\n```sh\nnpm run diff\n```\n', 'dev/a.yaml': configMap({}) });
    expect(formatTreeDiff(diffTrees(committed, synthesized), { markdown: true })).toBe(
      [
        '## Changes to dist/',
        '',
        '### `README.md`: 1 changed',
        '',
        '````text',
        '~ dist/README.md',
        '    (5 -> 5 lines)',
        '      @@ -2,4 +2,4 @@',
        '       ',
        '       ```sh',
        '      -npm run synth',
        '      +npm run diff',
        '       ```',
        '````',
        '',
        '### `dev`: no changes',
        '',
        '1 file of dist/ differs from the synthesis: run `npm run synth` and commit dist/',
        '',
      ].join('\n'),
    );
  });

  test('the output does not depend on the order the files come in', () => {
    const committed = tree({ 'prod/a.yaml': configMap({ A: '1' }), 'dev/b.yaml': configMap({}), 'dev/a.yaml': configMap({}) });
    const synthesized = tree({ 'dev/a.yaml': configMap({ B: '1' }), 'prod/a.yaml': configMap({}), 'dev/c.yaml': configMap({}) });
    const reversed = new Map([...committed].reverse());
    expect(formatTreeDiff(diffTrees(reversed, new Map([...synthesized].reverse())))).toBe(formatTreeDiff(diffTrees(committed, synthesized)));
  });

  test('the committed dist/ matches the synthesis of environments/', () => {
    const synthesis = standardSynthesis();
    const result = runManifestDiff({ committed: readTree(resolve(__dirname, '..', '..', 'dist')), synthesized: synthesis.files, exitCode: true });
    expect(result.exitCode).toBe(0);
    const names = synthesis.environments.map(({ environment }) => environment.name);
    expect(result.output.split('\n')).toEqual(expect.arrayContaining(names.map((name) => `${name}: no changes`)));
  });
});

describe('field paths', () => {
  test('named items (containers, env, ports) are matched by name, not by index', () => {
    const before = deployment('quay.io/x/backend:1.0', { A: '1', B: '2' });
    const after = deployment('quay.io/x/backend:1.0', { NEW: '0', A: '1', B: '3' });
    expect(diffValues(before, after)).toEqual([
      { path: 'spec.template.spec.containers[name=backend].env[name=NEW]', before: undefined, after: { name: 'NEW', value: '0' } },
      { path: 'spec.template.spec.containers[name=backend].env[name=B].value', before: '2', after: '3' },
    ]);
  });

  test('a new order of the same names is reported once', () => {
    const before = deployment('quay.io/x/backend:1.0', { A: '1', B: '2' });
    const after = deployment('quay.io/x/backend:1.0', { B: '2', A: '1' });
    expect(diffValues(before, after)).toEqual([
      { path: 'spec.template.spec.containers[name=backend].env (order of names)', before: ['A', 'B'], after: ['B', 'A'] },
    ]);
  });

  test('unnamed items are matched by index; scalar arrays are reported whole', () => {
    expect(diffValues({ rules: [{ port: 80 }, { port: 443 }] }, { rules: [{ port: 80 }, { port: 8443 }, { port: 9090 }] })).toEqual([
      { path: 'rules[1].port', before: 443, after: 8443 },
      { path: 'rules[2]', before: undefined, after: { port: 9090 } },
    ]);
    expect(diffValues({ command: ['alembic', 'upgrade', 'head'] }, { command: ['alembic', 'upgrade', 'heads'] })).toEqual([
      { path: 'command', before: ['alembic', 'upgrade', 'head'], after: ['alembic', 'upgrade', 'heads'] },
    ]);
  });

  test('values keep their YAML type and absent fields say so', () => {
    const committed = tree({ 'dev/configmap-settings.yaml': configMap({ A: '1' }) });
    const synthesized = tree({ 'dev/configmap-settings.yaml': { ...configMap({ A: '1' }), spec: { replicas: 1, list: [1, 'x'] } } });
    expect(formatTreeDiff(diffTrees(committed, synthesized))).toContain('      spec: (absent) -> { replicas: 1, list: [ 1, x ] }\n');
    const quoted = formatTreeDiff(diffTrees(tree({ 'd/a.yaml': configMap({ A: '1' }) }), tree({ 'd/a.yaml': { ...configMap({}), data: { A: 1 } } as Manifest })));
    expect(quoted).toContain('data.A: "1" -> 1\n');
  });

  test('a multi-line string (script, dashboard) is shown as a compact line diff', () => {
    const script = (step: string) => ['#!/bin/sh', 'set -eu', 'echo start', step, 'echo done', 'exit 0', ''].join('\n');
    const output = formatTreeDiff(
      diffTrees(tree({ 'dev/configmap-settings.yaml': configMap({ 'run.sh': script('migrate') }) }), tree({ 'dev/configmap-settings.yaml': configMap({ 'run.sh': script('migrate --all') }) })),
    );
    expect(output).toContain(
      [
        '      data["run.sh"]: (6 -> 6 lines)',
        '        @@ -2,5 +2,5 @@',
        '         set -eu',
        '         echo start',
        '        -migrate',
        '        +migrate --all',
        '         echo done',
        '         exit 0',
      ].join('\n'),
    );
  });

  test('a multi-line string inside a list stays on one line', () => {
    const output = formatTreeDiff(diffTrees(tree({ 'd/c.yaml': configMap({}) }), tree({ 'd/c.yaml': { ...configMap({}), args: ['-c', 'a\nb'], x: 1 } as Manifest })));
    expect(output).toContain('      args: (absent) -> ["-c","a\\nb"]\n');
  });

  test('a long single-line string is cut around its first difference', () => {
    const json = (title: string) => JSON.stringify({ panels: Array.from({ length: 40 }, (_, i) => ({ id: i })), title });
    const output = formatTreeDiff(diffTrees(tree({ 'd/c.yaml': configMap({ 'dashboard.json': json('CO2') }) }), tree({ 'd/c.yaml': configMap({ 'dashboard.json': json('CO2 calculator') }) })));
    expect(output).toMatch(/data\["dashboard\.json"\]: …[^\n]*"title":"CO2"} \(\d+ chars\)\n\s+-> …[^\n]*"title":"CO2 calculator"} \(\d+ chars\)/);
  });
});

describe('line diff', () => {
  test('shows changed lines with two lines of context and numbered hunks', () => {
    const before = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 2\n', 'line two\n').replace('line 11\n', '');
    expect(unifiedLineDiff(before, after)).toEqual([
      '@@ -1,4 +1,4 @@',
      ' line 1',
      '-line 2',
      '+line two',
      ' line 3',
      ' line 4',
      '@@ -9,4 +9,3 @@',
      ' line 9',
      ' line 10',
      '-line 11',
      ' line 12',
    ]);
  });

  test('falls back to replacing the whole differing part when it is too large to align', () => {
    expect(unifiedLineDiff('a\nb\nc\n', 'a\nc\nd\n', { maxCells: 1 })).toEqual(['@@ -1,3 +1,3 @@', ' a', '-b', '-c', '+c', '+d']);
    expect(unifiedLineDiff('a\nb\nc\n', 'a\nc\nd\n')).toEqual(['@@ -1,3 +1,3 @@', ' a', '-b', ' c', '+d']);
  });
});
