import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import type { OperatorRewrite } from '../argocd/operator-rewrites';

/** What cert-manager writes into a Certificate (see lib/argocd/operator-rewrites.ts). */
export const CERTIFICATE_REWRITES: readonly OperatorRewrite[] = [
  { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', source: 'cert-manager v1.21.1 writes status only (conditions, notAfter, revision); the key and certificate go into the Secret' },
];

export interface HostCertificateProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  readonly host: string;
  /** cert-manager ClusterIssuer that signs the certificate. */
  readonly clusterIssuer: string;
  /** Secret cert-manager writes the key and certificate into. */
  readonly secretName: string;
}

/**
 * The host's TLS certificate as a cert-manager Certificate (cert-manager.io/v1). An explicit object,
 * not the Gateway annotation: cert-manager reads Gateways only with its Gateway API feature enabled.
 */
export class HostCertificate extends Construct {
  constructor(scope: Construct, id: string, props: HostCertificateProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: props.metadata,
      spec: {
        secretName: props.secretName,
        dnsNames: [props.host],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: props.clusterIssuer },
      },
    });
  }
}
