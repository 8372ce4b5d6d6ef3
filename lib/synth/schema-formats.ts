/**
 * The string formats our schemas use, in one module so that validators compiled to standalone code
 * (see validator-cache.ts) can `require` the very same definitions.
 */
import type { Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';

export const SCHEMA_FORMATS: Record<string, Format> = {
  ...fullFormats,
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  double: { type: 'number', validate: () => true },
  // Kubernetes' "duration" is Go's time.Duration syntax ("30s", "1h30m"), not ISO 8601.
  duration: /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/,
};
