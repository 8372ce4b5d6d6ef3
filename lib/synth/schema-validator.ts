/**
 * Strict validation of synthesized objects against the Kubernetes 1.28 definitions and the CRDs of the
 * operators we target: unknown fields are refused, required fields, enums, patterns and formats are
 * checked. A validator is compiled once per apiVersion/kind and reused for every object of that kind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { load as loadYaml } from 'js-yaml';
import { closeObjects, strictKubernetesDefinitions } from './kubernetes-overlay';
import { Manifest } from './manifest';

export interface SchemaSources {
  /** Kubernetes JSON-schema definitions (`_definitions.json` of cdk8s' kubernetes-schemas). */
  readonly kubernetesDefinitions: string;
  /** Folder of CustomResourceDefinition YAML files, named `<group>_<plural>.yaml`. */
  readonly crdDirectory: string;
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

const KUBERNETES_SCHEMA_ID = 'k8s';
const OBJECT_META_REF = `${KUBERNETES_SCHEMA_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly kubernetesKinds = new Map<string, string>();
  private readonly validators = new Map<string, ValidateFunction | null>();
  private readonly crdFiles: string[];
  private readonly parsedCrdFiles = new Set<string>();
  private readonly crdSchemas = new Map<string, Schema>();

  constructor(private readonly sources: SchemaSources) {
    const definitions = JSON.parse(readFileSync(sources.kubernetesDefinitions, 'utf8')).definitions as Record<string, Schema>;
    for (const [name, definition] of Object.entries(definitions)) {
      const gvks = (definition['x-kubernetes-group-version-kind'] ?? []) as Array<{ group: string; version: string; kind: string }>;
      for (const gvk of gvks) {
        this.kubernetesKinds.set(gvkKey(gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, gvk.kind), name);
      }
    }
    this.ajv = new Ajv({
      allErrors: true,
      // The upstream schemas use keywords and type unions that Ajv's strict mode would reject; our own
      // overlay is small and covered by tests.
      strict: false,
      // Compile referenced definitions once, as functions shared by every kind that uses them.
      inlineRefs: false,
      // Keep validation free of side effects: never fill in defaults or coerce.
      useDefaults: false,
      coerceTypes: false,
      code: { regExp: goCompatibleRegExp },
    });
    addFormats(this.ajv, { mode: 'full' });
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('double', { type: 'number', validate: () => true });
    // Kubernetes' "duration" is Go's time.Duration syntax ("30s", "1h30m"), not ISO 8601.
    this.ajv.addFormat('duration', /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/);
    this.ajv.addSchema({ $id: KUBERNETES_SCHEMA_ID, definitions: strictKubernetesDefinitions(definitions) });
    this.crdFiles = readdirSync(sources.crdDirectory).filter((file) => file.endsWith('.yaml') || file.endsWith('.yml')).sort();
  }

  /** Problems of one object; empty when it is valid. An apiVersion/kind with no schema is itself a problem. */
  validate(manifest: Manifest): SchemaProblem[] {
    const validator = this.validatorFor(manifest.apiVersion, manifest.kind);
    if (!validator) {
      return [{ path: 'apiVersion', message: `no schema for ${manifest.apiVersion} ${manifest.kind} in Kubernetes 1.28 or in ${this.sources.crdDirectory}` }];
    }
    if (validator(manifest)) return [];
    return describeErrors(validator.errors ?? []);
  }

  private validatorFor(apiVersion: string, kind: string): ValidateFunction | null {
    const key = gvkKey(apiVersion, kind);
    if (!this.validators.has(key)) {
      const definition = this.kubernetesKinds.get(key);
      let validator: ValidateFunction | null = null;
      if (definition) {
        validator = this.ajv.compile({
          $ref: `${KUBERNETES_SCHEMA_ID}#/definitions/${definition}`,
        });
      } else {
        const schema = this.customResourceSchema(apiVersion, kind);
        if (schema) validator = this.ajv.compile(schema);
      }
      this.validators.set(key, validator);
    }
    return this.validators.get(key)!;
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
      ...this.crdFiles.filter((file) => file === likely),
      ...this.crdFiles.filter((file) => file !== likely && file.startsWith(`${group}_`)),
      ...this.crdFiles.filter((file) => !file.startsWith(`${group}_`)),
    ];
    for (const file of candidates) {
      if (this.crdSchemas.has(key)) break;
      this.parseCrdFile(file);
    }
    return this.crdSchemas.get(key);
  }

  private parseCrdFile(file: string): void {
    if (this.parsedCrdFiles.has(file)) return;
    this.parsedCrdFiles.add(file);
    const crd = loadYaml(readFileSync(join(this.sources.crdDirectory, file), 'utf8')) as CustomResourceDefinition;
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
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  schema.properties = {
    ...properties,
    apiVersion: { type: 'string', const: apiVersion },
    kind: { type: 'string', const: kind },
    metadata: { $ref: OBJECT_META_REF },
  };
  schema.required = [...new Set([...((schema.required as string[]) ?? []), 'apiVersion', 'kind', 'metadata'])];
  schema.additionalProperties = false;
  return schema;
}

/**
 * CRD patterns are Go (RE2) regular expressions. The one RE2 construct they use that JavaScript lacks is
 * the inline case-insensitive flag `(?i)`; the pattern is then compiled case-insensitive as a whole,
 * which can only accept more than RE2 would, never refuse a valid value.
 */
function goCompatibleRegExp(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    if (!pattern.includes('(?i)')) throw error;
    return new RegExp(pattern.replaceAll('(?i)', ''), `${flags}i`);
  }
}
goCompatibleRegExp.code = 'new RegExp';

function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
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
