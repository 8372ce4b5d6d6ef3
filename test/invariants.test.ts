/**
 * Rules that hold for every object of every environment. Each test collects all offenders, so a
 * failure lists every object that breaks the rule, not just the first.
 */
import { parseImageReference } from '../lib/core/image';
import { parseQuantity } from '../lib/config/quantity';
import { LABEL, MANAGED_BY, PART_OF } from '../lib/core/labels';
import { ANNOTATION } from '../lib/core/annotations';
import { Manifest } from '../lib/core/manifest';
import { platformFor } from '../lib/platform';
import { BACKEND_IMAGE, DOCS_IMAGE, FRONTEND_IMAGE, ImageUser, POSTGRES_IMAGE } from '../lib/application/contract';
import { containersOf, matches, podTemplates, ref, strings } from './support/kubernetes';
import { nonRootRefusal } from './support/kubelet';
import { standardSynthesis } from './support/synthesis';

const environments = standardSynthesis().environments.map(({ environment, manifests }) => [environment.name, environment, manifests] as const);

/**
 * Images no public record gives a digest for: each keeps its exact version tag, is listed in
 * docs/known-limits.md, and Renovate pins it by digest at the project's home (renovate.json).
 */
const DIGEST_UNKNOWN: Record<string, { tag: string; reason: string }> = {
  'registry.redhat.io/openshift4/ose-oauth-proxy-rhel9': {
    tag: 'v4.16',
    reason: 'Red Hat publishes its digests only in the registry and the Container Catalog, neither readable from a cited public record here',
  },
  'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib': {
    tag: '0.140.1',
    reason: 'the release notes and the repository record no image digest; only the registry knows it',
  },
  'quay.io/jaegertracing/jaeger': {
    tag: '2.20.0',
    reason: 'not an official image (no docker-library/repo-info record); the release notes list no digest',
  },
};

/** Volume types OpenShift's restricted-v2 SCC admits. */
const RESTRICTED_VOLUME_TYPES = ['configMap', 'downwardAPI', 'emptyDir', 'persistentVolumeClaim', 'projected', 'secret', 'ephemeral', 'csi'];

describe.each(environments)('%s', (_name, environment, manifests) => {
  const pods = podTemplates(manifests);
  const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);

  test('renders every component of the application and its operations', () => {
    const tracing = environment.observability ? ['otel-collector-jaeger'] : [];
    expect(byKind('Deployment').map((m) => m.metadata.name).sort()).toEqual(['backend', 'docs', 'frontend', ...tracing].sort());
    expect(byKind('Service').map((m) => m.metadata.name)).toEqual(expect.arrayContaining(['backend-service', 'docs-service', 'frontend-service']));
    expect(byKind('Job').map((m) => m.metadata.name)).toEqual(['backend-migration']);
    expect(byKind('CronJob').map((m) => m.metadata.name)).toEqual(environment.backup ? ['db-dump'] : []);
    expect(byKind('PersistentVolumeClaim').map((m) => m.metadata.name).sort()).toEqual(environment.backup ? ['backend-files', 'db-dumps'] : ['backend-files']);
    const configMaps = ['backend-config', 'docs-server-config', 'frontend-server-config', ...(environment.backup ? ['db-dump-script'] : []), ...tracing.map((name) => `${name}-config`)];
    expect(byKind('ConfigMap').map((m) => m.metadata.name).sort()).toEqual(configMaps.sort());
    // On plain Kubernetes the HTTPRoutes with a backend (the HTTP listener's redirect has none).
    const edge = environment.platform.name === 'openshift'
      ? byKind('Route').map((m: any) => m.spec.path)
      : byKind('HTTPRoute').filter((m: any) => m.spec.rules[0].backendRefs).map((m: any) => m.spec.rules[0].matches[0].path.value);
    // The Jaeger UI, on OpenShift where the environment turns it on.
    const ui = environment.platform.name === 'openshift' && environment.observability?.tracing.ui ? [environment.observability.tracing.ui.path] : [];
    expect(edge.sort()).toEqual(['/', '/api', '/docs', ...ui].sort());
    expect(byKind(environment.platform.name === 'openshift' ? 'HTTPRoute' : 'Route')).toEqual([]);
    expect(byKind('Ingress')).toEqual([]);
    expect(byKind('StatefulSet').map((m) => m.metadata.name)).toEqual(environment.database.mode === 'in-cluster' ? ['postgres'] : []);
    const operations = ['OpenTelemetryCollector', 'ServiceMonitor', 'PrometheusRule', 'AlertmanagerConfig', 'GrafanaDashboard'];
    expect(operations.map((kind) => byKind(kind).length > 0)).toEqual(operations.map(() => environment.observability !== undefined));
  });

  test('every object lives in the environment namespace; only an environment that owns its namespace ships it', () => {
    const namespaces = byKind('Namespace');
    expect(namespaces.map((m) => m.metadata)).toEqual(environment.ownsNamespace ? [expect.objectContaining({ name: environment.namespace })] : []);
    expect(manifests.filter((m) => m.kind !== 'Namespace' && m.metadata.namespace !== environment.namespace).map(ref)).toEqual([]);
    expect(namespaces.filter((m) => m.metadata.namespace !== undefined).map(ref)).toEqual([]);
  });

  test('pods run under the restricted profile: non-root, RuntimeDefault seccomp, no capabilities, read-only root', () => {
    const violations: string[] = [];
    for (const { owner, spec } of pods) {
      const where = ref(owner);
      if (spec.securityContext?.runAsNonRoot !== true) violations.push(`${where}: pod runAsNonRoot`);
      if (spec.securityContext?.seccompProfile?.type !== 'RuntimeDefault') violations.push(`${where}: pod seccompProfile`);
      for (const flag of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[flag]) violations.push(`${where}: ${flag}`);
      for (const container of containersOf(spec)) {
        const context = container.securityContext ?? {};
        const at = `${where} container ${container.name}`;
        if (context.allowPrivilegeEscalation !== false) violations.push(`${at}: allowPrivilegeEscalation`);
        if (!context.capabilities?.drop?.includes('ALL')) violations.push(`${at}: does not drop ALL capabilities`);
        if (context.capabilities?.add?.length) violations.push(`${at}: adds capabilities`);
        if (context.privileged) violations.push(`${at}: privileged`);
        if (context.readOnlyRootFilesystem !== true) violations.push(`${at}: writable root filesystem`);
        if (context.runAsNonRoot === false) violations.push(`${at}: runAsNonRoot false`);
      }
      for (const volume of spec.volumes ?? []) {
        const type = Object.keys(volume).find((key) => key !== 'name')!;
        if (!RESTRICTED_VOLUME_TYPES.includes(type)) violations.push(`${where}: volume ${volume.name} is ${type}`);
      }
    }
    expect(violations).toEqual([]);
  });

  const assignsUids = environment.platform.name === 'openshift';
  (assignsUids ? test : test.skip)('no pod fixes its user, group or fsGroup (OpenShift assigns them from the project range)', () => {
    const fixed = pods.flatMap(({ owner, spec }) =>
      [spec.securityContext, ...containersOf(spec).map((c) => c.securityContext)].flatMap((context) =>
        ['runAsUser', 'runAsGroup', 'fsGroup', 'supplementalGroups'].filter((key) => context?.[key] !== undefined).map((key) => `${ref(owner)}: ${key}`),
      ),
    );
    expect(fixed).toEqual([]);
  });

  (assignsUids ? test.skip : test)('the kubelet starts every container: each runs as a non-root user it can verify, its image\'s own account', () => {
    // The User each image's config carries, from its Dockerfile (lib/application/contract.ts).
    const imageUsers = new Map<string, ImageUser>([
      [environment.images.frontend.repository, FRONTEND_IMAGE.user],
      [environment.images.backend.repository, BACKEND_IMAGE.user],
      [environment.images.docs.repository, DOCS_IMAGE.user],
      ...[environment.database.mode === 'in-cluster' ? environment.database.image : undefined, environment.backup?.image]
        .filter((image) => image !== undefined)
        .map((image) => [image!.repository, POSTGRES_IMAGE.user] as [string, ImageUser]),
    ]);
    const refused: string[] = [];
    for (const { owner, spec } of pods) {
      for (const container of containersOf(spec)) {
        const at = `${ref(owner)} container ${container.name}`;
        const user = imageUsers.get(parseImageReference(container.image).repository);
        if (user === undefined) {
          refused.push(`${at}: image ${container.image} has no user in the application contract`);
          continue;
        }
        const refusal = nonRootRefusal(spec.securityContext, container.securityContext, user.imageUser);
        if (refusal) refused.push(`${at}: ${refusal}`);
        // Its own account, so the files the image gives that account stay its own.
        const uid = container.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
        if (uid !== undefined && uid !== user.uid) refused.push(`${at}: runs as ${uid}, the image's ${user.name} is ${user.uid}`);
      }
    }
    expect(refused).toEqual([]);
  });

  test('pods mount no service account token', () => {
    const ours = pods.filter(({ byOperator }) => !byOperator);
    expect(ours.filter(({ spec }) => spec.automountServiceAccountToken !== false).map(({ owner }) => ref(owner))).toEqual([]);
    expect(byKind('ServiceAccount').filter((m: any) => m.automountServiceAccountToken !== false).map(ref)).toEqual([]);
  });

  test('every container, init containers included, requests and limits CPU and memory, requests within limits', () => {
    const violations: string[] = [];
    for (const { owner, spec } of pods) {
      for (const container of containersOf(spec)) {
        const at = `${ref(owner)} container ${container.name}`;
        for (const resource of ['cpu', 'memory']) {
          const request = container.resources?.requests?.[resource];
          const limit = container.resources?.limits?.[resource];
          if (request === undefined || limit === undefined) violations.push(`${at}: ${resource} request and limit`);
          else if (parseQuantity(request) > parseQuantity(limit)) violations.push(`${at}: ${resource} request above limit`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test('long-running containers have liveness and readiness probes on ports they declare', () => {
    const violations: string[] = [];
    for (const { owner, spec } of pods.filter(({ owner }) => owner.kind === 'Deployment' || owner.kind === 'StatefulSet')) {
      for (const container of spec.containers) {
        const at = `${ref(owner)} container ${container.name}`;
        const portNames = (container.ports ?? []).map((port: any) => port.name);
        for (const probe of ['livenessProbe', 'readinessProbe']) {
          if (!container[probe]) violations.push(`${at}: no ${probe}`);
        }
        for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
          const port = container[probe]?.httpGet?.port ?? container[probe]?.tcpSocket?.port;
          if (typeof port === 'string' && !portNames.includes(port)) violations.push(`${at}: ${probe} on undeclared port ${port}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test('every container image is <trusted registry>/...@sha256:<digest>, but for the listed known limits', () => {
    const violations: string[] = [];
    for (const { owner, spec } of pods) {
      for (const container of containersOf(spec)) {
        const image = parseImageReference(container.image);
        const at = `${ref(owner)} container ${container.name}: ${container.image}`;
        if (!environment.trustedRegistries.some((prefix) => image.repository.startsWith(prefix))) violations.push(`${at}: not from a trusted registry`);
        const limit = DIGEST_UNKNOWN[image.repository];
        if (limit) {
          if (image.digest || image.tag !== limit.tag) violations.push(`${at}: the known limit names ${limit.tag} without a digest; update DIGEST_UNKNOWN`);
        } else if (!image.digest) {
          violations.push(`${at}: no digest`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test('images are pinned by tag or digest and pulled only when missing', () => {
    const violations: string[] = [];
    for (const { owner, spec } of pods) {
      for (const container of containersOf(spec)) {
        try {
          parseImageReference(container.image);
        } catch (error) {
          violations.push(`${ref(owner)}: ${(error as Error).message}`);
        }
        if (container.imagePullPolicy !== 'IfNotPresent') violations.push(`${ref(owner)}: imagePullPolicy ${container.imagePullPolicy}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('every object carries the recommended labels; workloads and pods carry the version', () => {
    const expected = { [LABEL.instance]: `co2-calculator-${environment.name}`, [LABEL.partOf]: PART_OF, [LABEL.managedBy]: MANAGED_BY };
    const violations: string[] = [];
    const check = (where: string, labels: Record<string, string> = {}, withVersion: boolean) => {
      if (!matches(labels, expected)) violations.push(`${where}: instance, part-of or managed-by`);
      for (const key of [LABEL.name, LABEL.component, ...(withVersion ? [LABEL.version] : [])]) {
        if (!labels[key]) violations.push(`${where}: no ${key}`);
      }
    };
    for (const manifest of manifests) check(ref(manifest), manifest.metadata.labels, false);
    for (const { owner, labels } of pods.filter(({ byOperator }) => !byOperator)) {
      check(`${ref(owner)} pod template`, labels, true);
      check(ref(owner), owner.metadata.labels, true);
    }
    expect(violations).toEqual([]);
  });

  test('names are human: no hashes derived from construct paths', () => {
    const generated = manifests.filter((m) => /-[0-9a-f]{8}$/.test(m.metadata.name) || m.metadata.name.startsWith(`${environment.name}-`));
    expect(generated.map(ref)).toEqual([]);
    const addressLabels = strings(manifests).filter(([path]) => path.includes('cdk8s.io'));
    expect(addressLabels).toEqual([]);
  });

  test('workload selectors use only stable labels and match their pod templates', () => {
    const violations: string[] = [];
    for (const { owner, labels } of pods.filter(({ owner, byOperator }) => !byOperator && owner.kind !== 'Job' && owner.kind !== 'CronJob')) {
      const selector = (owner as any).spec.selector?.matchLabels ?? {};
      const keys = Object.keys(selector).sort();
      if (JSON.stringify(keys) !== JSON.stringify([LABEL.instance, LABEL.name].sort())) violations.push(`${ref(owner)}: selector keys ${keys}`);
      if (!matches(labels, selector)) violations.push(`${ref(owner)}: selector does not match its pod template`);
    }
    expect(violations).toEqual([]);
  });

  test('every Service selects pods and targets a port they declare', () => {
    const violations: string[] = [];
    for (const service of byKind('Service') as any[]) {
      const selected = pods.filter(({ labels }) => Object.keys(service.spec.selector ?? {}).length > 0 && matches(labels, service.spec.selector));
      if (selected.length === 0) violations.push(`${ref(service)}: selects no pods`);
      for (const port of service.spec.ports) {
        const declared = selected.some(({ spec }) =>
          spec.containers.some((c: any) => (c.ports ?? []).some((p: any) => p.name === port.targetPort || p.containerPort === port.targetPort)),
        );
        if (!declared) violations.push(`${ref(service)}: port ${port.name} targets ${port.targetPort}, which its pods do not declare`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('every Route serves the environment host over edge TLS (or reencrypt to a service-ca certificate) with HSTS, to an existing Service port by name', () => {
    const violations: string[] = [];
    for (const route of byKind('Route') as any[]) {
      const service = manifests.find((m) => m.kind === 'Service' && m.metadata.name === route.spec.to.name) as any;
      if (route.spec.host !== environment.host) violations.push(`${ref(route)}: host ${route.spec.host}`);
      // Reencrypt only to a Service that serves TLS with a service-ca certificate, which the router trusts.
      const termination = service?.metadata.annotations?.['service.beta.openshift.io/serving-cert-secret-name'] ? 'reencrypt' : 'edge';
      if (route.spec.tls?.termination !== termination || route.spec.tls?.insecureEdgeTerminationPolicy !== 'Redirect') {
        violations.push(`${ref(route)}: TLS is not ${termination} with Redirect`);
      }
      // One year of HSTS, subdomains included, sent by the router (issue 17).
      if (route.metadata.annotations?.['haproxy.router.openshift.io/hsts_header'] !== 'max-age=31536000;includeSubDomains') {
        violations.push(`${ref(route)}: no HSTS header annotation`);
      }
      if (!service) violations.push(`${ref(route)}: no Service ${route.spec.to.name}`);
      else if (!service.spec.ports.some((port: any) => port.name === route.spec.port.targetPort)) {
        violations.push(`${ref(route)}: Service ${service.metadata.name} has no port named ${route.spec.port.targetPort}`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('every HTTPRoute rule that serves a backend sets HSTS on its responses, as the Routes do', () => {
    const violations: string[] = [];
    for (const route of byKind('HTTPRoute') as any[]) {
      for (const [index, rule] of (route.spec.rules ?? []).entries()) {
        if (!rule.backendRefs) continue;
        const set = (rule.filters ?? []).filter((f: any) => f.type === 'ResponseHeaderModifier').flatMap((f: any) => f.responseHeaderModifier.set ?? []);
        if (!set.some((h: any) => h.name === 'Strict-Transport-Security' && h.value === 'max-age=31536000;includeSubDomains')) violations.push(`${ref(route)} rule ${index}: no HSTS`);
      }
    }
    expect(violations).toEqual([]);
    // Not vacuous: off OpenShift, the edge is these HTTPRoutes.
    if (environment.platform.name !== 'openshift') expect(byKind('HTTPRoute').length).toBeGreaterThan(0);
  });

  test('every Ingress serves the environment host over TLS, to an existing Service port by name', () => {
    const violations: string[] = [];
    for (const ingress of byKind('Ingress') as any[]) {
      if (!ingress.spec.tls?.some((tls: any) => tls.hosts.includes(environment.host) && tls.secretName)) violations.push(`${ref(ingress)}: no TLS for ${environment.host}`);
      for (const rule of ingress.spec.rules) {
        if (rule.host !== environment.host) violations.push(`${ref(ingress)}: host ${rule.host}`);
        for (const path of rule.http.paths) {
          const service = manifests.find((m) => m.kind === 'Service' && m.metadata.name === path.backend.service.name) as any;
          if (!service) violations.push(`${ref(ingress)}: no Service ${path.backend.service.name}`);
          else if (!service.spec.ports.some((port: any) => port.name === path.backend.service.port.name)) violations.push(`${ref(ingress)}: no port ${path.backend.service.port.name} on ${service.metadata.name}`);
        }
      }
    }
    const issuers = byKind('Ingress').filter((i) => i.metadata.annotations?.['cert-manager.io/cluster-issuer']);
    expect(issuers.length).toBe(byKind('Ingress').length > 0 ? 1 : 0);
    expect(violations).toEqual([]);
  });

  test('every HPA targets a Deployment that leaves spec.replicas to it', () => {
    const violations: string[] = [];
    for (const hpa of byKind('HorizontalPodAutoscaler') as any[]) {
      const target = byKind(hpa.spec.scaleTargetRef.kind).find((m) => m.metadata.name === hpa.spec.scaleTargetRef.name) as any;
      if (!target) violations.push(`${ref(hpa)}: targets missing ${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}`);
      else if (target.spec.replicas !== undefined) violations.push(`${ref(hpa)}: ${ref(target)} sets spec.replicas`);
      if (hpa.spec.minReplicas >= hpa.spec.maxReplicas) violations.push(`${ref(hpa)}: min ${hpa.spec.minReplicas} >= max ${hpa.spec.maxReplicas}`);
    }
    const deploymentsWithoutReplicas = byKind('Deployment').filter((d: any) => d.spec.replicas === undefined);
    const scaled = new Set(byKind('HorizontalPodAutoscaler').map((hpa: any) => hpa.spec.scaleTargetRef.name));
    for (const deployment of deploymentsWithoutReplicas) {
      if (!scaled.has(deployment.metadata.name)) violations.push(`${ref(deployment)}: no replicas and no HPA`);
    }
    expect(violations).toEqual([]);
  });

  test('every PDB covers a workload that can always spare a pod', () => {
    const violations: string[] = [];
    for (const pdb of byKind('PodDisruptionBudget') as any[]) {
      const covered = pods.filter(({ labels }) => matches(labels, pdb.spec.selector.matchLabels));
      if (covered.length === 0) violations.push(`${ref(pdb)}: selects no workload`);
      for (const { owner } of covered) {
        const hpa = byKind('HorizontalPodAutoscaler').find((h: any) => h.spec.scaleTargetRef.name === owner.metadata.name) as any;
        const minimum = hpa?.spec.minReplicas ?? (owner as any).spec.replicas ?? 1;
        if (pdb.spec.minAvailable >= minimum) violations.push(`${ref(pdb)}: minAvailable ${pdb.spec.minAvailable} blocks drains of ${ref(owner)} (min ${minimum})`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('ingress is denied by default and opened only to named peers on declared ports', () => {
    const policies = byKind('NetworkPolicy') as any[];
    const defaultDeny = policies.filter((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
    expect(defaultDeny.map(ref)).toEqual(['NetworkPolicy/default-deny']);
    expect(defaultDeny[0].spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const violations: string[] = [];
    for (const policy of policies.filter((p) => p.spec.ingress)) {
      const selected = pods.filter(({ labels }) => matches(labels, policy.spec.podSelector.matchLabels));
      if (Object.keys(policy.spec.podSelector.matchLabels ?? {}).length === 0 || selected.length === 0) violations.push(`${ref(policy)}: selects no specific pods`);
      for (const rule of policy.spec.ingress) {
        if (!rule.from?.length) violations.push(`${ref(policy)}: a rule admits every source`);
        for (const { port } of rule.ports ?? []) {
          const declared = selected.every(({ spec }) => spec.containers.some((c: any) => (c.ports ?? []).some((p: any) => p.name === port || p.containerPort === port)));
          if (!declared) violations.push(`${ref(policy)}: port ${port} is not declared by its pods`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test('every pod template is selected by an egress policy, and egress is opened only to named peers on named ports', () => {
    const policies = byKind('NetworkPolicy') as any[];
    const isolatesEgress = (policy: any) => (policy.spec.policyTypes ?? []).includes('Egress');
    const selects = (policy: any, labels: Record<string, string>) => Object.keys(policy.spec.podSelector).length === 0 || matches(labels, policy.spec.podSelector.matchLabels);
    const unselected = pods.filter(({ labels }) => !policies.some((policy) => isolatesEgress(policy) && selects(policy, labels))).map(({ owner }) => ref(owner));
    expect(unselected).toEqual([]);
    expect(pods.length).toBeGreaterThan(0);
    const violations: string[] = [];
    for (const policy of policies.filter((p) => p.spec.egress)) {
      if (Object.keys(policy.spec.podSelector.matchLabels ?? {}).length === 0 || !pods.some(({ labels }) => selects(policy, labels))) violations.push(`${ref(policy)}: selects no specific pods`);
      for (const rule of policy.spec.egress) {
        if (!rule.to?.length) violations.push(`${ref(policy)}: a rule allows every destination`);
        if (!rule.ports?.length) violations.push(`${ref(policy)}: a rule allows every port`);
        for (const peer of rule.to ?? []) if (peer.ipBlock?.cidr === '0.0.0.0/0' && !peer.ipBlock.except?.length) violations.push(`${ref(policy)}: 0.0.0.0/0 without the cluster networks excepted`);
      }
    }
    expect(violations).toEqual([]);
  });

  // Not the frontend: its nginx proxies nothing, the browser calls /api through the edge (docs/sources/security.md).
  test('the backend admits only the edge (router or ingress controller)', () => {
    const policy = manifests.find((m) => m.metadata.name === 'backend-network-policy') as any;
    const edge = platformFor(environment.platform).edgePeer;
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: edge.namespaceLabels }, ...(edge.podLabels ? { podSelector: { matchLabels: edge.podLabels } } : {}) },
        ],
        ports: [{ port: 'http', protocol: 'TCP' }],
      },
    ]);
  });

  (environment.observability ? test : test.skip)('the backend exports OTLP to the collector, which alone admits it; monitoring alone scrapes it; Jaeger admits the collector only, on the port its exporter uses', () => {
    const backend = pods.find(({ owner }) => owner.kind === 'Deployment' && owner.metadata.name === 'backend')!;
    const env = Object.fromEntries(backend.spec.containers[0].env.map((v: any) => [v.name, v.value]));
    const collectorPods = pods.filter(({ owner }) => owner.kind === 'OpenTelemetryCollector');
    expect(collectorPods).toHaveLength(1);
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(`http://${collectorPods[0].owner.metadata.name}-collector:4317`);
    expect(env.OTEL_SEMCONV_STABILITY_OPT_IN).toBe('http');
    // No other pod exports telemetry: the migration Job runs the same image without it.
    expect(pods.filter(({ owner, spec }) => owner !== backend.owner && spec.containers.some((c: any) => c.env?.some((v: any) => v.name === 'OTEL_EXPORTER_OTLP_ENDPOINT'))).map(({ owner }) => ref(owner))).toEqual([]);

    const admitting = (target: { labels: Record<string, string> }, port: number) =>
      (byKind('NetworkPolicy') as any[])
        .filter((p) => p.spec.ingress && matches(target.labels, p.spec.podSelector.matchLabels))
        .filter((p) => p.spec.ingress.some((rule: any) => rule.ports.some((q: any) => q.port === port)))
        .flatMap((p) => p.spec.ingress.flatMap((rule: any) => rule.from));
    expect(admitting(collectorPods[0], 4317)).toEqual([{ podSelector: { matchLabels: backend.owner && (backend.owner as any).spec.selector.matchLabels } }]);
    expect(admitting(collectorPods[0], 8889)).toEqual([{ namespaceSelector: { matchLabels: platformFor(environment.platform).monitoringPeer.namespaceLabels } }]);
    const jaeger = pods.find(({ owner }) => owner.kind === 'Deployment' && owner.metadata.name === 'otel-collector-jaeger')!;
    expect(admitting(jaeger, 4317)).toEqual([{ podSelector: { matchLabels: collectorPods[0].labels } }]);
    // The UI is reached by port-forward only: no policy opens it.
    expect(admitting(jaeger, 16686)).toEqual([]);
    // The collector's trace exporter points at the Service in front of that pod, on the port the pod listens on.
    const collector = byKind('OpenTelemetryCollector')[0] as any;
    const [host, port] = collector.spec.config.exporters['otlp/jaeger'].endpoint.split(':');
    const service = byKind('Service').find((svc) => svc.metadata.name === host) as any;
    expect(matches(jaeger.labels, service.spec.selector)).toBe(true);
    const servicePort = service.spec.ports.find((p: any) => p.port === Number(port));
    const container = jaeger.spec.containers[0];
    expect(container.ports.find((p: any) => p.name === servicePort.targetPort).containerPort).toBe(Number(port));

    const monitor = byKind('ServiceMonitor')[0] as any;
    const scraped = byKind('Service').filter((svc) => matches(svc.metadata.labels ?? {}, monitor.spec.selector.matchLabels)) as any[];
    expect(scraped.map(ref)).toEqual(['Service/otel-collector-metrics']);
    expect(pods.filter(({ labels }) => matches(labels, scraped[0].spec.selector))).toEqual(collectorPods);
  });

  test('no secret value is written: no Secret objects, secrets only by reference', () => {
    expect(byKind('Secret').map(ref)).toEqual([]);
    const violations: string[] = [];
    const secretName = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|CREDENTIAL|DB_URL|DATABASE_URL|API_KEY)/i;
    for (const { owner, spec } of pods) {
      for (const container of containersOf(spec)) {
        const fromSecrets = new Set((container.env ?? []).filter((v: any) => v.valueFrom?.secretKeyRef).map((v: any) => v.name));
        for (const variable of container.env ?? []) {
          if (variable.value === undefined) continue;
          // A value may assemble secrets by $(VAR) reference (Kubernetes expands them in the pod); each
          // reference must then come from a Secret, and the text around them must hold no credential.
          const references = [...variable.value.matchAll(/\$\((\w+)\)/g)].map((match: RegExpMatchArray) => match[1]);
          const literal = variable.value.replace(/\$\(\w+\)/g, '');
          if (secretName.test(variable.name) && (references.length === 0 || references.some((name: string) => !fromSecrets.has(name) && !/^POD_|^NODE_/.test(name)))) {
            violations.push(`${ref(owner)}: ${variable.name} has a literal value`);
          }
          if (/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(literal)) violations.push(`${ref(owner)}: ${variable.name} holds a URL with credentials`);
        }
      }
    }
    for (const configMap of byKind('ConfigMap') as any[]) {
      for (const key of Object.keys(configMap.data ?? {})) if (secretName.test(key)) violations.push(`${ref(configMap)}: key ${key}`);
    }
    for (const [path, value] of strings(manifests)) {
      if (/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(value.replace(/\$\(\w+\)/g, ''))) violations.push(`${path}: URL with credentials`);
      if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value)) violations.push(`${path}: private key`);
    }
    expect(violations).toEqual([]);
  });

  test('no command line carries a secret: no $(VAR) of a Secret-fed variable and no password in command or args', () => {
    // A container's arguments are readable by any user of the node (/proc/<pid>/cmdline) and appear in
    // `kubectl get pod -o yaml` after expansion; its environment does not. So a $(VAR) in argv may name
    // only a variable with a plain value that itself expands no Secret-fed one.
    const violations: string[] = [];
    for (const { owner, spec } of pods) {
      for (const container of containersOf(spec)) {
        const env: any[] = container.env ?? [];
        const secretFed = new Set(env.filter((v) => v.valueFrom?.secretKeyRef).map((v) => v.name));
        for (let grew = true; grew; ) {
          grew = false;
          for (const v of env) {
            if (!secretFed.has(v.name) && typeof v.value === 'string' && [...v.value.matchAll(/\$\((\w+)\)/g)].some((m) => secretFed.has(m[1]))) {
              secretFed.add(v.name);
              grew = true;
            }
          }
        }
        const plain = new Set(env.filter((v) => typeof v.value === 'string' && !secretFed.has(v.name)).map((v) => v.name));
        for (const argument of [...(container.command ?? []), ...(container.args ?? [])] as string[]) {
          const at = `${ref(owner)} container ${container.name}: ${JSON.stringify(argument)}`;
          for (const [, name] of argument.matchAll(/\$\((\w+)\)/g)) {
            // envFrom may define any name: only a variable of our own plain list is known to be safe.
            if (!plain.has(name)) violations.push(`${at}: expands ${name}, not a plain variable`);
          }
          if (/password|passwd|[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(argument)) violations.push(`${at}: names a password`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test('every referenced ConfigMap, ServiceAccount and Secret is declared or provided by the secret strategy', () => {
    const declared = (kind: string) => new Set(byKind(kind).map((m) => m.metadata.name));
    const configMaps = declared('ConfigMap');
    const serviceAccounts = declared('ServiceAccount');
    // Plus the Secrets of generated keys, which their ExternalSecret names as its target.
    const generated = byKind('ExternalSecret').filter((m: any) => m.spec.dataFrom?.some((d: any) => d.sourceRef?.generatorRef)).map((m: any) => m.spec.target.name);
    const secrets = new Set([...Object.values(environment.secrets.names), ...generated]);
    const violations: string[] = [];
    for (const { owner, spec } of pods.filter(({ byOperator }) => !byOperator)) {
      if (!serviceAccounts.has(spec.serviceAccountName)) violations.push(`${ref(owner)}: ServiceAccount ${spec.serviceAccountName}`);
      for (const container of containersOf(spec)) {
        for (const source of container.envFrom ?? []) {
          if (source.configMapRef && !configMaps.has(source.configMapRef.name)) violations.push(`${ref(owner)}: ConfigMap ${source.configMapRef.name}`);
          if (source.secretRef && !secrets.has(source.secretRef.name)) violations.push(`${ref(owner)}: Secret ${source.secretRef.name}`);
        }
        for (const variable of container.env ?? []) {
          const secretRef = variable.valueFrom?.secretKeyRef;
          if (secretRef && !secrets.has(secretRef.name)) violations.push(`${ref(owner)}: Secret ${secretRef.name}`);
          const configRef = variable.valueFrom?.configMapKeyRef;
          if (configRef && !configMaps.has(configRef.name)) violations.push(`${ref(owner)}: ConfigMap ${configRef.name}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  test('every object has a sync wave; the migration runs after its inputs and before the workloads', () => {
    const wave = (m: Manifest) => Number(m.metadata.annotations?.[ANNOTATION.syncWave]);
    expect(manifests.filter((m) => !Number.isInteger(wave(m))).map(ref)).toEqual([]);
    const migration = manifests.find((m) => m.metadata.name === 'backend-migration')!;
    expect(migration.metadata.annotations).toMatchObject({ [ANNOTATION.hook]: 'Sync', [ANNOTATION.hookDeletePolicy]: 'BeforeHookCreation' });
    const inputs = manifests.filter((m) => ['ServiceAccount', 'ConfigMap', 'InfisicalSecret', 'ExternalSecret'].includes(m.kind));
    expect(inputs.filter((m) => wave(m) >= wave(migration)).map(ref)).toEqual([]);
    expect(byKind('Deployment').filter((m) => wave(m) <= wave(migration)).map(ref)).toEqual([]);
    // Routes share the last wave with the workloads (lib/argocd/sync-waves.ts), never earlier.
    expect(byKind('Route').filter((r) => byKind('Deployment').some((d) => wave(d) > wave(r))).map(ref)).toEqual([]);
    const job = migration as any;
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
  });
});
