import { Scalar, stringify } from 'yaml';

/**
 * Plain scalars that a YAML 1.1 reader may take for a number although YAML 1.2 reads a string: its
 * floats need no digit around the dot (".", "1."), and it allows "_" anywhere in a number ("1_").
 * kubectl and Argo CD read YAML 1.1 (go-yaml v2 rules), so these are written quoted. Broad on purpose:
 * a needless pair of quotes costs nothing, a string read back as a number fails to apply.
 */
const YAML_11_NUMBER_LIKE = /^[-+]?(?=[0-9_.eE])[0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9_]*)?$/;
/**
 * Strings that begin with an indicator YAML allows plain when a letter follows (`-c`, `--flag`, `?x`,
 * `:x`), or with `=` (1.1's value key): quoted too, as dist/ always had them, so no reader can doubt.
 */
const INDICATOR_FIRST = /^[-?:=]/;

/**
 * A tag no value has (`identify` never matches): its `test` only makes the writer quote the strings
 * above, as it quotes those the 1.1 schema (`compat`) would read otherwise.
 */
const yaml11NumberLike = {
  tag: 'tag:co2-calculator,2026:yaml-1.1-number-like',
  default: true,
  test: new RegExp(`${INDICATOR_FIRST.source}|${YAML_11_NUMBER_LIKE.source}`),
  identify: () => false,
  resolve: (text: string) => text,
};

/**
 * A string whose first line with content holds only blanks: `yaml` 2.9 writes it as a block scalar
 * that reads back without those blanks (eemeli/yaml#695), so it is written double-quoted.
 */
const BLANK_FIRST_LINE = /^\n*[\t ]+\n/;

function quoteBlankFirstLine(_key: unknown, value: unknown): unknown {
  if (typeof value !== 'string' || !BLANK_FIRST_LINE.test(value)) return value;
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

/**
 * A value as YAML text. Keys keep their order and long strings are never folded, so the text depends
 * only on the value and a one-field change is a one-line diff.
 *
 * Every string reads back as the same string under YAML 1.2 and 1.1: `compat: 'yaml-1.1'` quotes what
 * 1.1 would read otherwise (yes, no, on, off, y, n in their casings, sexagesimal numbers such as 1:20),
 * and the tag above adds 1.1's looser numbers. test/synth/render.test.ts checks it, and every string of
 * dist/.
 */
export function toYaml(value: unknown): string {
  return stringify(value, quoteBlankFirstLine, {
    compat: 'yaml-1.1',
    customTags: [yaml11NumberLike],
    lineWidth: 0,
    aliasDuplicateObjects: false,
    singleQuote: false,
  });
}
