import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { InfisicalSecret } from '../../imports/infisicalsecrets-secrets.infisical.com';

export interface InfisicalSyncedSecretProps {
  /** Name of the Kubernetes Secret the operator creates and keeps in sync. */
  readonly secretName: string;
  /** Infisical API, e.g. https://app.infisical.com/api. */
  readonly hostApi: string;
  readonly projectSlug: string;
  readonly envSlug: string;
  /** @default "/" */
  readonly secretsPath?: string;
  /**
   * Secret holding the machine identity's `clientId` and `clientSecret` (Universal Auth). It is the
   * one credential created by hand, once per namespace.
   */
  readonly credentialsSecretName: string;
  /** @default 60 */
  readonly resyncIntervalSeconds?: number;
  readonly labels?: Record<string, string>;
}

/**
 * An InfisicalSecret: the Infisical operator reads a project's secrets and writes them into a
 * Kubernetes Secret of this namespace. Only names and paths appear here, never a value.
 */
export class InfisicalSyncedSecret extends Construct {
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: InfisicalSyncedSecretProps) {
    super(scope, id);
    const namespace = Chart.of(this).namespace;
    if (!namespace) {
      throw new Error('InfisicalSyncedSecret needs a chart with a namespace: the operator wants explicit secret namespaces');
    }
    this.secretName = props.secretName;
    new InfisicalSecret(this, 'Resource', {
      metadata: { name: props.secretName, labels: props.labels },
      spec: {
        hostApi: props.hostApi,
        resyncInterval: props.resyncIntervalSeconds ?? 60,
        authentication: {
          universalAuth: {
            credentialsRef: { secretName: props.credentialsSecretName, secretNamespace: namespace },
            secretsScope: { projectSlug: props.projectSlug, envSlug: props.envSlug, secretsPath: props.secretsPath ?? '/' },
          },
        },
        managedKubeSecretReferences: [
          {
            secretName: props.secretName,
            secretNamespace: namespace,
            secretType: 'Opaque',
            // Deleting the InfisicalSecret leaves the Secret in place: running pods keep working.
            creationPolicy: 'Orphan',
          },
        ],
      },
    });
  }
}
