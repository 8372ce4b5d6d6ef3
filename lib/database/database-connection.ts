import { k8s } from 'cdk8s-plus-28';

/**
 * How a process reaches the application database: environment variables that end with DB_URL
 * defined. Every process that connects (the API, the migration, the backup) receives the same list,
 * so where the database lives is decided once.
 */
export interface DatabaseConnection {
  readonly env: readonly k8s.EnvVar[];
  /** Major version of the server, for clients that must not be older (pg_dump). */
  readonly serverMajorVersion: number;
}

/** A managed database: the whole URL, credentials included, is a key of a Secret. */
export function secretDatabaseUrl(secretName: string, serverMajorVersion: number, key = 'DB_URL'): DatabaseConnection {
  return { env: [{ name: 'DB_URL', valueFrom: { secretKeyRef: { name: secretName, key } } }], serverMajorVersion };
}
