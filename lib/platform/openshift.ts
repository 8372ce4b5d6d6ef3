import { Construct } from 'constructs';
import { componentLabels } from '../core/labels';
import { OpenShiftRoute } from '../networking/openshift-route';
import { ExposeProps, Platform } from './platform';

export interface OpenShiftPlatformOptions {
  /** The cluster's pod and service networks. */
  readonly clusterNetworks: { readonly pods: readonly string[]; readonly services: readonly string[] };
  /**
   * Extra labels of each Route, by the name of the workload it serves (frontend, backend, docs): for
   * example the label a router shard selects. @default none
   */
  readonly routeLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * OpenShift: one edge-terminated Route per path. The ingress routers run in namespaces that OpenShift
 * labels `policy-group.network.openshift.io/ingress`; its monitoring stacks (user-workload Prometheus
 * included) in namespaces labelled `network.openshift.io/policy-group: monitoring`. The router does not
 * limit request bodies, so `maxBodySizeMb` needs nothing here. Names resolve through the DNS
 * operator's CoreDNS daemon set `dns-default` in `openshift-dns`, which listens on 5353
 * (docs/sources/isolation.md).
 */
export function openShiftPlatform(options: OpenShiftPlatformOptions): Platform {
  return {
    edgePeer: { namespaceLabels: { 'policy-group.network.openshift.io/ingress': '' } },
    monitoringPeer: { namespaceLabels: { 'network.openshift.io/policy-group': 'monitoring' } },
    dns: {
      peer: { namespaceLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' }, podLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } },
      ports: [{ port: 5353, protocol: 'UDP' }, { port: 5353, protocol: 'TCP' }],
    },
    clusterNetworks: [...options.clusterNetworks.pods, ...options.clusterNetworks.services],
    authenticatesUsers: true,
    // restricted-v2 assigns a UID (and fsGroup) from the project's range, and refuses one outside it.
    podUser: () => undefined,

    expose(scope: Construct, props: ExposeProps): void {
      for (const { path, workload, stripPrefix, timeoutSeconds } of props.paths) {
        new OpenShiftRoute(scope, `Route-${workload.node.id}`, {
          metadata: {
            name: workload.deploymentName,
            labels: { ...options.routeLabels?.[workload.deploymentName], ...componentLabels(scope, workload.identity) },
          },
          host: props.host,
          path,
          serviceName: workload.serviceName,
          servicePortName: workload.portName,
          rewriteTarget: stripPrefix ? '/' : undefined,
          timeoutSeconds,
        });
      }
    },
  };
}
