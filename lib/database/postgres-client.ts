/**
 * Which pg_dump a client image carries. pg_dump refuses to dump a server of a newer major version, so a
 * client image older than the server would fail every night; the construct refuses it at synth time.
 */
import { formatImageReference, ImageReference } from '../core/image';

/** Repositories whose tags are PostgreSQL versions: docker.io/library/postgres, bitnami/postgresql, mirrors of them. */
const POSTGRES_REPOSITORY = /(?:^|\/)postgres(?:ql)?$/;
/** "17", "17.2", "17.2-bookworm", "16-alpine": the major version is the leading number. */
const VERSION_TAG = /^(\d+)(?:[.-]|$)/;

/** The first PostgreSQL release whose major version is a single number. */
const FIRST_SINGLE_NUMBER_MAJOR = 10;

/** The major version of pg_dump in a PostgreSQL image, from its tag; undefined when the tag does not say. */
export function postgresMajorVersionOfImage(image: ImageReference): number | undefined {
  if (!POSTGRES_REPOSITORY.test(image.repository) || image.tag === undefined) return undefined;
  const match = VERSION_TAG.exec(image.tag);
  return match ? Number(match[1]) : undefined;
}

function requireMajorVersion(what: string, version: number): void {
  if (!Number.isInteger(version) || version < FIRST_SINGLE_NUMBER_MAJOR) {
    throw new Error(`${what} must be a PostgreSQL major version such as 16 (10 or later), got ${version}`);
  }
}

/**
 * The client's major version, checked against the server's: from `explicit` when given (it must agree
 * with the tag when the tag says), else from the tag. Throws an error that says what to change.
 */
export function checkClientVersion(image: ImageReference, serverMajorVersion: number, explicit?: number): number {
  const reference = formatImageReference(image);
  requireMajorVersion('serverMajorVersion', serverMajorVersion);
  if (explicit !== undefined) requireMajorVersion('clientMajorVersion', explicit);
  const fromTag = postgresMajorVersionOfImage(image);
  if (explicit !== undefined && fromTag !== undefined && explicit !== fromTag) {
    throw new Error(`clientMajorVersion ${explicit} contradicts the image "${reference}", whose tag says PostgreSQL ${fromTag}`);
  }
  const client = explicit ?? fromTag;
  if (client === undefined) {
    throw new Error(`cannot tell the pg_dump version of "${reference}" from its tag: set clientMajorVersion`);
  }
  if (client < serverMajorVersion) {
    throw new Error(
      `the image "${reference}" has pg_dump ${client}, older than the server's PostgreSQL ${serverMajorVersion}: ` +
        `pg_dump cannot dump a newer server; use a client image of version ${serverMajorVersion} or later`,
    );
  }
  return client;
}
