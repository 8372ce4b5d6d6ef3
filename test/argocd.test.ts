/**
 * The ArgoCD objects of dist/argocd/ and the order in which ArgoCD applies each environment, both
 * checked against the synthesized output rather than against the code that produced it.
 */
import { kindsOf } from '../lib/argocd/delivery-chart';
import { ANNOTATION } from '../lib/argocd/annotations';
import { parseDelivery } from '../lib/config/delivery';
import { LABEL } from '../lib/core/labels';
import { Manifest } from '../lib/synth/manifest';
import { DELIVERY } from '../environments/delivery';
import { containersOf, podTemplateOf, ref } from './support/kubernetes';
import { standardSynthesis } from './support/synthesis';

const synthesis = standardSynthesis();
const project = synthesis.delivery.find((m) => m.kind === 'AppProject') as any;
const applications = synthesis.delivery.filter((m) => m.kind === 'Application') as any[];

describe('the AppProject', () => {
  test('allows only the GitOps repository, the environments namespaces, and no cluster-scoped kind', () => {
    expect(project.spec.sourceRepos).toEqual([DELIVERY.repoUrl]);
    expect(project.spec.destinations.map((d: any) => d.namespace).sort()).toEqual(delivered.map(([, environment]) => environment.namespace).sort());
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.clusterResourceBlacklist).toBeUndefined();
  });

  test('allows exactly the kinds the environments consist of', () => {
    const used = kindsOf(delivered.flatMap(([, , , manifests]) => manifests)).map(({ group, kind }) => `${group}/${kind}`).sort();
    expect(project.spec.namespaceResourceWhitelist.map(({ group, kind }: any) => `${group}/${kind}`).sort()).toEqual(used);
  });

  test('reports objects nobody declares, except the Secrets made by hand', () => {
    expect(project.spec.orphanedResources).toEqual({ warn: true, ignore: [{ group: '', kind: 'Secret' }] });
  });
});

const delivered = synthesis.environments.flatMap(({ environment, manifests }) =>
  environment.delivery === false ? [] : [[environment.name, environment, environment.delivery, manifests] as const],
);

describe.each(delivered)(
  'the Application of %s',
  (name, environment, delivery, manifests) => {
    const application = applications.find((a) => a.spec.destination.namespace === environment.namespace);

    test('syncs dist/<env> of the repository into the namespace, in the project', () => {
      expect(application.spec.source).toEqual({ repoURL: DELIVERY.repoUrl, targetRevision: delivery.targetRevision, path: `dist/${name}` });
      expect(application.spec.project).toBe(project.metadata.name);
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
});

describe.each(synthesis.environments.map(({ environment, manifests }) => [environment.name, manifests] as const))('sync order of %s', (_name, manifests) => {
  const wave = (m: Manifest) => Number(m.metadata.annotations?.[ANNOTATION.syncWave] ?? 0);
  const find = (kind: string, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name);
  /** The object that makes a Secret exist, if the environment declares one (else it is made by hand). */
  const secretProducer = (name: string) =>
    manifests.find((m) => (m.kind === 'InfisicalSecret' || m.kind === 'ExternalSecret') && m.metadata.name === name);

  /** Every object a pod-running object needs before it can start, found in the output. */
  function references(owner: Manifest): Manifest[] {
    const refs: Array<Manifest | undefined> = [];
    const template = podTemplateOf(owner);
    if (template) {
      refs.push(find('ServiceAccount', template.spec.serviceAccountName));
      for (const container of containersOf(template.spec)) {
        for (const source of container.envFrom ?? []) {
          if (source.configMapRef) refs.push(find('ConfigMap', source.configMapRef.name));
          if (source.secretRef) refs.push(secretProducer(source.secretRef.name));
        }
        for (const variable of container.env ?? []) {
          if (variable.valueFrom?.secretKeyRef) refs.push(secretProducer(variable.valueFrom.secretKeyRef.name));
          if (variable.valueFrom?.configMapKeyRef) refs.push(find('ConfigMap', variable.valueFrom.configMapKeyRef.name));
        }
      }
      for (const volume of template.spec.volumes ?? []) {
        if (volume.configMap) refs.push(find('ConfigMap', volume.configMap.name));
        if (volume.secret) refs.push(secretProducer(volume.secret.secretName));
      }
    }
    const cr = owner as any;
    if (owner.kind === 'OpenTelemetryCollector') {
      for (const variable of cr.spec.env ?? []) if (variable.valueFrom?.secretKeyRef) refs.push(secretProducer(variable.valueFrom.secretKeyRef.name));
    }
    if (owner.kind === 'Route') refs.push(find('Service', cr.spec.to.name));
    return refs.filter((m): m is Manifest => m !== undefined);
  }

  test('every object a hook or workload references is in an earlier wave', () => {
    const late = manifests.flatMap((owner) =>
      references(owner).filter((dependency) => wave(dependency) >= wave(owner)).map((dependency) => `${ref(owner)} (wave ${wave(owner)}) needs ${ref(dependency)} (wave ${wave(dependency)})`),
    );
    expect(late).toEqual([]);
  });

  test('the migration is a Sync hook (not PreSync) after its inputs and before every workload', () => {
    const migration = find('Job', 'backend-migration')!;
    expect(migration.metadata.annotations?.[ANNOTATION.hook]).toBe('Sync');
    const workloads = manifests.filter((m) => ['Deployment', 'StatefulSet', 'CronJob', 'OpenTelemetryCollector'].includes(m.kind));
    expect(workloads.filter((m) => wave(m) <= wave(migration)).map(ref)).toEqual([]);
  });

  test('a claim a Deployment mounts is in its wave; other claims come last, so a Pending WaitForFirstConsumer claim holds back nothing', () => {
    const claims = manifests.filter((m) => m.kind === 'PersistentVolumeClaim');
    const mountedBy = (claim: Manifest) =>
      manifests.filter(
        (m: any) => m.kind === 'Deployment' && (m.spec.template.spec.volumes ?? []).some((v: any) => v.persistentVolumeClaim?.claimName === claim.metadata.name),
      );
    // Pending until a pod mounts it: in an earlier wave it would block the sync, in a later one its Deployment.
    expect(claims.flatMap((c) => mountedBy(c).filter((d) => wave(d) !== wave(c)).map((d) => `${ref(c)} (wave ${wave(c)}) mounted by ${ref(d)} (wave ${wave(d)})`))).toEqual([]);
    const unmounted = claims.filter((c) => mountedBy(c).length === 0);
    const lastWave = Math.max(...manifests.map(wave));
    expect(unmounted.filter((c) => wave(c) !== lastWave).map(ref)).toEqual([]);
    expect(manifests.filter((m) => !unmounted.includes(m) && wave(m) === lastWave && unmounted.length > 0).map(ref)).toEqual([]);
  });

  test('workloads scaled by an HPA carry no replica count for ArgoCD and the HPA to fight over', () => {
    const scaled = new Set(manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler').map((h: any) => h.spec.scaleTargetRef.name));
    expect(manifests.filter((m: any) => m.kind === 'Deployment' && scaled.has(m.metadata.name) && m.spec.replicas !== undefined).map(ref)).toEqual([]);
  });
});
