import { Construct } from 'constructs';
import type { SecretStrategy } from '../config/environment';
import { SecretBundle } from './bundles';
import { ExternalSyncedSecret } from './external-secret';
import { InfisicalSyncedSecret } from './infisical-secret';

export interface SecretSourceProps {
  readonly strategy: SecretStrategy;
  readonly bundle: SecretBundle;
  /** Keys of the Secret in this environment. @default the bundle's keys */
  readonly keys?: readonly string[];
  /** Name of the Kubernetes Secret. @default the bundle's default name */
  readonly secretName?: string;
  readonly labels?: Record<string, string>;
}

/**
 * Where one Secret comes from, per environment: synced by the Infisical operator, assembled by External
 * Secrets from a store, or created out of band and only referenced. Consumers get `secretName` and
 * never see which.
 */
export class SecretSource extends Construct {
  readonly secretName: string;
  readonly keys: readonly string[];

  constructor(scope: Construct, id: string, props: SecretSourceProps) {
    super(scope, id);
    const { strategy, bundle } = props;
    this.secretName = props.secretName ?? bundle.defaultName;
    this.keys = props.keys ?? bundle.keys;
    switch (strategy.strategy) {
      case 'infisical':
        new InfisicalSyncedSecret(this, 'Infisical', {
          ...strategy,
          secretName: this.secretName,
          secretsPath: `${strategy.secretsPath.replace(/\/+$/, '')}/${bundle.folder}`,
          labels: props.labels,
        });
        break;
      case 'external-secrets':
        new ExternalSyncedSecret(this, 'ExternalSecret', {
          ...strategy,
          secretName: this.secretName,
          keys: this.keys,
          remoteKeyPrefix: `${strategy.remoteKeyPrefix}${bundle.folder}-`,
          labels: props.labels,
        });
        break;
      case 'existing':
        // Created by hand (`oc create secret generic <name> --from-env-file=...`); nothing to render.
        break;
    }
  }
}
