/**
 * The topology of one environment as a graph, derived from its synthesized objects only, so that it
 * follows whatever the constructs produce without knowing our components. Every node and edge keeps
 * the `Kind/name` of the objects it comes from (its sources). The rules:
 *
 * - **Edge.** Each host of a Route (`spec.host`) or Ingress rule is a node; a host → Route/Ingress
 *   edge per path; a Route/Ingress → Service edge per backend (`spec.to`, `spec.alternateBackends`,
 *   Ingress path backends and `defaultBackend`), labelled with the target port.
 * - **Pods.** Every built-in kind with a pod template (Deployment, StatefulSet, Job, CronJob, ...) is
 *   a node; so is a custom resource an operator runs pods for (`operator-pods.ts`).
 * - **Services.** Each Service → the pods whose template labels its `spec.selector` matches. The
 *   Services an operator creates (`operator-pods.ts`) are drawn only when something addresses them.
 * - **Connections.** A pod → the Service or published host that its containers' env values, args or
 *   command (for an operator's pods: any string of the custom resource's spec) name by address: a URL
 *   (`scheme://[user@]host[:port]`) or a `host:port` token, where host is a Service's name, optionally
 *   qualified with the namespace (`.ns`, `.ns.svc`, `.ns.svc.cluster.local`). A pod → an outside
 *   service when an env variable listed in `addressVariables` (DB_URL by default) holds its address,
 *   from a Secret, or as a literal naming a qualified host (with a dot) that is no Service of ours.
 * - **NetworkPolicies.** For each ingress rule, each peer → each pod the policy's `podSelector`
 *   selects, labelled with the rule's ports. A `podSelector` peer is the matching pods of the
 *   namespace; a `namespaceSelector` peer, an `ipBlock` or a rule without `from` is a node of its
 *   own, named after the platform role whose selector it is (router, monitoring) when one is given.
 * - **Claims.** A pod → each PersistentVolumeClaim its volumes name, labelled with the mount paths;
 *   a StatefulSet → its `volumeClaimTemplates`; a claim no pod mounts is drawn alone.
 * - **Monitoring.** Each ServiceMonitor → the Services its `selector` matches (prometheus-operator
 *   selects Services by their labels, in the monitor's own namespace unless `namespaceSelector` says
 *   otherwise: pkg/prometheus/promcfg.go:1226-1260 and 1502-1511 at v0.70.0, commit 5631d8ed6be9),
 *   labelled with its endpoints' ports, and the Prometheus that reads it → the ServiceMonitor.
 * - **Dashboards.** The GrafanaDashboards of one `instanceSelector` are one node outside (the Grafana
 *   instances it selects), → the Prometheus above, labelled PromQL, when a panel's datasource is of
 *   type prometheus. Which Prometheus a Grafana datasource points at is configured outside.
 * - **Route labels.** A Route's labels other than `app.kubernetes.io/*` are a line of its node: they
 *   are what an OpenShift router shard's routeSelector selects.
 */
import type { NetworkPeer } from '../networking/network-policy';
import { Manifest, objectRef } from '../core/manifest';
import { operatorPodsOf, OperatorService } from './operator-pods';
import { BUILT_IN_POD_TEMPLATES, isCustomResourceVersion, valueAt } from './pod-templates';

/** Where a node is drawn: traffic entering the cluster, the environment's namespace, or outside it. */
export type Zone = 'edge' | 'namespace' | 'external';
const ZONES: readonly Zone[] = ['edge', 'namespace', 'external'];

export type EdgeKind =
  /** host → Route/Ingress → Service */
  | 'routes'
  /** Service → the pods it selects */
  | 'serves'
  /** pods → what their settings address */
  | 'connects'
  /** a NetworkPolicy peer → the pods the policy opens to it */
  | 'admits'
  /** pods → a claim */
  | 'mounts'
  /** Prometheus → ServiceMonitor → Service */
  | 'monitors';

export interface TopologyNode {
  /**
   * Stable and unique: `Kind/name` for an object (for an operator's pods, the custom resource's),
   * `host:<host>`, `peer:<selector>`, `external:<what>`, `claims:<StatefulSet>/<template>`.
   */
  readonly key: string;
  readonly zone: Zone;
  /** The label, one plain-text line each; the first names the node. */
  readonly lines: readonly string[];
  /** `Kind/name` of the objects it comes from, sorted. */
  readonly sources: readonly string[];
}

export interface TopologyEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** Plain text: a path, ports, a mount path; may be empty. */
  readonly label: string;
  readonly sources: readonly string[];
}

export interface Topology {
  /** The namespace of the objects, when they name one. */
  readonly namespace?: string;
  /** By zone (in `ZONES` order), then key. */
  readonly nodes: readonly TopologyNode[];
  /** By source key, target key, kind. */
  readonly edges: readonly TopologyEdge[];
  /** What the edges cannot show: policies that admit nothing, pods no policy selects. */
  readonly notes: readonly string[];
}

/** A namespace peer whose role the platform knows (the ingress router, the monitoring stack). */
export interface PeerRole {
  readonly name: string;
  readonly zone: Zone;
  readonly peer: NetworkPeer;
  /** Its Prometheus reads the ServiceMonitors of the namespace. @default false */
  readonly readsServiceMonitors?: boolean;
}

export interface TopologyOptions {
  /** Names and zones for namespace peers. @default none: every such peer is "namespaces <selector>", outside */
  readonly peerRoles?: readonly PeerRole[];
  /** Env variables whose value is the address of a service, by what it is. @default DEFAULT_ADDRESS_VARIABLES */
  readonly addressVariables?: Readonly<Record<string, string>>;
}

/** The database URL of the application and its clients, and the monitoring role's host:port. */
export const DEFAULT_ADDRESS_VARIABLES: Readonly<Record<string, string>> = {
  DB_URL: 'PostgreSQL database',
  POSTGRES_ENDPOINT: 'PostgreSQL database',
};

type Json = Record<string, any>;

interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: string; readonly values?: readonly string[] }>;
}

/** Whether a LabelSelector selects these labels; the empty selector selects everything. */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  const exact = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    exact &&
    (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      switch (operator) {
        case 'In':
          return key in labels && values.includes(labels[key]);
        case 'NotIn':
          return !(key in labels) || !values.includes(labels[key]);
        case 'Exists':
          return key in labels;
        case 'DoesNotExist':
          return !(key in labels);
        default:
          return false;
      }
    })
  );
}

function selectorText(selector: LabelSelector | undefined): string {
  const labels = Object.entries(selector?.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => (value === '' ? key : `${key}=${value}`));
  const expressions = (selector?.matchExpressions ?? []).map(({ key, operator, values = [] }) =>
    operator === 'Exists' ? key : operator === 'DoesNotExist' ? `!${key}` : `${key} ${operator.toLowerCase()} (${values.join(', ')})`,
  );
  return [...labels, ...expressions].join(', ');
}

const sameLabels = (a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined) =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

/** The pods one object makes run, with what the diagram reads from them. */
interface Pods {
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Init containers and containers. */
  readonly containers: readonly Json[];
  readonly volumes: readonly Json[];
  readonly claimTemplates: readonly Json[];
  /** Where addresses may be written: env values, args and commands; a custom resource's spec. */
  readonly settings: unknown;
  readonly byOperator: boolean;
}

function podsOf(manifest: Manifest): Pods | undefined {
  const key = objectRef(manifest);
  const builtIn = isCustomResourceVersion(manifest.apiVersion) ? undefined : BUILT_IN_POD_TEMPLATES[manifest.kind];
  if (builtIn) {
    const template = valueAt(manifest, builtIn.path) as Json | undefined;
    if (!template?.spec) return undefined;
    const containers: Json[] = [...(template.spec.initContainers ?? []), ...(template.spec.containers ?? [])];
    return {
      key,
      labels: template.metadata?.labels ?? {},
      containers,
      volumes: template.spec.volumes ?? [],
      claimTemplates: manifest.kind === 'StatefulSet' ? ((manifest.spec as Json)?.volumeClaimTemplates ?? []) : [],
      settings: containers.map((container) => [container.command, container.args, (container.env ?? []).map((variable: Json) => variable.value)]),
      byOperator: false,
    };
  }
  const operator = operatorPodsOf(manifest);
  if (!operator) return undefined;
  const pods = operator.pods(manifest);
  return { key, labels: pods.labels, containers: pods.containers, volumes: pods.volumes, claimTemplates: [], settings: manifest.spec, byOperator: true };
}

/** Every pod-making object with its pods' labels and container ports, in manifest order. */
export function podsOfManifests(manifests: readonly Manifest[]): Array<{ key: string; namespace: string; labels: Record<string, string>; ports: Json[] }> {
  return manifests.flatMap((manifest) => {
    const pods = podsOf(manifest);
    return pods ? [{ key: pods.key, namespace: manifest.metadata.namespace ?? '', labels: { ...pods.labels }, ports: pods.containers.flatMap((container) => container.ports ?? []) }] : [];
  });
}

function allStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) value.forEach((item) => allStrings(item, into));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((item) => allStrings(item, into));
  return into;
}

/** A host named in a setting, with how it is reached. */
export interface AddressReference {
  readonly host: string;
  readonly scheme?: string;
  readonly port?: string;
}

/** `scheme://[userinfo@]host[:port]`; the userinfo may hold `$(VAR)` references. */
const URL_REFERENCE = /\b([a-z][a-z0-9+.-]*):\/\/(?:[^\s/@]*@)?([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::(\d{1,5}))?(?![a-z0-9.-])/gi;
/** A `host:port` token on its own: not inside a URL, a path or a longer word. */
const HOST_PORT_REFERENCE = /(?<![\w./@:$-])([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?):(\d{1,5})(?![\w.])/gi;

/** The hosts a setting names by address. */
export function addressReferences(text: string): AddressReference[] {
  const found: AddressReference[] = [];
  for (const match of text.matchAll(URL_REFERENCE)) found.push({ scheme: match[1].toLowerCase(), host: match[2].toLowerCase(), port: match[3] });
  for (const match of text.matchAll(HOST_PORT_REFERENCE)) found.push({ host: match[1].toLowerCase(), port: match[2] });
  return found;
}

const referenceLabel = ({ scheme, port }: AddressReference) => [scheme, port && `:${port}`].filter(Boolean).join(' ');

interface ServiceEntry {
  readonly name: string;
  readonly lines: readonly string[];
  readonly selector: Readonly<Record<string, string>> | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly sources: readonly string[];
  /** Created by an operator: drawn only when addressed. */
  readonly byOperator: boolean;
}

function servicePortsText(spec: Json): string {
  return ((spec.ports ?? []) as Json[])
    .map((port) => (port.targetPort === undefined || String(port.targetPort) === String(port.port) ? `${port.port}` : `${port.port} → ${port.targetPort}`) + (port.protocol && port.protocol !== 'TCP' ? `/${port.protocol}` : ''))
    .join(', ');
}

function policyPortsText(ports: readonly Json[] | undefined): string {
  if (!ports || ports.length === 0) return 'all ports';
  return ports
    .map((port) => `${port.port ?? 'all'}${port.endPort ? `-${port.endPort}` : ''}${port.protocol && port.protocol !== 'TCP' ? `/${port.protocol}` : ''}`)
    .join(', ');
}

class TopologyBuilder {
  private readonly nodes = new Map<string, { zone: Zone; lines: readonly string[]; sources: Set<string> }>();
  private readonly edges = new Map<string, { from: string; to: string; kind: EdgeKind; labels: Set<string>; sources: Set<string> }>();

  node(key: string, zone: Zone, lines: readonly string[], sources: readonly string[]): string {
    const existing = this.nodes.get(key);
    if (existing) sources.forEach((source) => existing.sources.add(source));
    else this.nodes.set(key, { zone, lines, sources: new Set(sources) });
    return key;
  }

  has(key: string): boolean {
    return this.nodes.has(key);
  }

  sourcesOf(key: string): string[] {
    return [...(this.nodes.get(key)?.sources ?? [])];
  }

  edge(from: string, to: string, kind: EdgeKind, label: string, sources: readonly string[]): void {
    const id = JSON.stringify([from, to, kind]);
    const existing = this.edges.get(id) ?? { from, to, kind, labels: new Set<string>(), sources: new Set<string>() };
    if (label) existing.labels.add(label);
    sources.forEach((source) => existing.sources.add(source));
    this.edges.set(id, existing);
  }

  build(namespace: string | undefined, notes: string[]): Topology {
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const sorted = (values: Iterable<string>) => [...values].sort(order);
    const nodes = [...this.nodes]
      .map(([key, { zone, lines, sources }]) => ({ key, zone, lines, sources: sorted(sources) }))
      .sort((a, b) => ZONES.indexOf(a.zone) - ZONES.indexOf(b.zone) || order(a.key, b.key));
    const edges = [...this.edges.values()]
      .map(({ from, to, kind, labels, sources }) => ({ from, to, kind, label: sorted(labels).join(', '), sources: sorted(sources) }))
      .sort((a, b) => order(a.from, b.from) || order(a.to, b.to) || order(a.kind, b.kind));
    return { namespace, nodes, edges, notes };
  }
}

/** The topology of one environment's objects. */
export function environmentTopology(manifests: readonly Manifest[], options: TopologyOptions = {}): Topology {
  const namespace = manifests.find((manifest) => manifest.metadata.namespace)?.metadata.namespace;
  const addressVariables = options.addressVariables ?? DEFAULT_ADDRESS_VARIABLES;
  const roles = options.peerRoles ?? [];
  const graph = new TopologyBuilder();
  const notes: string[] = [];
  const ofKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);

  const pods = manifests.map(podsOf).filter((entry): entry is Pods => entry !== undefined);
  for (const entry of pods) {
    graph.node(entry.key, 'namespace', entry.byOperator ? [entry.key, 'pods run by its operator'] : [entry.key], [entry.key]);
  }
  const podsSelectedBy = (selector: LabelSelector) => pods.filter((entry) => selectorMatches(selector, entry.labels));

  // Services: ours, then those operators create for their pods.
  const services = new Map<string, ServiceEntry>();
  for (const service of ofKind('Service')) {
    const spec = (service.spec ?? {}) as Json;
    const ref = objectRef(service);
    const lines = [ref, servicePortsText(spec), ...(spec.clusterIP === 'None' ? ['headless'] : [])].filter(Boolean);
    services.set(service.metadata.name, { name: service.metadata.name, lines, selector: spec.selector, labels: service.metadata.labels ?? {}, sources: [ref], byOperator: false });
  }
  for (const resource of manifests) {
    const operator = isCustomResourceVersion(resource.apiVersion) ? operatorPodsOf(resource) : undefined;
    for (const service of operator?.services(resource) ?? ([] as OperatorService[])) {
      if (services.has(service.name)) continue;
      const ref = objectRef(resource);
      services.set(service.name, {
        name: service.name,
        lines: [`Service/${service.name}`, service.ports.join(', '), `made for ${ref}`],
        selector: service.selector,
        labels: {},
        sources: [ref],
        byOperator: true,
      });
    }
  }
  for (const service of services.values()) if (!service.byOperator) graph.node(`Service/${service.name}`, 'namespace', service.lines, service.sources);
  /**
   * The node of a Service something refers to: ours; an operator's, drawn because of its referrers; or
   * one missing from the manifests, drawn because of them.
   */
  const serviceNode = (name: string, referrers: readonly string[]): string => {
    const service = services.get(name);
    const sources = service?.byOperator === false ? service.sources : [...(service?.sources ?? []), ...referrers];
    return graph.node(`Service/${name}`, 'namespace', service?.lines ?? [`Service/${name}`, 'not in the manifests'], sources);
  };

  // The edge: hosts, paths, Routes, Ingresses and HTTPRoutes.
  const publishedHosts = new Set<string>();
  const hostNode = (host: string | undefined, source: string) => {
    if (host) publishedHosts.add(host.toLowerCase());
    return graph.node(`host:${host?.toLowerCase() ?? '*'}`, 'edge', [host?.toLowerCase() ?? 'any host'], [source]);
  };
  const hostSources = (host: string) =>
    [...ofKind('Route').filter((route) => (route.spec as Json)?.host?.toLowerCase() === host), ...ofKind('Ingress').filter((ingress) => ((ingress.spec as Json)?.rules ?? []).some((rule: Json) => rule.host?.toLowerCase() === host)), ...ofKind('HTTPRoute').filter((route) => ((route.spec as Json)?.hostnames ?? []).some((name: string) => name.toLowerCase() === host))].map(objectRef);
  for (const route of ofKind('Route')) {
    const spec = (route.spec ?? {}) as Json;
    // Its own labels, beyond the recommended app.kubernetes.io ones, are what a router shard selects.
    const own = Object.entries(route.metadata.labels ?? {}).filter(([key]) => !key.startsWith('app.kubernetes.io/'));
    const shard = own.length ? [`labels ${selectorText({ matchLabels: Object.fromEntries(own) })}`] : [];
    const ref = graph.node(objectRef(route), 'edge', [objectRef(route), ...shard], [objectRef(route)]);
    graph.edge(hostNode(spec.host, ref), ref, 'routes', spec.path ?? '/', [ref]);
    const port = spec.port?.targetPort === undefined ? '' : `port ${spec.port.targetPort}`;
    for (const backend of [spec.to, ...(spec.alternateBackends ?? [])] as Json[]) {
      if ((backend?.kind ?? 'Service') === 'Service' && backend?.name) graph.edge(ref, serviceNode(backend.name, [ref]), 'routes', port, [ref]);
    }
  }
  const ingressBackend = (ref: string, backend: Json | undefined, label?: string) => {
    const service = backend?.service;
    if (!service?.name) return;
    const port = service.port?.name ?? service.port?.number;
    graph.edge(ref, serviceNode(service.name, [ref]), 'routes', [label, port === undefined ? '' : `port ${port}`].filter(Boolean).join(' '), [ref]);
  };
  for (const ingress of ofKind('Ingress')) {
    const spec = (ingress.spec ?? {}) as Json;
    const ref = graph.node(objectRef(ingress), 'edge', [objectRef(ingress)], [objectRef(ingress)]);
    for (const rule of (spec.rules ?? []) as Json[]) {
      for (const path of (rule.http?.paths ?? []) as Json[]) {
        graph.edge(hostNode(rule.host, ref), ref, 'routes', path.path ?? '/', [ref]);
        ingressBackend(ref, path.backend);
      }
    }
    ingressBackend(ref, spec.defaultBackend, 'default');
  }
  // Gateway API: each hostname and path prefix of an HTTPRoute, and its Service backends (a route
  // without hostnames takes its listener's; a rule without matches, "/").
  for (const route of ofKind('HTTPRoute')) {
    const spec = (route.spec ?? {}) as Json;
    const ref = graph.node(objectRef(route), 'edge', [objectRef(route)], [objectRef(route)]);
    for (const rule of (spec.rules ?? []) as Json[]) {
      const paths = ((rule.matches ?? [{}]) as Json[]).map((match) => match.path?.value ?? '/');
      for (const host of (spec.hostnames?.length ? spec.hostnames : [undefined]) as (string | undefined)[]) {
        for (const path of paths) graph.edge(hostNode(host, ref), ref, 'routes', path, [ref]);
      }
      for (const backend of (rule.backendRefs ?? []) as Json[]) {
        if ((backend.kind ?? 'Service') === 'Service' && (backend.group ?? '') === '' && backend.name) {
          graph.edge(ref, serviceNode(backend.name, [ref]), 'routes', backend.port === undefined ? '' : `port ${backend.port}`, [ref]);
        }
      }
    }
  }

  // What the pods' settings address.
  const serviceNamed = (host: string): string | undefined => {
    const [name, ...domain] = host.replace(/\.$/, '').split('.');
    const qualified = domain.join('.');
    const inNamespace = qualified === '' || (namespace !== undefined && [namespace, `${namespace}.svc`, `${namespace}.svc.cluster.local`].includes(qualified));
    return inNamespace && services.has(name) ? name : undefined;
  };
  for (const entry of pods) {
    for (const text of allStrings(entry.settings)) {
      for (const reference of addressReferences(text)) {
        const service = serviceNamed(reference.host);
        if (service) graph.edge(entry.key, serviceNode(service, [entry.key]), 'connects', referenceLabel(reference), [entry.key, ...services.get(service)!.sources]);
        else if (publishedHosts.has(reference.host)) graph.edge(entry.key, `host:${reference.host}`, 'connects', referenceLabel(reference), [entry.key, ...hostSources(reference.host)]);
      }
    }
    for (const variable of entry.containers.flatMap((container) => (container.env ?? []) as Json[])) {
      const what = addressVariables[variable.name];
      if (!what) continue;
      const secret = variable.valueFrom?.secretKeyRef;
      if (secret) {
        const external = graph.node(`external:${what}`, 'external', [what, 'address in a Secret'], [entry.key]);
        graph.edge(entry.key, external, 'connects', `${variable.name} from Secret ${secret.name}`, [entry.key]);
        continue;
      }
      for (const reference of addressReferences(String(variable.value ?? ''))) {
        // A single-label host names a Service of the namespace or nothing: only a qualified one is outside.
        if (!reference.host.includes('.') || serviceNamed(reference.host) || publishedHosts.has(reference.host)) continue;
        const external = graph.node(`external:${what} ${reference.host}`, 'external', [what, reference.host], [entry.key]);
        graph.edge(entry.key, external, 'connects', referenceLabel(reference), [entry.key]);
      }
    }
  }

  // NetworkPolicies: who may reach which pods.
  const rolePeer = (peer: Json) =>
    roles.find((role) => sameLabels(role.peer.namespaceLabels, peer.namespaceSelector?.matchLabels) && sameLabels(role.peer.podLabels, peer.podSelector?.matchLabels) && !peer.namespaceSelector?.matchExpressions && !peer.podSelector?.matchExpressions);
  const namespacesText = (selector: LabelSelector) => (selectorText(selector) ? `namespaces ${selectorText(selector)}` : 'all namespaces');
  /** The nodes a policy peer stands for. */
  const peerNodes = (peer: Json | undefined, source: string): string[] => {
    if (!peer) return [graph.node('peer:any', 'external', ['any source'], [source])];
    if (peer.ipBlock) {
      const except = peer.ipBlock.except?.length ? [`except ${peer.ipBlock.except.join(', ')}`] : [];
      return [graph.node(`peer:ipBlock ${peer.ipBlock.cidr} ${except.join(' ')}`.trim(), 'external', [`addresses ${peer.ipBlock.cidr}`, ...except], [source])];
    }
    if (!peer.namespaceSelector) return podsSelectedBy(peer.podSelector ?? {}).map((entry) => entry.key);
    const role = rolePeer(peer);
    const what = peer.podSelector ? [`pods ${selectorText(peer.podSelector) || 'all'}`, `in ${namespacesText(peer.namespaceSelector)}`] : [namespacesText(peer.namespaceSelector)];
    return [graph.node(`peer:${what.join(' ')}`, role?.zone ?? 'external', role ? [role.name, ...what] : what, [source])];
  };
  const podKeys = new Set(pods.map((entry) => entry.key));
  const ingressProtected = new Set<string>();
  for (const policy of ofKind('NetworkPolicy')) {
    const spec = (policy.spec ?? {}) as Json;
    const ref = objectRef(policy);
    // policyTypes defaults to Ingress (plus Egress when egress rules are given).
    if (!(spec.policyTypes ?? ['Ingress']).includes('Ingress')) continue;
    const targets = podsSelectedBy(spec.podSelector ?? {});
    targets.forEach((target) => ingressProtected.add(target.key));
    const rules = (spec.ingress ?? []) as Json[];
    if (rules.length === 0) {
      const everyPod = selectorText(spec.podSelector) === '';
      const selected = everyPod ? 'every pod' : targets.map((target) => `\`${target.key}\``).join(', ') || 'no pod';
      const egressToo = (spec.policyTypes ?? []).includes('Egress') && (spec.egress ?? []).length === 0;
      const denied = egressToo ? 'admits no ingress or egress traffic' : 'admits no ingress traffic';
      const rest = egressToo ? ': a pod receives and sends only what another policy allows' : ': a pod receives only what another policy admits';
      notes.push(`\`${ref}\` selects ${selected} and ${denied}${everyPod ? rest : ''}.`);
      continue;
    }
    for (const rule of rules) {
      const peers: Array<Json | undefined> = rule.from?.length ? rule.from : [undefined];
      const sources = peers.flatMap((peer) => peerNodes(peer, ref));
      for (const target of targets) {
        for (const source of sources) graph.edge(source, target.key, 'admits', policyPortsText(rule.ports), [ref, target.key, ...(podKeys.has(source) ? [source] : [])]);
      }
    }
  }
  const open = pods.filter((entry) => !ingressProtected.has(entry.key)).map((entry) => `\`${entry.key}\``);
  if (open.length > 0) notes.push(`No NetworkPolicy selects ${open.join(', ')}: they admit all ingress traffic.`);

  // Claims.
  const claimLines = (title: string, spec: Json | undefined, extra: string[] = []) =>
    [title, [spec?.resources?.requests?.storage, spec?.storageClassName, ...(spec?.accessModes ?? [])].filter(Boolean).join(', '), ...extra].filter(Boolean);
  const claims = new Map(ofKind('PersistentVolumeClaim').map((claim) => [claim.metadata.name, claim]));
  for (const claim of claims.values()) graph.node(objectRef(claim), 'namespace', claimLines(objectRef(claim), claim.spec as Json), [objectRef(claim)]);
  const mountPaths = (entry: Pods, volume: string) =>
    [...new Set(entry.containers.flatMap((container) => ((container.volumeMounts ?? []) as Json[]).filter((mount) => mount.name === volume).map((mount) => `${mount.mountPath}${mount.readOnly ? ' (read-only)' : ''}`)))].sort().join(', ');
  for (const entry of pods) {
    for (const volume of entry.volumes) {
      const name = volume.persistentVolumeClaim?.claimName;
      if (!name) continue;
      const key = claims.has(name) ? objectRef(claims.get(name)!) : graph.node(`PersistentVolumeClaim/${name}`, 'namespace', [`PersistentVolumeClaim/${name}`, 'not in the manifests'], [entry.key]);
      graph.edge(entry.key, key, 'mounts', mountPaths(entry, volume.name), [entry.key, ...(claims.has(name) ? [key] : [])]);
    }
    for (const template of entry.claimTemplates) {
      const owner = entry.key.slice(entry.key.indexOf('/') + 1);
      const key = graph.node(`claims:${entry.key}/${template.metadata?.name}`, 'namespace', claimLines(`claims ${template.metadata?.name}-${owner}-N`, template.spec, ['one per replica']), [entry.key]);
      graph.edge(entry.key, key, 'mounts', mountPaths(entry, template.metadata?.name), [entry.key]);
    }
  }

  /** The monitoring role's node (its Prometheus reads the ServiceMonitors), or a generic Prometheus. */
  const prometheusNode = (source: string) => {
    const reader = roles.find((role) => role.readsServiceMonitors);
    return (
      (reader?.peer.namespaceLabels && peerNodes({ namespaceSelector: { matchLabels: reader.peer.namespaceLabels }, podSelector: reader.peer.podLabels && { matchLabels: reader.peer.podLabels } }, source)[0]) ||
      graph.node('external:Prometheus', 'external', ['Prometheus', 'reads ServiceMonitors'], [source])
    );
  };

  // ServiceMonitors: Prometheus → monitor → Services.
  for (const monitor of ofKind('ServiceMonitor')) {
    const spec = (monitor.spec ?? {}) as Json;
    const ref = graph.node(objectRef(monitor), 'namespace', [objectRef(monitor)], [objectRef(monitor)]);
    graph.edge(prometheusNode(ref), ref, 'monitors', 'reads', [ref]);
    const selector = spec.namespaceSelector ?? {};
    const ownNamespace = selector.any === true || (selector.matchNames ?? [monitor.metadata.namespace]).includes(namespace);
    const ports = ((spec.endpoints ?? []) as Json[]).map((endpoint) => endpoint.port ?? endpoint.targetPort).filter((port) => port !== undefined).join(', ');
    for (const service of services.values()) {
      if (ownNamespace && !service.byOperator && spec.selector && selectorMatches(spec.selector, service.labels)) graph.edge(ref, serviceNode(service.name, [ref]), 'monitors', ports, [ref, ...service.sources]);
    }
  }

  // GrafanaDashboards: the Grafana instances of one instanceSelector, → Prometheus when they query it.
  const dashboards = new Map<string, Manifest[]>();
  for (const dashboard of ofKind('GrafanaDashboard')) {
    const selector = selectorText((dashboard.spec as Json)?.instanceSelector) || 'every instance';
    dashboards.set(selector, [...(dashboards.get(selector) ?? []), dashboard]);
  }
  for (const [selector, selected] of dashboards) {
    const refs = selected.map(objectRef);
    const grafana = graph.node(`grafana:${selector}`, 'external', ['Grafana', `instances ${selector}`, `${selected.length} dashboard${selected.length === 1 ? '' : 's'}`], refs);
    const queriesPrometheus = selected.filter((dashboard) => /"type"\s*:\s*"prometheus"/.test(String((dashboard.spec as Json)?.json ?? ''))).map(objectRef);
    if (queriesPrometheus.length) graph.edge(grafana, prometheusNode(queriesPrometheus[0]), 'monitors', 'PromQL', queriesPrometheus);
  }

  // Services → their pods, for every Service drawn.
  for (const service of services.values()) {
    const key = `Service/${service.name}`;
    if (!graph.has(key) || !service.selector || Object.keys(service.selector).length === 0) continue;
    for (const entry of podsSelectedBy({ matchLabels: { ...service.selector } })) graph.edge(key, entry.key, 'serves', '', [...graph.sourcesOf(key), entry.key]);
  }

  return graph.build(namespace, notes);
}
