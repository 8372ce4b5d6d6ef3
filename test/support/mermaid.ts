import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface ParsedFlowchart {
  readonly type: string;
  readonly vertices: Array<{ id: string; lines: string[] }>;
  readonly edges: Array<{ start: string; end: string; lines: string[]; stroke: string; type: string }>;
}

export type ParseResult = ParsedFlowchart | { readonly error: string };

/** Each diagram as Mermaid's own flowchart parser reads it (test/support/mermaid-parse.mjs), in one Node process. */
export function parseWithMermaid(diagrams: readonly string[]): ParseResult[] {
  const output = execFileSync(process.execPath, [join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(diagrams), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(output);
}
