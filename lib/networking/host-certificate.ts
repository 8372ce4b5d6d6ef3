import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

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
