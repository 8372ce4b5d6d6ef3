/**
 * Ingress NetworkPolicies. The namespace starts closed (DefaultDenyIngress); each component then opens
 * its own port to the peers that need it (AllowIngress). Egress stays open: the database is a managed
 * service outside the cluster, reached by host name.
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

export interface DefaultDenyIngressProps {
  readonly metadata?: ApiObjectMetadata;
}

/** Refuses all ingress to every pod of the namespace that no other policy admits. */
export class DefaultDenyIngress extends Construct {
  constructor(scope: Construct, id: string, props: DefaultDenyIngressProps = {}) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: 'default-deny-ingress', ...props.metadata },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
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
      throw new Error(`${props.metadata.name}: an ingress allowance needs at least one peer (DefaultDenyIngress already covers "nobody")`);
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
