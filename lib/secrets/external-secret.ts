import { Construct } from 'constructs';
import type { OperatorRewrite } from '../argocd/operator-rewrites';
import {
  ExternalSecretV1Beta1,
  ExternalSecretV1Beta1SpecDataRemoteRefConversionStrategy,
  ExternalSecretV1Beta1SpecDataRemoteRefDecodingStrategy,
  ExternalSecretV1Beta1SpecDataRemoteRefMetadataPolicy,
  ExternalSecretV1Beta1SpecTargetCreationPolicy,
  ExternalSecretV1Beta1SpecTargetDeletionPolicy,
} from '../../imports/externalsecrets-external-secrets.io';

/** What the External Secrets operator writes into an ExternalSecret of ours (see lib/argocd/operator-rewrites.ts). */
export const EXTERNAL_SECRET_REWRITES: readonly OperatorRewrite[] = [
  {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    source:
      'external-secrets v0.10.7 registers validating webhooks only (deploy/charts/external-secrets/templates/validatingwebhook.yaml:3,47; ' +
      'apis/externalsecrets/v1beta1/externalsecret_validator.go:28-38); its controller writes status and the target Secret',
  },
];

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

/**
 * What the External Secrets CRD (v0.10.7) defaults in each `spec.data[].remoteRef`
 * (config/crds/bases/external-secrets.io_externalsecrets.yaml:355-375, from the kubebuilder markers of
 * apis/externalsecrets/v1beta1/externalsecret_types.go:209-229). `spec.data` is an atomic list (no
 * x-kubernetes-list-type), so ArgoCD's server-side-apply diff replaces the live list, defaults
 * included, by ours: each default we leave out is a difference that never goes away, and self-heal
 * re-applies the object every few seconds. So they are written out, with the values the API server
 * would set. test/drift.test.ts proves no other default lands in an atomic list.
 */
const REMOTE_REF_DEFAULTS = {
  conversionStrategy: ExternalSecretV1Beta1SpecDataRemoteRefConversionStrategy.DEFAULT,
  decodingStrategy: ExternalSecretV1Beta1SpecDataRemoteRefDecodingStrategy.NONE,
  metadataPolicy: ExternalSecretV1Beta1SpecDataRemoteRefMetadataPolicy.NONE,
} as const;

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
          remoteRef: { key: `${prefix}${key.toLowerCase().replace(/_/g, '-')}`, ...REMOTE_REF_DEFAULTS },
        })),
      },
    });
  }
}
