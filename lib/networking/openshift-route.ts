import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Route,
  RouteSpecTlsInsecureEdgeTerminationPolicy,
  RouteSpecTlsTermination,
  RouteSpecToKind,
  RouteSpecWildcardPolicy,
} from '../../imports/routes-route.openshift.io';

/** The router annotation that makes HAProxy send Strict-Transport-Security on this Route's responses. */
export const HSTS_ANNOTATION = 'haproxy.router.openshift.io/hsts_header';
/** One year, subdomains included. */
export const HSTS_HEADER = 'max-age=31536000;includeSubDomains';

export interface OpenShiftRouteProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  readonly host: string;
  /** Path prefix this Route claims on the host, e.g. "/api". */
  readonly path: string;
  readonly serviceName: string;
  /** Name of the Service port to send traffic to. */
  readonly servicePortName: string;
  /**
   * Path the router substitutes for the matched prefix before forwarding, e.g. "/" so that
   * `/api/health` reaches the service as `/health`. @default the request path is forwarded unchanged
   */
  readonly rewriteTarget?: string;
  /**
   * How long the router waits for the service to send data (HAProxy's server timeout), in seconds.
   * @default the router's, 30 s on OpenShift
   */
  readonly timeoutSeconds?: number;
  /**
   * Where TLS ends: at the router (edge), or re-encrypted to a service that serves TLS itself with a
   * service-ca certificate, which the router trusts without a destination CA. @default "edge"
   */
  readonly termination?: 'edge' | 'reencrypt';
}

/**
 * An OpenShift Route terminating TLS at the router (edge) with the cluster's certificate, redirecting
 * plain HTTP to HTTPS. Several Routes may share a host with different paths; the longest path wins.
 */
export class OpenShiftRoute extends Construct {
  constructor(scope: Construct, id: string, props: OpenShiftRouteProps) {
    super(scope, id);
    if (!props.path.startsWith('/')) {
      throw new Error(`${props.metadata.name}: route path "${props.path}" must start with "/"`);
    }
    // HSTS: browsers that reached us once never try plain HTTP again (the router adds the header).
    const annotations: Record<string, string> = { [HSTS_ANNOTATION]: HSTS_HEADER, ...props.metadata.annotations };
    if (props.rewriteTarget !== undefined) {
      annotations['haproxy.router.openshift.io/rewrite-target'] = props.rewriteTarget;
    }
    if (props.timeoutSeconds !== undefined) {
      if (!Number.isInteger(props.timeoutSeconds) || props.timeoutSeconds < 1) {
        throw new Error(`${props.metadata.name}: timeoutSeconds must be a whole number of seconds above zero, got ${props.timeoutSeconds}`);
      }
      annotations['haproxy.router.openshift.io/timeout'] = `${props.timeoutSeconds}s`;
    }
    new Route(this, 'Resource', {
      metadata: { ...props.metadata, annotations },
      spec: {
        host: props.host,
        path: props.path,
        to: { kind: RouteSpecToKind.SERVICE, name: props.serviceName, weight: 100 },
        port: { targetPort: props.servicePortName },
        tls: {
          termination: props.termination === 'reencrypt' ? RouteSpecTlsTermination.REENCRYPT : RouteSpecTlsTermination.EDGE,
          insecureEdgeTerminationPolicy: RouteSpecTlsInsecureEdgeTerminationPolicy.REDIRECT,
        },
        wildcardPolicy: RouteSpecWildcardPolicy.NONE,
      },
    });
  }
}
