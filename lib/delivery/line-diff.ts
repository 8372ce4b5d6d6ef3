/**
 * A compact unified diff of two texts, for showing a changed script, dashboard or README in a pull
 * request comment without pasting both versions.
 */

export interface LineDiffOptions {
  /** Unchanged lines shown around each change. @default 2 */
  readonly context?: number;
  /**
   * Above this many lines × lines in the part that differs, the longest-common-subsequence table would
   * cost too much memory, and that part is shown as all removed then all added. @default 4_000_000
   */
  readonly maxCells?: number;
}

interface Operation {
  readonly type: ' ' | '-' | '+';
  readonly text: string;
}

/** The lines of a text; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/**
 * The hunks of a unified diff (`@@ -a,b +c,d @@` headers, then lines starting with " ", "-" or "+"),
 * without the file header. Empty when both texts have the same lines.
 */
export function unifiedLineDiff(before: string, after: string, options: LineDiffOptions = {}): string[] {
  const operations = diffLines(splitLines(before), splitLines(after), options.maxCells ?? 4_000_000);
  return hunks(operations, options.context ?? 2);
}

function diffLines(a: readonly string[], b: readonly string[], maxCells: number): Operation[] {
  // Most changes touch a few lines of a long text: the common ends need no table.
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const middleA = a.slice(prefix, a.length - suffix);
  const middleB = b.slice(prefix, b.length - suffix);
  const same = (lines: readonly string[]) => lines.map((text): Operation => ({ type: ' ', text }));
  return [...same(a.slice(0, prefix)), ...diffMiddle(middleA, middleB, maxCells), ...same(a.slice(a.length - suffix))];
}

function diffMiddle(a: readonly string[], b: readonly string[], maxCells: number): Operation[] {
  const removed = (text: string): Operation => ({ type: '-', text });
  const added = (text: string): Operation => ({ type: '+', text });
  if ((a.length + 1) * (b.length + 1) > maxCells) return [...a.map(removed), ...b.map(added)];
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const operations: Operation[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      operations.push({ type: ' ', text: a[i++] });
      j++;
    } else if (j < b.length && (i === a.length || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j])) {
      operations.push(added(b[j++]));
    } else {
      operations.push(removed(a[i++]));
    }
  }
  // Within a run of changes, show the removed lines before the added ones, as diff(1) does.
  return groupChanges(operations);
}

function groupChanges(operations: readonly Operation[]): Operation[] {
  const result: Operation[] = [];
  let run: Operation[] = [];
  const flush = () => {
    result.push(...run.filter((op) => op.type === '-'), ...run.filter((op) => op.type === '+'));
    run = [];
  };
  for (const operation of operations) {
    if (operation.type === ' ') {
      flush();
      result.push(operation);
    } else {
      run.push(operation);
    }
  }
  flush();
  return result;
}

function hunks(operations: readonly Operation[], context: number): string[] {
  const changed = operations.flatMap((operation, index) => (operation.type === ' ' ? [] : [index]));
  if (changed.length === 0) return [];
  // Ranges of operations to show, each change widened by its context; overlapping ranges merge.
  const ranges: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - context);
    const end = Math.min(operations.length, index + context + 1);
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  // Line numbers where each operation stands in the old and the new text.
  const oldLine: number[] = [];
  const newLine: number[] = [];
  let oldCount = 0;
  let newCount = 0;
  for (const operation of operations) {
    oldLine.push(oldCount);
    newLine.push(newCount);
    if (operation.type !== '+') oldCount++;
    if (operation.type !== '-') newCount++;
  }
  return ranges.flatMap(([start, end]) => {
    const shown = operations.slice(start, end);
    const oldLength = shown.filter((op) => op.type !== '+').length;
    const newLength = shown.filter((op) => op.type !== '-').length;
    // As in diff(1): an empty side is numbered by the line before it.
    const header = `@@ -${oldLine[start] + (oldLength > 0 ? 1 : 0)},${oldLength} +${newLine[start] + (newLength > 0 ? 1 : 0)},${newLength} @@`;
    return [header, ...shown.map((op) => `${op.type}${op.text}`)];
  });
}
