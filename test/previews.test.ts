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
import { writeTree } from './support/tree-write';
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
    expect(changes.get('argocd')).toMatchObject({ added: [], changed: [], removed: ['argocd/appproject-co2-calculator-preview-b.yaml'] });
  });

  test('dist/argocd/ changes with the list by one AppProject per preview, nothing else', () => {
    const isPreviewProject = (m: any) => m.kind === 'AppProject' && m.metadata.name.startsWith('co2-calculator-preview-');
    const none = withPreviews([]).delivery;
    const three = withPreviews([{ name: 'a' }, { name: 'b' }, { name: 'c' }]).delivery;
    expect(none.filter(isPreviewProject)).toEqual([]);
    expect(three.filter(isPreviewProject).map((m) => m.metadata.name)).toEqual(['co2-calculator-preview-a', 'co2-calculator-preview-b', 'co2-calculator-preview-c']);
    expect(three.filter((m) => !isPreviewProject(m))).toEqual(none);
  });

  test('rendered one at a time into previewFiles (the commands), previews give the same files and summary', () => {
    const entries = [{ name: 'a' }, { name: 'b', images: { backend: `quay-its.epfl.ch/svc1751/backend:v9@sha256:${'b'.repeat(64)}` } }, { name: 'c' }];
    const project = { ...PROJECT, previews: { settings: PREVIEW_SETTINGS, entries } };
    const kept = synthesizeAll(project, sharedValidator());
    const staged = new Map<string, string>();
    const lean = synthesizeAll(project, sharedValidator(), { previewFiles: (path, content) => staged.set(path, content) });
    expect([...staged.keys()].every((path) => /^preview-[abc]\//.test(path))).toBe(true);
    expect(new Map([...lean.files, ...staged])).toEqual(kept.files);
    expect(lean.delivery).toEqual(kept.delivery);
    const summary = ({ environment, objectCount, images, preview }: (typeof kept.environments)[number]) => ({ name: environment.name, objectCount, images, preview });
    expect(lean.environments.map(summary)).toEqual(kept.environments.map(summary));
    expect(lean.environments.filter(({ preview }) => preview).map(({ manifests }) => manifests.length)).toEqual([0, 0, 0]);
    expect(kept.environments.filter(({ preview }) => preview).every(({ manifests, objectCount }) => manifests.length === objectCount && objectCount > 0)).toBe(true);
  });
});

describe('the previews ApplicationSet and project', () => {
  const synthesis = standardSynthesis();
  const applicationSet = synthesis.delivery.find((m) => m.kind === 'ApplicationSet') as any;
  const previews = synthesis.environments.filter(({ preview }) => preview);
  /** What ArgoCD's git directory generator and Go template make of a folder path. */
  const render = (template: string, path: string) => template.replace(/\{\{\.path\.basename\}\}/g, path.split('/').pop()!).replace(/\{\{\.path\.path\}\}/g, path);
  /** The AppProject the Application generated for a folder names, if dist/argocd/ has it. */
  const projectOf = (path: string) => synthesis.delivery.find((m) => m.kind === 'AppProject' && m.metadata.name === render(applicationSet.spec.template.spec.project, path)) as any;

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
      spec: { ...template.spec, project: render(template.spec.project, path), source: { ...template.spec.source, path: render(template.spec.source.path, path) }, destination: { ...template.spec.destination, namespace: render(template.spec.destination.namespace, path) } },
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
      expect(application.spec.project).toBe(environment.namespace);
      expect(permissionErrors(application, projectOf(path), manifests)).toEqual([]);
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

  test.each(previews.map(({ environment, manifests }) => [environment.name, manifests] as const))('every Route of %s is on the private router shard', (_name, manifests) => {
    const routes = manifests.filter((m) => m.kind === 'Route');
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((m) => m.metadata.labels?.route !== 'private').map(ref)).toEqual([]);
  });

  test.each(previews.map(({ environment, manifests }) => [environment.name, environment, manifests] as const))(
    '%s has a SECRET_KEY of its own, generated once in its namespace, and reads no shared one from the store',
    (_name, environment, manifests) => {
      const generator = manifests.find((m) => m.kind === 'Password') as any;
      expect(generator).toMatchObject({ apiVersion: 'generators.external-secrets.io/v1alpha1', metadata: { namespace: environment.namespace }, spec: { secretKeys: ['SECRET_KEY'] } });
      expect(generator.spec.length).toBeGreaterThanOrEqual(32);
      const generated = manifests.find((m: any) => m.kind === 'ExternalSecret' && m.spec.dataFrom) as any;
      expect(generated).toMatchObject({
        apiVersion: 'external-secrets.io/v1',
        spec: { refreshPolicy: 'CreatedOnce', target: { immutable: true, creationPolicy: 'Owner' }, dataFrom: [{ sourceRef: { generatorRef: { kind: 'Password', name: generator.metadata.name } } }] },
      });
      const stored = manifests.filter((m: any) => m.kind === 'ExternalSecret' && m.spec.data).flatMap((m: any) => m.spec.data.map((d: any) => d.secretKey));
      expect(stored).not.toContain('SECRET_KEY');
      const backend = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'backend') as any;
      const env = backend.spec.template.spec.containers[0].env.find((e: any) => e.name === 'SECRET_KEY');
      expect(env.valueFrom.secretKeyRef).toEqual({ name: generated.spec.target.name, key: 'SECRET_KEY' });
    },
  );

  test('the standard environments generate no key', () => {
    const standard = synthesis.environments.filter(({ preview }) => !preview).flatMap(({ manifests }) => manifests);
    expect(standard.filter((m) => m.kind === 'Password')).toEqual([]);
  });

  test('local keeps its database claim when its StatefulSet is deleted', () => {
    const local = synthesis.environments.find(({ environment }) => environment.name === 'local')!;
    expect((local.manifests.find((m) => m.kind === 'StatefulSet') as any).spec.persistentVolumeClaimRetentionPolicy.whenDeleted).toBe('Retain');
  });

  test.each(previews.map(({ environment, manifests }) => [environment.name, environment, manifests] as const))(
    'the project of %s allows its own namespace only, its Namespace by name as the only cluster object, and the kinds a preview consists of',
    (name, environment, manifests) => {
      const project = projectOf(`dist/${name}`);
      expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: environment.namespace }]);
      expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: environment.namespace }]);
      const used = kindsOf(manifests).map(({ group, kind }) => `${group}/${kind}`);
      const allowed = [...project.spec.clusterResourceWhitelist, ...project.spec.namespaceResourceWhitelist].map(({ group, kind }: any) => `${group}/${kind}`);
      expect(new Set(used)).toEqual(new Set(allowed));
      expect(project.spec.sourceRepos).toEqual([PROJECT.delivery.repoUrl]);
    },
  );

  test('a folder dist/preview-x that is not in the list names a project that does not exist, so it does not sync', () => {
    expect(projectOf('dist/preview-x')).toBeUndefined();
  });

  describe("a preview's Application cannot create, adopt or delete anything outside its namespace", () => {
    const [preview, other] = previews;
    const path = `dist/${preview.environment.name}`;
    const application = generated(path);
    const project = projectOf(path);
    const projectName = project.metadata.name;
    const deployment = preview.manifests.find((m) => m.kind === 'Deployment')!;
    const elsewhere = (namespace: string) => ({ ...deployment, metadata: { ...deployment.metadata, namespace } });
    const namespaceObject = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as any;

    test.each(['co2-calculator-prod', other.environment.namespace, 'openshift-gitops', 'kube-system'])('an object in namespace %s is refused', (namespace) => {
      const stray = elsewhere(namespace);
      expect(permissionErrors(application, project, [stray])).toEqual([`${ref(stray)}: namespace ${namespace} is not permitted in project '${projectName}'`]);
    });

    // Argo CD prunes and deletes only what it may sync (controller/sync.go validateSyncPermissions runs on
    // prune tasks too), so refusing the object refuses its adoption and its deletion alike.
    test.each(['co2-calculator-prod', other.environment.namespace, 'openshift-gitops', 'default'])('the Namespace %s is refused (Argo CD 3.3: a name-restricted whitelist)', (name) => {
      const stray = namespaceObject(name);
      expect(permissionErrors(application, project, [stray])).toEqual([`${ref(stray)}: resource :Namespace is not permitted in project ${projectName}`]);
    });

    test.each([
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
      ['admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy'],
      ['external-secrets.io/v1', 'ClusterSecretStore'],
      ['v1', 'PersistentVolume'],
    ])('a cluster-scoped %s %s is refused', (apiVersion, kind) => {
      const stray = { apiVersion, kind, metadata: { name: preview.environment.namespace } } as any;
      expect(permissionErrors(application, project, [stray])).toEqual([`${ref(stray)}: resource ${apiVersion.includes('/') ? apiVersion.split('/')[0] : ''}:${kind} is not permitted in project ${projectName}`]);
    });

    test('for Argo CD 3.1 (delivery.namedClusterResources false) the project has no name, and alone would permit any Namespace', () => {
      // What the admission policy of dist/cluster-setup/ is for (test/cluster-setup.test.ts, test/cluster/admission_test.go).
      const old = synthesizeAll({ ...PROJECT, delivery: { ...PROJECT.delivery, namedClusterResources: false } }, sharedValidator());
      const unnamed = old.delivery.find((m) => m.kind === 'AppProject' && m.metadata.name === projectName) as any;
      expect(unnamed.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
      expect(permissionErrors(application, unnamed, [namespaceObject('co2-calculator-prod')])).toEqual([]);
      expect(permissionErrors(application, unnamed, [elsewhere('co2-calculator-prod')])).toHaveLength(1);
    });
  });

  test('the standard environments projects allow no cluster-scoped kind and no preview namespace', () => {
    const standard = synthesis.delivery.filter((m) => m.kind === 'AppProject' && !m.metadata.name.startsWith('co2-calculator-preview-')) as any[];
    expect(standard.map((p) => p.metadata.name).sort()).toEqual(['co2-calculator-dev', 'co2-calculator-prod', 'co2-calculator-staging']);
    for (const other of standard) {
      expect(other.spec.clusterResourceWhitelist).toEqual([]);
      expect(isDestinationPermitted(other, { server: 'https://kubernetes.default.svc', namespace: previews[0].environment.namespace })).toBe(false);
    }
  });
});

describe('the OAuth client of previews', () => {
  const previews = standardSynthesis().environments.filter(({ preview }) => preview);
  const remoteKey = (manifests: readonly any[], secretKey: string) =>
    manifests.filter((m) => m.kind === 'ExternalSecret').flatMap((m) => m.spec.data ?? []).find((d: any) => d.secretKey === secretKey)?.remoteRef.key;

  test.each(['OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET'])('no two previews read the same %s', (key) => {
    const keys = previews.map(({ manifests }) => remoteKey(manifests, key));
    expect(previews.length).toBeGreaterThan(1);
    expect(keys.every((k) => typeof k === 'string')).toBe(true);
    expect(new Set(keys).size).toBe(previews.length);
    for (const [i, { environment }] of previews.entries()) expect(keys[i]).toContain(environment.name);
  });
});
