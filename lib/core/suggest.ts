/**
 * "Did you mean": the known name nearest to a mistyped one (an environment, a component, a flag), by
 * edit distance, or by one being the start of the other (`prod` for `production`). A small
 * Levenshtein: the names are a handful, so no library.
 */

/** Levenshtein distance: insertions, deletions and substitutions that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate `input` most likely meant, if one is close: within about half the longer name's
 * letters (`stage` → `staging` is 3 of 7), or a start of it of two letters or more. Ties go to the
 * first candidate in sorted order, so the answer does not depend on the order given.
 */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of [...new Set(candidates)].sort()) {
    if (name === input) return undefined;
    const lower = name.toLowerCase();
    const prefix = typed.length >= 2 && (lower.startsWith(typed) || typed.startsWith(lower));
    const distance = prefix ? 0.5 : editDistance(typed, lower);
    const limit = Math.max(1, Math.floor(Math.max(typed.length, lower.length) * 0.45));
    if ((prefix || distance <= limit) && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** `did you mean "staging"? ` before a list of valid names, or nothing when none is close. */
export function didYouMean(input: string, candidates: readonly string[], quote: (name: string) => string = (name) => `"${name}"`): string {
  const name = nearest(input, candidates);
  return name === undefined ? '' : `did you mean ${quote(name)}? `;
}
