/**
 * The backend's settings as an environment turns features on and off: which keys its Secret must
 * hold, which plain settings it may tune, and what the image reference says about the version. All of
 * it follows lib/application/contract.ts.
 */
import type { ImageReference } from '../core/image';
import {
  BACKEND_SETTINGS,
  BackendFeature,
  BackendSetting,
  BackendSettingName,
  ELASTICSEARCH_CA_SECRET_KEY,
  IGNORED_BACKEND_SETTINGS,
  PLATFORM_VARIABLES,
  SERVER_VARIABLES,
  TELEMETRY_VARIABLE_PREFIX,
} from './contract';

/** The optional features of the backend, on or off in one environment. */
export type BackendFeatures = Readonly<Record<Exclude<BackendFeature, 'core'>, boolean>>;

/** Where each feature is switched in an environment, for error messages. */
export const FEATURE_FIELDS: Readonly<Record<Exclude<BackendFeature, 'core'>, string>> = {
  s3: 'backend.files.s3',
  filesEncryption: 'backend.files.encryption',
  elasticsearch: 'backend.integrations.elasticsearch',
  tableau: 'backend.integrations.tableau',
  accred: 'backend.roleProvider',
};

/** The features an environment's backend settings turn on (see `backend` in lib/config/environment.ts). */
export function backendFeatures(backend: {
  readonly files: { readonly s3: boolean; readonly encryption: boolean };
  readonly integrations: { readonly elasticsearch: boolean; readonly tableau: boolean };
  readonly roleProvider?: RoleProvider;
}): BackendFeatures {
  return {
    s3: backend.files.s3,
    filesEncryption: backend.files.encryption,
    elasticsearch: backend.integrations.elasticsearch,
    tableau: backend.integrations.tableau,
    accred: backend.roleProvider === 'accred',
  };
}

/**
 * The role providers a deployment may choose (PROVIDER_PLUGIN; the application's third, 'test', serves
 * only /login-test): 'default' reads roles from the JWT claims, 'accred' asks EPFL's Accred API.
 */
export const ROLE_PROVIDERS = ['default', 'accred'] as const;
export type RoleProvider = (typeof ROLE_PROVIDERS)[number];

export function isFeatureOn(feature: BackendFeature, features: BackendFeatures): boolean {
  return feature === 'core' || features[feature];
}

const settingEntries = Object.entries(BACKEND_SETTINGS) as Array<[BackendSettingName, BackendSetting]>;

export function backendSetting(name: string): BackendSetting | undefined {
  return (BACKEND_SETTINGS as Record<string, BackendSetting>)[name];
}

/**
 * The settings the running backend needs from this deployment with these features on: every required
 * setting of an enabled feature.
 */
export function requiredBackendSettings(features: BackendFeatures): BackendSettingName[] {
  return settingEntries.filter(([, setting]) => setting.required && isFeatureOn(setting.feature, features)).map(([name]) => name);
}

/**
 * Environment variables of the backend Secret, read by reference, for these features: the required
 * secrets of every enabled feature.
 */
export function backendSecretVariables(features: BackendFeatures): BackendSettingName[] {
  return requiredBackendSettings(features).filter((name) => BACKEND_SETTINGS[name].provision === 'secret');
}

/**
 * Every key the backend Secret must hold in an environment: DB_URL for a managed database (an in-cluster
 * one is assembled from its own credentials), the secret settings of each enabled feature, and the
 * Elasticsearch CA file when the audit export is on.
 */
export function backendSecretKeys(features: BackendFeatures, options: { readonly managedDatabase: boolean }): string[] {
  return [
    ...(options.managedDatabase ? ['DB_URL'] : []),
    ...backendSecretVariables(features),
    ...(features.elasticsearch ? [ELASTICSEARCH_CA_SECRET_KEY] : []),
  ];
}

/** Why a plain setting of `backend.settings` is refused, or undefined when the environment may set it. */
export function refuseBackendSetting(name: string, features: BackendFeatures): string | undefined {
  const setting = backendSetting(name);
  if (setting === undefined) {
    const ignored = IGNORED_BACKEND_SETTINGS[name];
    if (ignored !== undefined) return `${name} is not for the deployment to set: ${ignored}`;
    if (name.startsWith(TELEMETRY_VARIABLE_PREFIX)) return `${name} is derived from observability: the telemetry settings follow the environment's collector`;
    if (name in SERVER_VARIABLES) return `${name} is derived from the backend's shutdown timing (lib/workloads/shutdown.ts)`;
    if (name in PLATFORM_VARIABLES) return `${name} is set by Kubernetes (${PLATFORM_VARIABLES[name as keyof typeof PLATFORM_VARIABLES]})`;
    return (
      `${name} is not a setting the application reads (lib/application/contract.ts); ` +
      'a setting the contract does not list yet goes in backend.extraSettings, with who reads it'
    );
  }
  switch (setting.provision) {
    case 'secret':
      return `${name} is a secret: it comes from the backend Secret, never from plain settings`;
    case 'derived':
      return `${name} is derived from ${setting.derivedFrom}: set that instead`;
    case 'tunable':
      if (!isFeatureOn(setting.feature, features)) {
        return `${name} belongs to ${setting.feature}, which is off in this environment (${FEATURE_FIELDS[setting.feature as keyof BackendFeatures]})`;
      }
      return undefined;
  }
}

/** Why an entry of `backend.extraSettings` is refused: the contract knows it, so it belongs elsewhere. */
export function refuseExtraSetting(name: string): string | undefined {
  if (backendSetting(name) !== undefined || name in IGNORED_BACKEND_SETTINGS || name in PLATFORM_VARIABLES || name in SERVER_VARIABLES || name.startsWith(TELEMETRY_VARIABLE_PREFIX)) {
    return `${name} is in the application contract (lib/application/contract.ts): set it in backend.settings, where it is checked`;
  }
  return undefined;
}

/** At most this many characters: the workers view stores APP_VERSION and GIT_SHA in 64-character columns (backend/app/models/pod.py:48-49 at APPLICATION_COMMIT). */
const POD_COLUMN_LENGTH = 64;
const FULL_COMMIT = /^[0-9a-f]{40}$/;
/** docker/metadata-action's `type=sha` tag: "sha-" and the short commit (its documented default prefix). */
const SHA_TAG = /^sha-([0-9a-f]{7,40})$/;

/**
 * APP_VERSION and, when the image reference names one, GIT_SHA. The tag is the version (`1.4.2`,
 * `pr-412`, `sha-3f9c2e1`); a digest-only reference reports `sha256:` and the digest's first 12 hex
 * digits. GIT_SHA is set only when the tag is a commit: 40 hex digits (the tag the team's pipeline
 * pushes for every build, epfl-enac-build-push-deploy-action v3.0.7 7e07a0f,
 * .github/workflows/deploy.yml:319) or `sha-<hex>`. A digest is a hash of the image, never a commit;
 * a version tag names none.
 */
export function backendVersionSettings(image: ImageReference): { APP_VERSION: string; GIT_SHA?: string } {
  const version = image.tag ?? `sha256:${image.digest!.slice('sha256:'.length, 'sha256:'.length + 12)}`;
  if (version.length > POD_COLUMN_LENGTH) {
    throw new Error(
      `image tag "${version}" is ${version.length} characters long: APP_VERSION is stored in a ${POD_COLUMN_LENGTH}-character column (backend/app/models/pod.py:49); use a shorter tag`,
    );
  }
  const commit = image.tag === undefined ? undefined : FULL_COMMIT.test(image.tag) ? image.tag : SHA_TAG.exec(image.tag)?.[1];
  return commit === undefined ? { APP_VERSION: version } : { APP_VERSION: version, GIT_SHA: commit };
}
