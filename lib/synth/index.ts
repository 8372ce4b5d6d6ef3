import { Environment, parseEnvironments } from '../config/environment';
import { Manifest } from './manifest';
import { defaultSchemaSources } from './schema-sources';
import { SchemaValidator } from './schema-validator';
import { checkManifests, renderFolder, synthesizeEnvironment, SynthesisError } from './synthesize';

export interface SynthesizedEnvironment {
  readonly environment: Environment;
  readonly manifests: Manifest[];
}

export interface Synthesis {
  readonly environments: SynthesizedEnvironment[];
  /** The whole content of dist/: relative path -> file content. */
  readonly files: Map<string, string>;
}

/**
 * Validates the environment configs, synthesizes each environment, validates every object, and renders
 * the files of dist/. Nothing is written here; any problem throws before the first file would be.
 */
export function synthesizeAll(inputs: readonly unknown[], validator = new SchemaValidator(defaultSchemaSources())): Synthesis {
  const environments = parseEnvironments(inputs).map((environment) => ({ environment, manifests: synthesizeEnvironment(environment) }));
  const problems = environments.flatMap(({ environment, manifests }) => checkManifests(environment.name, manifests, validator));
  if (problems.length > 0) throw new SynthesisError(problems);

  const files = new Map<string, string>();
  for (const { environment, manifests } of environments) {
    for (const [path, content] of renderFolder(environment.name, manifests)) files.set(path, content);
  }
  return { environments, files };
}

export { SynthesisError } from './synthesize';
export { SchemaValidator } from './schema-validator';
export { defaultSchemaSources } from './schema-sources';
