import { Construct } from 'constructs';
import type { SecretStrategy } from '../config/environment';
import { ExternalSyncedSecret } from './external-secret';
import { InfisicalSyncedSecret } from './infisical-secret';

export interface SecretSourceProps {
  readonly strategy: SecretStrategy;
  /** Keys the consumers read from the Secret. */
  readonly keys: readonly string[];
  readonly labels?: Record<string, string>;
}

/**
 * Where a Secret comes from, per environment: synced by the Infisical operator, assembled by External
 * Secrets from a store, or created out of band and only referenced. Consumers get `secretName` and
 * never see which.
 */
export class SecretSource extends Construct {
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: SecretSourceProps) {
    super(scope, id);
    const strategy = props.strategy;
    this.secretName = strategy.secretName;
    switch (strategy.strategy) {
      case 'infisical':
        new InfisicalSyncedSecret(this, 'Infisical', { ...strategy, labels: props.labels });
        break;
      case 'external-secrets':
        new ExternalSyncedSecret(this, 'ExternalSecret', { ...strategy, keys: props.keys, labels: props.labels });
        break;
      case 'existing':
        // Created by hand (`oc create secret generic <name> --from-env-file=...`); nothing to render.
        break;
    }
  }
}
