import { didYouMean, editDistance, nearest } from '../../lib/core/suggest';

describe('did you mean', () => {
  test('edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('stage', 'staging')).toBe(3);
    expect(editDistance('', 'dev')).toBe(3);
    expect(editDistance('prod', 'prod')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  const ENVIRONMENTS = ['dev', 'local', 'prod', 'staging'];
  test.each([
    ['stage', 'staging'],
    ['stagign', 'staging'],
    ['production', 'prod'],
    ['Prod', 'prod'],
    ['devv', 'dev'],
    ['loacl', 'local'],
  ])('%s -> %s', (input, expected) => expect(nearest(input, ENVIRONMENTS)).toBe(expected));

  test.each(['qa', 'x', 'preview', 'kubernetes'])('%s suggests nothing: no name is close', (input) => expect(nearest(input, ENVIRONMENTS)).toBeUndefined());

  test('flags and components', () => {
    expect(nearest('exit', ['exit-code', 'markdown', 'dist', 'against'])).toBe('exit-code');
    expect(nearest('envv', ['env', 'component', 'tag'])).toBe('env');
    expect(nearest('backnd', ['frontend', 'backend', 'docs'])).toBe('backend');
    expect(didYouMean('stage', ENVIRONMENTS)).toBe('did you mean "staging"? ');
    expect(didYouMean('qa', ENVIRONMENTS)).toBe('');
  });
});
