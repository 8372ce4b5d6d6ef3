import { Construct } from 'constructs';
import { NetworkPeer } from '../networking/network-policy';
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
   * The largest request body the workload accepts, in MiB, where the edge limits bodies (ingress-nginx
   * does, 1 MiB by default; OpenShift's router does not). @default the edge's default
   */
  readonly maxBodySizeMb?: number;
}

export interface ExposeProps {
  readonly host: string;
  readonly paths: readonly PublicPath[];
}

/**
 * What differs between the clusters we deploy to. Constructs never ask which platform they run on; the
 * chart asks the platform for the two things that differ: how the host is published, and which peer
 * brings outside traffic into the namespace (for the NetworkPolicies).
 */
export interface Platform {
  /** Pods that carry traffic from outside the cluster to our Services. */
  readonly edgePeer: NetworkPeer;
  /** Pods of the cluster's monitoring stack that scrape our metrics endpoints. */
  readonly monitoringPeer: NetworkPeer;
  /** Publishes the paths on the host. */
  expose(scope: Construct, props: ExposeProps): void;
}
