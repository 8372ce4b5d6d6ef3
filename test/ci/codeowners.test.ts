/** CODEOWNERS covers what reaches production, and every path it names exists (a renamed file must not drop its owner). */
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '../..');
const rules = readFileSync(join(ROOT, '.github/CODEOWNERS'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => {
    const [pattern, ...owners] = line.trim().split(/\s+/);
    return { pattern, owners };
  });

/** The owners GitHub applies to a path: the last matching rule (directory patterns end in `/`). */
function ownersOf(path: string): string[] {
  const matching = rules.filter(({ pattern }) => pattern === '*' || (pattern.endsWith('/') ? `/${path}`.startsWith(pattern) : `/${path}` === pattern));
  return matching.length === 0 ? [] : matching[matching.length - 1].owners;
}

describe('CODEOWNERS', () => {
  test.each(['environments/images/prod.json', 'environments/prod.ts', 'dist/prod/configmap-backend-config.yaml', 'dist/argocd/x.yaml', '.github/workflows/update-manifest.yml'])(
    '%s needs the platform team',
    (path) => expect(ownersOf(path)).toEqual(['@EPFL-ENAC/co2-calculator-platform']),
  );

  test('a development environment needs only the maintainers', () => {
    expect(ownersOf('environments/images/dev.json')).toEqual(['@EPFL-ENAC/co2-calculator-maintainers']);
  });

  test('every path it names exists', () => {
    expect(rules.map(({ pattern }) => pattern).filter((pattern) => pattern !== '*' && !existsSync(join(ROOT, pattern)))).toEqual([]);
  });
});
