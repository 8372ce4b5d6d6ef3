import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

export interface NginxIngressProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  readonly host: string;
  /** Path prefix, e.g. "/api". */
  readonly path: string;
  readonly serviceName: string;
  readonly servicePortName: string;
  /** Forward requests without the prefix (`/api/health` -> `/health`). @default false */
  readonly stripPrefix?: boolean;
  /** @default "nginx" */
  readonly ingressClassName?: string;
  /** Secret holding the host's certificate; all Ingresses of the host share it. */
  readonly tlsSecretName: string;
  /**
   * cert-manager ClusterIssuer that creates the certificate. Set it on one Ingress of the host only:
   * cert-manager makes one Certificate per annotated Ingress, and two would fight over the Secret.
   * @default this Ingress only uses the certificate
   */
  readonly clusterIssuer?: string;
  /** How long the controller waits for the service to read or send, in seconds. @default ingress-nginx's, 60 s */
  readonly timeoutSeconds?: number;
  /** The largest request body admitted, in MiB. @default ingress-nginx's, 1 MiB */
  readonly maxBodySizeMb?: number;
}

/**
 * One path of the host on ingress-nginx, with TLS (plain HTTP is redirected by the controller once a
 * certificate exists). A stripped prefix becomes a regular-expression path with a rewrite, the
 * ingress-nginx way of forwarding `/api/x` as `/x`.
 */
export class NginxIngress extends Construct {
  constructor(scope: Construct, id: string, props: NginxIngressProps) {
    super(scope, id);
    if (!props.path.startsWith('/')) throw new Error(`${props.metadata.name}: ingress path "${props.path}" must start with "/"`);
    const strip = props.stripPrefix === true && props.path !== '/';
    const annotations: Record<string, string> = { ...props.metadata.annotations };
    if (props.clusterIssuer) annotations['cert-manager.io/cluster-issuer'] = props.clusterIssuer;
    if (strip) {
      annotations['nginx.ingress.kubernetes.io/use-regex'] = 'true';
      annotations['nginx.ingress.kubernetes.io/rewrite-target'] = '/$2';
    }
    for (const [prop, value] of [['timeoutSeconds', props.timeoutSeconds], ['maxBodySizeMb', props.maxBodySizeMb]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        throw new Error(`${props.metadata.name}: ${prop} must be a whole number above zero, got ${value}`);
      }
    }
    if (props.timeoutSeconds !== undefined) {
      annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] = String(props.timeoutSeconds);
      annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'] = String(props.timeoutSeconds);
    }
    // nginx sizes: "m" is MiB, the unit FILES_MAX_SIZE_MB is counted in (MB * 1024 * 1024).
    if (props.maxBodySizeMb !== undefined) annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = `${props.maxBodySizeMb}m`;
    new k8s.KubeIngress(this, 'Resource', {
      metadata: { ...props.metadata, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      spec: {
        ingressClassName: props.ingressClassName ?? 'nginx',
        tls: [{ hosts: [props.host], secretName: props.tlsSecretName }],
        rules: [
          {
            host: props.host,
            http: {
              paths: [
                {
                  path: strip ? `${props.path.replace(/\/+$/, '')}(/|$)(.*)` : props.path,
                  pathType: strip ? 'ImplementationSpecific' : 'Prefix',
                  backend: { service: { name: props.serviceName, port: { name: props.servicePortName } } },
                },
              ],
            },
          },
        ],
      },
    });
  }
}
