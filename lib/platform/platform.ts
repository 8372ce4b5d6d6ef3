import { Construct } from 'constructs';
import type { ImageUser } from '../application/contract';
import type { PodUser } from '../core/restricted-pod';
import { NetworkPeer, PolicyPort } from '../networking/network-policy';
import { WebWorkload } from '../workloads/web-workload';

/** One path of the public host and the workload that serves it. */
export interface PublicPath {
  /** Path prefix, e.g. "/api". */
  readonly path: string;
  readonly workload: WebWorkload;
  /** Forward requests without the prefix (`/api/health` -> `/health`). @default false */
  readonly stripPrefix?: boolean;
  /** How long a request may wait for data from the workload, in seconds. @default the edge's default */
  readonly timeoutSeconds?: number;
  /**
   * The largest request body the workload accepts, in MiB, where the edge can limit bodies (a Gateway,
   * through its controller's policy; OpenShift's router has no limit). @default no limit
   */
  readonly maxBodySizeMb?: number;
}

export interface ExposeProps {
  readonly host: string;
  readonly paths: readonly PublicPath[];
}

/**
 * What differs between the clusters we deploy to. Constructs never ask which platform they run on; the
 * chart asks the platform for what differs: how the host is published, which peer brings outside
 * traffic into the namespace (for the NetworkPolicies), and who the pods run as.
 */
export interface Platform {
  /** Pods that carry traffic from outside the cluster to our Services. */
  readonly edgePeer: NetworkPeer;
  /** Pods of the cluster's monitoring stack that scrape our metrics endpoints. */
  readonly monitoringPeer: NetworkPeer;
  /**
   * The cluster's DNS servers, which every pod that resolves a name must reach: their pods, and the
   * ports they listen on (a policy sees the pod's port, after the DNS Service's translation).
   */
  readonly dns: { readonly peer: NetworkPeer; readonly ports: readonly PolicyPort[] };
  /** The pod and service networks, which no egress to the outside may reach. */
  readonly clusterNetworks: readonly string[];
  /** Whether the cluster logs users in itself (OpenShift's OAuth server), which the Jaeger UI's proxy needs. */
  readonly authenticatesUsers: boolean;
  /**
   * The numeric user a pod of this image runs as, or undefined where the platform assigns one (and
   * refuses pods that pin their own).
   */
  podUser(image: ImageUser): PodUser | undefined;
  /** Publishes the paths on the host. */
  expose(scope: Construct, props: ExposeProps): void;
}
