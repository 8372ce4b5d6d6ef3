import { Construct } from 'constructs';
import { componentLabels } from '../core/labels';
import { EnvoyBodyLimit, ENVOY_PROXY_POD_LABELS } from '../networking/envoy-gateway';
import { HostGateway, HTTPS_LISTENER } from '../networking/gateway';
import { HostCertificate } from '../networking/host-certificate';
import { HostRoute } from '../networking/http-route';
import { NetworkPeer } from '../networking/network-policy';
import { ExposeProps, Platform } from './platform';

/** What differs between Gateway API controllers: where their proxies run and how a body is limited. */
interface GatewayController {
  proxyPeer(namespace: string): NetworkPeer;
  limitBody(scope: Construct, id: string, props: { readonly metadata: { name: string; labels?: Record<string, string> }; readonly routeName: string; readonly maxBodySizeMb: number }): void;
}

const GATEWAY_CONTROLLERS: Readonly<Record<'envoy-gateway', GatewayController>> = {
  'envoy-gateway': {
    proxyPeer: (namespace) => ({ namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, podLabels: { ...ENVOY_PROXY_POD_LABELS } }),
    limitBody: (scope, id, props) => new EnvoyBodyLimit(scope, id, props),
  },
};

export interface KubernetesPlatformOptions {
  readonly gateway: {
    /** GatewayClass of the Gateway. */
    readonly className: string;
    readonly controller: keyof typeof GATEWAY_CONTROLLERS;
    /** Namespace the controller's proxies run in. */
    readonly namespace: string;
  };
  /** cert-manager ClusterIssuer of the host's certificate. */
  readonly clusterIssuer: string;
  readonly monitoringNamespace: string;
  /** The cluster's pod and service networks. */
  readonly clusterNetworks: { readonly pods: readonly string[]; readonly services: readonly string[] };
}

/** Name of the environment's Gateway (one per namespace, for its one host). */
export const GATEWAY_NAME = 'public';
/** The Gateway, its certificate and its redirect belong to no workload: the host's edge. */
const GATEWAY_IDENTITY = { name: GATEWAY_NAME, component: 'edge' };

/**
 * Plain Kubernetes (kind, minikube): a Gateway API Gateway for the host with a cert-manager
 * certificate, one HTTPRoute per path, and the controller's own object where the Gateway API has no
 * field (the body limit). Namespaces are recognised by the label every namespace carries since
 * Kubernetes 1.22, `kubernetes.io/metadata.name`.
 */
export function kubernetesPlatform(options: KubernetesPlatformOptions): Platform {
  const controller = GATEWAY_CONTROLLERS[options.gateway.controller];
  return {
    edgePeer: controller.proxyPeer(options.gateway.namespace),
    monitoringPeer: { namespaceLabels: { 'kubernetes.io/metadata.name': options.monitoringNamespace } },
    // kubeadm's CoreDNS Deployment keeps the labels and port of the kube-dns it replaced.
    dns: {
      peer: { namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, podLabels: { 'k8s-app': 'kube-dns' } },
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    },
    clusterNetworks: [...options.clusterNetworks.pods, ...options.clusterNetworks.services],
    // No OAuth server of the cluster: the Jaeger UI stays behind `kubectl port-forward`.
    authenticatesUsers: false,
    // Nothing assigns UIDs here, and the kubelet cannot check a USER given by name (or none, root)
    // against runAsNonRoot: run as the image's own account, by number.
    podUser: (image) => ({ uid: image.uid, gid: image.gid }),
    expose(scope: Construct, props: ExposeProps): void {
      const tlsSecretName = `${props.host.replace(/\./g, '-')}-tls`;
      const labels = componentLabels(scope, GATEWAY_IDENTITY);
      new HostCertificate(scope, 'Certificate', { metadata: { name: tlsSecretName, labels }, host: props.host, clusterIssuer: options.clusterIssuer, secretName: tlsSecretName });
      const gateway = new HostGateway(scope, 'Gateway', { metadata: { name: GATEWAY_NAME, labels }, host: props.host, className: options.gateway.className, tlsSecretName });
      for (const { path, workload, stripPrefix, timeoutSeconds, maxBodySizeMb } of props.paths) {
        const metadata = { name: workload.deploymentName, labels: componentLabels(scope, workload.identity) };
        const route = new HostRoute(scope, `HTTPRoute-${workload.node.id}`, {
          metadata,
          gatewayName: gateway.name,
          listenerName: HTTPS_LISTENER,
          host: props.host,
          path,
          serviceName: workload.serviceName,
          servicePort: workload.servicePort,
          stripPrefix,
          timeoutSeconds,
        });
        if (maxBodySizeMb !== undefined) controller.limitBody(scope, `BodyLimit-${workload.node.id}`, { metadata, routeName: route.name, maxBodySizeMb });
      }
    },
  };
}
