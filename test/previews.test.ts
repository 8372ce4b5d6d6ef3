/**
 * Preview environments: expanded from a list into ordinary environments, delivered by an ApplicationSet
 * whose generated Applications agree with what each preview folder holds.
 */
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../environments';
import { kindsOf } from '../lib/argocd/delivery-chart';
import { LABEL } from '../lib/core/labels';
import { previewEnvironments } from '../lib/config/previews';
import { synthesizeAll } from '../lib/synth';
import { writeTree } from '../lib/synth/output';
import { isDestinationPermitted, permissionErrors } from './support/argocd-project';
import { ref } from './support/kubernetes';
import { waveOf } from './support/sync-order';
import { sharedValidator, standardSynthesis } from './support/synthesis';

const PROJECT = loadProject();
const PREVIEW_SETTINGS = PROJECT.previews!.settings;
const withPreviews = (entries: unknown[]) => synthesizeAll({ ...PROJECT, previews: { settings: PREVIEW_SETTINGS, entries } }, sharedValidator());

describe('a preview entry', () => {
  test('becomes an environment named, placed and reachable by its name', () => {
    const [preview] = previewEnvironments(PREVIEW_SETTINGS, [{ name: 'sso-login' }]);
    expect(preview).toMatchObject({
      name: 'preview-sso-login',
      namespace: 'co2-calculator-preview-sso-login',
      host: 'co2-calculator-sso-login.epfl.ch',
      delivery: false,
      images: PREVIEW_SETTINGS.template.images,
    });
  });

  test('runs the images it names and the template images for the rest', () => {
    const backend = 'quay-its.epfl.ch/svc1751/co2-calculator-backend:pr-1';
    const [preview] = previewEnvironments(PREVIEW_SETTINGS, [{ name: 'x', images: { backend } }]);
    expect(preview.images).toEqual({ ...PREVIEW_SETTINGS.template.images, backend });
  });

  test('runs without DEBUG (the /login-test bypass) unless it asks for it', () => {
    const [plain, debugging] = previewEnvironments(PREVIEW_SETTINGS, [{ name: 'a' }, { name: 'b', debug: true }]);
    expect([plain.backend?.debug, debugging.backend?.debug]).toEqual([false, true]);
    expect(debugging.backend).toMatchObject({ ...PREVIEW_SETTINGS.template.backend, debug: true });
  });

  test.each([
    ['a name that is not DNS-1123', [{ name: 'SSO_login' }]],
    ['a name too long for its namespace', [{ name: 'a'.repeat(41) }]],
    ['the same name twice', [{ name: 'x' }, { name: 'x' }]],
    ['an unknown component', [{ name: 'x', images: { worker: 'quay.io/x/worker:1' } }]],
    ['an unknown field', [{ name: 'x', branch: 'feature/x' }]],
  ])('refuses %s, naming the preview and the field', (_case, entries) => {
    expect(() => previewEnvironments(PREVIEW_SETTINGS, entries)).toThrowErrorMatchingSnapshot();
  });

  test('a floating image tag is refused like in any environment', () => {
    expect(() => withPreviews([{ name: 'x', images: { backend: 'quay-its.epfl.ch/svc1751/co2-calculator-backend:latest' } }])).toThrow(
      /environment "preview-x": images\.backend: .*floating tag "latest"/,
    );
  });
});

describe('the preview list', () => {
  test('removing a name removes its folder', () => {
    const dist = mkdtempSync(join(tmpdir(), 'previews-'));
    writeTree(dist, withPreviews([{ name: 'a' }, { name: 'b' }]).files);
    expect(existsSync(join(dist, 'preview-b'))).toBe(true);
    const changes = writeTree(dist, withPreviews([{ name: 'a' }]).files);
    expect(existsSync(join(dist, 'preview-b'))).toBe(false);
    expect(changes.get('preview-b')!.removed.length).toBeGreaterThan(0);
    expect(changes.get('argocd')).toMatchObject({ added: [], changed: [], removed: [] });
  });

  test('dist/argocd/ does not change with the list: the ApplicationSet finds the folders', () => {
    expect(withPreviews([]).delivery).toEqual(withPreviews([{ name: 'a' }, { name: 'b' }, { name: 'c' }]).delivery);
  });
});

describe('the previews ApplicationSet and project', () => {
  const synthesis = standardSynthesis();
  const applicationSet = synthesis.delivery.find((m) => m.kind === 'ApplicationSet') as any;
  const project = synthesis.delivery.find((m) => m.kind === 'AppProject' && m.metadata.name === applicationSet.spec.template.spec.project) as any;
  const previews = synthesis.environments.filter(({ preview }) => preview);
  /** What ArgoCD's git directory generator and Go template make of a folder path. */
  const render = (template: string, path: string) => template.replace(/\{\{\.path\.basename\}\}/g, path.split('/').pop()!).replace(/\{\{\.path\.path\}\}/g, path);

  test('generates an Application for every dist/preview-* folder, and nothing else', () => {
    const [{ git }] = applicationSet.spec.generators;
    expect(git.directories).toEqual([{ path: 'dist/preview-*' }]);
    expect(git.repoURL).toBe(PROJECT.delivery.repoUrl);
  });

  /** The Application the ApplicationSet generates for one preview folder. */
  const generated = (path: string) => {
    const template = applicationSet.spec.template;
    return {
      metadata: { ...template.metadata, name: render(template.metadata.name, path) },
      spec: { ...template.spec, source: { ...template.spec.source, path: render(template.spec.source.path, path) }, destination: { ...template.spec.destination, namespace: render(template.spec.destination.namespace, path) } },
    };
  };

  test.each(previews.map(({ environment, manifests }) => [environment.name, environment, manifests] as const))(
    'the Application generated for %s deploys its folder into its namespace, under its instance name',
    (name, environment, manifests) => {
      const path = `dist/${name}`;
      const application = generated(path);
      expect(application.spec.source.path).toBe(path);
      expect(application.spec.destination.namespace).toBe(environment.namespace);
      expect(new Set(manifests.map((m) => m.metadata.labels?.[LABEL.instance]))).toEqual(new Set([application.metadata.name]));
      expect(application.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      // The namespace is an object of the preview: ArgoCD 2.12 would not delete one it created itself.
      expect(application.spec.syncPolicy.syncOptions.join()).not.toContain('CreateNamespace');
      expect(application.spec.syncPolicy.managedNamespaceMetadata).toBeUndefined();
      expect(permissionErrors(application, project, manifests)).toEqual([]);
    },
  );

  test.each(previews.map(({ environment, manifests }) => [environment.name, environment, manifests] as const))(
    'deleting %s leaves nothing behind: its namespace goes last, with its database claim',
    (_name, environment, manifests) => {
      const namespace = manifests.find((m) => m.kind === 'Namespace')!;
      expect(namespace.metadata).toMatchObject({
        name: environment.namespace,
        labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'argocd.argoproj.io/managed-by': PROJECT.delivery.argocdNamespace },
      });
      // Cascade deletion goes from the highest wave down, one wave at a time (argo-cd controller/sort_delete.go:24-40).
      expect(manifests.filter((m) => m !== namespace && waveOf(m) <= waveOf(namespace)).map(ref)).toEqual([]);
      const database = manifests.find((m) => m.kind === 'StatefulSet') as any;
      expect(database.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Retain' });
    },
  );

  test('local keeps its database claim when its StatefulSet is deleted', () => {
    const local = synthesis.environments.find(({ environment }) => environment.name === 'local')!;
    expect((local.manifests.find((m) => m.kind === 'StatefulSet') as any).spec.persistentVolumeClaimRetentionPolicy.whenDeleted).toBe('Retain');
  });

  test('its project allows preview namespaces only, Namespace as the only cluster kind, and the kinds a preview consists of', () => {
    expect(project.spec.destinations.map((d: any) => d.namespace)).toEqual(['co2-calculator-preview-*']);
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    const used = kindsOf(previews.flatMap(({ manifests }) => manifests)).map(({ group, kind }) => `${group}/${kind}`).sort();
    const allowed = [...project.spec.clusterResourceWhitelist, ...project.spec.namespaceResourceWhitelist].map(({ group, kind }: any) => `${group}/${kind}`).sort();
    expect(allowed).toEqual(used);
    expect(project.spec.sourceRepos).toEqual([PROJECT.delivery.repoUrl]);
  });

  test('a preview object aimed at a standard environment namespace is refused', () => {
    const [preview] = previews;
    const application = generated(`dist/${preview.environment.name}`);
    const deployment = preview.manifests.find((m) => m.kind === 'Deployment')!;
    const stray = { ...deployment, metadata: { ...deployment.metadata, namespace: 'co2-calculator-prod' } };
    expect(permissionErrors(application, project, [stray])).toEqual([`${ref(stray)}: namespace co2-calculator-prod is not permitted in project 'co2-calculator-previews'`]);
  });

  test('the standard environments projects allow no cluster-scoped kind and no preview namespace', () => {
    const standard = synthesis.delivery.filter((m) => m.kind === 'AppProject' && m.metadata.name !== project.metadata.name) as any[];
    expect(standard.map((p) => p.metadata.name).sort()).toEqual(['co2-calculator-dev', 'co2-calculator-prod', 'co2-calculator-staging']);
    for (const other of standard) {
      expect(other.spec.clusterResourceWhitelist).toEqual([]);
      expect(isDestinationPermitted(other, { server: 'https://kubernetes.default.svc', namespace: previews[0].environment.namespace })).toBe(false);
    }
  });
});
