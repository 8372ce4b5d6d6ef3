import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/** The listener names the routes attach to (HTTPRoute parentRefs[].sectionName). */
export const HTTP_LISTENER = 'http';
export const HTTPS_LISTENER = 'https';

export interface HostGatewayProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  readonly host: string;
  /** GatewayClass of the controller that runs the Gateway. */
  readonly className: string;
  /** Secret holding the host's certificate, in the Gateway's namespace. */
  readonly tlsSecretName: string;
}

/**
 * A Gateway (gateway.networking.k8s.io/v1) for one host: HTTPS on 443 terminating TLS with the host's
 * certificate, and HTTP on 80 whose only route redirects to HTTPS. Routes of the Gateway's own
 * namespace only may attach (the default, stated).
 */
export class HostGateway extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: HostGatewayProps) {
    super(scope, id);
    this.name = props.metadata.name;
    const sameNamespace = { namespaces: { from: 'Same' } };
    new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: props.metadata,
      spec: {
        gatewayClassName: props.className,
        listeners: [
          { name: HTTP_LISTENER, protocol: 'HTTP', port: 80, hostname: props.host, allowedRoutes: sameNamespace },
          {
            name: HTTPS_LISTENER,
            protocol: 'HTTPS',
            port: 443,
            hostname: props.host,
            tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: props.tlsSecretName }] },
            allowedRoutes: sameNamespace,
          },
        ],
      },
    });
    // Plain HTTP: every path answers with a permanent redirect to the same URL over HTTPS (port 443,
    // the scheme's well-known port, when none is given).
    new ApiObject(this, 'HttpsRedirect', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { ...props.metadata, name: `${props.metadata.name}-https-redirect` },
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: this.name, sectionName: HTTP_LISTENER }],
        hostnames: [props.host],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
      },
    });
  }
}
