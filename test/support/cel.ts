import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface CelCase {
  readonly expression: string;
  readonly variables: Record<string, unknown>;
}

export type CelResult = { readonly value: unknown } | { readonly error: string };

/** Each expression evaluated by @marcbachmann/cel-js (test/support/cel-eval.mjs), all in one Node process. */
export function evaluateCel(cases: readonly CelCase[]): CelResult[] {
  const output = execFileSync(process.execPath, [join(__dirname, 'cel-eval.mjs')], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(output);
}
