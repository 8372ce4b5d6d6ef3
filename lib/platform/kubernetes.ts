import { Construct } from 'constructs';
import { componentLabels } from '../core/labels';
import { NginxIngress } from '../networking/nginx-ingress';
import { ExposeProps, Platform } from './platform';

export interface KubernetesPlatformOptions {
  readonly ingressClassName: string;
  /** cert-manager ClusterIssuer of the host's certificate. */
  readonly clusterIssuer: string;
  readonly ingressControllerNamespace: string;
  readonly monitoringNamespace: string;
}

/**
 * Plain Kubernetes (kind, minikube): one ingress-nginx Ingress per path, sharing a certificate that
 * cert-manager issues for the host. Namespaces are recognised by the label every namespace carries
 * since Kubernetes 1.22, `kubernetes.io/metadata.name`.
 */
export function kubernetesPlatform(options: KubernetesPlatformOptions): Platform {
  const namespace = (name: string) => ({ namespaceLabels: { 'kubernetes.io/metadata.name': name } });
  return {
    edgePeer: namespace(options.ingressControllerNamespace),
    monitoringPeer: namespace(options.monitoringNamespace),
    // No OAuth server of the cluster: the Jaeger UI stays behind `kubectl port-forward`.
    authenticatesUsers: false,
    // Nothing assigns UIDs here, and the kubelet cannot check a USER given by name (or none, root)
    // against runAsNonRoot: run as the image's own account, by number.
    podUser: (image) => ({ uid: image.uid, gid: image.gid }),
    expose(scope: Construct, props: ExposeProps): void {
      const tlsSecretName = `${props.host.replace(/\./g, '-')}-tls`;
      props.paths.forEach(({ path, workload, stripPrefix, timeoutSeconds, maxBodySizeMb }, index) => {
        new NginxIngress(scope, `Ingress-${workload.node.id}`, {
          metadata: { name: workload.deploymentName, labels: componentLabels(scope, workload.identity) },
          host: props.host,
          path,
          serviceName: workload.serviceName,
          servicePortName: workload.portName,
          stripPrefix,
          timeoutSeconds,
          maxBodySizeMb,
          ingressClassName: options.ingressClassName,
          tlsSecretName,
          clusterIssuer: index === 0 ? options.clusterIssuer : undefined,
        });
      });
    },
  };
}
