/**
 * Every string we write must read back as the same string under YAML 1.1 (kubectl, Argo CD: go-yaml
 * v2 rules) and YAML 1.2: an unquoted `on` is a boolean to a 1.1 reader, and a ConfigMap value, a
 * label or an image tag `on` then fails to apply.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../../lib/core/repo-root';
import { renderManifest } from '../../lib/synth/render';

/** The documents of a YAML text as a YAML 1.1 reader and a YAML 1.2 reader see them. */
const read11 = (text: string) => parseAllDocuments(text, { version: '1.1' }).map((document) => document.toJS());
const read12 = (text: string) => parseAllDocuments(text).map((document) => document.toJS());

const HAZARDS = [...new Set([
  // 1.1 booleans, in the casings 1.1 reads as such, and neighbours.
  ...['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false'].flatMap((word) => [word, word[0].toUpperCase() + word.slice(1), word.toUpperCase()]),
  // Null, sexagesimal, octal, hexadecimal, binary, underscores, loose floats, infinities, timestamps.
  '~', 'null', 'Null', 'NULL', '', '1:20', '-1:20:30', '190:20:30.15', '0o17', '017', '0x1F', '0b1010', '1_000', '1_', '+12', '1e3',
  '1.', '.', '+.', '.5', 'e3', '1.5e+3', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '2001-12-14', '2001-12-14 21:59:43.10 -5', '=', '<<',
  // Look numeric or special, are strings to both: must stay as they are.
  '2.20.0', '0.0.0.0', '8080:80', 'v1.0.7',
  // Blank first lines, which a block scalar would lose (eemeli/yaml#695); indicators first.
  ' \n', '  \nx', '\n \n', ' \n\t', '-c', '--flag', '?x', ':x',
])];

describe('rendered YAML', () => {
  test.each(HAZARDS)('%j reads back as that string under YAML 1.1 and 1.2, as a value and as a key', (text) => {
    const yaml = renderManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { value: text, [text]: 'key' } });
    for (const [document] of [read11(yaml), read12(yaml)] as Array<Array<{ data: Record<string, unknown> }>>) {
      expect(document.data.value).toBe(text);
      expect(document.data[text]).toBe('key');
    }
  });

  test('strings that are strings to both readers stay unquoted', () => {
    expect(renderManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { version: '2.20.0' } } })).toContain('version: 2.20.0\n');
  });

  test('every file of dist/ reads the same under YAML 1.1 as under YAML 1.2', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.yaml')) files.push(join(dir, entry.name));
      }
    };
    walk(join(REPO_ROOT, 'dist'));
    expect(files.length).toBeGreaterThan(100);
    const differing = files.filter((file) => {
      const text = readFileSync(file, 'utf8');
      return JSON.stringify(read11(text)) !== JSON.stringify(read12(text));
    });
    expect(differing.map((file) => relative(REPO_ROOT, file))).toEqual([]);
  });
});
