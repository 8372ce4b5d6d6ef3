import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../core/errors';
import { referenceDataRoot } from '../core/reference-data';
import { REPO_ROOT } from '../core/repo-root';
import { CRD_REFERENCE_FOLDER, kubernetesDefinitionsFile, validationTargets } from '../platform/supported-releases';

/** One Kubernetes minor's JSON-schema definitions (`_definitions.json` of cdk8s' kubernetes-schemas). */
export interface KubernetesDefinitions {
  /** The minor, e.g. `1.29`. */
  readonly version: string;
  readonly definitions: string;
}

export interface SchemaSources {
  /** Every built-in object must validate against each of these. */
  readonly kubernetes: readonly KubernetesDefinitions[];
  /**
   * Folders of CustomResourceDefinition YAML files, named `<group>_<plural>.yaml`: the shared operators'
   * CRDs, and this project's own reference CRDs (crds/). A kind is looked up in all of them.
   */
  readonly crdDirectories: readonly string[];
}

/**
 * Every CRD file of the sources' folders, as [folder, file name], ordered by file name then by the
 * folders' order in the sources (the shared CRDs before this project's own).
 */
export function crdFilesOf(sources: SchemaSources): Array<readonly [string, string]> {
  const rank = (folder: string) => sources.crdDirectories.indexOf(folder);
  return sources.crdDirectories
    .flatMap((folder) => readdirSync(folder).filter((file) => file.endsWith('.yaml') || file.endsWith('.yml')).map((file) => [folder, file] as const))
    .sort(([folderA, a], [folderB, b]) => a.localeCompare(b) || rank(folderA) - rank(folderB));
}

/** This project's own reference CRDs, for kinds the shared data lacks (see crds/SOURCES.md). */
export const PROJECT_CRD_DIRECTORY = resolve(REPO_ROOT, 'crds');

/**
 * Where the schemas come from: the shared reference data beside this repository (never copied into
 * it; on a clone without it, the copy lib/core/reference-data.ts downloads), and the project's own
 * reference CRDs after it. Which Kubernetes minors are validated against is the supported range
 * (lib/platform/supported-releases.ts). K8S_SCHEMA_DIRECTORY and CRD_DIRECTORY point the shared part
 * elsewhere, e.g. on a machine with another layout.
 */
export function defaultSchemaSources(env: NodeJS.ProcessEnv = process.env): SchemaSources {
  const { schemaDirectory, crdDirectory } = sharedReferenceData(env);
  return {
    kubernetes: validationTargets().map((version) => ({ version, definitions: resolve(schemaDirectory, kubernetesDefinitionsFile(version)) })),
    crdDirectories: [crdDirectory, PROJECT_CRD_DIRECTORY],
  };
}

/** The shared part alone: the folder of Kubernetes definitions and the operators' CRD folder. */
export function sharedReferenceData(env: NodeJS.ProcessEnv = process.env): { readonly schemaDirectory: string; readonly crdDirectory: string } {
  return {
    schemaDirectory: resolve(env.K8S_SCHEMA_DIRECTORY ?? resolve(referenceDataRoot(env), 'schemas')),
    crdDirectory: resolve(env.CRD_DIRECTORY ?? resolve(referenceDataRoot(env), CRD_REFERENCE_FOLDER)),
  };
}

export class SchemaSourceError extends UserError {}

const whereTheyComeFrom = (sources: SchemaSources) =>
  `this repository reads its reference data from ../shared beside it (schemas/ with ${sources.kubernetes.map((k) => kubernetesDefinitionsFile(k.version)).join(' and ')}, ` +
  `and ${CRD_REFERENCE_FOLDER}/ with one <group>_<plural>.yaml per CustomResourceDefinition); put it there, or set K8S_SCHEMA_DIRECTORY and CRD_DIRECTORY to where it is`;

/** Refuses sources that are not there, saying where they were looked for and what belongs there. */
export function checkSchemaSources(sources: SchemaSources): SchemaSources {
  const isFile = (path: string) => existsSync(path) && statSync(path).isFile();
  const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();
  for (const { version, definitions } of sources.kubernetes) {
    if (!isFile(definitions)) throw new SchemaSourceError(`the Kubernetes ${version} schemas are missing: no file ${definitions}; ${whereTheyComeFrom(sources)}`);
  }
  for (const folder of sources.crdDirectories) {
    if (!isFolder(folder)) throw new SchemaSourceError(`the operators' CRDs are missing: no folder ${folder}; ${whereTheyComeFrom(sources)}`);
  }
  return sources;
}
