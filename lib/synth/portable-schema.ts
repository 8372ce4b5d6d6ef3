/**
 * Rewrites the two features of the upstream schemas that plain JSON Schema with JavaScript regular
 * expressions lacks, so that compiled validators need no code of ours at run time (validator-cache.ts
 * keeps them as standalone modules that only require Ajv's packages):
 *
 * - Go (RE2) patterns with the inline case-insensitive flag `(?i)`: the flag is removed and, within its
 *   group, each letter becomes a class of both cases (`(?i)mon` -> `[mM][oO][nN]`), which accepts
 *   exactly what RE2 accepts for ASCII.
 * - `format: duration`, which in Kubernetes means Go's time.Duration ("30s", "1h30m") and in JSON
 *   Schema ISO 8601: it becomes the equivalent pattern.
 */
import { forEachSubschema } from './schema-walk';

const GO_DURATION = '^(?:\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h))+$';

const isLetter = (char: string) => /^[A-Za-z]$/.test(char);
const otherCase = (char: string) => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase());

/** The body of a character class (between `[` and `]`) with every letter and letter range in both cases. */
function caseInsensitiveClass(body: string): string {
  let result = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') {
      result += body.slice(i, i + 2);
      i++;
    } else if (body[i + 1] === '-' && i + 2 < body.length && isLetter(body[i]) && isLetter(body[i + 2])) {
      const range = body.slice(i, i + 3);
      result += range + otherCase(body[i]) + '-' + otherCase(body[i + 2]);
      i += 2;
    } else {
      result += isLetter(body[i]) ? body[i] + otherCase(body[i]) : body[i];
    }
  }
  return result;
}

/** `(?i)` groups of an RE2 pattern rewritten as explicit case classes. */
export function withoutInlineCaseFlag(pattern: string): string {
  let result = '';
  /** Paren depth at which each active `(?i)` was found: it lasts until that group closes. */
  const insensitiveFrom: number[] = [];
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    const insensitive = insensitiveFrom.length > 0;
    if (char === '\\') {
      result += pattern.slice(i, i + 2);
      i++;
    } else if (pattern.startsWith('(?i)', i)) {
      insensitiveFrom.push(depth);
      i += 3;
    } else if (char === '[') {
      // A class ends at the first unescaped "]" (a leading "]" or "^]" is part of it).
      let end = i + 1;
      if (pattern[end] === '^') end++;
      if (pattern[end] === ']') end++;
      while (end < pattern.length && pattern[end] !== ']') end += pattern[end] === '\\' ? 2 : 1;
      const body = pattern.slice(i + 1, end);
      result += `[${insensitive ? caseInsensitiveClass(body) : body}]`;
      i = end;
    } else if (char === '(') {
      depth++;
      result += char;
    } else if (char === ')') {
      while (insensitiveFrom.length > 0 && insensitiveFrom[insensitiveFrom.length - 1] >= depth) insensitiveFrom.pop();
      depth--;
      result += char;
    } else if (insensitive && isLetter(char)) {
      result += `[${char.toLowerCase()}${char.toUpperCase()}]`;
    } else {
      result += char;
    }
  }
  return result;
}

/** Applies both rewrites to every subschema, in place. */
export function makePortable(schema: unknown): void {
  forEachSubschema(schema, (node) => {
    if (typeof node.pattern === 'string' && node.pattern.includes('(?i)')) node.pattern = withoutInlineCaseFlag(node.pattern);
    if (node.format === 'duration') {
      delete node.format;
      node.pattern ??= GO_DURATION;
    }
  });
}
