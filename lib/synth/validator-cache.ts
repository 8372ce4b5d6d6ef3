/**
 * Compiled schema validators, kept on disk between runs.
 *
 * Compiling the strict schemas is most of the cost of a synthesis: the CRDs of the operators are large
 * (the ApplicationSet's alone is 0.9 MB). Ajv can emit compiled validators as standalone JavaScript; we keep them
 * under a folder named by a digest of everything that shapes validation
 * (the schema files, this project's validator code, the Ajv versions), so a change to any of them
 * starts a fresh folder and a stale validator is never used. Within it, the kinds one run validates
 * are compiled into a single module, where they share the code of common definitions (PodSpec).
 *
 * The folder is node_modules/.cache/co2-calculator/validators (the usual place for tool caches, and
 * gone with a clean install); CO2_VALIDATOR_CACHE=<dir> moves it, CO2_VALIDATOR_CACHE=off disables it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { requireWithCodeCache } from '../core/code-cache.cjs';
import { REPO_ROOT } from '../core/repo-root';
import { crdFilesOf, SchemaSources } from './schema-sources';

const DEFAULT_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'co2-calculator', 'validators');
/** This project's code that decides what a validator accepts. */
const VALIDATOR_SOURCES = ['schema-validator.ts', 'kubernetes-overlay.ts', 'shared-subschemas.ts', 'portable-schema.ts', 'schema-walk.ts', 'validator-cache.ts'];

/** Validators by `apiVersion/kind`; `null` where there is no schema (remembered too, so misses stay cheap). */
export type Validators = Record<string, ValidateFunction | null>;

/** Standalone code of the validators of a set of kinds, compiled together so that they share code. */
export interface CompiledValidators {
  /** A CommonJS module (Ajv standalone code). */
  readonly code: string;
  /** Validator key -> name of the module's export, or null for a kind without a schema there. */
  readonly exports: Record<string, string | null>;
  /** Validator key of a custom resource -> the CRD file its schema comes from. */
  readonly origins: Record<string, string>;
}

/** Validators loaded from the cache, and the CRD file of each custom resource's. */
export interface LoadedValidators {
  readonly validators: Validators;
  readonly origins: Record<string, string>;
}

export interface ValidatorCache {
  /** The validators of exactly these kinds, or undefined when they were never stored together. */
  load(kinds: readonly string[]): LoadedValidators | undefined;
  store(kinds: readonly string[], compiled: CompiledValidators): void;
}

/** A cache that keeps nothing. */
export const NO_VALIDATOR_CACHE: ValidatorCache = { load: () => undefined, store: () => undefined };

export class DiskValidatorCache implements ValidatorCache {
  readonly folder: string;

  constructor(root: string, sources: SchemaSources) {
    this.folder = join(root, inputsDigest(sources));
  }

  load(kinds: readonly string[]): LoadedValidators | undefined {
    const base = this.baseOf(kinds);
    if (!existsSync(`${base}.json`)) return undefined;
    try {
      const { exports, origins } = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Pick<CompiledValidators, 'exports' | 'origins'>;
      const module = requireWithCodeCache(`${base}.js`) as Record<string, ValidateFunction>;
      const validators = Object.fromEntries(kinds.map((kind) => [kind, exports[kind] === null ? null : module[exports[kind]!]]));
      if (Object.values(validators).includes(undefined as never)) return undefined;
      return { validators, origins };
    } catch {
      return undefined; // unreadable (e.g. a crash mid-write elsewhere): compile again
    }
  }

  store(kinds: readonly string[], compiled: CompiledValidators): void {
    if (!existsSync(this.folder)) {
      // A new digest: earlier folders can only hold validators for inputs that no longer exist.
      const root = join(this.folder, '..');
      if (existsSync(root)) for (const stale of readdirSync(root)) rmSync(join(root, stale), { recursive: true, force: true });
      mkdirSync(this.folder, { recursive: true });
    }
    // Write then rename, the index last: parallel test workers may fill the same cache.
    const base = this.baseOf(kinds);
    for (const [extension, content] of [['js', compiled.code], ['json', JSON.stringify({ exports: compiled.exports, origins: compiled.origins })]]) {
      const temporary = `${base}.${process.pid}.tmp`;
      writeFileSync(temporary, content);
      renameSync(temporary, `${base}.${extension}`);
    }
  }

  /** One module per set of kinds: a run validates the same kinds as the run before it. */
  private baseOf(kinds: readonly string[]): string {
    return join(this.folder, createHash('sha256').update([...kinds].sort().join('\n')).digest('hex').slice(0, 16));
  }
}

/** The cache `npm run synth` uses, from CO2_VALIDATOR_CACHE. */
export function defaultValidatorCache(sources: SchemaSources, env: NodeJS.ProcessEnv = process.env): ValidatorCache {
  const setting = env.CO2_VALIDATOR_CACHE;
  if (setting === 'off') return NO_VALIDATOR_CACHE;
  return new DiskValidatorCache(resolve(setting ?? DEFAULT_CACHE_DIR), sources);
}

/**
 * A digest of every input that changes what a compiled validator accepts: the Ajv versions, and the
 * name, size and modification time (to the second) of this project's validator code and of every schema file (as make
 * decides what to rebuild). Reading the 4 MB of schemas on every run only to hash them cost more than
 * the rest of loading the validators.
 */
export function inputsDigest(sources: SchemaSources): string {
  const hash = createHash('sha256');
  for (const name of ['ajv', 'ajv-formats']) hash.update(`${name}\0${require(`${name}/package.json`).version}\n`);
  const add = (label: string, path: string) => {
    const stat = statSync(path);
    hash.update(`${label}\0${stat.size}\0${Math.floor(stat.mtimeMs / 1000)}\n`);
  };
  for (const source of VALIDATOR_SOURCES) add(source, join(REPO_ROOT, 'lib', 'synth', source));
  for (const { version, definitions } of sources.kubernetes) add(`kubernetes ${version}`, definitions);
  for (const [folder, file] of crdFilesOf(sources)) add(file, join(folder, file));
  return hash.digest('hex').slice(0, 16);
}
