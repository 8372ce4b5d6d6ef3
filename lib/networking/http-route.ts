import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { HSTS_HEADER } from './openshift-route';

export interface HostRouteProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  /** Gateway and listener the route attaches to. */
  readonly gatewayName: string;
  readonly listenerName: string;
  readonly host: string;
  /** Path prefix, e.g. "/api"; matched by whole path elements (`/api` and `/api/x`, not `/apix`). */
  readonly path: string;
  readonly serviceName: string;
  readonly servicePort: number;
  /** Forward requests without the prefix (`/api/health` -> `/health`). @default false */
  readonly stripPrefix?: boolean;
  /** The longest a request may take, first byte to last of the response, in seconds. @default the controller's */
  readonly timeoutSeconds?: number;
}

/**
 * One path of the host as a Gateway API HTTPRoute (gateway.networking.k8s.io/v1, core features only):
 * a stripped prefix is a URLRewrite with ReplacePrefixMatch "/", and every response carries HSTS, as
 * the OpenShift Routes do.
 */
export class HostRoute extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: HostRouteProps) {
    super(scope, id);
    this.name = props.metadata.name;
    if (!props.path.startsWith('/')) throw new Error(`${props.metadata.name}: route path "${props.path}" must start with "/"`);
    if (props.timeoutSeconds !== undefined && (!Number.isInteger(props.timeoutSeconds) || props.timeoutSeconds < 1)) {
      throw new Error(`${props.metadata.name}: timeoutSeconds must be a whole number above zero, got ${props.timeoutSeconds}`);
    }
    const filters: object[] = [];
    if (props.stripPrefix === true && props.path !== '/') {
      filters.push({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } });
    }
    filters.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: HSTS_HEADER }] } });
    new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: props.metadata,
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: props.gatewayName, sectionName: props.listenerName }],
        hostnames: [props.host],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: props.path } }],
            filters,
            backendRefs: [{ group: '', kind: 'Service', name: props.serviceName, port: props.servicePort, weight: 1 }],
            timeouts: props.timeoutSeconds === undefined ? undefined : { request: gatewayDuration(props.timeoutSeconds) },
          },
        ],
      },
    });
  }
}

/** Seconds as a Gateway API Duration (GEP-2257): at most five digits per unit, so "1h1m" rather than "3660s" past 99999 s. */
export function gatewayDuration(seconds: number): string {
  const parts: Array<[number, string]> = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  return parts.filter(([value]) => value > 0).map(([value, unit]) => `${value}${unit}`).join('') || '0s';
}
