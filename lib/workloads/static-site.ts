import { Construct } from 'constructs';
import { ImageReference } from '../config/image';
import { ComponentIdentity } from '../core/labels';
import { ContainerResources } from '../core/resources';
import { httpProbe } from '../core/restricted-pod';
import { ReplicaRange } from '../config/environment';
import { NetworkPeer } from '../networking/network-policy';
import { HTTP_PORT_NAME, WebWorkload } from './web-workload';

/** What nginx must be able to write with a read-only root filesystem. */
const NGINX_SCRATCH_DIRECTORIES = [{ path: '/tmp' }, { path: '/var/cache/nginx' }, { path: '/var/run' }];

export interface StaticSiteProps extends ComponentIdentity {
  /** An unprivileged nginx image (e.g. nginxinc/nginx-unprivileged based) listening on 8080. */
  readonly image: ImageReference;
  readonly serviceAccountName: string;
  readonly replicas: ReplicaRange;
  readonly resources: ContainerResources;
  readonly allowIngressFrom: NetworkPeer[];
  /** @default 8080 */
  readonly containerPort?: number;
  /** @default 80 */
  readonly servicePort?: number;
  /** Path answered with 200 once nginx serves the site. @default "/" */
  readonly healthPath?: string;
}

/**
 * Static files served by nginx as a non-root user: the container listens on 8080 and writes only to its
 * emptyDir scratch directories. Frontend and docs are both built on it.
 */
export class StaticSite extends WebWorkload {
  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    const healthPath = props.healthPath ?? '/';
    super(scope, id, {
      ...props,
      containerPort: props.containerPort ?? 8080,
      servicePort: props.servicePort ?? 80,
      livenessProbe: httpProbe(healthPath, HTTP_PORT_NAME),
      readinessProbe: httpProbe(healthPath, HTTP_PORT_NAME, { periodSeconds: 5 }),
      scratchDirectories: NGINX_SCRATCH_DIRECTORIES,
    });
  }
}
