/**
 * What the CO2 Calculator's images need to run, as read in the application's public source: ports,
 * health paths, writable paths, and every setting the backend reads. Constructs take these facts from
 * here instead of restating them, and the invariant tests check every rendered workload against them.
 *
 * Every fact names where it comes from: `file:line` in EPFL-ENAC/co2-calculator at APPLICATION_COMMIT,
 * unless another repository (and its commit or tag) is named. When the application changes, read the
 * new source, update this file, and let the tests show what else must follow.
 */

/** The snapshot of EPFL-ENAC/co2-calculator these facts were read from (main, 2026-07-02). */
export const APPLICATION_COMMIT = 'e81d480525a229f55ecb6dd1d520bc0f6984baac';

/**
 * nginxinc/docker-nginx-unprivileged, whose `stable` image both static images build on
 * (frontend/Dockerfile:48, docs/Dockerfile:34); snapshot of 2025-03-27.
 */
export const NGINX_UNPRIVILEGED_COMMIT = '8ead5cede31b9dc5a976d1b44bb1987226b48677';

/**
 * nginx/pkg-oss at 1.26.3-1, the nginx.org package that image installs (stable/debian/Dockerfile:11,14,46):
 * its nginx.conf and default.conf are the ones the image edits.
 */
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
  /** Where the account and USER are declared. */
  readonly readAt: string;
}

/**
 * nginx-unprivileged's user, shared by the frontend and docs images (both `FROM
 * nginxinc/nginx-unprivileged:stable` and set no USER of their own, frontend/Dockerfile:48-72,
 * docs/Dockerfile:34-43): `ARG UID=101`, `ARG GID=101`, the nginx account created with them, `USER $UID`,
 * so the image config's User is the number and passes the kubelet's check without a runAsUser.
 */
const NGINX_UNPRIVILEGED_USER: ImageUser = {
  name: 'nginx',
  uid: 101,
  gid: 101,
  imageUser: '101',
  readAt: 'nginxinc/docker-nginx-unprivileged stable/debian/Dockerfile (ARG UID/GID, adduser, USER $UID)',
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
 * The backend image serving the API: `opentelemetry-instrument uvicorn app.main:app --host $HOST --port
 * $PORT --workers $WORKERS` (backend/Dockerfile:60), with HOST=0.0.0.0, PORT=8000, WORKERS=1 set in the
 * image (backend/Dockerfile:46-52, EXPOSE 8000 at :54).
 */
export const BACKEND_IMAGE = {
  user: {
    name: 'appuser',
    uid: 1001,
    gid: 1001,
    imageUser: 'appuser',
    // groupadd -g 1001 appgroup; useradd -u 1001 -g appgroup appuser; USER appuser (same at v1.0.7).
    readAt: 'backend/Dockerfile:35-39',
  },
  stopSignal: {
    // No STOPSIGNAL in backend/Dockerfile; `sh -c "exec opentelemetry-instrument uvicorn …"` (:60) leaves
    // uvicorn as PID 1 (opentelemetry-instrument execs its target).
    signal: 'SIGTERM',
    behaviour:
      'uvicorn stops accepting, waits for open requests and streams until UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN (no limit by default), then runs the lifespan shutdown',
  },
  port: 8000,
  probes: {
    // GET /healthz: 200 without touching the database (backend/app/main.py:296-304).
    liveness: '/healthz',
    // GET /ready: SELECT 1 on the database, 503 when it fails (backend/app/main.py:307-373).
    readiness: '/ready',
    startup: '/healthz',
  },
  writablePaths: [
    {
      path: '/tmp',
      why:
        'Python tempfile: Starlette spools multipart uploads above 1 MB to a SpooledTemporaryFile (encode/starlette ' +
        '0.47.3 cb8f84f, starlette/formparsers.py:126,209; the app pins 1.3.1, backend/pyproject.toml:10); ' +
        'S3FilesStore writes temporary files (EPFL-ENAC/enacit4r-files 1.0.0 c5380ed, services/s3.py:586,682); ' +
        'the detailed report export writes CSVs and a zip (backend/app/api/v1/backoffice.py:521,568)',
    },
  ],
} as const satisfies WebImageContract;

/**
 * Where FILES_STORAGE_PATH points: an absolute path on the files volume. The default is relative,
 * `./files_storage` (backend/app/core/config.py:50-53), i.e. /app/files_storage under WORKDIR /app
 * (backend/Dockerfile:33): on the read-only root filesystem. The local files store creates it when
 * the files module is imported, at startup (LocalFilesStore.__init__ mkdir, enacit4r-files 1.0.0
 * services/local.py:24, called by backend/app/api/v1/files.py:76,79), and reduction-objective uploads are
 * written there even when S3 is configured (backend/app/api/v1/year_configuration.py:328-330,380-408).
 */
export const FILES_STORAGE_PATH = '/var/lib/co2-calculator/files';

/**
 * Where the Elasticsearch CA file is mounted; ELASTICSEARCH_CA_CERT names the file. Its default,
 * /etc/ssl/certs/http_ca_test.crt (config.py:305-308), would put a mount over the system CA directory.
 */
export const ELASTICSEARCH_CA_DIRECTORY = '/etc/co2-calculator/elasticsearch';
export const ELASTICSEARCH_CA_FILE = 'ca.crt';

/**
 * The migration, run with the backend image: `alembic upgrade head`. backend/alembic/env.py imports
 * app.models and app.core.config (env.py:14,17) and reads only DB_URL (env.py:24). Its import closure
 * (app.models, app.modules.*, app.core.logging, app.services.{factor,location,building_room,
 * exchange_rates}_service, app.utils.distance_geography; computed from the source) does not import
 * app.api.v1.files, so it creates no file store; alembic logs to stderr only (backend/alembic.ini,
 * handler_console). It writes nowhere.
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
  /** Where it is declared and read, `file:line` at APPLICATION_COMMIT. */
  readonly readAt: string;
  /**
   * Whether the value is confidential. A `secret` that is not (false) belongs with the credentials it
   * was issued with (see the README, "Secrets"); a confidential `derived` setting (DB_URL) comes from a
   * Secret or is assembled from Secret keys by reference.
   */
  readonly confidential?: boolean;
  /** For a `derived` setting: the environment field it follows. */
  readonly derivedFrom?: string;
}

const CONFIG = 'backend/app/core/config.py';

/**
 * Every setting of backend/app/core/config.py (Settings, read from the environment, case-sensitive,
 * unknown variables ignored: config.py:285-287) that the running code reads, plus FILES_STORAGE_PATH's
 * second reader. Settings the code declares but never reads are in IGNORED_BACKEND_SETTINGS.
 */
export const BACKEND_SETTINGS = {
  // --- core: every environment --------------------------------------------------------------------
  DB_URL: {
    feature: 'core',
    provision: 'derived',
    required: true,
    confidential: true,
    derivedFrom: 'database (the backend Secret for a managed database, assembled from postgres-credentials in the namespace)',
    // Default: a SQLite file in the working directory (config.py:40-46).
    readAt: `${CONFIG}:40-46; backend/app/db.py:17; backend/alembic/env.py:24`,
  },
  SECRET_KEY: {
    feature: 'core',
    provision: 'secret',
    required: true,
    confidential: true,
    // Default: the placeholder CHANGE_ME_TO_A_SECURE_RANDOM_VALUE (config.py:112-115).
    readAt: `${CONFIG}:112-115; backend/app/core/security.py:60; backend/app/main.py:269`,
  },
  OAUTH_CLIENT_ID: { feature: 'core', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:218-221; backend/app/api/v1/auth.py:89` },
  OAUTH_CLIENT_SECRET: { feature: 'core', provision: 'secret', required: true, confidential: true, readAt: `${CONFIG}:222-225; backend/app/api/v1/auth.py:90` },
  OAUTH_ISSUER_URL: {
    feature: 'core',
    provision: 'secret',
    required: true,
    confidential: false,
    // Read through oauth_metadata_url (config.py:276-283).
    readAt: `${CONFIG}:226-235,276-283; backend/app/api/v1/auth.py:88`,
  },
  FRONTEND_URL: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'host (https://<host>)',
    // Default http://localhost:9000 (config.py:267-270); the OAuth callback redirects there.
    readAt: `${CONFIG}:267-270; backend/app/api/v1/auth.py:306,465`,
  },
  COOKIE_SECURE: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'the platform: every host is served over HTTPS only, so always "true"',
    // Also forces the OAuth redirect_uri to https behind the TLS-terminating edge (auth.py:357-362).
    readAt: `${CONFIG}:249-259; backend/app/api/v1/auth.py:138,149,361`,
  },
  LOG_LEVEL: { feature: 'core', provision: 'derived', derivedFrom: 'logLevel', readAt: `${CONFIG}:125; backend/app/core/logging.py:183,228` },
  DEBUG: {
    feature: 'core',
    provision: 'derived',
    derivedFrom: 'backend.debug',
    // Registers the /login-test authentication bypass (auth.py:545-546), returns tracebacks (auth.py:528-534).
    readAt: `${CONFIG}:27-31; backend/app/main.py:131,273; backend/app/api/v1/auth.py:545`,
  },
  APP_VERSION: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'images.backend (its tag, else sha256:<12 hex digits of the digest>)',
    // Default 0.1.0 (config.py:26). Reported by GET / (main.py:288-293) and the workers view via the
    // pods table, a 64-character column (pod_heartbeat.py:81; backend/app/models/pod.py:49).
    readAt: `${CONFIG}:26; backend/app/main.py:130,290; backend/app/tasks/_pod_heartbeat.py:81`,
  },
  GIT_SHA: {
    feature: 'core',
    provision: 'derived',
    derivedFrom: 'images.backend, when its tag is a commit (40 hex digits, or sha-<hex>)',
    readAt: `${CONFIG}:439-447; backend/app/tasks/_pod_heartbeat.py:80,129`,
  },
  FILES_STORAGE_PATH: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'the files volume (backend.files.volume), mounted at FILES_STORAGE_PATH',
    // Read twice: by Settings, and straight from os.environ by year_configuration.py.
    readAt: `${CONFIG}:50-53; backend/app/api/v1/files.py:76; backend/app/api/v1/year_configuration.py:330`,
  },
  FILES_MAX_SIZE_MB: {
    feature: 'core',
    provision: 'derived',
    derivedFrom: 'backend.files.maxUploadSizeMb (also the edge\'s request body limit)',
    // Per file of a multipart upload (enacit4r-files 1.0.0 utils/files.py:35-46).
    readAt: `${CONFIG}:106-109; backend/app/api/v1/files.py:80`,
  },
  STALE_JOB_TIMEOUT_MINUTES: {
    feature: 'core',
    provision: 'derived',
    derivedFrom: 'backend.staleJobTimeoutMinutes (also the /api request timeout at the edge)',
    readAt: `${CONFIG}:336-349; backend/app/tasks/_poller.py:110; backend/app/tasks/runner.py:380`,
  },
  APP_NAME: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:25; backend/app/main.py:129,289` },
  ALGORITHM: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:117; backend/app/core/security.py:61` },
  ACCESS_TOKEN_EXPIRE_MINUTES: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:264; backend/app/api/v1/auth.py:110` },
  REFRESH_TOKEN_EXPIRE_HOURS: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:265; backend/app/api/v1/auth.py:111` },
  OAUTH_SCOPE: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:241-244; backend/app/api/v1/auth.py:92` },
  OAUTH_COOKIE_PATH: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:245-248; backend/app/api/v1/auth.py:137` },
  PROVIDER_PLUGIN: {
    feature: 'core',
    provision: 'derived',
    required: true,
    derivedFrom: 'backend.roleProvider',
    // 'default' reads roles from the JWT claims, 'accred' asks EPFL's Accred API (config.py:167-197); users are
    // stored under the provider's id (backend/app/models/user.py), so an environment keeps the provider its data has.
    readAt: `${CONFIG}:167-197; backend/app/providers/role_provider.py:663; backend/app/providers/unit_provider.py:356`,
  },
  WEEKS_PER_YEAR: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:132-135; backend/app/modules/equipment/schemas.py:234` },
  CO2_PER_KM_KG: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:138-142; backend/app/api/v1/carbon_report_module_stats.py:175` },
  LOKI_ENABLED: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:145; backend/app/core/logging.py:213` },
  LOKI_URL: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:146; backend/app/core/logging.py:215` },
  LOKI_TENANT_ID: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:147; backend/app/core/logging.py:216` },
  LOKI_TIMEOUT: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:148; backend/app/core/logging.py:218` },
  LOKI_LABEL_JOB: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:150; backend/app/core/logging.py:142` },
  LOKI_LABEL_ENV: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:151; backend/app/core/logging.py:143` },
  RUN_BACKGROUND_POLLER: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:350-353; backend/app/main.py:61` },
  POLLER_INTERVAL_SECONDS: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:354-365; backend/app/tasks/_poller.py:131` },
  POLLER_BATCH_LIMIT: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:366-375; backend/app/tasks/_poller.py:124` },
  INGEST_COPY_BATCH_SIZE: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:376-386; backend/app/services/data_ingestion/base_csv_provider.py:916` },
  RUN_PIPELINE_RECONCILER: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:389-401; backend/app/main.py:70` },
  PIPELINE_RECONCILER_INTERVAL_SECONDS: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:402-412; backend/app/tasks/_pipeline_reconciler.py:111` },
  RUN_POD_HEARTBEAT: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:415-427; backend/app/main.py:87` },
  POD_HEARTBEAT_INTERVAL_SECONDS: { feature: 'core', provision: 'tunable', readAt: `${CONFIG}:428-437; backend/app/tasks/_pod_heartbeat.py:119` },

  // --- accred: EPFL's Accred API as the role and unit provider (PROVIDER_PLUGIN=accred) -----------
  // The providers refuse to start without all three (role_provider.py:357-361, unit_provider.py:106-110); the team's
  // chart takes them from its Secret (helm/templates/backend-deployment.yaml:110-124 at v1.0.7).
  ACCRED_API_URL: { feature: 'accred', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:200-203; backend/app/providers/role_provider.py:353; backend/app/providers/unit_provider.py:102` },
  ACCRED_API_USERNAME: { feature: 'accred', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:204-207; backend/app/providers/role_provider.py:354; backend/app/providers/unit_provider.py:103` },
  ACCRED_API_KEY: { feature: 'accred', provision: 'secret', required: true, confidential: true, readAt: `${CONFIG}:208-211; backend/app/providers/role_provider.py:355; backend/app/providers/unit_provider.py:104` },
  // Only reported by /ready, never failing it (main.py:333-349).
  ACCRED_API_HEALTH_URL: { feature: 'accred', provision: 'tunable', readAt: `${CONFIG}:212-215; backend/app/main.py:333` },

  // --- s3: uploads in S3 instead of the files volume ---------------------------------------------
  // files.py:61-74 uses S3 when hostname, access key and secret key are all set; the bucket is needed too.
  S3_ENDPOINT_HOSTNAME: { feature: 's3', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:81-84; backend/app/api/v1/files.py:62,67` },
  S3_BUCKET: { feature: 's3', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:97-100; backend/app/api/v1/files.py:71` },
  S3_ACCESS_KEY_ID: { feature: 's3', provision: 'secret', required: true, confidential: true, readAt: `${CONFIG}:85-88; backend/app/api/v1/files.py:63,68` },
  S3_SECRET_ACCESS_KEY: { feature: 's3', provision: 'secret', required: true, confidential: true, readAt: `${CONFIG}:89-92; backend/app/api/v1/files.py:64,69` },
  // From the Secret, as the team's chart has them (helm/templates/backend-deployment.yaml:140-174 at v1.0.7): the
  // prefix the existing uploads are stored under must not change, and the region and protocol go with the endpoint.
  S3_ENDPOINT_PROTOCOL: { feature: 's3', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:77-80; backend/app/api/v1/files.py:67` },
  S3_REGION: { feature: 's3', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:93-96; backend/app/api/v1/files.py:70` },
  S3_PATH_PREFIX: { feature: 's3', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:101-104; backend/app/api/v1/files.py:72` },

  // --- filesEncryption: both set enable encryption of stored files (files.py:47-59) ---------------
  FILES_ENCRYPTION_KEY: { feature: 'filesEncryption', provision: 'secret', required: true, confidential: true, readAt: `${CONFIG}:55-65; backend/app/api/v1/files.py:48,58` },
  FILES_ENCRYPTION_SALT: { feature: 'filesEncryption', provision: 'secret', required: true, confidential: true, readAt: `${CONFIG}:66-75; backend/app/api/v1/files.py:51` },

  // --- elasticsearch: the OPDo audit export (backend/app/elasticsearch/client.py) ----------------
  ELASTICSEARCH_HOSTS: { feature: 'elasticsearch', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:291-294; backend/app/elasticsearch/client.py:28` },
  ELASTICSEARCH_INDEX: { feature: 'elasticsearch', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:295-297; backend/app/elasticsearch/client.py:29` },
  ELASTICSEARCH_ID: { feature: 'elasticsearch', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:298-300; backend/app/elasticsearch/client.py:30,227` },
  ELASTICSEARCH_API_KEY: { feature: 'elasticsearch', provision: 'secret', required: true, confidential: true, readAt: `${CONFIG}:301-303; backend/app/elasticsearch/client.py:31,227` },
  ELASTICSEARCH_CA_CERT: {
    feature: 'elasticsearch',
    provision: 'derived',
    required: true,
    derivedFrom: 'the CA file mounted from the backend Secret key ELASTICSEARCH_CA_CERT_FILE',
    // A path; the client refuses to start without the file (client.py:213-217) and verifies with it (:228-229).
    readAt: `${CONFIG}:304-308; backend/app/elasticsearch/client.py:34,214,228`,
  },
  AUDIT_SYNC_SKIP_ENTITY_TYPES: { feature: 'elasticsearch', provision: 'tunable', readAt: `${CONFIG}:320-326; backend/app/services/audit_sync_service.py:148` },
  AUDIT_SYNC_SKIP_HANDLER_IDS: { feature: 'elasticsearch', provision: 'tunable', readAt: `${CONFIG}:327-333; backend/app/services/audit_sync_service.py:153` },

  // --- tableau: the professional travel import (ProfessionalTravelApiProvider) -------------------
  TABLEAU_SERVER_URL: { feature: 'tableau', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:154; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:117` },
  TABLEAU_SITE_CONTENT_URL: { feature: 'tableau', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:155; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:118` },
  TABLEAU_DS_FLIGHTS_LUID: { feature: 'tableau', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:156; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:119` },
  TABLEAU_CONNECTED_APP_CLIENT_ID: { feature: 'tableau', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:157; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:120` },
  TABLEAU_CONNECTED_APP_SECRET_ID: { feature: 'tableau', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:158; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:121` },
  // The HMAC key the JWTs are signed with (professional_travel_api_provider.py:573).
  TABLEAU_CONNECTED_APP_SECRET_VALUE: { feature: 'tableau', provision: 'secret', required: true, confidential: true, readAt: `${CONFIG}:159; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:122` },
  TABLEAU_USERNAME: { feature: 'tableau', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:160; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:568,581` },
  // From the Secret, as the team's chart has it (helm/templates/backend-deployment.yaml:231-235 at v1.0.7).
  TABLEAU_VERIFY_SSL: { feature: 'tableau', provision: 'secret', required: true, confidential: false, readAt: `${CONFIG}:161; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:124` },
  TABLEAU_REQUEST_TIMEOUT_SECONDS: { feature: 'tableau', provision: 'tunable', readAt: `${CONFIG}:162; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:123` },
  TABLEAU_REST_MIN_API_VERSION: { feature: 'tableau', provision: 'tunable', readAt: `${CONFIG}:163; backend/app/services/data_ingestion/api_providers/professional_travel_api_provider.py:125` },
} as const satisfies Record<string, BackendSetting>;

export type BackendSettingName = keyof typeof BACKEND_SETTINGS;

/**
 * Variables the backend reads under names config.py does not declare.
 * - OTEL_*: read by `opentelemetry-instrument`, the image's command (backend/Dockerfile:60; the
 *   distro defaults every exporter to otlp, opentelemetry-python-contrib v0.64b0 880e756,
 *   opentelemetry-distro/src/opentelemetry/distro/__init__.py:28-31; the app pins 0.64b0,
 *   backend/uv.lock:1215-1216), never by config.py. Only the serving process runs it; the migration's
 *   command is alembic.
 * - HOSTNAME: the pod's identity in the workers view (backend/app/tasks/_pod_id.py:6). Kubernetes sets
 *   it to the pod name; nothing here sets it.
 */
export const TELEMETRY_VARIABLE_PREFIX = 'OTEL_';

/**
 * Variables the image's server reads, not config.py: the uvicorn CLI (backend/Dockerfile:60, uvicorn
 * 0.49.0 pinned by backend/pyproject.toml:11) takes every option from UVICORN_<OPTION> (click's
 * auto_envvar_prefix, uvicorn 0.49.0 uvicorn/main.py:62). The deployment sets them from its shutdown timing.
 */
export const SERVER_VARIABLES = {
  // Seconds uvicorn waits for open requests and streams after SIGTERM before cancelling them; no limit by
  // default (uvicorn/main.py:292, uvicorn/server.py:286-297).
  UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN: 'uvicorn 0.49.0 uvicorn/main.py:62,292; uvicorn/server.py:271-301',
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

export const FRONTEND_IMAGE = {
  user: NGINX_UNPRIVILEGED_USER,
  stopSignal: NGINX_STOP_SIGNAL,
  // listen 8080 (frontend/nginx.conf:45; EXPOSE 8080 at frontend/Dockerfile:69).
  port: 8080,
  probes: {
    // location = /healthz and = /ready both return 200 from nginx itself (frontend/nginx.conf:51-61).
    liveness: '/healthz',
    readiness: '/ready',
    startup: '/healthz',
  },
  writablePaths: [
    {
      path: '/tmp',
      why:
        'the pid file and every *_temp_path (frontend/nginx.conf:2,7-11), and /tmp/injectEnv.js written at startup by ' +
        '/docker-entrypoint.d/40-inject-env.sh (frontend/docker/entrypoint.sh:29-31,58-65; served by nginx.conf:74-80). ' +
        'Nothing else: nginx.conf moves pid and temp paths out of /var/run and /var/cache/nginx ' +
        '(nginx-unprivileged README.md:54-63)',
    },
  ],
} as const satisfies WebImageContract;

/**
 * The runtime settings of the SPA. The entrypoint writes every APP_* variable of the container into
 * /tmp/injectEnv.js (frontend/docker/entrypoint.sh:46-54), which nginx serves to every browser
 * (nginx.conf:74-80): an APP_* value is public, so none may come from a Secret. The bundle reads these
 * (frontend/src/config/runtime.ts:31-45).
 */
export const FRONTEND_SETTINGS = {
  // GlitchTip's environment label; defaults to "development" (runtime.ts:33-34).
  APP_ENVIRONMENT: { required: true, readAt: 'frontend/src/config/runtime.ts:33-34' },
  // GlitchTip DSN; empty or absent disables error reporting (runtime.ts:28-32, src/boot/sentry.ts:117-120).
  APP_SENTRY_DSN: { required: false, readAt: 'frontend/src/config/runtime.ts:32' },
  APP_MAP_TILE_STYLE_URL: { required: false, readAt: 'frontend/src/config/runtime.ts:41-44' },
} as const;

// ---------------------------------------------------------------------------------------------------
// Docs image (docs/Dockerfile): the MkDocs site on stock nginx-unprivileged
// ---------------------------------------------------------------------------------------------------

/**
 * The docs image: the built site in /usr/share/nginx/html (docs/Dockerfile:37), nginx-unprivileged's own
 * nginx.conf and default.conf (no config of its own, docs/Dockerfile:33-43). Its stock server
 * (pkg-oss debian/debian/nginx.default.conf:1-10) listens on 8080 (nginx-unprivileged
 * stable/debian/Dockerfile:139) and serves the site at `/`; the deployment mounts its own server config
 * over /etc/nginx/conf.d (see lib/workloads/docs-server.ts), the directory nginx.conf includes
 * (pkg-oss debian/debian/nginx.conf:31). With that file read-only, 10-listen-on-ipv6-by-default.sh leaves it alone
 * (stable/debian/10-listen-on-ipv6-by-default.sh:27: `touch` fails, exit 0), and 20-envsubst-on-templates.sh
 * does nothing without /etc/nginx/templates (stable/debian/20-envsubst-on-templates.sh:41).
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
      why:
        'the pid file and every *_temp_path, moved to /tmp by nginx-unprivileged (stable/debian/Dockerfile:141-142; ' +
        'README.md:14-15); nothing writes /var/cache/nginx or /var/run',
    },
  ],
} as const;

// ---------------------------------------------------------------------------------------------------
// PostgreSQL: the official image (docker-library/postgres), for the in-cluster database and the backup client
// ---------------------------------------------------------------------------------------------------

/**
 * The official postgres image's account: `groupadd -r postgres --gid=999; useradd -r -g postgres
 * --uid=999` and no USER, so it starts as root and its entrypoint steps down with gosu; started as
 * another user it runs the server itself, faking the passwd entry with nss_wrapper when the uid has
 * none (docker-library/postgres 6edb0a8, 15/trixie/Dockerfile:11-13, docker-entrypoint.sh:68-88; the
 * same in the image pinned below, docker-library/repo-info repos/postgres/remote/15.19-trixie.md).
 */
export const POSTGRES_IMAGE = {
  user: {
    name: 'postgres',
    uid: 999,
    gid: 999,
    imageUser: '',
    readAt: 'docker-library/postgres 6edb0a8, 15/trixie/Dockerfile:11-13 (no USER)',
  } satisfies ImageUser,
  /**
   * The image's PGDATA is /var/lib/postgresql/data, its VOLUME (Dockerfile:184-187). A volume's root
   * belongs to root (group fsGroup); the entrypoint makes PGDATA itself and chmods it 0700
   * (docker-entrypoint.sh:37-41), which only the owner may, and initdb refuses a non-empty directory
   * (lost+found): PGDATA is therefore a directory inside the mount.
   */
  dataMount: '/var/lib/postgresql/data',
  pgdata: '/var/lib/postgresql/data/pgdata',
  /** The socket directory (Dockerfile: install --mode 3777 /var/run/postgresql) and mktemp for nss_wrapper (entrypoint:76-77). */
  writablePaths: [
    { path: '/var/run/postgresql', why: 'the server\'s unix socket and lock file (docker-entrypoint.sh:45)' },
    { path: '/tmp', why: 'nss_wrapper\'s passwd and group files under an unknown uid (docker-entrypoint.sh:76-77)' },
  ] as readonly WritablePath[],
  /** Variables the entrypoint reads to create the role and database on the first start (docker-entrypoint.sh:234-238). */
  credentialVariables: { user: 'POSTGRES_USER', password: 'POSTGRES_PASSWORD', database: 'POSTGRES_DB' },
  /** STOPSIGNAL SIGINT: PostgreSQL's fast shutdown (Dockerfile:206). */
  stopSignal: 'SIGINT',
} as const;
