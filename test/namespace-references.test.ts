/**
 * No object we emit names another namespace than its own (issue 17): read from dist/ as committed,
 * and refused at synthesis when a construct would emit one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../lib/core/repo-root';
import { Manifest } from '../lib/core/manifest';
import { foreignNamespaceReferences, NAMESPACE_FIELD, refuseForeignNamespaces } from '../lib/synth/namespace-references';
import { Chart } from 'cdk8s';
import { synthesizeAll } from '../lib/synth';
import { loadProject } from '../environments';
import { sharedValidator, standardSynthesis } from './support/synthesis';

const DIST = join(REPO_ROOT, 'dist');
// The environments' folders; dist/argocd/ holds Argo CD's objects, whose destinations name namespaces by design.
const folders = readdirSync(DIST, { withFileTypes: true }).filter((entry) => entry.isDirectory() && entry.name !== 'argocd').map((entry) => entry.name);
const objectsOf = (folder: string) =>
  readdirSync(join(DIST, folder))
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(DIST, folder, file), 'utf8')).map((document) => document.toJS() as Manifest));

/** Every field named like a namespace reference, below metadata, with its value. */
function namespaceFields(manifest: Manifest): Array<[string, unknown]> {
  const found: Array<[string, unknown]> = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`));
    else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) (NAMESPACE_FIELD.test(key) ? found.push([`${path}.${key}`, child]) : walk(child, `${path}.${key}`));
  };
  walk((manifest as any).spec, 'spec');
  return found;
}

describe.each(folders)('dist/%s', (folder) => {
  test('no object names a namespace other than its own', () => {
    expect(objectsOf(folder).flatMap(foreignNamespaceReferences)).toEqual([]);
  });
});

test("every InfisicalSecret names its own namespace for the credentials and the Secret it writes, and nothing else names one", () => {
  const all = folders.flatMap(objectsOf).filter((m) => m.metadata.namespace);
  const infisical = all.filter((m) => m.kind === 'InfisicalSecret');
  expect(infisical.length).toBeGreaterThan(0);
  for (const secret of infisical) {
    expect(namespaceFields(secret)).toEqual([
      ['spec.authentication.universalAuth.credentialsRef.secretNamespace', secret.metadata.namespace],
      ['spec.managedKubeSecretReferences[0].secretNamespace', secret.metadata.namespace],
    ]);
  }
  // The ClusterSecretStore is named, never its namespace (it has none); ServiceMonitors select no namespace.
  expect(all.filter((m) => m.kind !== 'InfisicalSecret').flatMap(namespaceFields)).toEqual([]);
  expect(all.filter((m) => m.kind === 'ServiceMonitor').map((m: any) => m.spec.namespaceSelector)).toEqual(expect.arrayContaining([undefined]));
});

describe('refused at synthesis, one line naming the environment and the field', () => {
  const dev = standardSynthesis().environments.find(({ environment }) => environment.name === 'dev')!;
  const backendSecrets = dev.manifests.find((m) => m.kind === 'InfisicalSecret' && m.metadata.name === 'backend-secrets') as any;
  const monitor = dev.manifests.find((m) => m.kind === 'ServiceMonitor') as any;
  const withSpec = (manifest: any, spec: any) => ({ ...manifest, spec: { ...manifest.spec, ...spec } });

  test.each([
    [
      'an InfisicalSecret writing its Secret into prod',
      withSpec(backendSecrets, { managedKubeSecretReferences: [{ ...backendSecrets.spec.managedKubeSecretReferences[0], secretNamespace: 'co2-calculator-prod' }] }),
      'environment "dev": InfisicalSecret/backend-secrets: spec.managedKubeSecretReferences[0].secretNamespace: names namespace "co2-calculator-prod", not its own "co2-calculator-dev"; an object may refer only to its own namespace',
    ],
    [
      "an InfisicalSecret reading another namespace's credentials",
      withSpec(backendSecrets, { authentication: { universalAuth: { ...backendSecrets.spec.authentication.universalAuth, credentialsRef: { secretName: 'x', secretNamespace: 'co2-calculator-prod' } } } }),
      'environment "dev": InfisicalSecret/backend-secrets: spec.authentication.universalAuth.credentialsRef.secretNamespace: names namespace "co2-calculator-prod", not its own "co2-calculator-dev"; an object may refer only to its own namespace',
    ],
    [
      'a ServiceMonitor selecting every namespace',
      withSpec(monitor, { namespaceSelector: { any: true } }),
      'environment "dev": ServiceMonitor/otel-collector-metrics-monitor: spec.namespaceSelector.any: names namespace "*", not its own "co2-calculator-dev"; an object may refer only to its own namespace',
    ],
    [
      'a RoleBinding granting to a ServiceAccount of another namespace',
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'x', namespace: 'co2-calculator-dev' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'co2-calculator-preview-a' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' } },
      'environment "dev": RoleBinding/x: subjects[0].namespace: names namespace "co2-calculator-preview-a", not its own "co2-calculator-dev"; an object may refer only to its own namespace',
    ],
  ])('%s', (_case, stray, message) => {
    expect(() => refuseForeignNamespaces('dev', [...dev.manifests, stray])).toThrow(message);
    expect(() => refuseForeignNamespaces('dev', dev.manifests)).not.toThrow();
  });

  test('synthesizeAll stops before rendering anything when a construct emits such a reference', () => {
    const real = Chart.prototype.toJson;
    // The chart of dev emits its InfisicalSecrets aimed at prod, as a faulty construct would.
    const spy = jest.spyOn(Chart.prototype, 'toJson').mockImplementation(function (this: Chart) {
      const manifests = real.call(this);
      return this.namespace !== 'co2-calculator-dev' ? manifests : manifests.map((m: any) => (m.kind === 'InfisicalSecret' ? withSpec(m, { managedKubeSecretReferences: [{ ...m.spec.managedKubeSecretReferences[0], secretNamespace: 'co2-calculator-prod' }] }) : m));
    });
    try {
      expect(() => synthesizeAll(loadProject(), sharedValidator())).toThrow(/^environment "dev": InfisicalSecret\/[a-z-]+: spec\.managedKubeSecretReferences\[0\]\.secretNamespace: names namespace "co2-calculator-prod", not its own "co2-calculator-dev"/);
    } finally {
      spy.mockRestore();
    }
  });
});
