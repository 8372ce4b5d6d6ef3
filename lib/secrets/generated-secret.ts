import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export interface GeneratedSecretProps {
  /** Name of the Secret the generated keys go into. */
  readonly secretName: string;
  /** Keys to generate, each a random password of its own. */
  readonly keys: readonly string[];
  readonly labels?: Record<string, string>;
}

/**
 * Keys generated in the namespace, once: an External Secrets `Password` generator
 * (generators.external-secrets.io/v1alpha1, ESO v2.9.0) per key and one ExternalSecret
 * (external-secrets.io/v1) that writes them into a Secret of their own. Their own Secret, because two
 * ExternalSecrets cannot share a target (ESO refuses a Merge into a Secret another one owns, #4225)
 * and an Owner ExternalSecret keeps only its own keys (#4167). `refreshPolicy: CreatedOnce` and an
 * immutable target: a generator makes a new value on every sync, and a session key must not change
 * under the running pods (ESO #6641 docs/api/externalsecret.md). Deleting the environment deletes it.
 */
export class GeneratedSecret extends Construct {
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    this.secretName = props.secretName;
    const generatorName = (key: string) => `${props.secretName}-${key.toLowerCase().replace(/_/g, '-')}`;
    for (const key of props.keys) {
      new ApiObject(this, `Password-${key}`, {
        apiVersion: 'generators.external-secrets.io/v1alpha1',
        kind: 'Password',
        metadata: { name: generatorName(key), labels: props.labels },
        // 64 characters of letters and digits: safe in an environment variable and a URL.
        spec: { length: 64, digits: 16, symbols: 0, noUpper: false, allowRepeat: true, encoding: 'raw', secretKeys: [key] },
      });
    }
    new ApiObject(this, 'ExternalSecret', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: props.secretName, labels: props.labels },
      spec: {
        refreshPolicy: 'CreatedOnce',
        target: { name: props.secretName, creationPolicy: 'Owner', deletionPolicy: 'Retain', immutable: true },
        dataFrom: props.keys.map((key) => ({
          sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: generatorName(key) } },
        })),
      },
    });
  }
}
