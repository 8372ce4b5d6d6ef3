/**
 * What a change to the code does to dist/, object by object and field by field: the committed tree is
 * compared with what synthesis writes now, so a reviewer (or CI, when dist/ is stale) reads
 * `spec.template.spec.containers[name=backend].image: …:1.4.1 -> …:1.4.2` instead of a raw file diff.
 *
 * Files are grouped by their first path segment: an environment's folder, or any other top-level
 * folder or file of dist/ (dist/README.md is its own group). YAML files are parsed and compared as
 * objects, so key order and quoting do not count as changes; when the parsed objects are equal but
 * the bytes are not, the file is reported as a formatting change with its line diff, since ArgoCD
 * would still see a stale file. Other files are compared as text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { UsageError } from '../core/errors';
import { didYouMean } from '../core/suggest';
import { listFiles } from '../synth/output';
import { splitLines, unifiedLineDiff } from './line-diff';

/** One field that differs; `undefined` stands for "absent". */
export interface FieldChange {
  /** e.g. `spec.template.spec.containers[name=backend].image`; "" for the whole file. */
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface FileChange {
  /** Relative to the root of the tree, with "/". */
  readonly path: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** The objects the file holds (`Deployment/backend`), or its path when it holds none. */
  readonly label: string;
  /**
   * For a changed file: what differs. A YAML file whose objects are equal gets one change with
   * path "" and the raw texts, and `formattingOnly`; so does a text file, without it.
   */
  readonly fields: readonly FieldChange[];
  readonly formattingOnly: boolean;
}

export interface GroupDiff {
  /** Top-level folder (`dev`) or root file (`README.md`) of the tree. */
  readonly name: string;
  /** Sorted by path. */
  readonly changes: readonly FileChange[];
  readonly unchanged: number;
}

export interface TreeDiff {
  /** Sorted by name. */
  readonly groups: readonly GroupDiff[];
}

export interface DiffOptions {
  /** Compare only these groups (environment names, or other top-level entries). @default every group */
  readonly only?: readonly string[];
}

/** A request the diff cannot answer, such as an environment that neither tree has. */
export class DiffUsageError extends UsageError {}

/** Every file under `root` (relative path -> content); empty when the folder does not exist. */
export function readTree(root: string): Map<string, string> {
  return new Map(listFiles(root).map((path) => [path, readFileSync(join(root, path), 'utf8')]));
}

function groupOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(0, slash);
}

/** Code-point order, so the output does not depend on the machine's locale. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two trees (relative path -> content): `before` is the committed one, `after` the synthesized one. */
export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, options: DiffOptions = {}): TreeDiff {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(byCodePoint);
  const names = [...new Set(paths.map(groupOf))].sort(byCodePoint);
  const unknown = (options.only ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new DiffUsageError(
      `unknown environment${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')}: ` +
        (unknown.length === 1 ? didYouMean(unknown[0], names) : '') +
        `dist/ and the synthesis have ${names.join(', ') || 'nothing'}`,
    );
  }
  const selected = options.only === undefined || options.only.length === 0 ? names : names.filter((name) => options.only!.includes(name));
  return {
    groups: selected.map((name) => {
      const changes: FileChange[] = [];
      let unchanged = 0;
      for (const path of paths.filter((candidate) => groupOf(candidate) === name)) {
        const change = diffFile(path, before.get(path), after.get(path));
        if (change) changes.push(change);
        else unchanged++;
      }
      return { name, changes, unchanged };
    }),
  };
}

export function hasChanges(diff: TreeDiff): boolean {
  return diff.groups.some((group) => group.changes.length > 0);
}

interface ParsedFile {
  /** The file's documents: one value for the usual one-object file, else the list. */
  readonly value: unknown;
  readonly label: string;
}

/** A YAML file as data, or undefined for a file that is not YAML or does not parse. */
function parseYamlFile(path: string, content: string): ParsedFile | undefined {
  if (!/\.ya?ml$/.test(path)) return undefined;
  const documents = parseAllDocuments(content);
  if (documents.some((document) => document.errors.length > 0)) return undefined;
  const values = documents.map((document) => document.toJS() as unknown);
  const refs = values.flatMap((value) => {
    const object = value as { kind?: unknown; metadata?: { name?: unknown } } | null;
    return typeof object?.kind === 'string' && typeof object.metadata?.name === 'string' ? [`${object.kind}/${object.metadata.name}`] : [];
  });
  return { value: values.length === 1 ? values[0] : values, label: refs.length > 0 ? refs.join(', ') : path };
}

function diffFile(path: string, before: string | undefined, after: string | undefined): FileChange | undefined {
  if (before === after) return undefined;
  const label = (content: string) => parseYamlFile(path, content)?.label ?? path;
  if (before === undefined) return { path, status: 'added', label: label(after!), fields: [], formattingOnly: false };
  if (after === undefined) return { path, status: 'removed', label: label(before), fields: [], formattingOnly: false };
  const parsedBefore = parseYamlFile(path, before);
  const parsedAfter = parseYamlFile(path, after);
  const wholeFile = [{ path: '', before, after }];
  if (parsedBefore === undefined || parsedAfter === undefined) {
    return { path, status: 'changed', label: parsedAfter?.label ?? parsedBefore?.label ?? path, fields: wholeFile, formattingOnly: false };
  }
  const fields = diffValues(parsedBefore.value, parsedAfter.value);
  if (fields.length === 0) return { path, status: 'changed', label: parsedAfter.label, fields: wholeFile, formattingOnly: true };
  return { path, status: 'changed', label: parsedAfter.label, fields, formattingOnly: false };
}

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function keyPath(path: string, key: string): string {
  if (SIMPLE_KEY.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function namePath(path: string, name: string): string {
  return `${path}[name=${SIMPLE_KEY.test(name) ? name : JSON.stringify(name)}]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The names of an array of named items (containers, env, ports, volumes…), or undefined if it is not one. */
function itemNames(items: readonly unknown[]): string[] | undefined {
  const names = items.map((item) => (isPlainObject(item) && typeof item.name === 'string' ? item.name : undefined));
  if (names.some((name) => name === undefined) || new Set(names).size !== names.length) return undefined;
  return names as string[];
}

/**
 * The fields that differ between two values, in a stable order (keys sorted). Arrays whose items all
 * have distinct names on both sides are matched by name, so inserting an env var reports that
 * variable instead of every one after it; a new order of the same names is reported once. Arrays of
 * scalars (command, args, drop lists) are reported whole, since an index means little there.
 */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(byCodePoint);
    return keys.flatMap((key) => diffValues(before[key], after[key], keyPath(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const namesBefore = itemNames(before);
    const namesAfter = itemNames(after);
    if (namesBefore && namesAfter) return diffNamedItems(before, namesBefore, after, namesAfter, path);
    const isScalar = (item: unknown) => typeof item !== 'object' || item === null;
    if (before.every(isScalar) && after.every(isScalar)) return [{ path, before, after }];
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, index) => diffValues(before[index], after[index], `${path}[${index}]`)).flat();
  }
  return [{ path, before, after }];
}

function diffNamedItems(before: unknown[], namesBefore: string[], after: unknown[], namesAfter: string[], path: string): FieldChange[] {
  // Items in their new order, then the removed ones where they were.
  const names = [...namesAfter, ...namesBefore.filter((name) => !namesAfter.includes(name))];
  const changes = names.flatMap((name) =>
    diffValues(before[namesBefore.indexOf(name)], after[namesAfter.indexOf(name)], namePath(path, name)),
  );
  const keptBefore = namesBefore.filter((name) => namesAfter.includes(name));
  const keptAfter = namesAfter.filter((name) => namesBefore.includes(name));
  if (!isDeepStrictEqual(keptBefore, keptAfter)) changes.push({ path: `${path} (order of names)`, before: namesBefore, after: namesAfter });
  return changes;
}

export interface FormatOptions {
  /** Markdown for a pull-request comment (headings, code blocks) instead of plain text. @default false */
  readonly markdown?: boolean;
  /** Put before every file path, so paths read as in the repository. @default "dist/" */
  readonly pathPrefix?: string;
  /** Longer values are shortened (around their first difference, for strings). @default 200 (an image pinned by tag and digest fits) */
  readonly maxValueLength?: number;
  /** Lines of a multi-line string's or a text file's diff shown before the rest is counted. @default 40 */
  readonly maxDiffLines?: number;
}

const STATUS_MARK = { added: '+', removed: '-', changed: '~' } as const;

function countChanges(changes: readonly FileChange[]): string {
  const counts = (['added', 'changed', 'removed'] as const)
    .map((status) => [status, changes.filter((change) => change.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  return counts.length > 0 ? counts.join(', ') : 'no changes';
}

/** The one-line summary of a group: `dev: 2 changed, 1 added (18 unchanged)` or `prod: no changes`. */
export function summarizeGroup(group: GroupDiff): string {
  if (group.changes.length === 0) return `${group.name}: no changes`;
  return `${group.name}: ${countChanges(group.changes)}${group.unchanged > 0 ? ` (${group.unchanged} unchanged)` : ''}`;
}

/** The readable report of a diff: per group a summary line, then each changed file and its fields. */
export function formatTreeDiff(diff: TreeDiff, options: FormatOptions = {}): string {
  const prefix = options.pathPrefix ?? 'dist/';
  const details = (group: GroupDiff) => group.changes.flatMap((change) => formatFileChange(change, prefix, options));
  if (diff.groups.length === 0) return 'nothing to compare\n';
  const total = diff.groups.reduce((sum, group) => sum + group.changes.length, 0);
  const tree = prefix || 'the tree';
  const verdict =
    total === 0
      ? `${tree} matches the synthesis`
      : `${total} file${total > 1 ? 's' : ''} of ${tree} differ${total > 1 ? '' : 's'} from the synthesis: run \`npm run synth\` and commit ${tree}`;

  if (!options.markdown) {
    const lines = diff.groups.flatMap((group) => [summarizeGroup(group), ...details(group).map((line) => `  ${line}`)]);
    return `${[...lines, '', verdict].join('\n')}\n`;
  }
  const sections = diff.groups.flatMap((group) => {
    const heading = `### ${summarizeGroup(group).replace(/^([^:]+):/, '`$1`:')}`;
    if (group.changes.length === 0) return [heading, ''];
    const lines = details(group);
    // A fence longer than any backtick run inside, so a diffed Markdown file cannot close it early.
    const longest = Math.max(2, ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
    const fence = '`'.repeat(longest + 1);
    return [heading, '', `${fence}text`, ...lines, fence, ''];
  });
  return `${['## Changes to dist/', '', ...sections, verdict].join('\n')}\n`;
}

function formatFileChange(change: FileChange, prefix: string, options: FormatOptions): string[] {
  const file = `${prefix}${change.path}`;
  const title = change.label === change.path ? `${STATUS_MARK[change.status]} ${file}` : `${STATUS_MARK[change.status]} ${change.label} (${file})`;
  if (change.status !== 'changed') return [title];
  const note = change.formattingOnly ? ['    same objects; only the text differs:'] : [];
  return [title, ...note, ...change.fields.flatMap((field) => formatField(field, options).map((line) => `    ${line}`))];
}

function formatField(field: FieldChange, options: FormatOptions): string[] {
  const maxLength = options.maxValueLength ?? 200;
  const { path, before, after } = field;
  const isMultiLine = (value: unknown) => typeof value === 'string' && value.includes('\n');
  if ((isMultiLine(before) || isMultiLine(after)) && (before === undefined || typeof before === 'string') && (after === undefined || typeof after === 'string')) {
    return formatTextChange(path, before ?? '', after ?? '', options.maxDiffLines ?? 40);
  }
  const label = path === '' ? '(whole value)' : path;
  if (typeof before === 'string' && typeof after === 'string' && Math.max(before.length, after.length) > maxLength) {
    const [shortBefore, shortAfter] = excerptsAroundChange(before, after, maxLength);
    return [`${label}: ${shortBefore}`, `${' '.repeat(Math.max(0, label.length - 2))}-> ${shortAfter}`];
  }
  return [`${label}: ${formatValue(before, maxLength)} -> ${formatValue(after, maxLength)}`];
}

function formatTextChange(path: string, before: string, after: string, maxDiffLines: number): string[] {
  const hunkLines = unifiedLineDiff(before, after);
  const size = `${splitLines(before).length} -> ${splitLines(after).length} lines`;
  const title = path === '' ? `(${size})` : `${path}: (${size})`;
  if (hunkLines.length === 0) return [`${title} only the line endings or the final newline differ`];
  const shown = hunkLines.slice(0, maxDiffLines);
  const rest = hunkLines.length - shown.length;
  return [title, ...shown.map((line) => `  ${line}`), ...(rest > 0 ? [`  … ${rest} more diff lines`] : [])];
}

/** A value on one line, as YAML writes it (so "1" and 1 stay distinguishable). */
function formatValue(value: unknown, maxLength: number): string {
  if (value === undefined) return '(absent)';
  const yaml = stringify(value, { collectionStyle: 'flow', lineWidth: 0, minContentWidth: 0 }).trimEnd();
  // A multi-line string inside a collection would come out as a block scalar, breaking the one line.
  const text = yaml.includes('\n') ? JSON.stringify(value) : yaml;
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** Both strings cut down to the stretch around their first difference. */
function excerptsAroundChange(before: string, after: string, maxLength: number): [string, string] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  const from = Math.max(0, start - Math.floor(maxLength / 4));
  const cut = (text: string) => {
    const excerpt = text.slice(from, from + maxLength);
    return `${from > 0 ? '…' : ''}${excerpt}${from + maxLength < text.length ? '…' : ''} (${text.length} chars)`;
  };
  return [cut(before), cut(after)];
}

export interface ManifestDiffRun {
  /** The committed tree (relative path -> content): dist/ at git HEAD, or a folder read with `readTree`. */
  readonly committed: ReadonlyMap<string, string>;
  /** What synthesis writes now (relative path -> content), e.g. `synthesizeAll(ENVIRONMENTS).files`. */
  readonly synthesized: ReadonlyMap<string, string>;
  /** Exit with 1 when anything differs, as `git diff --exit-code` does. @default false */
  readonly exitCode?: boolean;
}

export interface ManifestDiffResult {
  readonly diff: TreeDiff;
  readonly output: string;
  /** 0, or 1 when `exitCode` was asked for and something differs. */
  readonly exitCode: number;
}

/** What `npm run diff` does once synthesis has run: compare, format, and decide the exit status. */
export function runManifestDiff(run: ManifestDiffRun & DiffOptions & FormatOptions): ManifestDiffResult {
  const diff = diffTrees(run.committed, run.synthesized, run);
  return { diff, output: formatTreeDiff(diff, run), exitCode: run.exitCode && hasChanges(diff) ? 1 : 0 };
}
