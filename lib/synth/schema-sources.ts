import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../core/errors';
import { referenceDataRoot } from '../core/reference-data';
import { REPO_ROOT } from '../core/repo-root';
import { SchemaSources } from './schema-validator';

/** This project's own reference CRDs, for kinds the shared data lacks (see crds/SOURCES.md). */
export const PROJECT_CRD_DIRECTORY = resolve(REPO_ROOT, 'crds');

/**
 * Where the schemas come from: the shared reference data beside this repository (never copied into
 * it; on a clone without it, the copy lib/core/reference-data.ts downloads), and the project's own
 * reference CRDs. K8S_DEFINITIONS and CRD_DIRECTORY point the shared part
 * elsewhere, e.g. on a machine with another layout.
 */
export function defaultSchemaSources(env: NodeJS.ProcessEnv = process.env): SchemaSources {
  const { kubernetesDefinitions, crdDirectory } = sharedReferenceData(env);
  return { kubernetesDefinitions, crdDirectories: [crdDirectory, PROJECT_CRD_DIRECTORY] };
}

/** The shared part alone: the Kubernetes definitions file and the operators' CRD folder. */
export function sharedReferenceData(env: NodeJS.ProcessEnv = process.env): { readonly kubernetesDefinitions: string; readonly crdDirectory: string } {
  return {
    kubernetesDefinitions: resolve(env.K8S_DEFINITIONS ?? resolve(referenceDataRoot(env), 'schemas', 'k8s-v1.28.0-definitions.json')),
    crdDirectory: resolve(env.CRD_DIRECTORY ?? resolve(referenceDataRoot(env), 'crds')),
  };
}

export class SchemaSourceError extends UserError {}

const WHERE_THEY_COME_FROM =
  'this repository reads its reference data from ../shared beside it (schemas/k8s-v1.28.0-definitions.json, and crds/ with one ' +
  '<group>_<plural>.yaml per CustomResourceDefinition); put it there, or set K8S_DEFINITIONS and CRD_DIRECTORY to where it is';

/** Refuses sources that are not there, saying where they were looked for and what belongs there. */
export function checkSchemaSources(sources: SchemaSources): SchemaSources {
  const isFile = (path: string) => existsSync(path) && statSync(path).isFile();
  const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();
  if (!isFile(sources.kubernetesDefinitions)) {
    throw new SchemaSourceError(`the Kubernetes 1.28 schemas are missing: no file ${sources.kubernetesDefinitions}; ${WHERE_THEY_COME_FROM}`);
  }
  for (const folder of sources.crdDirectories) {
    if (!isFolder(folder)) throw new SchemaSourceError(`the operators' CRDs are missing: no folder ${folder}; ${WHERE_THEY_COME_FROM}`);
  }
  return sources;
}
