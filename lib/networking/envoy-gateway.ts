import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

export interface EnvoyBodyLimitProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  /** The HTTPRoute whose requests are limited. */
  readonly routeName: string;
  /** The largest request body admitted, in MiB; larger ones get 413. */
  readonly maxBodySizeMb: number;
}

/**
 * The one thing the Gateway API cannot say: a request body limit. Envoy Gateway's BackendTrafficPolicy
 * (gateway.envoyproxy.io/v1alpha1) `requestBuffer.limit` buffers each request of the route and refuses
 * a larger one with 413. The controller-specific part of `local`, kept here alone (docs/sources/gateway.md).
 */
export class EnvoyBodyLimit extends Construct {
  constructor(scope: Construct, id: string, props: EnvoyBodyLimitProps) {
    super(scope, id);
    if (!Number.isInteger(props.maxBodySizeMb) || props.maxBodySizeMb < 1) {
      throw new Error(`${props.metadata.name}: maxBodySizeMb must be a whole number above zero, got ${props.maxBodySizeMb}`);
    }
    new ApiObject(this, 'Resource', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: props.metadata,
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: props.routeName }],
        // "Mi" as FILES_MAX_SIZE_MB counts (MB * 1024 * 1024).
        requestBuffer: { limit: `${props.maxBodySizeMb}Mi` },
      },
    });
  }
}

/**
 * Labels of the Envoy proxy pods Envoy Gateway runs for every Gateway, in its own namespace by default
 * (internal/infrastructure/kubernetes/proxy/resource.go EnvoyAppLabel, v1.9.0).
 */
export const ENVOY_PROXY_POD_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/name': 'envoy',
  'app.kubernetes.io/component': 'proxy',
  'app.kubernetes.io/managed-by': 'envoy-gateway',
};
