import { App, Chart } from 'cdk8s';
import { parseEnvironment, SecretStrategy } from '../../lib/config/environment';
import { InfisicalSyncedSecret } from '../../lib/secrets/infisical-secret';
import { SecretSource } from '../../lib/secrets/secret-source';
import { baseEnvironment, testChart, validManifests } from '../support/synthesis';

const keys = ['DB_URL', 'SECRET_KEY'];
const strategy = (secrets: Record<string, unknown>): SecretStrategy => parseEnvironment(baseEnvironment({ secrets })).secrets;

describe('SecretSource', () => {
  test('infisical: an InfisicalSecret that syncs the project into the named Secret of this namespace', () => {
    const chart = testChart();
    const source = new SecretSource(chart, 'Secret', {
      keys,
      strategy: strategy({
        strategy: 'infisical',
        secretName: 'backend-secrets',
        hostApi: 'https://app.infisical.com/api',
        projectSlug: 'co2',
        envSlug: 'dev',
        credentialsSecretName: 'infisical-auth',
      }),
    });
    const manifests = validManifests(chart);
    expect(source.secretName).toBe('backend-secrets');
    expect(manifests).toMatchSnapshot();
  });

  test('external-secrets: an ExternalSecret fetching each key under a Key Vault compatible name', () => {
    const chart = testChart();
    new SecretSource(chart, 'Secret', {
      keys,
      strategy: strategy({
        strategy: 'external-secrets',
        secretName: 'backend-secrets',
        storeRef: { kind: 'ClusterSecretStore', name: 'azure-key-vault' },
        remoteKeyPrefix: 'co2-prod-',
      }),
    });
    const [externalSecret] = validManifests(chart) as any[];
    expect(externalSecret).toMatchSnapshot();
    expect(externalSecret.spec.data.map((d: any) => d.remoteRef.key)).toEqual(['co2-prod-db-url', 'co2-prod-secret-key']);
  });

  test('existing: renders nothing and only names the Secret', () => {
    const chart = testChart();
    const source = new SecretSource(chart, 'Secret', { keys, strategy: strategy({ strategy: 'existing', secretName: 'made-by-hand' }) });
    expect(validManifests(chart)).toEqual([]);
    expect(source.secretName).toBe('made-by-hand');
  });

  test('an InfisicalSecret needs a namespace to point the operator at', () => {
    const chart = new Chart(new App(), 'no-namespace');
    expect(
      () =>
        new InfisicalSyncedSecret(chart, 'Secret', {
          secretName: 's',
          hostApi: 'https://app.infisical.com/api',
          projectSlug: 'p',
          envSlug: 'e',
          credentialsSecretName: 'c',
        }),
    ).toThrowErrorMatchingSnapshot();
  });
});
