/**
 * Strict validation of synthesized objects against the Kubernetes 1.28 definitions and the CRDs of the
 * operators we target: unknown fields are refused, required fields, enums, patterns and formats are
 * checked. A validator is compiled once per apiVersion/kind, kept on disk (validator-cache.ts), and
 * reused for every object of that kind; Ajv itself is loaded only when something must be compiled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closeObjects, strictKubernetesDefinitions } from './kubernetes-overlay';
import { checkSchemaSources, defaultSchemaSources, SchemaSourceError } from './schema-sources';
import { Manifest } from './manifest';
import { shareRepeatedSubschemas } from './shared-subschemas';
import { makePortable } from './portable-schema';
import { CompiledValidators, defaultValidatorCache, NO_VALIDATOR_CACHE, ValidatorCache } from './validator-cache';

export interface SchemaSources {
  /** Kubernetes JSON-schema definitions (`_definitions.json` of cdk8s' kubernetes-schemas). */
  readonly kubernetesDefinitions: string;
  /**
   * Folders of CustomResourceDefinition YAML files, named `<group>_<plural>.yaml`: the shared operators'
   * CRDs, and this project's own reference CRDs (crds/). A kind is looked up in all of them.
   */
  readonly crdDirectories: readonly string[];
}

/** One thing wrong with one object. `path` is the field, in dotted form (`spec.template.spec.containers[0].name`). */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

type Schema = Record<string, unknown>;

interface CustomResourceDefinition {
  spec: {
    group: string;
    names: { kind: string };
    versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }>;
  };
}

// Absolute ids, so that a reference from one schema into another resolves the same from anywhere.
const SCHEMA_ID_BASE = 'https://schemas.co2-calculator.invalid';
const KUBERNETES_SCHEMA_ID = `${SCHEMA_ID_BASE}/kubernetes-1.28.json`;
const OBJECT_META_REF = `${KUBERNETES_SCHEMA_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

/** The validator the commands use: the shared schemas, with compiled validators cached on disk. */
export function defaultSchemaValidator(env: NodeJS.ProcessEnv = process.env): SchemaValidator {
  const sources = checkSchemaSources(defaultSchemaSources(env));
  return new SchemaValidator(sources, defaultValidatorCache(sources, env));
}

export class SchemaValidator {
  private readonly validators = new Map<string, ValidateFunction | null>();
  private compiler?: SchemaCompiler;
  /** How many validators this instance compiled, and how many it found in the cache. */
  readonly stats = { compiled: 0, cached: 0 };

  constructor(
    private readonly sources: SchemaSources,
    private readonly cache: ValidatorCache = NO_VALIDATOR_CACHE,
  ) {}

  /**
   * Makes the validators of these objects' kinds ready: from the cache when this set of kinds was seen
   * before, else compiled together (sharing code) and cached. Optional: validate() prepares what it lacks.
   */
  prepare(manifests: readonly Pick<Manifest, 'apiVersion' | 'kind'>[]): void {
    const kinds = [...new Set(manifests.map((manifest) => gvkKey(manifest.apiVersion, manifest.kind)))].filter((kind) => !this.validators.has(kind)).sort();
    if (kinds.length === 0) return;
    let validators = this.cache.load(kinds);
    if (validators) {
      this.stats.cached += kinds.length;
    } else {
      const compiled = (this.compiler ??= new SchemaCompiler(this.sources)).compile(kinds);
      this.cache.store(kinds, compiled.standalone);
      validators = compiled.validators;
      this.stats.compiled += kinds.length;
    }
    for (const kind of kinds) this.validators.set(kind, validators[kind]);
  }

  /** Problems of one object; empty when it is valid. An apiVersion/kind with no schema is itself a problem. */
  validate(manifest: Manifest): SchemaProblem[] {
    this.prepare([manifest]);
    const validator = this.validators.get(gvkKey(manifest.apiVersion, manifest.kind));
    if (!validator) {
      return [{ path: 'apiVersion', message: `no schema for ${manifest.apiVersion} ${manifest.kind} in Kubernetes 1.28 or in ${this.sources.crdDirectories.join(', ')}` }];
    }
    if (validator(manifest)) return [];
    return describeErrors(validator.errors ?? []);
  }

}

/** Compiles validators from the schema files; created only when the cache cannot answer. */
class SchemaCompiler {
  private readonly ajv: Ajv;
  private readonly kubernetesKinds = new Map<string, string>();
  /** Every CRD file, as [folder, file name], ordered by file name. */
  private readonly crdFiles: Array<readonly [string, string]>;
  private readonly parsedCrdFiles = new Set<string>();
  private readonly crdSchemas = new Map<string, Schema>();

  constructor(sources: SchemaSources) {
    const { default: AjvClass } = require('ajv') as typeof import('ajv');
    const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
    const definitions = readReferenceFile(sources.kubernetesDefinitions, 'the Kubernetes OpenAPI definitions (JSON)', (text) => JSON.parse(text).definitions) as Record<string, Schema>;
    for (const [name, definition] of Object.entries(definitions)) {
      const gvks = (definition['x-kubernetes-group-version-kind'] ?? []) as Array<{ group: string; version: string; kind: string }>;
      for (const gvk of gvks) {
        this.kubernetesKinds.set(gvkKey(gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, gvk.kind), name);
      }
    }
    this.ajv = new AjvClass({
      allErrors: true,
      // The upstream schemas use keywords and type unions that Ajv's strict mode would reject; our own
      // overlay is small and covered by tests.
      strict: false,
      // Compile referenced definitions once, as functions shared by every kind that uses them.
      inlineRefs: false,
      // Keep validation free of side effects: never fill in defaults or coerce.
      useDefaults: false,
      coerceTypes: false,
      code: { source: true },
    });
    // The formats of the Kubernetes OpenAPI (int32, int64, double, byte, date-time, ...); portable-schema.ts
    // turned Go's duration into a pattern, so every format here is ajv-formats' own.
    addFormats(this.ajv, { mode: 'full' });
    const kubernetesDefinitions = strictKubernetesDefinitions(definitions);
    Object.values(kubernetesDefinitions).forEach(makePortable);
    this.ajv.addSchema({ $id: KUBERNETES_SCHEMA_ID, definitions: kubernetesDefinitions });
    this.crdFiles = crdFilesOf(sources);
  }

  /** Validators of these `apiVersion/kind`s (null without a schema), and their shared standalone code. */
  compile(kinds: readonly string[]): { validators: Record<string, ValidateFunction | null>; standalone: CompiledValidators } {
    const validators: Record<string, ValidateFunction | null> = {};
    const exports: Record<string, string | null> = {};
    const refs: Record<string, string> = {};
    kinds.forEach((key, index) => {
      const slash = key.lastIndexOf('/');
      const ref = this.schemaRef(key.slice(0, slash), key.slice(slash + 1));
      if (ref === undefined) {
        validators[key] = exports[key] = null;
        return;
      }
      const name = `validate${index}`;
      validators[key] = this.ajv.getSchema(ref)!;
      refs[name] = ref;
      exports[key] = name;
    });
    const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
    // Ajv's runtime helpers and ajv-formats by absolute path: the cached module may live outside this
    // node_modules tree, and it requires nothing else.
    const code = standaloneCode(this.ajv, refs).replace(/require\("((?:ajv|ajv-formats)\/[^"]+)"\)/g, (_match, module: string) => `require(${JSON.stringify(require.resolve(module))})`);
    return { validators, standalone: { code, exports } };
  }

  /** The key under which Ajv knows the schema of an apiVersion/kind, added on first use; undefined without one. */
  private schemaRef(apiVersion: string, kind: string): string | undefined {
    const definition = this.kubernetesKinds.get(gvkKey(apiVersion, kind));
    if (definition) return `${KUBERNETES_SCHEMA_ID}#/definitions/${definition}`;
    const ref = `${SCHEMA_ID_BASE}/crd/${gvkKey(apiVersion, kind)}.json`;
    if (this.ajv.getSchema(ref) === undefined) {
      const schema = this.customResourceSchema(apiVersion, kind);
      if (!schema) return undefined;
      this.ajv.addSchema(schema, ref);
    }
    return ref;
  }

  /**
   * The schema of a served CRD version. CRD files are large, so only those that can define the group are
   * parsed: first `<group>_<kind>s.yaml`, then every file of the group, then the rest.
   */
  private customResourceSchema(apiVersion: string, kind: string): Schema | undefined {
    const key = gvkKey(apiVersion, kind);
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const likely = `${group}_${kind.toLowerCase()}s.yaml`;
    const candidates = [
      ...this.crdFiles.filter(([, file]) => file === likely),
      ...this.crdFiles.filter(([, file]) => file !== likely && file.startsWith(`${group}_`)),
      ...this.crdFiles.filter(([, file]) => !file.startsWith(`${group}_`)),
    ];
    for (const [folder, file] of candidates) {
      if (this.crdSchemas.has(key)) break;
      this.parseCrdFile(join(folder, file));
    }
    return this.crdSchemas.get(key);
  }

  private parseCrdFile(path: string): void {
    if (this.parsedCrdFiles.has(path)) return;
    this.parsedCrdFiles.add(path);
    // js-yaml: about five times faster than `yaml` on these multi-megabyte files.
    const { load } = require('js-yaml') as typeof import('js-yaml');
    const crd = readReferenceFile(path, 'a CustomResourceDefinition (YAML)', (text) => load(text)) as CustomResourceDefinition;
    if (!crd?.spec?.versions) return;
    for (const version of crd.spec.versions) {
      if (!version.served || !version.schema) continue;
      const apiVersion = `${crd.spec.group}/${version.name}`;
      this.crdSchemas.set(gvkKey(apiVersion, crd.spec.names.kind), strictCustomResourceSchema(version.schema.openAPIV3Schema, apiVersion, crd.spec.names.kind));
    }
  }
}


/**
 * A CRD's structural schema made strict like the built-in kinds, with apiVersion and kind pinned and
 * metadata checked against ObjectMeta (the API server validates it, the CRD does not describe it).
 */
function strictCustomResourceSchema(openApiSchema: Schema, apiVersion: string, kind: string): Schema {
  const schema = structuredClone(openApiSchema);
  closeObjects(schema);
  makePortable(schema);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  schema.properties = {
    ...properties,
    apiVersion: { type: 'string', const: apiVersion },
    kind: { type: 'string', const: kind },
    metadata: { $ref: OBJECT_META_REF },
  };
  schema.required = [...new Set([...((schema.required as string[]) ?? []), 'apiVersion', 'kind', 'metadata'])];
  schema.additionalProperties = false;
  return shareRepeatedSubschemas(schema);
}

/**
 * Every CRD file of the sources' folders, as [folder, file name], ordered by file name, then the later
 * folder first: a file of the project's own crds/ replaces the shared file of the same name.
 */
export function crdFilesOf(sources: SchemaSources): Array<readonly [string, string]> {
  const rank = new Map(sources.crdDirectories.map((folder, index) => [folder, -index]));
  return sources.crdDirectories
    .flatMap((folder) => readdirSync(folder).filter((file) => file.endsWith('.yaml') || file.endsWith('.yml')).map((file) => [folder, file] as const))
    .sort(([folderA, a], [folderB, b]) => a.localeCompare(b) || rank.get(folderA)! - rank.get(folderB)!);
}

function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/**
 * Reads and parses a file of the reference data; a corrupt one fails as a user error naming its path
 * (the data lives outside this repository and can be damaged or half-copied there).
 */
function readReferenceFile(path: string, what: string, parse: (text: string) => unknown): unknown {
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SchemaSourceError(`${path}: cannot be read as ${what}: ${((error as Error).message ?? String(error)).split('\n')[0]}`);
  }
  if (parsed === null || typeof parsed !== 'object') throw new SchemaSourceError(`${path}: cannot be read as ${what}: it holds no definitions`);
  return parsed;
}

/** `/spec/template/spec/containers/0` -> `spec.template.spec.containers[0]`. */
function dottedPath(instancePath: string, child?: string): string {
  const segments = instancePath.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  return segments.reduce((path, segment) => {
    if (/^\d+$/.test(segment)) return `${path}[${segment}]`;
    const safe = /^[A-Za-z_$][\w$-]*$/.test(segment) ? segment : JSON.stringify(segment);
    return path ? `${path}.${safe}` : safe;
  }, '');
}

/**
 * Ajv's errors as one message per field. A failed oneOf/anyOf reports every branch; when a more
 * specific error names the same field, the generic one is dropped.
 */
function describeErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    if (error.propertyName !== undefined) {
      // A rule on a map key (propertyNames): name the key itself.
      problems.push({ path: dottedPath(error.instancePath, error.propertyName), message: `is not a valid key: ${error.message}` });
      continue;
    }
    switch (error.keyword) {
      case 'additionalProperties':
        problems.push({ path: dottedPath(error.instancePath, error.params.additionalProperty), message: 'unknown field' });
        break;
      case 'required':
        problems.push({ path: dottedPath(error.instancePath, error.params.missingProperty), message: 'required field is missing' });
        break;
      case 'enum':
        problems.push({ path: dottedPath(error.instancePath), message: `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` });
        break;
      case 'const':
        problems.push({ path: dottedPath(error.instancePath), message: `must be ${JSON.stringify(error.params.allowedValue)}` });
        break;
      case 'propertyNames':
        break; // reported by the nested error above
      default:
        problems.push({ path: dottedPath(error.instancePath), message: error.message ?? error.keyword });
    }
  }
  const unique = new Map(problems.map((problem) => [`${problem.path}\u0000${problem.message}`, problem]));
  const specific = [...unique.values()];
  const isUnionNoise = (problem: SchemaProblem) => /must match (exactly one|a) schema in (oneOf|anyOf)|must be (string|integer|number)$/.test(problem.message);
  return specific.filter(
    (problem) => !isUnionNoise(problem) || !specific.some((other) => other !== problem && other.path === problem.path && !isUnionNoise(other)),
  );
}
