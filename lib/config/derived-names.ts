/**
 * Names derived from an environment's name, with the API server's limits, so that a
 * long name is refused on its own field rather than deep inside a construct (exit 70 before).
 */

/** The namespace an environment gets when it names none (lib/config/environment.ts). */
export const DEFAULT_NAMESPACE_PREFIX = 'co2-calculator-';
const NAMESPACE_MAX = 63;

/** What a name this long would break, if anything. */
export function derivedNameProblem(name: string, hasOwnNamespace: boolean): string | undefined {
  if (!hasOwnNamespace && DEFAULT_NAMESPACE_PREFIX.length + name.length > NAMESPACE_MAX) {
    return `"${name}" is ${name.length} characters: its namespace "${DEFAULT_NAMESPACE_PREFIX}${name}" would be more than ${NAMESPACE_MAX}`;
  }
  return undefined;
}
