/**
 * A small evaluator of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), over the policies
 * we synthesize, to say what a pod may receive and send:
 *
 * - A pod is isolated for a direction when any policy of its namespace selects it and lists that
 *   direction in `policyTypes` (unset: Ingress, plus Egress when the policy has egress rules). A pod
 *   no such policy selects allows everything that way.
 * - Policies are additive: an isolated pod allows the union of the rules of every policy selecting it.
 * - In a rule, no peers means every peer and no ports means every port; a port without `port` means
 *   every port of its protocol (TCP unless told); `endPort` makes a range.
 * - A peer with only `podSelector` means pods of the policy's namespace; with `namespaceSelector`,
 *   pods (all, or those `podSelector` matches) of the namespaces it matches; `ipBlock`, the addresses
 *   of `cidr` outside `except`.
 * - A connection between two pods needs both the sender's egress and the receiver's ingress.
 */
import { containsAddress, parseCidr } from '../core/cidr';
import { Manifest } from '../core/manifest';

export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: ReadonlyArray<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/** Whether labels satisfy a selector; an empty selector matches everything. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
    }
  });
  return byLabels && byExpressions;
}

export type Direction = 'ingress' | 'egress';

/** A pod as the policies see it. */
export interface PodIdentity {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Its namespace's labels; `kubernetes.io/metadata.name` is always there. @default just that one */
  readonly namespaceLabels?: Record<string, string>;
  /** Its container ports, for rules that name a port. @default none */
  readonly ports?: ReadonlyArray<{ name?: string; containerPort: number; protocol?: string }>;
}

/** One rule that applies to a pod, with the policy it comes from. */
export interface AppliedRule {
  readonly policy: string;
  /** undefined: every peer. */
  readonly peers: readonly any[] | undefined;
  /** undefined: every port. */
  readonly ports: readonly any[] | undefined;
  readonly policyNamespace: string;
}

export interface Reachability {
  /** Whether some policy isolates the pod this way; if not, everything is allowed. */
  readonly isolated: boolean;
  /** The policies that select the pod for this direction. */
  readonly policies: readonly string[];
  readonly rules: readonly AppliedRule[];
}

function policyTypes(spec: any): string[] {
  return spec.policyTypes ?? (spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** What the policies allow a pod in one direction. */
export function reachability(manifests: readonly Manifest[], pod: PodIdentity, direction: Direction): Reachability {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const selecting = manifests.filter(
    (policy) => policy.kind === 'NetworkPolicy' && policy.metadata.namespace === pod.namespace && policyTypes((policy as any).spec).includes(type) && selects((policy as any).spec.podSelector, pod.labels),
  );
  const rules = selecting.flatMap((policy) =>
    (((policy as any).spec[direction] ?? []) as any[]).map((rule) => {
      const peers = rule[direction === 'ingress' ? 'from' : 'to'];
      return {
        policy: policy.metadata.name,
        peers: peers?.length ? peers : undefined,
        ports: rule.ports?.length ? rule.ports : undefined,
        policyNamespace: policy.metadata.namespace!,
      };
    }),
  );
  return { isolated: selecting.length > 0, policies: selecting.map((policy) => policy.metadata.name), rules };
}

/** The other end of a connection: a pod, or an address outside the cluster. */
export type Endpoint = { readonly pod: PodIdentity } | { readonly address: string };

function namespaceLabelsOf(pod: PodIdentity): Record<string, string> {
  return { ...pod.namespaceLabels, 'kubernetes.io/metadata.name': pod.namespace };
}

/** Whether a policy peer stands for the endpoint. */
export function peerMatches(peer: any, policyNamespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock) {
    if (!('address' in endpoint)) return false;
    const within = containsAddress(parseCidr(peer.ipBlock.cidr), endpoint.address);
    return within && !(peer.ipBlock.except ?? []).some((block: string) => containsAddress(parseCidr(block), endpoint.address));
  }
  if (!('pod' in endpoint)) return false;
  const { pod } = endpoint;
  const inNamespace = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabelsOf(pod)) : pod.namespace === policyNamespace;
  return inNamespace && (peer.podSelector ? selects(peer.podSelector, pod.labels) : true);
}

/** Whether a policy port admits a port number and protocol; a named port is resolved on the receiving pod. */
export function portMatches(rulePort: any, port: number, protocol: string, receiver: PodIdentity | undefined): boolean {
  if ((rulePort.protocol ?? 'TCP') !== protocol) return false;
  if (rulePort.port === undefined) return true;
  if (typeof rulePort.port === 'number') return rulePort.endPort !== undefined ? port >= rulePort.port && port <= rulePort.endPort : port === rulePort.port;
  return (receiver?.ports ?? []).some((container) => container.name === rulePort.port && container.containerPort === port && (container.protocol ?? 'TCP') === protocol);
}

/** Whether the pod's policies allow it to send to (egress) or receive from (ingress) the endpoint on that port. */
export function allows(manifests: readonly Manifest[], pod: PodIdentity, direction: Direction, other: Endpoint, port: number, protocol = 'TCP'): boolean {
  const { isolated, rules } = reachability(manifests, pod, direction);
  if (!isolated) return true;
  // Ingress ports are the receiving pod's (this one); egress ports the other end's.
  const receiver = direction === 'ingress' ? pod : 'pod' in other ? other.pod : undefined;
  return rules.some(
    (rule) =>
      (rule.peers === undefined || rule.peers.some((peer) => peerMatches(peer, rule.policyNamespace, other))) &&
      (rule.ports === undefined || rule.ports.some((rulePort) => portMatches(rulePort, port, protocol, receiver))),
  );
}

/** Whether a connection from one pod to another is allowed by both ends' policies. */
export function connects(manifests: readonly Manifest[], from: PodIdentity, to: PodIdentity, port: number, protocol = 'TCP'): boolean {
  return allows(manifests, from, 'egress', { pod: to }, port, protocol) && allows(manifests, to, 'ingress', { pod: from }, port, protocol);
}

const labelsText = (labels: Record<string, string> | undefined) =>
  Object.entries(labels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

function selectorText(selector: LabelSelector | undefined): string {
  const expressions = (selector?.matchExpressions ?? []).map(({ key, operator, values }) => `${key} ${operator} (${(values ?? []).join(',')})`);
  return [labelsText(selector?.matchLabels), ...expressions].filter(Boolean).join(',');
}

/**
 * The allowances of a pod as comparable lines, `<peer> <port>/<protocol>`. A peer of the pod's own
 * namespace becomes the names of the workloads it matches among `neighbours` (`workload:<name>`, or
 * `workload:(none)` when it matches none); others are described by their selectors or addresses.
 */
export function allowanceLines(reach: Reachability, neighbours: ReadonlyArray<{ name: string; pod: PodIdentity }>): string[] {
  if (!reach.isolated) return ['any any'];
  const lines = new Set<string>();
  for (const rule of reach.rules) {
    const peers: string[] = rule.peers
      ? rule.peers.flatMap((peer): string[] => {
          if (peer.ipBlock) return [`addresses ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${[...peer.ipBlock.except].sort().join(',')}` : ''}`];
          if (!peer.namespaceSelector) {
            const names = neighbours.filter(({ pod }) => pod.namespace === rule.policyNamespace && selects(peer.podSelector, pod.labels)).map(({ name }) => `workload:${name}`);
            return names.length ? names : ['workload:(none)'];
          }
          return [`pods{${selectorText(peer.podSelector) || '*'}} in namespaces{${selectorText(peer.namespaceSelector) || '*'}}`];
        })
      : ['any'];
    const ports = rule.ports ? rule.ports.map((port) => `${port.port ?? '*'}${port.endPort ? `-${port.endPort}` : ''}/${port.protocol ?? 'TCP'}`) : ['*/*'];
    for (const peer of peers) for (const port of ports) lines.add(`${peer} ${port}`);
  }
  return [...lines].sort();
}

/**
 * The reachability of every workload of one environment, as Markdown rows: what it may receive
 * (ingress) and send (egress), computed from the NetworkPolicies by the rules above.
 */
export function reachabilityRows(manifests: readonly Manifest[], pods: ReadonlyArray<{ key: string; namespace: string; labels: Record<string, string>; ports: any[] }>): string[] {
  const neighbours = pods.map(({ key, namespace, labels, ports }) => ({ name: labels['app.kubernetes.io/name'] ?? key, key, pod: { namespace, labels, ports } }));
  const cell = (lines: string[]) => (lines.length ? lines.map((line) => `\`${line}\``).join('<br>') : 'nothing');
  return neighbours.map(
    ({ key, pod }) => `| ${key} | ${cell(allowanceLines(reachability(manifests, pod, 'ingress'), neighbours))} | ${cell(allowanceLines(reachability(manifests, pod, 'egress'), neighbours))} |`,
  );
}
