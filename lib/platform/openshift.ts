import { Construct } from 'constructs';
import { componentLabels } from '../core/labels';
import { OpenShiftRoute } from '../networking/openshift-route';
import { ExposeProps, Platform } from './platform';

/**
 * OpenShift: one edge-terminated Route per path. The ingress routers run in namespaces that OpenShift
 * labels `policy-group.network.openshift.io/ingress`; its monitoring stacks (user-workload Prometheus
 * included) in namespaces labelled `network.openshift.io/policy-group: monitoring`.
 */
export const openShiftPlatform: Platform = {
  edgePeer: { namespaceLabels: { 'policy-group.network.openshift.io/ingress': '' } },
  monitoringPeer: { namespaceLabels: { 'network.openshift.io/policy-group': 'monitoring' } },

  expose(scope: Construct, props: ExposeProps): void {
    for (const { path, workload, stripPrefix } of props.paths) {
      new OpenShiftRoute(scope, `Route-${workload.node.id}`, {
        metadata: { name: workload.deploymentName, labels: componentLabels(scope, workload.identity) },
        host: props.host,
        path,
        serviceName: workload.serviceName,
        servicePortName: workload.portName,
        rewriteTarget: stripPrefix ? '/' : undefined,
      });
    }
  },
};
