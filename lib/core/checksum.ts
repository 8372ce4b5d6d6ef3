import { createHash } from 'node:crypto';

/**
 * A SHA-256 of key/value data, independent of key order: for a pod template annotation that rolls the
 * pods when configuration they read only at start (environment variables, mounted files) changes.
 */
export function checksum(data: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.keys(data).sort().map((key) => [key, data[key]]));
  return createHash('sha256').update(canonical).digest('hex');
}

/** The pod annotation that carries such a checksum. */
export const CONFIG_CHECKSUM_ANNOTATION = 'co2-calculator.epfl.ch/config-checksum';
