import { makePortable, withoutInlineCaseFlag } from '../../lib/synth/portable-schema';

/** RE2 semantics of `(?i)` for ASCII, as a reference: the flag's group matched case-insensitively. */
const accepts = (pattern: string, value: string) => new RegExp(withoutInlineCaseFlag(pattern), 'u').test(value);

describe('RE2 patterns with (?i), as the CRDs of prometheus-operator write them', () => {
  const months = '^((?i)january|february|march|april|may|june|july|august|september|october|november|december|[1-12])(?:((:((?i)january|february|march|april|may|june|july|august|september|october|november|december|[1-12]))$)|$)';
  const days = '^((?i)sun|mon|tues|wednes|thurs|fri|satur)day(?:((:(sun|mon|tues|wednes|thurs|fri|satur)day)$)|$)';
  const action = '^(?i)(abort|warn)?$';

  test.each([
    [action, 'WARN', true],
    [action, 'Abort', true],
    [action, '', true],
    [action, 'retry', false],
    [months, 'March', true],
    [months, 'march:DECEMBER', true],
    [months, 'Marsh', false],
    // The flag applies to its group only: "day" after it stays case-sensitive, as in RE2.
    [days, 'MONday', true],
    [days, 'MONDAY', false],
    [days, 'monday:friday', true],
  ])('%s accepts %j: %s', (pattern, value, expected) => {
    expect(accepts(pattern, value)).toBe(expected);
  });

  test('leaves escapes, classes and patterns without the flag alone', () => {
    expect(withoutInlineCaseFlag('^[a-z]\\w+$')).toBe('^[a-z]\\w+$');
  });

  test('gives letters and letter ranges of classes both cases, and nothing more', () => {
    expect(withoutInlineCaseFlag('(?i)a[b-dx0-9]\\d')).toBe('[aA][b-dB-DxX0-9]\\d');
    expect(accepts('^(?i)[b-d]+$', 'bCd')).toBe(true);
    // A careless rewrite ("bB-dD") would make the range B-d, which also takes "[", "_" and "a".
    for (const outside of ['a', 'A', '_', '[', 'e']) expect(accepts('^(?i)[b-d]$', outside)).toBe(false);
  });
});

test('Kubernetes durations become Go-duration patterns; other formats stay', () => {
  const schema: any = { properties: { interval: { type: 'string', format: 'duration' }, at: { type: 'string', format: 'date-time' } } };
  makePortable(schema);
  expect(schema.properties.interval.format).toBeUndefined();
  expect(new RegExp(schema.properties.interval.pattern).test('1h30m')).toBe(true);
  expect(new RegExp(schema.properties.interval.pattern).test('PT1H')).toBe(false);
  expect(schema.properties.at.format).toBe('date-time');
});

test('fields named like schema keywords are fields, not keywords', () => {
  const { closeObjects } = require('../../lib/synth/kubernetes-overlay') as typeof import('../../lib/synth/kubernetes-overlay');
  // A CRD whose objects have fields called "format" and "pattern" (maps of properties, not schemas).
  const schema: any = {
    type: 'object',
    properties: {
      format: { type: 'object', properties: { duration: { type: 'string' } } },
      pattern: { type: 'string', format: 'duration' },
    },
  };
  makePortable(schema);
  closeObjects(schema);
  expect(schema.properties.format).toEqual({ type: 'object', properties: { duration: { type: 'string' } }, additionalProperties: false });
  expect(schema.properties.pattern.format).toBeUndefined();
  expect(schema.properties.pattern.pattern).toEqual(expect.any(String));
  expect(schema.additionalProperties).toBe(false);
});
