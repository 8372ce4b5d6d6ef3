/**
 * The Jaeger UI for the team: OpenShift's OAuth proxy as a sidecar of the Jaeger pod, on the private
 * router shard, never on the public one. Who gets in: users logged in to the cluster who may `get`
 * Services in the environment's namespace (the project's members), checked by the proxy with a
 * SubjectAccessReview made with the user's own token (--openshift-sar). The Jaeger port itself is
 * reached only from inside the pod (localhost); the NetworkPolicy admits the router to the proxy alone.
 *
 * Pieces (sources: docs/sources/observability.md):
 * - ServiceAccount `<name>` with `serviceaccounts.openshift.io/oauth-redirectreference.primary`: the proxy
 *   logs users in as an OAuth client named after it, whose redirect URI is the Route's.
 * - Its token, projected into the pod (the proxy reads it at the service-account path), not automounted.
 * - Service `<name>` with a service-ca serving certificate (`service.beta.openshift.io/serving-cert-secret-name`);
 *   the Route re-encrypts to it, the router trusting the service CA.
 * - Cookies are signed with that certificate's key (no Secret of our own to provision); a rotation of
 *   the certificate signs users out.
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { formatImageReference, ImageReference } from '../core/image';
import { ComponentIdentity, componentLabels } from '../core/labels';
import { ContainerOptions } from '../core/restricted-pod';
import { AllowIngress, NetworkPeer } from '../networking/network-policy';
import { OpenShiftRoute } from '../networking/openshift-route';

export const OAUTH_PROXY_PORT = { name: 'oauth-proxy', port: 8443 } as const;
const TLS_DIRECTORY = '/etc/tls/private';
const TOKEN_DIRECTORY = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface JaegerUiOptions {
  /** The proxy image: registry.redhat.io/openshift4/ose-oauth-proxy-rhel9. */
  readonly oauthProxyImage: ImageReference;
  /** Path of the UI on the environment's host (Jaeger's base_path). */
  readonly path: string;
  /** Labels of the Route that select the private router shard. */
  readonly routeLabels: Readonly<Record<string, string>>;
}

export interface JaegerUiProps extends JaegerUiOptions {
  /** Name of the ServiceAccount, Service, Route and policy. */
  readonly name: string;
  readonly host: string;
  readonly namespace: string;
  /** The Jaeger pod's labels. */
  readonly podLabels: Record<string, string>;
  /** Jaeger's UI port on localhost. */
  readonly uiPort: number;
  /** The routers (the private shard runs in the ingress namespaces too). */
  readonly routerPeer: NetworkPeer;
}

/** The sidecar and the volumes it needs, for the Jaeger pod. */
export function oauthProxySidecar(props: JaegerUiProps): { container: ContainerOptions; volumes: k8s.Volume[] } {
  const sar = JSON.stringify({ namespace: props.namespace, resource: 'services', verb: 'get' });
  const container: ContainerOptions = {
    name: 'oauth-proxy',
    image: formatImageReference(props.oauthProxyImage),
    args: [
      '--provider=openshift',
      `--https-address=:${OAUTH_PROXY_PORT.port}`,
      '--http-address=',
      `--upstream=http://localhost:${props.uiPort}`,
      `--openshift-service-account=${props.name}`,
      `--openshift-sar=${sar}`,
      `--proxy-prefix=${props.path}/oauth`,
      `--tls-cert=${TLS_DIRECTORY}/tls.crt`,
      `--tls-key=${TLS_DIRECTORY}/tls.key`,
      `--cookie-secret-file=${TLS_DIRECTORY}/tls.key`,
      '--pass-basic-auth=false',
    ],
    ports: [{ name: OAUTH_PROXY_PORT.name, containerPort: OAUTH_PROXY_PORT.port, protocol: 'TCP' }],
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    // A TCP check: the proxy's own health paths sit behind its prefix and TLS.
    livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(OAUTH_PROXY_PORT.name) }, periodSeconds: 15, timeoutSeconds: 2, failureThreshold: 3 },
    readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(OAUTH_PROXY_PORT.name) }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
    volumeMounts: [
      { name: 'oauth-proxy-tls', mountPath: TLS_DIRECTORY, readOnly: true },
      { name: 'oauth-proxy-token', mountPath: TOKEN_DIRECTORY, readOnly: true },
    ],
  };
  const volumes: k8s.Volume[] = [
    { name: 'oauth-proxy-tls', secret: { secretName: servingCertSecret(props.name) } },
    {
      // What automounting would give, for this container only: a bound token, the API's CA, the namespace.
      name: 'oauth-proxy-token',
      projected: {
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardApi: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ];
  return { container, volumes };
}

/** The Secret service-ca writes the Service's certificate into (created by OpenShift, never by us). */
export function servingCertSecret(name: string): string {
  return `${name}-tls`;
}

/** ServiceAccount, Service, Route and NetworkPolicy of the UI. */
export class JaegerUi extends Construct {
  constructor(scope: Construct, id: string, props: JaegerUiProps) {
    super(scope, id);
    const identity: ComponentIdentity = { name: props.name, component: 'tracing-ui' };
    const labels = componentLabels(this, identity);
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name: props.name,
        labels,
        annotations: {
          'serviceaccounts.openshift.io/oauth-redirectreference.primary': JSON.stringify({
            kind: 'OAuthRedirectReference',
            apiVersion: 'v1',
            reference: { kind: 'Route', name: props.name },
          }),
        },
      },
      // The pod projects the token into the proxy only.
      automountServiceAccountToken: false,
    });
    new k8s.KubeService(this, 'Service', {
      metadata: { name: props.name, labels, annotations: { 'service.beta.openshift.io/serving-cert-secret-name': servingCertSecret(props.name) } },
      spec: {
        type: 'ClusterIP',
        selector: props.podLabels,
        ports: [{ name: OAUTH_PROXY_PORT.name, port: OAUTH_PROXY_PORT.port, targetPort: k8s.IntOrString.fromString(OAUTH_PROXY_PORT.name), protocol: 'TCP' }],
      },
    });
    new OpenShiftRoute(this, 'Route', {
      metadata: { name: props.name, labels: { ...props.routeLabels, ...labels } },
      host: props.host,
      path: props.path,
      serviceName: props.name,
      servicePortName: OAUTH_PROXY_PORT.name,
      termination: 'reencrypt',
    });
    new AllowIngress(this, 'Policy', {
      metadata: { name: `${props.name}-network-policy`, labels },
      podLabels: props.podLabels,
      from: [props.routerPeer],
      ports: [OAUTH_PROXY_PORT.port],
    });
  }
}
