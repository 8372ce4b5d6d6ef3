/**
 * How the cluster and ArgoCD 2.12 see a custom resource after a server-side apply, modelled closely
 * enough to find fields that stay OutOfSync forever.
 *
 * 1. The API server fills in the CRD's defaults: apiextensions-apiserver's structural defaulting
 *    (k8s.io/apiextensions-apiserver v0.28.15, pkg/apiserver/schema/defaulting/algorithm.go:34-69):
 *    for every object, each property with a default that is absent (or a non-nullable null) gets a copy
 *    of the default; then every present key is walked with its property's schema, or
 *    additionalProperties; every array item with `items`. Defaults live in the structural part of a
 *    schema only (properties, additionalProperties, items), never under allOf/anyOf/oneOf.
 * 2. Operators may rewrite the stored object (test/support/operator-rewrites.ts).
 * 3. ArgoCD compares. With the ServerSideApply=true sync option and without ServerSideDiff, argo-cd
 *    v2.12.13 turns on the structured-merge diff (controller/state.go:636-643, 681-683); gitops-engine
 *    (faf5a4e5c37d) then merges our manifest into the live object with structured-merge-diff's Apply
 *    and compares the result with the live object (pkg/diff/diff.go:107-114, 297-371). Scheme defaults
 *    are applied to both sides only for built-in kinds (normalizeTypedValue, diff.go:416-442: the
 *    scheme does not know custom resources), so for a custom resource a live field the merge does not
 *    keep is a difference. The merge keeps live fields we do not declare inside maps and map-lists
 *    (`x-kubernetes-list-type: map`, merged by key) and set-lists; it replaces atomic lists (no
 *    list-type, or `atomic`) and atomic maps (`x-kubernetes-map-type: atomic`) with ours, whatever the
 *    server added inside them; and a scalar we declare always wins, so an operator that rewrites one is
 *    a difference too.
 */
export type Schema = Record<string, any>;

const isObject = (value: unknown): value is Record<string, any> => value !== null && typeof value === 'object' && !Array.isArray(value);

function propertySchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (!schema) return undefined;
  if (schema.properties?.[key]) return schema.properties[key];
  return isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
}

/** apiextensions' structural defaulting, in place: algorithm.go:34-69. */
export function applyDefaults(value: unknown, schema: Schema | undefined): void {
  if (!schema) return;
  const nonNullableNull = (item: unknown, itemSchema: Schema | undefined) => item === null && itemSchema !== undefined && itemSchema.nullable !== true;
  if (isObject(value)) {
    for (const [key, property] of Object.entries<Schema>(schema.properties ?? {})) {
      if (property.default === undefined) continue;
      if (!(key in value) || nonNullableNull(value[key], property)) value[key] = structuredClone(property.default);
    }
    for (const key of Object.keys(value)) {
      if (schema.properties?.[key]) {
        applyDefaults(value[key], schema.properties[key]);
      } else if (isObject(schema.additionalProperties)) {
        if (nonNullableNull(value[key], schema.additionalProperties) && schema.additionalProperties.default !== undefined) value[key] = structuredClone(schema.additionalProperties.default);
        applyDefaults(value[key], schema.additionalProperties);
      }
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (nonNullableNull(item, schema.items) && schema.items.default !== undefined) value[index] = structuredClone(schema.items.default);
      applyDefaults(value[index], schema.items);
    });
  }
}

/** How structured-merge-diff treats a list: by key, as a set, or whole. Fields without a schema are deduced: lists atomic. */
function listType(schema: Schema | undefined): 'map' | 'set' | 'atomic' {
  const type = schema?.['x-kubernetes-list-type'];
  return type === 'map' || type === 'set' ? type : 'atomic';
}

const sameKeys = (keys: readonly string[], a: Record<string, unknown>, b: Record<string, unknown>) => keys.every((key) => JSON.stringify(a?.[key]) === JSON.stringify(b?.[key]));

/** What a server-side apply of `config` onto `live` leaves: structured-merge-diff's merge, as far as it matters here. */
export function mergeApplied(live: unknown, config: unknown, schema: Schema | undefined): unknown {
  if (isObject(config) && isObject(live)) {
    if (schema?.['x-kubernetes-map-type'] === 'atomic') return structuredClone(config);
    const merged: Record<string, unknown> = { ...live };
    for (const [key, value] of Object.entries(config)) merged[key] = key in live ? mergeApplied(live[key], value, propertySchema(schema, key)) : structuredClone(value);
    return merged;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    switch (listType(schema)) {
      case 'map': {
        const keys: string[] = schema!['x-kubernetes-list-map-keys'] ?? [];
        const merged = live.map((item) => {
          const ours = config.find((candidate) => sameKeys(keys, candidate, item));
          return ours === undefined ? item : mergeApplied(item, ours, schema!.items);
        });
        return [...merged, ...config.filter((ours) => !live.some((item) => sameKeys(keys, ours, item))).map((ours) => structuredClone(ours))];
      }
      case 'set':
        return [...live, ...config.filter((ours) => !live.some((item) => JSON.stringify(item) === JSON.stringify(ours)))];
      default:
        return structuredClone(config);
    }
  }
  return structuredClone(config);
}

/** Paths (`spec.data[0].remoteRef.conversionStrategy`) where two values differ. */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (isObject(a) && isObject(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((key) => differences(a[key], b[key], path ? `${path}.${key}` : key));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((item, index) => differences(item, b[index], `${path}[${index}]`));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

/**
 * The fields of `declared` that ArgoCD would report OutOfSync forever: the object as the cluster keeps
 * it (defaults, then rewrites) against what a server-side apply of `declared` onto it yields.
 */
export function perpetualDifferences(declared: Record<string, any>, schema: Schema, rewrite?: (object: Record<string, any>) => void): string[] {
  const live = structuredClone(declared);
  applyDefaults(live, schema);
  rewrite?.(live);
  applyDefaults(live, schema);
  return differences(mergeApplied(live, declared, withObjectMeta(schema)), live);
}

/** metadata of a custom resource is ObjectMeta: labels and annotations are granular maps, finalizers a set. */
function withObjectMeta(schema: Schema): Schema {
  const granular = { type: 'object', additionalProperties: { type: 'string' } };
  return {
    ...schema,
    properties: { ...schema.properties, metadata: { type: 'object', properties: { labels: granular, annotations: granular, finalizers: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } } } },
  };
}
