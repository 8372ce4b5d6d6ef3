/** A synthesis as JSON and back (its files are a Map): for handing one synthesis to another process. */
import type { Synthesis } from './index';

export function serializeSynthesis(synthesis: Synthesis): string {
  return JSON.stringify({ ...synthesis, files: [...synthesis.files] });
}

export function parseSynthesis(json: string): Synthesis {
  const parsed = JSON.parse(json) as Omit<Synthesis, 'files'> & { files: Array<[string, string]> };
  return { ...parsed, files: new Map(parsed.files) };
}
