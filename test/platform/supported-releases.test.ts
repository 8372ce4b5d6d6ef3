import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { kubernetesRange, OPENSHIFT_RELEASES, OPERATOR_RELEASES } from '../../lib/platform/supported-releases';

const shared = join(__dirname, '..', '..', '..', 'shared');
const sources = readFileSync(join(shared, 'crds-2026', 'SOURCES.md'), 'utf8');

describe('the supported platform', () => {
  test.each(OPENSHIFT_RELEASES.map((r) => [r.openshift, r.kubernetes]))('OpenShift %s has the Kubernetes %s definitions', (_openshift, kubernetes) => {
    expect(existsSync(join(shared, 'schemas', `k8s-v${kubernetes}.0-definitions.json`))).toBe(true);
  });

  test('the range is 1.29 to 1.34', () => {
    expect(kubernetesRange()).toEqual({ oldest: '1.29', newest: '1.34' });
  });

  test.each(OPERATOR_RELEASES.flatMap((r) => r.crdFiles.map((file) => [file, r.repository, r.tag])))('%s comes from %s at %s', (file, repository, tag) => {
    expect(existsSync(join(shared, 'crds-2026', file))).toBe(true);
    const row = sources.split('\n').find((line) => line.startsWith(`| \`${file}\``));
    expect(row).toContain(`| ${repository} |`);
    expect(row).toContain(`\`${tag}\``);
  });
});
