import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { defaultSchemaSources } from '../../lib/synth/schema-sources';
import { Schema } from './structured-merge';

let schemas: Map<string, Schema> | undefined;

/** The openAPIV3Schema of every served version of every CRD the validator reads, by `apiVersion/kind`. */
export function crdSchemas(): Map<string, Schema> {
  if (schemas) return schemas;
  schemas = new Map();
  for (const directory of defaultSchemaSources().crdDirectories) {
    for (const file of readdirSync(directory).filter((name) => /\.ya?ml$/.test(name)).sort()) {
      const crd = parse(readFileSync(join(directory, file), 'utf8')) as any;
      for (const version of crd?.spec?.versions ?? []) {
        if (version.served && version.schema) schemas.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema);
      }
    }
  }
  return schemas;
}
