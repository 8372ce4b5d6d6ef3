import { App, Chart } from 'cdk8s';
import { parseEnvironment, SecretStrategy } from '../../lib/config/environment';
import { InfisicalSyncedSecret } from '../../lib/secrets/infisical-secret';
import { SECRET_BUNDLES } from '../../lib/application/secret-bundles';
import { SecretSource } from '../../lib/secrets/secret-source';
import { baseEnvironment, testChart, validManifests } from '../support/synthesis';

const bundle = { defaultName: 'app-secrets', folder: 'app', keys: ['DB_URL', 'SECRET_KEY'], purpose: 'tests' };
const strategy = (secrets: Record<string, unknown>): SecretStrategy => parseEnvironment(baseEnvironment({ secrets })).secrets;

describe('SecretSource', () => {
  test('infisical: an InfisicalSecret that syncs the bundle folder of the project into the named Secret of this namespace', () => {
    const chart = testChart();
    const source = new SecretSource(chart, 'Secret', {
      environmentName: 'test',
      bundle,
      secretName: 'backend-secrets',
      strategy: strategy({
        strategy: 'infisical',
        secretsPath: '/co2/',
        hostApi: 'https://app.infisical.com/api',
        projectSlug: 'co2',
        envSlug: 'dev',
        credentialsSecretName: 'infisical-auth',
      }),
    });
    const manifests = validManifests(chart) as any[];
    expect(source.secretName).toBe('backend-secrets');
    expect(manifests[0].spec.authentication.universalAuth.secretsScope.secretsPath).toBe('/co2/app');
    expect(manifests).toMatchSnapshot();
  });

  test('external-secrets: an ExternalSecret fetching each key under a Key Vault compatible name', () => {
    const chart = testChart();
    new SecretSource(chart, 'Secret', {
      environmentName: 'test',
      bundle,
      strategy: strategy({
        strategy: 'external-secrets',
        storeRef: { kind: 'ClusterSecretStore', name: 'azure-key-vault' },
        remoteKeyPrefix: 'co2-prod-',
      }),
    });
    const [externalSecret] = validManifests(chart) as any[];
    expect(externalSecret).toMatchSnapshot();
    expect(externalSecret.spec.data.map((d: any) => d.remoteRef.key)).toEqual(['co2-prod-app-db-url', 'co2-prod-app-secret-key']);
    expect(externalSecret.metadata.name).toBe('app-secrets');
  });

  test('external-secrets: ownKeys are read under a name scoped by the environment, the rest under the shared one', () => {
    const chart = testChart();
    new SecretSource(chart, 'Secret', {
      environmentName: 'preview-a',
      bundle: { ...bundle, keys: ['OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET', 'DB_URL'] },
      strategy: strategy({
        strategy: 'external-secrets',
        storeRef: { kind: 'ClusterSecretStore', name: 'previews' },
        remoteKeyPrefix: 'co2-preview-',
        ownKeys: ['OAUTH_CLIENT_SECRET'],
      }),
    });
    const [externalSecret] = validManifests(chart) as any[];
    expect(externalSecret.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key])).toEqual([
      ['OAUTH_CLIENT_ID', 'co2-preview-app-oauth-client-id'],
      ['OAUTH_CLIENT_SECRET', 'co2-preview-preview-a-app-oauth-client-secret'],
      ['DB_URL', 'co2-preview-app-db-url'],
    ]);
  });

  test('existing: renders nothing and only names the Secret', () => {
    const chart = testChart();
    const source = new SecretSource(chart, 'Secret', { environmentName: 'test', bundle, secretName: 'made-by-hand', strategy: strategy({ strategy: 'existing' }) });
    expect(validManifests(chart)).toEqual([]);
    expect(source.secretName).toBe('made-by-hand');
  });

  test('the environment names each bundle, or takes its default name', () => {
    const names = strategy({ strategy: 'existing', names: { smtp: 'mail-password' } }).names;
    expect(names).toEqual({
      backend: SECRET_BUNDLES.backend.defaultName,
      databaseMonitoring: SECRET_BUNDLES.databaseMonitoring.defaultName,
      postgres: SECRET_BUNDLES.postgres.defaultName,
      smtp: 'mail-password',
    });
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
