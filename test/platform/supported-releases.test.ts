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

describe('syncPolicy.retry.refresh, a field of Argo CD 3.2+', () => {
  const { ARGO_CD_FEATURES, argoCdRange, everySupportedArgoCdHonours, GITOPS_RELEASES: releases } = require('../../lib/platform/supported-releases') as typeof import('../../lib/platform/supported-releases');
  const { environmentSyncPolicy } = require('../../lib/argocd/environment-application') as typeof import('../../lib/argocd/environment-application');

  test('is emitted only when the oldest supported Argo CD honours it: not while GitOps 1.18 (Argo CD 3.1) is supported', () => {
    expect(argoCdRange()).toEqual({ oldest: '3.1', newest: '3.3' });
    expect(everySupportedArgoCdHonours(ARGO_CD_FEATURES.retryRefresh)).toBe(false);
    expect((environmentSyncPolicy().retry as any).refresh).toBeUndefined();
    // Once the range starts at GitOps 1.20, the same data turns it on.
    expect(everySupportedArgoCdHonours(ARGO_CD_FEATURES.retryRefresh, releases.filter((r) => r.argocd === '3.3'))).toBe(true);
  });

  test('is in the Argo CD 3.3 Application CRD of crds-2026', () => {
    const text = readFileSync(join(shared, 'crds-2026', 'argoproj.io_applications.yaml'), 'utf8');
    expect(/Refresh indicates if the latest revision should\s+be used on retry/.test(text)).toBe(true);
  });
});
