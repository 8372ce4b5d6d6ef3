/**
 * Where a JSON schema holds subschemas, for the passes that rewrite the upstream schemas (strictness,
 * portability, sharing). Knowing it matters: a CRD field may well be named `pattern` or `format`, and a
 * pass that took every nested object for a schema would rewrite the map of properties instead.
 */
export type Schema = Record<string, unknown>;

/** Keys whose values are data, never schemas. */
export const DATA_KEYS: ReadonlySet<string> = new Set(['enum', 'required', 'default', 'example', 'const', 'description']);
/** Keys whose values map names to schemas. */
export const SCHEMA_MAP_KEYS: ReadonlySet<string> = new Set(['properties', 'patternProperties', 'definitions', '$defs']);

/** Calls `visit` on `schema` and on each of its subschemas, parents before children. */
export function forEachSubschema(schema: unknown, visit: (node: Schema) => void): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
  const node = schema as Schema;
  visit(node);
  for (const [key, value] of Object.entries(node)) {
    // Data, and Kubernetes' extensions (x-kubernetes-validations, list-map keys, ...), hold no schema.
    if (DATA_KEYS.has(key) || key.startsWith('x-') || value === null || typeof value !== 'object') continue;
    if (SCHEMA_MAP_KEYS.has(key)) Object.values(value).forEach((subschema) => forEachSubschema(subschema, visit));
    else if (Array.isArray(value)) value.forEach((subschema) => forEachSubschema(subschema, visit));
    else forEachSubschema(value, visit);
  }
}
