/**
 * Names derived from an environment's name, with the API server's limits, so that a long name is
 * refused on its own field rather than deep inside a construct (exit 70 before).
 */
import { environmentInstance } from '../core/labels';

/** The most a namespace name and a label value may hold. */
const MAX = 63;

/** What a name this long would break, if anything. */
export function derivedNameProblem(name: string): string | undefined {
  // The instance label is on every object and names the ArgoCD Application; the default namespace
  // (co2-calculator-<name>, lib/config/environment.ts) is as long.
  const instance = environmentInstance(name);
  if (instance.length > MAX) {
    return `"${name}" is ${name.length} characters: the label app.kubernetes.io/instance "${instance}" would be ${instance.length}, more than the ${MAX} of a label value`;
  }
  return undefined;
}
