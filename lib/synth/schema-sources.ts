import { resolve } from 'node:path';
import { REPO_ROOT } from '../core/repo-root';
import { SchemaSources } from './schema-validator';


/** This project's own reference CRDs, for kinds the shared data lacks (see crds/SOURCES.md). */
export const PROJECT_CRD_DIRECTORY = resolve(REPO_ROOT, 'crds');

/**
 * Where the schemas come from: the shared reference data beside this repository (never copied into
 * it), and the project's own reference CRDs. K8S_DEFINITIONS and CRD_DIRECTORY point the shared part
 * elsewhere, e.g. on a machine with another layout.
 */
export function defaultSchemaSources(env: NodeJS.ProcessEnv = process.env): SchemaSources {
  return {
    kubernetesDefinitions: resolve(env.K8S_DEFINITIONS ?? resolve(REPO_ROOT, '..', 'shared', 'schemas', 'k8s-v1.28.0-definitions.json')),
    crdDirectories: [resolve(env.CRD_DIRECTORY ?? resolve(REPO_ROOT, '..', 'shared', 'crds')), PROJECT_CRD_DIRECTORY],
  };
}
