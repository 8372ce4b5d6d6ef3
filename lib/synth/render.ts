import { stringify } from 'yaml';
import { Manifest } from './manifest';

/**
 * One object as YAML. Keys keep cdk8s' sorted order and long strings are never folded, so the text
 * depends only on the object and a one-field change is a one-line diff.
 */
export function renderManifest(manifest: Manifest): string {
  return stringify(manifest, { lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
}
