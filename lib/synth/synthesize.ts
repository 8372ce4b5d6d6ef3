import { Chart } from 'cdk8s';
import { UserError } from '../core/errors';
import { Manifest, manifestFileName, objectRef } from '../core/manifest';
import { renderManifest } from './render';
import { SchemaValidator } from './schema-validator';

/** Everything wrong with one synthesis run, each line naming the environment, the object and the field. */
export class SynthesisError extends UserError {
  constructor(readonly problems: readonly string[]) {
    super(`synthesis failed with ${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** The objects of one chart, after the constructs' own validations ran. */
export function chartManifests(chart: Chart): Manifest[] {
  const errors = chart.node
    .findAll()
    .flatMap((construct) => construct.node.validate().map((message) => `${construct.node.path}: ${message}`));
  if (errors.length > 0) throw new SynthesisError(errors);
  return chart.toJson() as Manifest[];
}

/**
 * Problems of one folder's objects: schema violations, and two objects that would claim the same
 * kind and name (the second would silently replace the first in the cluster and in dist/).
 */
export function checkManifests(folder: string, manifests: readonly Manifest[], validator: SchemaValidator): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const manifest of manifests) {
    const ref = objectRef(manifest);
    const identity = `${manifest.apiVersion}/${ref}`;
    if (seen.has(identity)) problems.push(`${folder}: ${ref}: declared twice`);
    seen.add(identity);
    for (const problem of validator.validate(manifest)) {
      problems.push(`${folder}: ${ref}: ${problem.path ? `${problem.path}: ` : ''}${problem.message} (refused by ${problem.refusedBy})`);
    }
  }
  return problems;
}

/** The files of one folder of dist/: one per object. */
export function renderFolder(folder: string, manifests: readonly Manifest[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const manifest of manifests) {
    const path = `${folder}/${manifestFileName(manifest)}`;
    if (files.has(path)) throw new SynthesisError([`${folder}: ${objectRef(manifest)}: another object is already written to ${path}`]);
    files.set(path, renderManifest(manifest));
  }
  return files;
}
