/**
 * NetworkPolicies. The namespace starts closed both ways (DefaultDeny); each component then opens its
 * own port to the peers that need it (AllowIngress), and each workload may send only to what it needs
 * (AllowEgress): pods of the namespace or of named namespaces, or address blocks outside the cluster.
 */
import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Who may connect: pods of this namespace, all pods of some namespaces, or pods of some namespaces. */
export interface NetworkPeer {
  /** Pods with these labels; alone, it means pods in the policy's own namespace. @default any pod */
  readonly podLabels?: Record<string, string>;
  /** Namespaces with these labels. @default the policy's own namespace */
  readonly namespaceLabels?: Record<string, string>;
}

export function toPolicyPeer(peer: NetworkPeer): k8s.NetworkPolicyPeer {
  if (!peer.podLabels && !peer.namespaceLabels) {
    throw new Error('a network peer needs podLabels, namespaceLabels or both');
  }
  return {
    namespaceSelector: peer.namespaceLabels ? { matchLabels: peer.namespaceLabels } : undefined,
    podSelector: peer.podLabels ? { matchLabels: peer.podLabels } : undefined,
  };
}

/** An address block: `cidr` without the blocks of `except` (each inside `cidr`). */
export interface AddressBlock {
  readonly cidr: string;
  /** @default none */
  readonly except?: readonly string[];
}

/** Where a pod may send: pods (as for ingress) or an address block. */
export type EgressPeer = NetworkPeer | { readonly addresses: AddressBlock };

export function toEgressPeer(peer: EgressPeer): k8s.NetworkPolicyPeer {
  if ('addresses' in peer) {
    const { cidr, except } = peer.addresses;
    return { ipBlock: { cidr, ...(except?.length ? { except: [...except] } : {}) } };
  }
  return toPolicyPeer(peer);
}

/** One port a policy opens; TCP unless told. */
export interface PolicyPort {
  readonly port: number | string;
  /** @default "TCP" */
  readonly protocol?: 'TCP' | 'UDP';
}

function toPolicyPort({ port, protocol }: PolicyPort): k8s.NetworkPolicyPort {
  return { protocol: protocol ?? 'TCP', port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port) };
}

export interface DefaultDenyProps {
  readonly metadata?: ApiObjectMetadata;
}

/**
 * Isolates every pod of the namespace both ways: a pod receives only what another policy admits
 * (AllowIngress) and sends only what another policy allows (AllowEgress), DNS included.
 */
export class DefaultDeny extends Construct {
  constructor(scope: Construct, id: string, props: DefaultDenyProps = {}) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: 'default-deny', ...props.metadata },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
}

export interface AllowIngressProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  /** Labels of the pods the policy opens. */
  readonly podLabels: Record<string, string>;
  /** Who may connect; at least one peer. */
  readonly from: NetworkPeer[];
  /** Container ports (by number or name) that open; TCP. */
  readonly ports: Array<number | string>;
}

/** Admits TCP traffic from the given peers to the given ports of the selected pods. */
export class AllowIngress extends Construct {
  constructor(scope: Construct, id: string, props: AllowIngressProps) {
    super(scope, id);
    if (props.from.length === 0) {
      throw new Error(`${props.metadata.name}: an ingress allowance needs at least one peer (DefaultDeny already covers "nobody")`);
    }
    if (props.ports.length === 0) {
      throw new Error(`${props.metadata.name}: an ingress allowance needs at least one port`);
    }
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        podSelector: { matchLabels: props.podLabels },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: props.from.map(toPolicyPeer),
            ports: props.ports.map((port) => ({
              protocol: 'TCP',
              port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port),
            })),
          },
        ],
      },
    });
  }
}

/** One egress rule: these ports to any of these peers. */
export interface EgressRule {
  /** At least one peer. */
  readonly to: readonly EgressPeer[];
  /** At least one port. */
  readonly ports: readonly PolicyPort[];
}

export interface AllowEgressProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  /** Labels of the pods that may send. */
  readonly podLabels: Record<string, string>;
  /** What they may send; at least one rule. */
  readonly rules: readonly EgressRule[];
}

/** Allows the selected pods to open connections to the given peers and ports, and nothing else that DefaultDeny closes. */
export class AllowEgress extends Construct {
  constructor(scope: Construct, id: string, props: AllowEgressProps) {
    super(scope, id);
    if (props.rules.length === 0) {
      throw new Error(`${props.metadata.name}: an egress allowance needs at least one rule (DefaultDeny already covers "nothing")`);
    }
    for (const rule of props.rules) {
      // An empty list would mean "every destination" or "every port" to the API server.
      if (rule.to.length === 0 || rule.ports.length === 0) {
        throw new Error(`${props.metadata.name}: every egress rule needs at least one peer and one port`);
      }
    }
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        podSelector: { matchLabels: props.podLabels },
        policyTypes: ['Egress'],
        egress: props.rules.map((rule) => ({ to: rule.to.map(toEgressPeer), ports: rule.ports.map(toPolicyPort) })),
      },
    });
  }
}
