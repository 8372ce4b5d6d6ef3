import { resolve } from 'node:path';
import { REPO_ROOT } from '../core/repo-root';
import { SchemaSources } from './schema-validator';


/**
 * Where the schemas come from: the shared reference data beside this repository (never copied into
 * it). K8S_DEFINITIONS and CRD_DIRECTORY point elsewhere, e.g. on a machine with another layout.
 */
export function defaultSchemaSources(env: NodeJS.ProcessEnv = process.env): SchemaSources {
  return {
    kubernetesDefinitions: resolve(env.K8S_DEFINITIONS ?? resolve(REPO_ROOT, '..', 'shared', 'schemas', 'k8s-v1.28.0-definitions.json')),
    crdDirectory: resolve(env.CRD_DIRECTORY ?? resolve(REPO_ROOT, '..', 'shared', 'crds')),
  };
}
