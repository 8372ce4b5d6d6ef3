/**
 * Parses Mermaid diagrams with Mermaid's own parser, for the tests (never for synthesis: Mermaid is a
 * development dependency). Mermaid is ESM-only and sanitizes labels with DOMPurify, which needs a DOM,
 * so this runs as its own Node process with a jsdom window: test/support/mermaid.ts starts it.
 *
 * stdin: a JSON array of diagram texts. stdout: a JSON array, one entry per diagram, either
 * `{ error }` (the parser's message) or what the flowchart parser built: its vertices and edges, with
 * label text decoded the way a browser shows it (Mermaid's `#name;` / `#code;`
 * entities, then HTML entities; `<br>` separates lines).
 */
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

/** Mermaid keeps entities as placeholders (utils.ts encodeEntities) and turns them into HTML entities when it renders (decodeEntities). */
function shownText(text) {
  const html = String(text ?? '').replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';');
  return html.split(/<br\s*\/?>/).map((line) => {
    const element = window.document.createElement('span');
    element.innerHTML = line;
    return element.textContent;
  });
}

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => (data += chunk));
  process.stdin.on('end', () => resolve(data));
}));

const results = [];
for (const text of input) {
  try {
    await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    results.push({
      type: diagram.type,
      vertices: [...db.getVertices().values()].map((vertex) => ({ id: vertex.id, lines: shownText(vertex.text) })),
      edges: db.getEdges().map((edge) => ({ start: edge.start, end: edge.end, lines: edge.text ? shownText(edge.text) : [], stroke: edge.stroke, type: edge.type })),
    });
  } catch (error) {
    results.push({ error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
