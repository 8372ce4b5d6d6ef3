import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WebImageContract } from '../application/contract';
import { ImageReference } from '../core/image';
import { ReplicaRange } from '../config/environment';
import { configChecksumAnnotation } from '../core/config-checksum';
import { ComponentIdentity, componentLabels } from '../core/labels';
import { ContainerResources } from '../core/resources';
import { httpProbe, PodUser } from '../core/restricted-pod';
import { NetworkPeer } from '../networking/network-policy';
import { STATIC_SITE_SHUTDOWN } from './shutdown';
import { HTTP_PORT_NAME, WebWorkload } from './web-workload';

/** An nginx server config that replaces the image's: a file in a directory nginx.conf includes. */
export interface ServerConfig {
  /** Directory mounted read-only from a ConfigMap, e.g. /etc/nginx/conf.d. */
  readonly directory: string;
  /** The file in it, e.g. default.conf. */
  readonly file: string;
  readonly content: string;
  /**
   * Mount only this file over the image's (subPath), for a config nginx reads by name rather than
   * through an included directory. nginx reads it at start, and the checksum rolls the pods. @default false: the whole directory
   */
  readonly fileOnly?: boolean;
}

export interface StaticSiteProps extends ComponentIdentity {
  /** An unprivileged nginx image (nginxinc/nginx-unprivileged based). */
  readonly image: ImageReference;
  /** What the image serves and writes: port, probe paths, writable paths (lib/application/contract.ts). */
  readonly contract: WebImageContract;
  readonly serviceAccountName: string;
  readonly replicas: ReplicaRange;
  readonly resources: ContainerResources;
  readonly allowIngressFrom: NetworkPeer[];
  /** Environment of the container, e.g. the SPA's runtime settings. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** A server config mounted over the image's own. @default the image's configuration */
  readonly serverConfig?: ServerConfig;
  /** @default 80 */
  readonly servicePort?: number;
  /** The numeric user of the pods (Platform.podUser of the contract's user). @default none: the platform assigns it */
  readonly user?: PodUser;
}

/**
 * Static files served by nginx as a non-root user: the port, probes and writable directories (emptyDirs)
 * the image's contract names, and optionally a server config of ours mounted read-only from a
 * ConfigMap. Frontend and docs are both built on it.
 */
export class StaticSite extends WebWorkload {
  constructor(scope: Construct, id: string, props: StaticSiteProps) {
    const { contract, serverConfig } = props;
    const configVolume = 'server-config';
    super(scope, id, {
      ...props,
      containerPort: contract.port,
      servicePort: props.servicePort ?? 80,
      env: props.env && Object.keys(props.env).length > 0 ? Object.entries(props.env).map(([name, value]) => ({ name, value })) : undefined,
      // nginx answers its probe paths itself, in milliseconds: 2 s is generous; 3 misses (30 s) mean a stuck process.
      livenessProbe: httpProbe(contract.probes.liveness, HTTP_PORT_NAME),
      // Every 5 s so a new pod joins quickly; 3 misses take a stuck one out within 15 s.
      readinessProbe: httpProbe(contract.probes.readiness, HTTP_PORT_NAME, { periodSeconds: 5 }),
      // nginx starts within a second; allow 30 before the liveness probe takes over.
      startupProbe: contract.probes.startup ? httpProbe(contract.probes.startup, HTTP_PORT_NAME, { periodSeconds: 2, failureThreshold: 15 }) : undefined,
      shutdown: STATIC_SITE_SHUTDOWN,
      scratchDirectories: contract.writablePaths.map(({ path }) => ({ path })),
      volumes: serverConfig ? [{ name: configVolume, configMap: { name: `${props.name}-server-config` } }] : undefined,
      volumeMounts: serverConfig
        ? [
            serverConfig.fileOnly
              ? { name: configVolume, mountPath: `${serverConfig.directory}/${serverConfig.file}`, subPath: serverConfig.file, readOnly: true }
              : { name: configVolume, mountPath: serverConfig.directory, readOnly: true },
          ]
        : undefined,
      // nginx reads its config at start: roll the pods when it changes.
      podAnnotations: serverConfig ? configChecksumAnnotation({ [serverConfig.file]: serverConfig.content }) : undefined,
    });
    if (serverConfig) {
      new k8s.KubeConfigMap(this, 'ServerConfig', {
        metadata: { name: `${props.name}-server-config`, labels: componentLabels(this, props) },
        data: { [serverConfig.file]: serverConfig.content },
      });
    }
  }
}
