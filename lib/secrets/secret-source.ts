import { Construct } from 'constructs';
import type { SecretStrategy } from '../config/environment';
import { SecretBundle } from '../application/secret-bundles';
import { ExternalSyncedSecret } from './external-secret';
import { GeneratedSecret } from './generated-secret';
import { InfisicalSyncedSecret } from './infisical-secret';

export interface SecretSourceProps {
  readonly strategy: SecretStrategy;
  readonly bundle: SecretBundle;
  /** Keys of the Secret in this environment. @default the bundle's keys */
  readonly keys?: readonly string[];
  /** Name of the Kubernetes Secret. @default the bundle's default name */
  readonly secretName?: string;
  readonly labels?: Record<string, string>;
  /** The environment, whose name scopes the strategy's `ownKeys` in the store. */
  readonly environmentName: string;
}

/**
 * Where one Secret comes from, per environment: synced by the Infisical operator, assembled by External
 * Secrets from a store, or created out of band and only referenced. Consumers get `secretName` and
 * never see which.
 */
export class SecretSource extends Construct {
  readonly secretName: string;
  readonly keys: readonly string[];
  /** Keys generated in the namespace rather than fetched, and the Secret of their own they are in. @default none */
  readonly generated?: { readonly secretName: string; readonly keys: readonly string[] };

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
      case 'external-secrets': {
        const generated = this.keys.filter((key) => (strategy.generatedKeys as readonly string[]).includes(key));
        const own = this.keys.filter((key) => (strategy.ownKeys as readonly string[]).includes(key));
        new ExternalSyncedSecret(this, 'ExternalSecret', {
          ...strategy,
          secretName: this.secretName,
          keys: this.keys.filter((key) => !generated.includes(key)),
          remoteKeyPrefix: `${strategy.remoteKeyPrefix}${bundle.folder}-`,
          remoteKeyPrefixes: Object.fromEntries(own.map((key) => [key, `${strategy.remoteKeyPrefix}${props.environmentName}-${bundle.folder}-`])),
          labels: props.labels,
        });
        if (generated.length > 0) {
          new GeneratedSecret(this, 'Generated', { secretName: `${this.secretName}-generated`, keys: generated, labels: props.labels });
          this.generated = { secretName: `${this.secretName}-generated`, keys: generated };
        }
        break;
      }
      case 'existing':
        // Created by hand (`oc create secret generic <name> --from-env-file=...`); nothing to render.
        break;
    }
  }
}

/**
 * The Secrets of an environment that nobody in this repository produces, as far as its objects use
 * them: made by hand once per namespace (the `existing` strategy's Secrets, Infisical's machine
 * identity). ArgoCD must not report them as orphans.
 */
export function secretsMadeByHand(strategy: SecretStrategy, manifests: readonly object[]): string[] {
  const candidates = strategy.strategy === 'infisical' ? [strategy.credentialsSecretName] : strategy.strategy === 'existing' ? Object.values(strategy.names) : [];
  const used = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') used.add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  manifests.forEach(collect);
  return [...new Set(candidates)].filter((name) => used.has(name)).sort();
}

/** Secrets OpenShift's service-ca writes for Services that ask for a serving certificate (an annotation of ours). */
export function servingCertSecrets(manifests: readonly object[]): string[] {
  const annotation = 'service.beta.openshift.io/serving-cert-secret-name';
  return manifests
    .filter((m: any) => m.kind === 'Service' && m.metadata?.annotations?.[annotation])
    .map((m: any) => m.metadata.annotations[annotation] as string)
    .sort();
}
