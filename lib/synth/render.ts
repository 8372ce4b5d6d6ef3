import { DEFAULT_SCHEMA, dump, Type } from 'js-yaml';
import { Manifest } from '../core/manifest';

/**
 * Plain scalars that a YAML 1.1 reader may take for a number although YAML 1.2 reads a string: its
 * floats need no digit around the dot (".", "1."), and it allows "_" anywhere in a number ("1_").
 * kubectl and Argo CD read YAML 1.1 (go-yaml v2 rules), so these are written quoted. Broad on purpose:
 * a needless pair of quotes costs nothing, a string read back as a number fails to apply.
 */
const YAML_11_NUMBER_LIKE = /^[-+]?(?=[0-9_.eE])[0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9_]*)?$/;

/** A type no value has (no predicate): it only makes the dumper quote strings that look like one. */
const yaml11NumberLike = new Type('tag:co2-calculator,2026:yaml-1.1-number-like', {
  kind: 'scalar',
  resolve: (text: string) => YAML_11_NUMBER_LIKE.test(text),
  construct: (text: string) => text,
});
const SCHEMA = DEFAULT_SCHEMA.extend({ implicit: [yaml11NumberLike] });

/**
 * One object as YAML. Keys keep cdk8s' sorted order and long strings are never folded, so the text
 * depends only on the object and a one-field change is a one-line diff. js-yaml renders about twice
 * as fast as `yaml` (it matters with hundreds of preview environments).
 *
 * Every string reads back as the same string under YAML 1.2 and 1.1: js-yaml quotes what 1.2 would
 * read otherwise and, in its compatibility mode, the 1.1 booleans (yes, no, on, off, y, n in their
 * three casings) and sexagesimal numbers (1:20); the schema above adds 1.1's looser numbers.
 * test/synth/render.test.ts checks it, and every string of dist/.
 */
export function renderManifest(manifest: Manifest): string {
  return dump(manifest, { lineWidth: -1, noRefs: true, quotingType: '"', schema: SCHEMA });
}
