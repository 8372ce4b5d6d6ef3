import { Construct } from 'constructs';
import {
  ExternalSecretV1Beta1,
  ExternalSecretV1Beta1SpecTargetCreationPolicy,
  ExternalSecretV1Beta1SpecTargetDeletionPolicy,
} from '../../imports/externalsecrets-external-secrets.io';

export interface ExternalSyncedSecretProps {
  /** Name of the Kubernetes Secret the operator creates. */
  readonly secretName: string;
  /** Keys of the Secret; each is fetched from the store. */
  readonly keys: readonly string[];
  readonly storeRef: { readonly kind: 'SecretStore' | 'ClusterSecretStore'; readonly name: string };
  /**
   * Name of each key in the store. @default `<prefix><key in lower case, "_" as "-">`, e.g. DB_URL ->
   * "db-url": Azure Key Vault allows only letters, digits and dashes in secret names.
   */
  readonly remoteKeyPrefix?: string;
  /** @default "1h" */
  readonly refreshInterval?: string;
  readonly labels?: Record<string, string>;
}

/** An ExternalSecret (external-secrets.io/v1beta1) that assembles a Secret from a secret store. */
export class ExternalSyncedSecret extends Construct {
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: ExternalSyncedSecretProps) {
    super(scope, id);
    this.secretName = props.secretName;
    const prefix = props.remoteKeyPrefix ?? '';
    new ExternalSecretV1Beta1(this, 'Resource', {
      metadata: { name: props.secretName, labels: props.labels },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { kind: props.storeRef.kind, name: props.storeRef.name },
        target: {
          name: props.secretName,
          creationPolicy: ExternalSecretV1Beta1SpecTargetCreationPolicy.OWNER,
          // Keep the Secret if the store becomes unreachable or the key disappears: pods keep starting.
          deletionPolicy: ExternalSecretV1Beta1SpecTargetDeletionPolicy.RETAIN,
        },
        data: props.keys.map((key) => ({
          secretKey: key,
          remoteRef: { key: `${prefix}${key.toLowerCase().replace(/_/g, '-')}` },
        })),
      },
    });
  }
}
