/**
 * Ids and labels of the Mermaid flowcharts lib/report/diagrams.ts writes, the diagram syntax GitHub
 * renders from a ```mermaid block in Markdown. The text is plain string building (no Mermaid package at
 * synthesis); the tests parse it with Mermaid's own parser and draw it in Chromium.
 *
 * - Ids are the node keys lowered to `[a-z0-9_]`, so they stay the same while the object does and a
 *   topology change is a small diff. Two keys that lower to the same id get `_2`, `_3`, ... in key
 *   order. Every id starts with a letter and contains a `_`, so none is a Mermaid keyword.
 * - Labels are always quoted. Mermaid decodes `#name;` and `#code;` entities in them (utils.ts
 *   `encodeEntities` in mermaid-js/mermaid), so `"`, `#`, and the characters HTML would read (`<`,
 *   `>`, `&`) and a leading backtick (a Markdown string) are written as entities; lines are joined
 *   with `<br>`.
 */

/** Characters written as Mermaid entities in labels. */
const ENTITIES: Record<string, string> = { '#': '#35;', '"': '#quot;', '<': '#lt;', '>': '#gt;', '&': '#amp;', '`': '#96;' };

/** Text as the inside of a quoted Mermaid label. */
export function mermaidLabelText(text: string): string {
  return text.replace(/[#"<>&`]/g, (character) => ENTITIES[character]);
}

/** `key → id` for every node: lowered, `_` for other characters, numbered where two collide. */
export function mermaidIds(keys: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of [...keys].sort()) {
    const base = `${key.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
    const safe = /^[a-z][a-z0-9]*_/.test(base) ? base : `node_${base}`;
    let id = safe;
    for (let n = 2; taken.has(id); n++) id = `${safe}_${n}`;
    taken.add(id);
    ids.set(key, id);
  }
  return ids;
}
