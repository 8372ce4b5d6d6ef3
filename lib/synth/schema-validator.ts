/**
 * Strict validation of synthesized objects against the Kubernetes definitions of each end of the
 * supported range (lib/platform/supported-releases.ts) and the CRDs of the operators we target:
 * unknown fields are refused, required fields, enums, patterns and formats are checked, and each
 * problem names the Kubernetes version or the CRD file that refuses the object. A validator is
 * compiled once per apiVersion/kind and source, kept on disk (validator-cache.ts), and reused for
 * every object of that kind; Ajv itself is loaded only when something must be compiled.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { closeObjects, strictKubernetesDefinitions } from './kubernetes-overlay';
import { DATA_KEYS, forEachSubschema } from './schema-walk';
import { checkSchemaSources, crdFilesOf, defaultSchemaSources, SchemaSourceError, SchemaSources } from './schema-sources';

export type { KubernetesDefinitions, SchemaSources } from './schema-sources';
export { crdFilesOf } from './schema-sources';
import { Manifest } from '../core/manifest';
import { shareRepeatedSubschemas } from './shared-subschemas';
import { makePortable } from './portable-schema';
import { CompiledValidators, defaultValidatorCache, NO_VALIDATOR_CACHE, ValidatorCache } from './validator-cache';

/** One thing wrong with one object. `path` is the field, in dotted form (`spec.template.spec.containers[0].name`). */
export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
  /** What refuses it: `Kubernetes 1.29`, `Kubernetes 1.29 and 1.34`, or a CRD file (`crds-2026/route.openshift.io_routes.yaml`). */
  readonly refusedBy: string;
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
const kubernetesSchemaId = (version: string) => `${SCHEMA_ID_BASE}/kubernetes-${version}.json`;
const objectMetaRef = (version: string) => `${kubernetesSchemaId(version)}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

/** The key of a validator: an `apiVersion/kind` checked against one source (a Kubernetes minor, or the CRDs). */
const CRD_TARGET = 'crd';
const validatorKey = (kind: string, target: string) => `${kind}@${target}`;

/** The validator the commands use: the shared schemas, with compiled validators cached on disk. */
export function defaultSchemaValidator(env: NodeJS.ProcessEnv = process.env): SchemaValidator {
  const sources = checkSchemaSources(defaultSchemaSources(env));
  return new SchemaValidator(sources, defaultValidatorCache(sources, env));
}

export class SchemaValidator {
  private readonly validators = new Map<string, ValidateFunction | null>();
  /** The CRD file each custom resource validator comes from. */
  private readonly origins = new Map<string, string>();
  private readonly prepared = new Set<string>();
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
    const kinds = [...new Set(manifests.map((manifest) => gvkKey(manifest.apiVersion, manifest.kind)))].filter((kind) => !this.prepared.has(kind)).sort();
    if (kinds.length === 0) return;
    const keys = kinds.flatMap((kind) => [...this.sources.kubernetes.map(({ version }) => validatorKey(kind, version)), validatorKey(kind, CRD_TARGET)]);
    let loaded = this.cache.load(keys);
    if (loaded) {
      this.stats.cached += kinds.length;
    } else {
      const compiled = (this.compiler ??= new SchemaCompiler(this.sources)).compile(keys);
      this.cache.store(keys, compiled.standalone);
      loaded = { validators: compiled.validators, origins: compiled.standalone.origins };
      this.stats.compiled += kinds.length;
    }
    for (const key of keys) this.validators.set(key, loaded.validators[key]);
    for (const [key, origin] of Object.entries(loaded.origins)) this.origins.set(key, origin);
    for (const kind of kinds) this.prepared.add(kind);
  }

  /**
   * Problems of one object; empty when it is valid. A built-in kind is checked against every Kubernetes
   * minor of the sources (one that does not serve it refuses it), a custom resource against its CRD.
   * An apiVersion/kind with no schema anywhere is itself a problem.
   */
  validate(manifest: Manifest): SchemaProblem[] {
    this.prepare([manifest]);
    const kind = gvkKey(manifest.apiVersion, manifest.kind);
    const builtIn = this.sources.kubernetes.map(({ version }) => ({ version, validator: this.validators.get(validatorKey(kind, version)) }));
    if (builtIn.some(({ validator }) => validator)) {
      const byProblem = new Map<string, { path: string; message: string; versions: string[] }>();
      for (const { version, validator } of builtIn) {
        const problems = !validator
          ? [{ path: 'apiVersion', message: `${manifest.apiVersion} ${manifest.kind} is not served` }]
          : validator(manifest)
            ? []
            : describeErrors(validator.errors ?? []);
        for (const { path, message } of problems) {
          const key = `${path}\u0000${message}`;
          if (!byProblem.has(key)) byProblem.set(key, { path, message, versions: [] });
          byProblem.get(key)!.versions.push(version);
        }
      }
      return [...byProblem.values()].map(({ path, message, versions }) => ({ path, message, refusedBy: `Kubernetes ${joinVersions(versions)}` }));
    }
    const crdKey = validatorKey(kind, CRD_TARGET);
    const validator = this.validators.get(crdKey);
    if (!validator) {
      return [
        {
          path: 'apiVersion',
          message: `no schema for ${manifest.apiVersion} ${manifest.kind}`,
          refusedBy: `Kubernetes ${joinVersions(this.sources.kubernetes.map(({ version }) => version))} and the CRDs of ${this.sources.crdDirectories.join(', ')}`,
        },
      ];
    }
    if (validator(manifest)) return [];
    const refusedBy = this.origins.get(crdKey) ?? 'its CRD';
    return describeErrors(validator.errors ?? []).map((problem) => ({ ...problem, refusedBy }));
  }

}

/** Compiles validators from the schema files; created only when the cache cannot answer. */
class SchemaCompiler {
  private readonly ajv: Ajv;
  /** Per Kubernetes minor: `apiVersion/kind` -> definition name. */
  private readonly kubernetesKinds = new Map<string, Map<string, string>>();
  private readonly objectMetaRef: string;
  /** Every CRD file, as [folder, file name], ordered by file name. */
  private readonly crdFiles: Array<readonly [string, string]>;
  private readonly parsedCrdFiles = new Set<string>();
  /** `apiVersion/kind` -> the schema of the first CRD file defining it, and that file (`crds-2026/<file>`). */
  private readonly crdSchemas = new Map<string, { schema: Schema; origin: string }>();

  constructor(sources: SchemaSources) {
    const { default: AjvClass } = require('ajv') as typeof import('ajv');
    const { default: addFormats } = require('ajv-formats') as typeof import('ajv-formats');
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
    for (const { version, definitions: file } of sources.kubernetes) {
      const definitions = readReferenceFile(file, 'the Kubernetes OpenAPI definitions (JSON)', (text) => JSON.parse(text).definitions) as Record<string, Schema>;
      const kinds = new Map<string, string>();
      for (const [name, definition] of Object.entries(definitions)) {
        const gvks = (definition['x-kubernetes-group-version-kind'] ?? []) as Array<{ group: string; version: string; kind: string }>;
        for (const gvk of gvks) kinds.set(gvkKey(gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, gvk.kind), name);
      }
      this.kubernetesKinds.set(version, kinds);
      const kubernetesDefinitions = strictKubernetesDefinitions(definitions);
      Object.values(kubernetesDefinitions).forEach(makePortable);
      this.ajv.addSchema({ $id: kubernetesSchemaId(version), definitions: kubernetesDefinitions });
    }
    // A CRD does not describe metadata; the API server checks it as ObjectMeta of its own version.
    this.objectMetaRef = objectMetaRef(sources.kubernetes[0].version);
    this.crdFiles = crdFilesOf(sources);
  }

  /** Validators of these `apiVersion/kind`s (null without a schema), and their shared standalone code. */
  compile(keys: readonly string[]): { validators: Record<string, ValidateFunction | null>; standalone: CompiledValidators } {
    const validators: Record<string, ValidateFunction | null> = {};
    const exports: Record<string, string | null> = {};
    const origins: Record<string, string> = {};
    const refs: Record<string, string> = {};
    keys.forEach((key, index) => {
      const at = key.lastIndexOf('@');
      const [kind, target] = [key.slice(0, at), key.slice(at + 1)];
      const slash = kind.lastIndexOf('/');
      const [apiVersion, kindName] = [kind.slice(0, slash), kind.slice(slash + 1)];
      let ref: string | undefined;
      if (target !== CRD_TARGET) ref = this.kubernetesRef(target, apiVersion, kindName);
      else if (![...this.kubernetesKinds.values()].some((kinds) => kinds.has(kind))) {
        // Only a kind no Kubernetes minor defines is looked up among the CRDs.
        ref = this.customResourceRef(apiVersion, kindName);
        if (ref) origins[key] = this.crdSchemas.get(kind)!.origin;
      }
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
    return { validators, standalone: { code, exports, origins } };
  }

  /** The key under which Ajv knows a built-in kind of one Kubernetes minor; undefined where that minor lacks it. */
  private kubernetesRef(version: string, apiVersion: string, kind: string): string | undefined {
    const definition = this.kubernetesKinds.get(version)?.get(gvkKey(apiVersion, kind));
    return definition && `${kubernetesSchemaId(version)}#/definitions/${definition}`;
  }

  /** The key under which Ajv knows a custom resource's schema, added on first use; undefined without one. */
  private customResourceRef(apiVersion: string, kind: string): string | undefined {
    const ref = `${SCHEMA_ID_BASE}/crd/${gvkKey(apiVersion, kind)}.json`;
    if (this.ajv.getSchema(ref) === undefined) {
      const found = this.customResourceSchema(apiVersion, kind);
      if (!found) return undefined;
      this.ajv.addSchema(strictCustomResourceSchema(found.schema, apiVersion, kind, this.objectMetaRef), ref);
    }
    return ref;
  }

  /**
   * The schema of a served CRD version. CRD files are large, so only those that can define the group are
   * parsed: first `<group>_<kind>s.yaml`, then every file of the group, then the rest.
   */
  private customResourceSchema(apiVersion: string, kind: string): { schema: Schema; origin: string } | undefined {
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
    const crd = readReferenceFile(path, 'a CustomResourceDefinition (YAML)', (text) => parse(text)) as CustomResourceDefinition;
    if (!crd?.spec?.versions) return;
    for (const version of crd.spec.versions) {
      if (!version.served || !version.schema) continue;
      const key = gvkKey(`${crd.spec.group}/${version.name}`, crd.spec.names.kind);
      // Folders are read in the sources' order: the first that defines a kind is the one that counts.
      if (!this.crdSchemas.has(key)) this.crdSchemas.set(key, { schema: version.schema.openAPIV3Schema, origin: `${basename(dirname(path))}/${basename(path)}` });
    }
  }
}


/**
 * A CRD's structural schema made strict like the built-in kinds, with apiVersion and kind pinned and
 * metadata checked against ObjectMeta (the API server validates it, the CRD does not describe it).
 */
function strictCustomResourceSchema(openApiSchema: Schema, apiVersion: string, kind: string, metadataRef: string): Schema {
  const schema = structuredClone(openApiSchema);
  withoutNullKeywords(schema);
  closeObjects(schema);
  makePortable(schema);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  schema.properties = {
    ...properties,
    apiVersion: { type: 'string', const: apiVersion },
    kind: { type: 'string', const: kind },
    metadata: { $ref: metadataRef },
  };
  schema.required = [...new Set([...((schema.required as string[]) ?? []), 'apiVersion', 'kind', 'metadata'])];
  schema.additionalProperties = false;
  return shareRepeatedSubschemas(schema);
}

/**
 * A schema keyword whose value is null constrains nothing: Go's encoder writes a nil slice as null
 * (openshift/api's Route CRD from 4.16 on has `targetPort: {anyOf: null, ...}`), and the API server
 * reads it as absent, where Ajv refuses the whole schema. Removed in place; data (`enum: [null]`,
 * `default: null`) is kept.
 */
export function withoutNullKeywords(schema: Schema): void {
  forEachSubschema(schema, (node) => {
    for (const [key, value] of Object.entries(node)) {
      if (value === null && !DATA_KEYS.has(key) && !key.startsWith('x-')) delete node[key];
    }
  });
}

/** `1.29`, `1.29 and 1.34`, `1.29, 1.31 and 1.34`. */
function joinVersions(versions: readonly string[]): string {
  return versions.length <= 1 ? versions.join('') : `${versions.slice(0, -1).join(', ')} and ${versions[versions.length - 1]}`;
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
    // The first line only: `yaml` follows it with an excerpt of the file.
    const reason = ((error as Error).message ?? String(error)).split('\n')[0].replace(/:$/, '');
    throw new SchemaSourceError(`${path}: cannot be read as ${what}: ${reason}`);
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
function describeErrors(errors: readonly ErrorObject[]): Omit<SchemaProblem, 'refusedBy'>[] {
  type Problem = Omit<SchemaProblem, 'refusedBy'>;
  const problems: Problem[] = [];
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
  const isUnionNoise = (problem: Problem) => /must match (exactly one|a) schema in (oneOf|anyOf)|must be (string|integer|number)$/.test(problem.message);
  return specific.filter(
    (problem) => !isUnionNoise(problem) || !specific.some((other) => other !== problem && other.path === problem.path && !isUnionNoise(other)),
  );
}
