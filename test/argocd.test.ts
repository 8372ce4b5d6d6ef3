/**
 * The ArgoCD objects of dist/argocd/ and the order in which ArgoCD applies each environment, both
 * checked against the synthesized output rather than against the code that produced it.
 */
import { kindsOf } from '../lib/argocd/delivery-chart';
import { ANNOTATION } from '../lib/core/annotations';
import { parseDelivery } from '../lib/config/delivery';
import { LABEL } from '../lib/core/labels';
import { Manifest } from '../lib/core/manifest';
import { DELIVERY } from '../environments/delivery';
import { globMatch, isDestinationPermitted, isReportedOrphan, permissionErrors } from './support/argocd-project';
import { podTemplates, ref, strings } from './support/kubernetes';
import { reachedServices, startupReferences } from './support/references';
import { describeStep, isHook, runsBefore, runsNoLaterThan, waveOf } from './support/sync-order';
import { standardSynthesis } from './support/synthesis';

const synthesis = standardSynthesis();
const projects = synthesis.delivery.filter((m) => m.kind === 'AppProject') as any[];
const applications = synthesis.delivery.filter((m) => m.kind === 'Application') as any[];
const delivered = synthesis.environments.flatMap(({ environment, manifests }) =>
  environment.delivery === false ? [] : [[environment.name, environment, environment.delivery, manifests] as const],
);
const applicationOf = (namespace: string) => applications.find((a) => a.spec.destination.namespace === namespace);
const projectOf = (application: any) => projects.find((p) => p.metadata.name === application.spec.project);

/** What OpenShift 4.16+ creates in every project (see OPENSHIFT_PROJECT_OBJECTS), as live objects. */
const openShiftProjectObjects = (namespace: string) => [
  ...['kube-root-ca.crt', 'openshift-service-ca.crt'].map((name) => ({ group: '', kind: 'ConfigMap', name })),
  ...['builder', 'deployer', 'default'].flatMap((account) => [
    { group: '', kind: 'ServiceAccount', name: account },
    { group: '', kind: 'Secret', name: `${account}-dockercfg-x7k2p` },
  ]),
  ...['system:image-pullers', 'system:image-builders', 'system:deployers', 'admin'].map((name) => ({ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding', name })),
].map((object) => ({ ...object, namespace }));

describe.each(delivered)('the AppProject of %s', (name, environment, _delivery, manifests) => {
  const application = applicationOf(environment.namespace);
  const project = projectOf(application);

  test('is its own: the GitOps repository, its namespace as the only destination, exactly the kinds it consists of', () => {
    expect(project.metadata.name).toBe(`${DELIVERY.project}-${name}`);
    expect(project.spec.sourceRepos).toEqual([DELIVERY.repoUrl]);
    expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: environment.namespace }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    const used = kindsOf(manifests).map(({ group, kind }) => `${group}/${kind}`).sort();
    expect(project.spec.namespaceResourceWhitelist.map(({ group, kind }: any) => `${group}/${kind}`).sort()).toEqual(used);
    expect(projects.filter((p) => p.spec.destinations.some((d: any) => isDestinationPermitted(p, { server: d.server, namespace: environment.namespace }))).map((p) => p.metadata.name)).toEqual([project.metadata.name]);
  });

  test('lets ArgoCD apply every object of the environment', () => {
    expect(isDestinationPermitted(project, application.spec.destination)).toBe(true);
    expect(permissionErrors(application, project, manifests)).toEqual([]);
  });

  test('refuses an object of the folder that names another environment namespace, or a kind the environment does not use', () => {
    const elsewhere = delivered.filter(([other]) => other !== name).map(([, other]) => other.namespace);
    const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'backend')!;
    const strays = elsewhere.map((namespace) => ({ ...deployment, metadata: { ...deployment.metadata, namespace } }));
    expect(permissionErrors(application, project, strays)).toEqual(elsewhere.map((namespace) => `Deployment/backend: namespace ${namespace} is not permitted in project '${project.metadata.name}'`));
    const roleBinding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'x', namespace: environment.namespace } } as Manifest;
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: environment.namespace } } as Manifest;
    expect(permissionErrors(application, project, [roleBinding, namespace])).toEqual([
      `RoleBinding/x: resource rbac.authorization.k8s.io:RoleBinding is not permitted in project ${project.metadata.name}`,
      `Namespace/${environment.namespace}: resource :Namespace is not permitted in project ${project.metadata.name}`,
    ]);
  });

  test('reports as orphans neither what OpenShift creates in every project nor the Secrets made by hand', () => {
    // The Secrets the objects read that no object of the environment produces: made by hand.
    const produced = new Set(manifests.filter((m) => m.kind === 'InfisicalSecret' || m.kind === 'ExternalSecret').map((m) => m.metadata.name));
    const read = strings(manifests).filter(([path]) => /(secretKeyRef\.name|secretRef\.name|\.secretName|authPassword\.name)$/.test(path)).map(([, value]) => value);
    const handMade = [...new Set(read)].filter((secret) => !produced.has(secret));
    const live = [...openShiftProjectObjects(environment.namespace), ...handMade.map((secret) => ({ group: '', kind: 'Secret', name: secret, namespace: environment.namespace }))];
    // As if the project allowed every kind: the list must hold even when RoleBinding or Secret become allowed.
    const permissive = { ...project, spec: { ...project.spec, namespaceResourceWhitelist: [{ group: '*', kind: '*' }] } };
    expect(handMade.length).toBeGreaterThan(0);
    expect(live.filter((object) => isReportedOrphan(permissive, object)).map((o) => `${o.kind}/${o.name}`)).toEqual([]);
    expect(isReportedOrphan(project, { group: 'apps', kind: 'Deployment', name: 'left-over', namespace: environment.namespace })).toBe(true);
    // 4.16 creates no token Secrets; one left over (an old one, or made by someone) is reported.
    expect(isReportedOrphan(permissive, { group: '', kind: 'Secret', name: 'builder-token-q9v4m', namespace: environment.namespace })).toBe(true);
  });
});

/**
 * Kinds Argo CD 2.12 knows the health of without help: argo-cd v2.12.13 resource_customizations/
 * <group>/<kind>/health.lua (external-secrets.io/ExternalSecret among them; secrets.infisical.com has
 * no entry).
 */
const BUILT_IN_HEALTH = new Set(['external-secrets.io/ExternalSecret']);

describe('the ArgoCD instance settings', () => {
  const instance = synthesis.delivery.find((m) => m.kind === 'ArgoCD') as any;

  test('are an ArgoCD resource (v1beta1) of the delivery instance, with annotation tracking and only our settings', () => {
    expect(instance).toMatchObject({ apiVersion: 'argoproj.io/v1beta1', metadata: { name: 'openshift-gitops', namespace: DELIVERY.argocdNamespace } });
    expect(instance.metadata.labels).toBeUndefined();
    expect(Object.keys(instance.spec).sort()).toEqual(['resourceHealthChecks', 'resourceTrackingMethod']);
    expect(instance.spec.resourceTrackingMethod).toBe('annotation');
  });

  test('give every kind that produces a Secret a health check, so wave 0 waits until the Secret exists', () => {
    const producers = new Set(synthesis.environments.flatMap(({ manifests }) => manifests.filter((m) => m.kind === 'InfisicalSecret' || m.kind === 'ExternalSecret').map((m) => `${m.apiVersion.split('/')[0]}/${m.kind}`)));
    const ours = new Set(instance.spec.resourceHealthChecks.map((c: any) => `${c.group}/${c.kind}`));
    expect([...producers].filter((kind) => !BUILT_IN_HEALTH.has(kind) && !ours.has(kind))).toEqual([]);
    expect([...ours].filter((kind) => BUILT_IN_HEALTH.has(kind as string))).toEqual([]);
  });
});

describe('the ArgoCD model', () => {
  test.each([
    ['co2-calculator-preview-*', 'co2-calculator-preview-sso', true],
    ['co2-calculator-preview-*', 'co2-calculator-prod', false],
    ['{a,b}-*', 'b-x', true],
    ['[!p]*', 'prod', false],
  ])('glob %s matches %s: %s', (pattern, text, matched) => {
    expect(globMatch(pattern, text)).toBe(matched);
  });

  test('a deny destination refuses even where another destination matches', () => {
    const project = { spec: { destinations: [{ server: '*', namespace: '*' }, { server: '*', namespace: '!co2-calculator-prod' }] } };
    expect(isDestinationPermitted(project, { server: 'https://kubernetes.default.svc', namespace: 'co2-calculator-dev' })).toBe(true);
    expect(isDestinationPermitted(project, { server: 'https://kubernetes.default.svc', namespace: 'co2-calculator-prod' })).toBe(false);
  });
});

describe.each(delivered)(
  'the Application of %s',
  (name, environment, delivery, manifests) => {
    const application = applicationOf(environment.namespace);

    test('syncs dist/<env> of the repository into the namespace, in its project', () => {
      expect(application.spec.source).toEqual({ repoURL: DELIVERY.repoUrl, targetRevision: delivery.targetRevision, path: `dist/${name}` });
      expect(application.spec.project).toBe(`${DELIVERY.project}-${name}`);
      expect([...synthesis.files.keys()].some((path) => path.startsWith(`${name}/`))).toBe(true);
    });

    test('is named like the instance label of its objects (ArgoCD label tracking agrees)', () => {
      expect(new Set(manifests.map((m) => m.metadata.labels?.[LABEL.instance]))).toEqual(new Set([application.metadata.name]));
    });

    test('syncs automatically, prunes, heals drift and retries with backoff', () => {
      expect(application.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
      expect(application.spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '15s', factor: 2, maxDuration: '5m' } });
      expect(application.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['ServerSideApply=true', 'PruneLast=true']));
      expect(application.spec.syncPolicy.syncOptions.join()).not.toContain('CreateNamespace=true');
    });

    test('cascades deletion only where the environment says so', () => {
      expect(application.metadata.finalizers?.includes('resources-finalizer.argocd.argoproj.io') ?? false).toBe(delivery.cascadeDelete);
    });
  },
);

test('the standard environments decide cascade deletion deliberately: dev yes, staging and prod no', () => {
  const cascade = Object.fromEntries(delivered.map(([name, , delivery]) => [name, delivery.cascadeDelete]));
  expect(cascade).toEqual({ dev: true, staging: false, prod: false });
});

test('a bad delivery config names its field', () => {
  expect(() => parseDelivery({ ...DELIVERY, repoUrl: 'github.com/x' })).toThrow('delivery: repoUrl: must be an https://, ssh:// or git@host:path repository URL');
  expect(() => parseDelivery({ ...DELIVERY, argocdNamespace: 'OpenShift GitOps' })).toThrowErrorMatchingSnapshot();
  expect(() => parseDelivery({ ...DELIVERY, argocdInstance: 'OpenShift GitOps' })).toThrow('delivery: argocdInstance: must be a DNS-1123 label');
});

describe.each(synthesis.environments.map(({ environment, manifests }) => [environment.name, manifests] as const))('sync order of %s', (_name, manifests) => {
  const find = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
  const at = (m: Manifest) => `${ref(m)} (${describeStep(m)})`;

  test('every object a hook or workload is created from (ServiceAccount, ConfigMap, Secret producer, claim of a hook) runs before it', () => {
    const late = manifests.flatMap((owner) =>
      startupReferences(owner, manifests)
        // A workload's claim is bound by the workload's own pods, in the same wave (see the claims test).
        .filter((dependency) => dependency.kind !== 'PersistentVolumeClaim' || isHook(owner))
        // A Route or Ingress is admitted without its Service; in one wave the Service is applied first
        // anyway (kind order, gitops-engine pkg/sync/sync_tasks.go).
        .filter((dependency) => !(['Route', 'Ingress', 'HTTPRoute'].includes(owner.kind) ? runsNoLaterThan(dependency, owner) : runsBefore(dependency, owner)))
        .map((dependency) => `${at(owner)} needs ${at(dependency)}`),
    );
    expect(late).toEqual([]);
  });

  test('every Service a hook connects to, and the workloads behind it, are ready before the hook runs', () => {
    // A hook that cannot reach its peer fails, and so does every retry of the sync: nothing after it
    // is ever applied. The peers must be in an earlier phase or wave, whose health ArgoCD waits for.
    const late = manifests.filter(isHook).flatMap((hook) =>
      reachedServices(hook, manifests).flatMap(({ service, producer, backends, where }) =>
        [producer, ...backends].filter((peer) => !runsBefore(peer, hook)).map((peer) => `${at(hook)} connects to Service ${service} (${where}), but ${at(peer)} is not earlier`),
      ),
    );
    expect(late).toEqual([]);
  });

  test('no long-running workload waits on a peer applied after it', () => {
    // A Deployment whose readiness depends on a peer from a later wave would never become healthy,
    // and its wave would never end.
    const workloads = manifests.filter((m) => (m.kind === 'Deployment' || m.kind === 'StatefulSet') && !isHook(m));
    const late = workloads.flatMap((owner) =>
      reachedServices(owner, manifests).flatMap(({ service, producer, backends }) =>
        [producer, ...backends].filter((peer) => peer !== owner && !runsNoLaterThan(peer, owner)).map((peer) => `${at(owner)} connects to Service ${service}, served by ${at(peer)}`),
      ),
    );
    expect(late).toEqual([]);
  });

  test('the migration is a Sync hook (not PreSync) after its inputs and before every workload', () => {
    const migration = find('Job', 'backend-migration')!;
    expect(migration.metadata.annotations?.[ANNOTATION.hook]).toBe('Sync');
    const backends = manifests.filter((m) => ['Deployment', 'CronJob', 'OpenTelemetryCollector'].includes(m.kind));
    expect(backends.filter((m) => !runsBefore(migration, m)).map(at)).toEqual([]);
  });

  test('a claim is synced with the first workload whose pods mount it on apply, and last when only CronJobs mount it', () => {
    // WaitForFirstConsumer: a claim is Pending (Progressing) until a pod mounts it (gitops-engine
    // pkg/health/health_pvc.go:27-39). Earlier than its first consumer, it would hold back that
    // consumer's wave forever; a claim only a CronJob mounts is bound at the first run, so it goes last.
    const consumers = podTemplates(manifests).filter(({ byOperator }) => !byOperator);
    const lastWave = Math.max(...manifests.map(waveOf));
    const wrong: string[] = [];
    for (const claim of manifests.filter((m) => m.kind === 'PersistentVolumeClaim')) {
      const mounting = consumers.filter(({ spec }) => (spec.volumes ?? []).some((v: any) => v.persistentVolumeClaim?.claimName === claim.metadata.name));
      const startingOnApply = mounting.filter(({ owner }) => owner.kind !== 'CronJob').map(({ owner }) => waveOf(owner));
      const expected = startingOnApply.length > 0 ? Math.min(...startingOnApply) : lastWave;
      if (waveOf(claim) !== expected) wrong.push(`${at(claim)}: expected wave ${expected} (mounted by ${mounting.map(({ owner }) => at(owner)).join(', ') || 'nothing'})`);
    }
    expect(wrong).toEqual([]);
  });

  test('workloads scaled by an HPA carry no replica count for ArgoCD and the HPA to fight over', () => {
    const scaled = new Set(manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler').map((h: any) => h.spec.scaleTargetRef.name));
    expect(manifests.filter((m: any) => m.kind === 'Deployment' && scaled.has(m.metadata.name) && m.spec.replicas !== undefined).map(ref)).toEqual([]);
  });
});

describe('server-side diff', () => {
  // Literal on purpose: the annotation Argo CD reads, not our constant for it.
  const ssd = (metadata: any) => metadata?.annotations?.['argocd.argoproj.io/compare-options'];
  const applicationSets = synthesis.delivery.filter((m) => m.kind === 'ApplicationSet') as any[];

  test('every Application compares server-side', () => {
    expect(applications.length).toBeGreaterThan(0);
    for (const application of applications) expect([application.metadata.name, ssd(application.metadata)]).toEqual([application.metadata.name, 'ServerSideDiff=true']);
  });

  test('every ApplicationSet template compares server-side', () => {
    expect(applicationSets.length).toBeGreaterThan(0);
    for (const set of applicationSets) expect([set.metadata.name, ssd(set.spec.template.metadata)]).toEqual([set.metadata.name, 'ServerSideDiff=true']);
  });
});
