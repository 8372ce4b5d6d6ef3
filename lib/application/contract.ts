/**
 * What the CO2 Calculator's images need to run, as read in the application's public source: ports,
 * health paths, writable paths, and every setting the backend reads. Constructs take these facts from
 * here instead of restating them, and the invariant tests check every rendered workload against them.
 *
 * Where each fact was read (file and line at APPLICATION_COMMIT, or another pinned repository) is in
 * docs/sources/application.md, under the heading a comment here names (`#backend-image`). When the
 * application changes, read the new source, update both, and let the tests show what else must follow.
 */

/** The snapshot of EPFL-ENAC/co2-calculator these facts were read from (main, 2026-07-02). */
export const APPLICATION_COMMIT = 'e81d480525a229f55ecb6dd1d520bc0f6984baac';

/** nginxinc/docker-nginx-unprivileged, whose `stable` image both static images build on; snapshot of 2025-03-27. */
export const NGINX_UNPRIVILEGED_COMMIT = '8ead5cede31b9dc5a976d1b44bb1987226b48677';

/** nginx/pkg-oss at 1.26.3-1, the nginx.org package that image installs: the nginx.conf and default.conf it edits. */
export const NGINX_PACKAGE_COMMIT = '4f496b8020374691c6d599487f1472d291bbb710';

/**
 * The user an image's processes run as when Kubernetes sets none: its Dockerfile's `USER` and the
 * account behind it. The kubelet refuses a container with `runAsNonRoot: true` whose image user is a
 * name (it cannot tell the uid) or root, unless the pod gives a numeric `runAsUser`; platforms that do
 * not assign UIDs take `uid`/`gid` from here (see Platform.podUser).
 */
export interface ImageUser {
  /** The account name in the image's /etc/passwd. */
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** The image config's `User` as the kubelet sees it: a name, a number, or '' (root) when the Dockerfile sets none. */
  readonly imageUser: string;
}

/**
 * nginx-unprivileged's user, shared by the frontend and docs images, which set no USER of their own:
 * `USER $UID` is a number, so it passes the kubelet's check without a runAsUser (#nginx-unprivileged).
 */
const NGINX_UNPRIVILEGED_USER: ImageUser = {
  name: 'nginx',
  uid: 101,
  gid: 101,
  imageUser: '101',
};

/** nginx-unprivileged's STOPSIGNAL SIGQUIT: nginx's graceful shutdown. */
const NGINX_STOP_SIGNAL = {
  signal: 'SIGQUIT',
  behaviour: 'nginx closes its listeners, finishes the requests in progress, closes idle keep-alive connections, then exits',
} as const;

/** A directory a process writes to; with a read-only root filesystem it must be a volume. */
export interface WritablePath {
  readonly path: string;
  /** Who writes there, with the source line. */
  readonly why: string;
}

/** What an HTTP image serves: its port and the paths Kubernetes probes. */
export interface WebImageContract {
  /** Who the processes run as. */
  readonly user: ImageUser;
  /**
   * The signal the runtime sends to stop the container (the image's STOPSIGNAL), and what the
   * process does with it.
   */
  readonly stopSignal: { readonly signal: 'SIGTERM' | 'SIGQUIT' | 'SIGINT'; readonly behaviour: string };
  /** The container port, plain HTTP. */
  readonly port: number;
  readonly probes: {
    /** Answers while the process is alive; no dependency checked. */
    readonly liveness: string;
    /** Answers when the process can serve. */
    readonly readiness: string;
    /** Answers once started. @default the liveness path */
    readonly startup?: string;
  };
  /** Directories the processes of the image write to. */
  readonly writablePaths: readonly WritablePath[];
}

// ---------------------------------------------------------------------------------------------------
// Backend image (backend/Dockerfile)
// ---------------------------------------------------------------------------------------------------

/**
 * The backend image serving the API: `opentelemetry-instrument uvicorn app.main:app` on port 8000,
 * one worker (#backend-image).
 */
export const BACKEND_IMAGE = {
  // USER appuser, a name: the kubelet needs the uid from the pod where the platform assigns none.
  user: { name: 'appuser', uid: 1001, gid: 1001, imageUser: 'appuser' },
  stopSignal: {
    // No STOPSIGNAL; uvicorn is PID 1 (the command execs through opentelemetry-instrument).
    signal: 'SIGTERM',
    behaviour:
      'uvicorn stops accepting, waits for open requests and streams until UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN (no limit by default), then runs the lifespan shutdown',
  },
  port: 8000,
  probes: {
    // GET /healthz: 200 without touching the database.
    liveness: '/healthz',
    // GET /ready: SELECT 1 on the database, 503 when it fails.
    readiness: '/ready',
    startup: '/healthz',
  },
  writablePaths: [
    {
      path: '/tmp',
      why: 'Python tempfile: spooled multipart uploads, S3FilesStore temporary files, the detailed report export (#backend-image)',
    },
  ],
} as const satisfies WebImageContract;

/**
 * Where FILES_STORAGE_PATH points: an absolute path on the files volume. The default, relative to
 * WORKDIR, is on the read-only root filesystem, and is written at startup and even with S3 (#files-storage-path).
 */
export const FILES_STORAGE_PATH = '/var/lib/co2-calculator/files';

/**
 * Where the Elasticsearch CA file is mounted; ELASTICSEARCH_CA_CERT names the file. Its default, in
 * /etc/ssl/certs, would put a mount over the system CA directory.
 */
export const ELASTICSEARCH_CA_DIRECTORY = '/etc/co2-calculator/elasticsearch';
export const ELASTICSEARCH_CA_FILE = 'ca.crt';

/**
 * The migration, run with the backend image: `alembic upgrade head`. It reads only DB_URL, imports no
 * file store and logs to stderr: it writes nowhere (#migration).
 */
export const MIGRATION_COMMAND = {
  command: ['alembic', 'upgrade', 'head'],
  reads: ['DB_URL'],
  writablePaths: [] as readonly WritablePath[],
} as const;

/** An application feature an environment turns on or off; `core` is always on. */
export type BackendFeature = 'core' | 's3' | 'filesEncryption' | 'elasticsearch' | 'tableau' | 'accred';

/**
 * How the deployment provides a setting:
 * - `secret`: a key of the backend Secret, read by reference;
 * - `derived`: computed here from environment data (the field is `derivedFrom`); `backend.settings`
 *   may not set it;
 * - `tunable`: the application's default is right; an environment may change it in `backend.settings`.
 */
export type SettingProvision = 'secret' | 'derived' | 'tunable';

export interface BackendSetting {
  readonly feature: BackendFeature;
  readonly provision: SettingProvision;
  /**
   * The deployment must provide it whenever its feature is on: the application's default is wrong
   * in a cluster (a placeholder, localhost, a relative path, an empty credential).
   */
  readonly required?: boolean;
  /**
   * Whether the value is confidential. A `secret` that is not (false) belongs with the credentials it
   * was issued with (see the README, "Secrets"); a confidential `derived` setting (DB_URL) comes from a
   * Secret or is assembled from Secret keys by reference.
   */
  readonly confidential?: boolean;
  /** For a `derived` setting: the environment field it follows. */
  readonly derivedFrom?: string;
}

/**
 * Every setting of backend/app/core/config.py (read from the environment, case-sensitive, unknown
 * variables ignored) that the running code reads; where each is declared and read is a row of
 * #backend-settings. Settings the code declares but never reads are in IGNORED_BACKEND_SETTINGS.
 */
export const BACKEND_SETTINGS = {
  // --- core: every environment --------------------------------------------------------------------
  DB_URL: {
    feature: 'core',
    provision: 'derived',
    required: true,
    confidential: true,
    derivedFrom: 'database (the backend Secret for a managed database, assembled from postgres-credentials in the namespace)',
    // Default: a SQLite file in the working directory.
  },
  SECRET_KEY: {
    feature: 'core',
    provision: 'secret',
    required: true,
    confidential: true,
    // Default: the placeholder CHANGE_ME_TO_A_SECURE_RANDOM_VALUE.
  },
  OAUTH_CLIENT_ID: { feature: 'core', provision: 'secret', required: true, confidential: false },
  OAUTH_CLIENT_SECRET: { feature: 'core', provision: 'secret', required: true, confidential: true },
  OAUTH_ISSUER_URL: {
    feature: 'core',
    provision: 'secret',
    required: true,
    confidential: false,
    // Read through oauth_metadata_url.
  },
  FRONTEND_URL: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'host (https://<host>)',
    // Default http://localhost:9000; the OAuth callback redirects there.
  },
  COOKIE_SECURE: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'the platform: every host is served over HTTPS only, so always "true"',
    // Also forces the OAuth redirect_uri to https behind the TLS-terminating edge.
  },
  LOG_LEVEL: { feature: 'core', provision: 'derived', derivedFrom: 'logLevel' },
  DEBUG: {
    feature: 'core',
    provision: 'derived',
    derivedFrom: 'backend.debug',
    // Registers the /login-test authentication bypass and returns tracebacks (#backend-setting-notes).
  },
  APP_VERSION: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'images.backend (its tag, else sha256:<12 hex digits of the digest>)',
    // Default 0.1.0. Reported by GET / and the workers view, a 64-character column (#backend-setting-notes).
  },
  GIT_SHA: {
    feature: 'core',
    provision: 'derived',
    derivedFrom: 'images.backend, when its tag is a commit (40 hex digits, or sha-<hex>)',
  },
  FILES_STORAGE_PATH: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'the files volume (backend.files.volume), mounted at FILES_STORAGE_PATH',
    // Read twice: by Settings, and straight from os.environ by year_configuration.py.
  },
  FILES_MAX_SIZE_MB: {
    feature: 'core',
    provision: 'derived',
    derivedFrom: 'backend.files.maxUploadSizeMb (also the edge\'s request body limit)',
    // Per file of a multipart upload (#backend-setting-notes).
  },
  STALE_JOB_TIMEOUT_MINUTES: {
    feature: 'core',
    provision: 'derived',
    derivedFrom: 'backend.staleJobTimeoutMinutes (also the /api request timeout at the edge)',
  },
  APP_NAME: { feature: 'core', provision: 'tunable' },
  ALGORITHM: { feature: 'core', provision: 'tunable' },
  ACCESS_TOKEN_EXPIRE_MINUTES: { feature: 'core', provision: 'tunable' },
  REFRESH_TOKEN_EXPIRE_HOURS: { feature: 'core', provision: 'tunable' },
  OAUTH_SCOPE: { feature: 'core', provision: 'tunable' },
  OAUTH_COOKIE_PATH: { feature: 'core', provision: 'tunable' },
  PROVIDER_PLUGIN: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'backend.roleProvider',
    // 'default' reads roles from the JWT claims, 'accred' asks EPFL's Accred API; users are stored under
    // the provider's id, so an environment keeps the provider its data has.
  },
  WEEKS_PER_YEAR: { feature: 'core', provision: 'tunable' },
  CO2_PER_KM_KG: { feature: 'core', provision: 'tunable' },
  LOKI_ENABLED: { feature: 'core', provision: 'tunable' },
  LOKI_URL: { feature: 'core', provision: 'tunable' },
  LOKI_TENANT_ID: { feature: 'core', provision: 'tunable' },
  LOKI_TIMEOUT: { feature: 'core', provision: 'tunable' },
  LOKI_LABEL_JOB: { feature: 'core', provision: 'tunable' },
  LOKI_LABEL_ENV: { feature: 'core', provision: 'tunable' },
  RUN_BACKGROUND_POLLER: { feature: 'core', provision: 'tunable' },
  POLLER_INTERVAL_SECONDS: { feature: 'core', provision: 'tunable' },
  POLLER_BATCH_LIMIT: { feature: 'core', provision: 'tunable' },
  INGEST_COPY_BATCH_SIZE: { feature: 'core', provision: 'tunable' },
  RUN_PIPELINE_RECONCILER: { feature: 'core', provision: 'tunable' },
  PIPELINE_RECONCILER_INTERVAL_SECONDS: { feature: 'core', provision: 'tunable' },
  RUN_POD_HEARTBEAT: { feature: 'core', provision: 'tunable' },
  POD_HEARTBEAT_INTERVAL_SECONDS: { feature: 'core', provision: 'tunable' },

  // --- accred: EPFL's Accred API as the role and unit provider (PROVIDER_PLUGIN=accred) -----------
  // The providers refuse to start without all three; the team's chart takes them from its Secret (#backend-setting-notes).
  ACCRED_API_URL: { feature: 'accred', provision: 'secret', required: true, confidential: false },
  ACCRED_API_USERNAME: { feature: 'accred', provision: 'secret', required: true, confidential: false },
  ACCRED_API_KEY: { feature: 'accred', provision: 'secret', required: true, confidential: true },
  // Only reported by /ready, never failing it.
  ACCRED_API_HEALTH_URL: { feature: 'accred', provision: 'tunable' },

  // --- s3: uploads in S3 instead of the files volume ---------------------------------------------
  // S3 is used when hostname, access key and secret key are all set; the bucket is needed too.
  S3_ENDPOINT_HOSTNAME: { feature: 's3', provision: 'secret', required: true, confidential: false },
  S3_BUCKET: { feature: 's3', provision: 'secret', required: true, confidential: false },
  S3_ACCESS_KEY_ID: { feature: 's3', provision: 'secret', required: true, confidential: true },
  S3_SECRET_ACCESS_KEY: { feature: 's3', provision: 'secret', required: true, confidential: true },
  // From the Secret, as the team's chart has them: the prefix existing uploads are stored under must not
  // change, and the region and protocol go with the endpoint (#backend-setting-notes).
  S3_ENDPOINT_PROTOCOL: { feature: 's3', provision: 'secret', required: true, confidential: false },
  S3_REGION: { feature: 's3', provision: 'secret', required: true, confidential: false },
  S3_PATH_PREFIX: { feature: 's3', provision: 'secret', required: true, confidential: false },

  // --- filesEncryption: both set enable encryption of stored files ------------------------------
  FILES_ENCRYPTION_KEY: { feature: 'filesEncryption', provision: 'secret', required: true, confidential: true },
  FILES_ENCRYPTION_SALT: { feature: 'filesEncryption', provision: 'secret', required: true, confidential: true },

  // --- elasticsearch: the OPDo audit export (backend/app/elasticsearch/client.py) ----------------
  ELASTICSEARCH_HOSTS: { feature: 'elasticsearch', provision: 'secret', required: true, confidential: false },
  ELASTICSEARCH_INDEX: { feature: 'elasticsearch', provision: 'secret', required: true, confidential: false },
  ELASTICSEARCH_ID: { feature: 'elasticsearch', provision: 'secret', required: true, confidential: false },
  ELASTICSEARCH_API_KEY: { feature: 'elasticsearch', provision: 'secret', required: true, confidential: true },
  ELASTICSEARCH_CA_CERT: {
    feature: 'elasticsearch',
    provision: 'derived',
    required: true,
    derivedFrom: 'the CA file mounted from the backend Secret key ELASTICSEARCH_CA_CERT_FILE',
    // A path; the client refuses to start without the file and verifies with it.
  },
  AUDIT_SYNC_SKIP_ENTITY_TYPES: { feature: 'elasticsearch', provision: 'tunable' },
  AUDIT_SYNC_SKIP_HANDLER_IDS: { feature: 'elasticsearch', provision: 'tunable' },

  // --- tableau: the professional travel import (ProfessionalTravelApiProvider) -------------------
  TABLEAU_SERVER_URL: { feature: 'tableau', provision: 'secret', required: true, confidential: false },
  TABLEAU_SITE_CONTENT_URL: { feature: 'tableau', provision: 'secret', required: true, confidential: false },
  TABLEAU_DS_FLIGHTS_LUID: { feature: 'tableau', provision: 'secret', required: true, confidential: false },
  TABLEAU_CONNECTED_APP_CLIENT_ID: { feature: 'tableau', provision: 'secret', required: true, confidential: false },
  TABLEAU_CONNECTED_APP_SECRET_ID: { feature: 'tableau', provision: 'secret', required: true, confidential: false },
  // The HMAC key the JWTs are signed with.
  TABLEAU_CONNECTED_APP_SECRET_VALUE: { feature: 'tableau', provision: 'secret', required: true, confidential: true },
  TABLEAU_USERNAME: { feature: 'tableau', provision: 'secret', required: true, confidential: false },
  // From the Secret, as the team's chart has it (#backend-setting-notes).
  TABLEAU_VERIFY_SSL: { feature: 'tableau', provision: 'secret', required: true, confidential: false },
  TABLEAU_REQUEST_TIMEOUT_SECONDS: { feature: 'tableau', provision: 'tunable' },
  TABLEAU_REST_MIN_API_VERSION: { feature: 'tableau', provision: 'tunable' },
} as const satisfies Record<string, BackendSetting>;

export type BackendSettingName = keyof typeof BACKEND_SETTINGS;

/**
 * Variables the backend reads under names config.py does not declare (#undeclared-variables): OTEL_*,
 * read by `opentelemetry-instrument`, the image's command, in the serving process only; and HOSTNAME,
 * the pod's identity in the workers view, which Kubernetes sets to the pod name.
 */
export const TELEMETRY_VARIABLE_PREFIX = 'OTEL_';

/**
 * Variables the image's server reads, not config.py: the uvicorn CLI takes every option from
 * UVICORN_<OPTION> (#undeclared-variables). The deployment sets them from its shutdown timing.
 */
export const SERVER_VARIABLES = {
  // Seconds uvicorn waits for open requests and streams after SIGTERM before cancelling them; no limit by default.
  UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: 'uvicorn 0.49.0, --timeout-graceful-shutdown',
} as const;
export const PLATFORM_VARIABLES = { HOSTNAME: 'backend/app/tasks/_pod_id.py:6 (set to the pod name by Kubernetes)' } as const;

/**
 * Settings the deployment must not set, and why: declared but read by nothing, read only by tools the
 * deployment does not run, or fixed by how the image and the routing are built.
 */
export const IGNORED_BACKEND_SETTINGS: Readonly<Record<string, string>> = {
  ENVIRONMENT: 'not declared in backend/app/core/config.py and read by nothing in backend/app (the frontend\'s APP_ENVIRONMENT and the telemetry resource carry the environment)',
  HOST: 'set by the image (backend/Dockerfile:49) for its command (:60); config.py reads it only in run_main (backend/app/main.py:382), which the image does not run',
  PORT: 'set by the image (backend/Dockerfile:50) for its command (:60); the container port and probes follow BACKEND_IMAGE.port',
  WORKERS:
    'set to 1 by the image (backend/Dockerfile:51); scale with replicas instead: every worker would run its own poller and heartbeat under the same pod id (backend/app/tasks/_pod_id.py:6)',
  API_VERSION: 'the routers are mounted at its default /v1 (config.py:36, backend/app/main.py:282), which the frontend calls as /api/v1/ (frontend/src/api/http.ts:14) through the stripped /api path',
  API_DOCS_PREFIX: 'the app\'s root_path, default /api (config.py:35, backend/app/main.py:259): the public prefix of the /api path',
  LOCAL_ENVIRONMENT: 'creates the tables at startup (backend/app/main.py:46-50); the migration Job owns the schema',
  FORMULA_VERSION_SHA256_SHORT: 'read only by the seed scripts (backend/app/seed/seed_helper.py:21), which the deployment does not run',
  OAUTH_TENANT_ID: 'declared but "not used directly" (config.py:236-240); nothing reads it',
  HOURS_PER_WEEK: 'declared (config.py:128-131) but read by nothing',
  OPA_URL: 'declared (config.py:120) but read by nothing',
  OPA_TIMEOUT: 'declared (config.py:121) but read by nothing',
  OPA_ENABLED: 'declared (config.py:122) but read by nothing',
  TABLEAU_MAX_FIELDS: 'declared (config.py:164) but read by nothing',
  ELASTICSEARCH_TIMEOUT: 'declared (config.py:309-311) but the client hard-codes 30 s (backend/app/elasticsearch/client.py:231)',
  ELASTICSEARCH_MAX_RETRIES: 'declared (config.py:312-314) but the client hard-codes 3 (backend/app/elasticsearch/client.py:232)',
  ELASTICSEARCH_RETRY_ON_TIMEOUT: 'declared (config.py:315-317) but the client hard-codes True (backend/app/elasticsearch/client.py:233)',
};

/** The key of the backend Secret holding the Elasticsearch CA certificate, mounted as a file (not an environment variable). */
export const ELASTICSEARCH_CA_SECRET_KEY = 'ELASTICSEARCH_CA_CERT_FILE';

// ---------------------------------------------------------------------------------------------------
// Frontend image (frontend/Dockerfile): the SPA on nginx-unprivileged with the app's own nginx.conf
// ---------------------------------------------------------------------------------------------------

/** The SPA on nginx-unprivileged with the app's own nginx.conf (#frontend-image). */
export const FRONTEND_IMAGE = {
  user: NGINX_UNPRIVILEGED_USER,
  stopSignal: NGINX_STOP_SIGNAL,
  port: 8080,
  probes: {
    // Both answered 200 by nginx itself.
    liveness: '/healthz',
    readiness: '/ready',
    startup: '/healthz',
  },
  writablePaths: [
    {
      path: '/tmp',
      why: 'the pid file, every *_temp_path, and /tmp/injectEnv.js written at startup by the entrypoint (#frontend-image)',
    },
  ],
} as const satisfies WebImageContract;

/**
 * The runtime settings of the SPA. The entrypoint writes every APP_* variable into /tmp/injectEnv.js,
 * which nginx serves to every browser: an APP_* value is public, so none may come from a Secret
 * (#frontend-settings).
 */
export const FRONTEND_SETTINGS = {
  // GlitchTip's environment label; defaults to "development".
  APP_ENVIRONMENT: { required: true },
  // GlitchTip DSN; empty or absent disables error reporting.
  APP_SENTRY_DSN: { required: false },
  APP_MAP_TILE_STYLE_URL: { required: false },
} as const;

// ---------------------------------------------------------------------------------------------------
// Docs image (docs/Dockerfile): the MkDocs site on stock nginx-unprivileged
// ---------------------------------------------------------------------------------------------------

/**
 * The docs image: the built site in /usr/share/nginx/html on stock nginx-unprivileged, port 8080. The
 * deployment mounts its own server config over /etc/nginx/conf.d (lib/workloads/docs-server.ts); the
 * image's entrypoint scripts leave a read-only conf.d alone (#docs-image).
 */
export const DOCS_IMAGE = {
  user: NGINX_UNPRIVILEGED_USER,
  stopSignal: NGINX_STOP_SIGNAL,
  port: 8080,
  siteRoot: '/usr/share/nginx/html',
  serverConfigDirectory: '/etc/nginx/conf.d',
  serverConfigFile: 'default.conf',
  writablePaths: [
    {
      path: '/tmp',
      why: 'the pid file and every *_temp_path, moved to /tmp by nginx-unprivileged; nothing writes /var/cache/nginx or /var/run',
    },
  ],
} as const;

// ---------------------------------------------------------------------------------------------------
// PostgreSQL: the official image (docker-library/postgres), for the in-cluster database and the backup client
// ---------------------------------------------------------------------------------------------------

/**
 * The official postgres image: uid 999 and no USER, so it starts as root and steps down with gosu;
 * started as another user it runs the server itself, with nss_wrapper for an unknown uid (#postgres-image).
 */
export const POSTGRES_IMAGE = {
  user: { name: 'postgres', uid: 999, gid: 999, imageUser: '' } satisfies ImageUser,
  /**
   * PGDATA is a directory inside the mount: the entrypoint chmods PGDATA 0700, which only its owner
   * may, and initdb refuses a non-empty directory (lost+found).
   */
  dataMount: '/var/lib/postgresql/data',
  pgdata: '/var/lib/postgresql/data/pgdata',
  /** The socket directory and nss_wrapper's files. */
  writablePaths: [
    { path: '/var/run/postgresql', why: 'the server\'s unix socket and lock file' },
    { path: '/tmp', why: 'nss_wrapper\'s passwd and group files under an unknown uid' },
  ] as readonly WritablePath[],
  /** Variables the entrypoint reads to create the role and database on the first start. */
  credentialVariables: { user: 'POSTGRES_USER', password: 'POSTGRES_PASSWORD', database: 'POSTGRES_DB' },
  /** STOPSIGNAL SIGINT: PostgreSQL's fast shutdown. */
  stopSignal: 'SIGINT',
} as const;

// ---------------------------------------------------------------------------------------------------
// Network: what each workload opens connections to (#egress)
// ---------------------------------------------------------------------------------------------------

/**
 * Destinations outside the namespace, each named by the setting that addresses it: the managed
 * database (DB_URL), the OIDC provider (OAUTH_ISSUER_URL), S3 (S3_ENDPOINT_HOSTNAME), Elasticsearch
 * (ELASTICSEARCH_HOSTS), Tableau (TABLEAU_SERVER_URL), Accred (ACCRED_API_URL); the public host the
 * collector probes; the API and OAuth servers the Jaeger UI's proxy asks.
 */
export type ExternalNeed = 'identityProvider' | 's3' | 'elasticsearch' | 'tableau' | 'accred' | 'publicHost' | 'kubernetesApi' | 'oauthServer';

/**
 * What a pod sends to: the cluster DNS; the database (the managed server, or the PostgreSQL of the
 * namespace); the collector's and Jaeger's OTLP gRPC ports; or an external destination.
 */
export type EgressNeed = 'dns' | 'database' | 'collector' | 'jaeger' | ExternalNeed;

/** What decides the needs of a workload in one environment. */
export interface EgressContext {
  /** The backend exports telemetry to a collector of the namespace. */
  readonly telemetry: boolean;
  /** The backend features on (lib/application/backend-settings.ts, backendFeatures). */
  readonly features: { readonly s3: boolean; readonly elasticsearch: boolean; readonly tableau: boolean; readonly accred: boolean };
  /** The Jaeger pod carries the OAuth proxy of the UI. */
  readonly tracingUi: boolean;
}

/**
 * Every workload that runs pods, by the `app.kubernetes.io/name` of its pods, and what it sends to
 * (#egress). The frontend's and the docs' nginx proxy nothing and resolve no name; Jaeger only
 * receives, unless its UI's OAuth proxy runs beside it; the in-namespace PostgreSQL only serves.
 */
export const WORKLOAD_EGRESS: Readonly<Record<string, (context: EgressContext) => readonly EgressNeed[]>> = {
  frontend: () => [],
  docs: () => [],
  backend: ({ telemetry, features }) => [
    'dns',
    'database',
    'identityProvider',
    ...(telemetry ? (['collector'] as const) : []),
    ...(['s3', 'elasticsearch', 'tableau', 'accred'] as const).filter((feature) => features[feature]),
  ],
  // alembic reads only DB_URL (#migration); pg_dump only the database.
  'backend-migration': () => ['dns', 'database'],
  'db-dump': () => ['dns', 'database'],
  // Its receivers and exporters: postgresql, httpcheck (the public host), otlp/jaeger (#egress).
  'otel-collector': () => ['dns', 'database', 'jaeger', 'publicHost'],
  'otel-collector-jaeger': ({ tracingUi }) => (tracingUi ? ['dns', 'kubernetesApi', 'oauthServer'] : []),
  postgres: () => [],
};
