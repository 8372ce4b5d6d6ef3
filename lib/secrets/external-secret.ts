import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecDataRemoteRefConversionStrategy,
  ExternalSecretSpecDataRemoteRefDecodingStrategy,
  ExternalSecretSpecDataRemoteRefMetadataPolicy,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
  ExternalSecretSpecSecretStoreRefKind,
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
  /** Keys read under another prefix than `remoteKeyPrefix` (key -> prefix). @default none */
  readonly remoteKeyPrefixes?: Readonly<Record<string, string>>;
  /** @default "1h" */
  readonly refreshInterval?: string;
  readonly labels?: Record<string, string>;
}

/**
 * What ESO 2.7 and 2.8 default in each `spec.data[].remoteRef` of external-secrets.io/v1 (CRD
 * defaults, removed in 2.9.0 by #6798, which applies the same values in code). `spec.data` is an
 * atomic list, so a default the API server adds and we leave out is a difference that never goes
 * away; written out, the object is the same on 2.7 to 2.9. nullBytePolicy is left out: ESO 2.3 to
 * 2.6 defaulted it (a permanent diff, fixed in 2.7 by #6453), so 2.7 is the minimum supported.
 */
const REMOTE_REF_DEFAULTS = {
  conversionStrategy: ExternalSecretSpecDataRemoteRefConversionStrategy.DEFAULT,
  decodingStrategy: ExternalSecretSpecDataRemoteRefDecodingStrategy.NONE,
  metadataPolicy: ExternalSecretSpecDataRemoteRefMetadataPolicy.NONE,
} as const;

/** An ExternalSecret (external-secrets.io/v1) that assembles a Secret from a secret store. */
export class ExternalSyncedSecret extends Construct {
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: ExternalSyncedSecretProps) {
    super(scope, id);
    this.secretName = props.secretName;
    const prefix = props.remoteKeyPrefix ?? '';
    new ExternalSecret(this, 'Resource', {
      metadata: { name: props.secretName, labels: props.labels },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { kind: props.storeRef.kind as ExternalSecretSpecSecretStoreRefKind, name: props.storeRef.name },
        target: {
          name: props.secretName,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          // Keep the Secret if the store becomes unreachable or the key disappears: pods keep starting.
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: props.keys.map((key) => ({
          secretKey: key,
          remoteRef: { key: `${props.remoteKeyPrefixes?.[key] ?? prefix}${key.toLowerCase().replace(/_/g, '-')}`, ...REMOTE_REF_DEFAULTS },
        })),
      },
    });
  }
}
