/**
 * The Secrets the application needs, as a contract: who reads each, under which default name, and
 * which keys it must hold. An environment's secret strategy produces every bundle the same way (an
 * InfisicalSecret per bundle, an ExternalSecret per bundle, or a Secret made by hand); consumers only
 * ever see the Secret's name and read keys by reference.
 */
import { backendSecretVariables } from './backend-settings';

export interface SecretBundle {
  /** Name of the Secret unless the environment renames it. */
  readonly defaultName: string;
  /** Sub-folder of the Infisical path, and part of the remote key name for External Secrets. */
  readonly folder: string;
  /**
   * Keys it must hold. The backend's depend on the environment's features: the chart asks
   * backendSecretKeys (lib/application/backend-settings.ts) and lists the keys common to all here.
   */
  readonly keys: readonly string[];
  /** Who reads it, for people creating it by hand. */
  readonly purpose: string;
}

export const SECRET_BUNDLES = {
  backend: {
    defaultName: 'backend-secrets',
    folder: 'backend',
    // What every environment needs; features add theirs.
    keys: backendSecretVariables({ s3: false, filesEncryption: false, elasticsearch: false, tableau: false, accred: false }),
    purpose:
      'backend (session key, OAuth client; S3, file encryption, Elasticsearch, Tableau and Accred credentials when on), ' +
      'and with a managed database the DB_URL of the backend, migration Job and db-dump CronJob',
  },
  databaseMonitoring: {
    defaultName: 'db-monitoring',
    folder: 'database-monitoring',
    keys: ['POSTGRES_ENDPOINT', 'POSTGRES_USERNAME', 'POSTGRES_PASSWORD'],
    purpose: 'OpenTelemetry Collector postgresql receiver: host:port and a read-only role (pg_monitor)',
  },
  smtp: {
    defaultName: 'alertmanager-smtp',
    folder: 'alerting',
    keys: ['password'],
    purpose: 'Alertmanager email receivers: the SMTP password of the sending account',
  },
  postgres: {
    defaultName: 'postgres-credentials',
    folder: 'postgres',
    keys: ['POSTGRESQL_USER', 'POSTGRESQL_PASSWORD', 'POSTGRESQL_DATABASE'],
    purpose: 'in-cluster PostgreSQL only: the application role, its password (URL-safe) and database',
  },
} as const satisfies Record<string, SecretBundle>;

export type SecretBundleId = keyof typeof SECRET_BUNDLES;
