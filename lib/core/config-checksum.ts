/**
 * The pod-template annotation that rolls a Deployment when the configuration its process read at start
 * changes. Kubernetes starts a rollout only when the pod template changes; a ConfigMap that is read
 * once at start (as environment variables, or as a file the process does not watch) changes nothing
 * there by itself. Carrying a digest of the configuration in the template makes every change a rollout.
 *
 * The same pattern as the backend's (lib/workloads/backend.ts, `co2-calculator.epfl.ch/config-checksum`).
 */
import { createHash } from 'node:crypto';

export const CONFIG_CHECKSUM_ANNOTATION = 'co2-calculator.epfl.ch/config-checksum';

/** SHA-256 of the data, independent of key order. */
export function configChecksum(data: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.keys(data).sort().map((key) => [key, data[key]]));
  return createHash('sha256').update(canonical).digest('hex');
}

/** The annotation to put on a pod template whose process reads `data` at start. */
export function configChecksumAnnotation(data: Readonly<Record<string, string>>): Record<string, string> {
  return { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(data) };
}
