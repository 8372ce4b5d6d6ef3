/**
 * The schema of an environment: what may differ between dev, staging and prod, checked before any
 * construct runs. A bad value fails with the environment's name and the field's path, for example
 *
 *   environment "prod": backend.replicas.min: 12 is above max (10)
 *
 * Component defaults (resources, replica ranges, ports) live with the constructs that own them; this
 * file only describes what an environment may set.
 */
import { z } from 'zod';
import { backendFeatures, backendVersionSettings, refuseBackendSetting, refuseExtraSetting, ROLE_PROVIDERS } from '../application/backend-settings';
import { checkClientVersion } from '../database/postgres-client';
import { UserError } from '../core/errors';
import { COMPONENTS, ComponentName, perComponent } from '../application/components';
import type { ExternalNeed } from '../application/contract';
import { SECRET_BUNDLES, SecretBundleId } from '../application/secret-bundles';
import { cidrProblem, overlaps, parseCidr } from '../core/cidr';
import { formatImageReference, ImageReference, parseImageReference } from '../core/image';
import { isQuantity, parseQuantity } from './quantity';
import { cronScheduleProblem, isTimeZone } from './schedule';
import { backendSettingTypeProblem } from './backend-setting-types';
import { derivedNameProblem } from './derived-names';
import { gitRefProblem } from './git-ref';
import { dnsSubdomainProblem, hostProblem, labelKeyProblem, labelValueProblem } from './kubernetes-names';

/** A zod check from a function that says what is wrong with a string (kubernetes-names.ts, git-ref.ts). */
const rule = (problem: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
  const found = problem(value);
  if (found) ctx.addIssue({ code: 'custom', message: found });
};

const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/** A DNS-1123 label: what Kubernetes requires of namespace and most object names. */
export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(DNS1123_LABEL, 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending alphanumeric');

/** A DNS-1123 subdomain: what Kubernetes requires of Secret and ConfigMap names. */
export const dnsSubdomain = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(DNS1123_SUBDOMAIN, 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and "."');

/** A public host name the router serves. */
export const hostName = z
  .string()
  .min(1, { message: 'must not be empty', abort: true })
  .max(253, 'must be at most 253 characters')
  .regex(DNS1123_SUBDOMAIN, 'must be a lowercase DNS name such as co2-calculator.epfl.ch')
  .superRefine(rule(hostProblem));

/** A resource amount: the API server refuses negative requests, limits and sizes. */
export const quantity = z.string().superRefine((value, ctx) => {
  if (!isQuantity(value)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a Kubernetes quantity (e.g. "250m", "0.5", "512Mi", "1Gi")` });
  } else if (parseQuantity(value) < 0) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is negative: a resource amount must be 0 or more` });
  }
});

/** A volume size: a claim of nothing cannot be bound. */
export const storageSize = quantity.refine((value) => !isQuantity(value) || parseQuantity(value) > 0, { message: 'must be more than 0, e.g. "10Gi"' });

/** One of a fixed set of strings, with a message that lists them. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (issue) => `${JSON.stringify(issue.input)} is not one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
}

export const goDuration = z.string().regex(GO_DURATION, 'must be a duration such as "30s", "5m" or "1h"');

/** `host:port`, as SMTP smarthosts and database endpoints are written. */
export const hostAndPort = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?:\d{1,5}$/, 'must be host:port, e.g. mail.epfl.ch:587')
  .refine((value) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    return !/:\d+$/.test(value) || (port >= 1 && port <= 65535);
  }, 'the port must be from 1 to 65535');

/** A canonical IPv4 block such as "10.128.0.0/14", as a NetworkPolicy ipBlock takes it. */
export const cidr = z.string().superRefine(rule(cidrProblem));

const port = z.int().min(1, 'must be from 1 to 65535').max(65535, 'must be from 1 to 65535');

/**
 * The destinations outside the namespace that some workload sends to, each with its default TCP
 * ports. Which workload needs which is the application contract (WORKLOAD_EGRESS); where each one is,
 * environment data (`egress`).
 */
export const EXTERNAL_DESTINATIONS = {
  /** The managed PostgreSQL (the host of DB_URL), for the backend, the migration, the dump and the collector. */
  database: { ports: [5432], what: 'the managed PostgreSQL (DB_URL)' },
  /** The OIDC provider of OAUTH_ISSUER_URL (Entra ID at EPFL): discovery, token exchange, keys. */
  identityProvider: { ports: [443], what: 'the OAuth/OIDC provider (OAUTH_ISSUER_URL)' },
  /** S3_ENDPOINT_HOSTNAME, over S3_ENDPOINT_PROTOCOL https. */
  s3: { ports: [443], what: 'S3 (S3_ENDPOINT_HOSTNAME)' },
  /** ELASTICSEARCH_HOSTS; 9200 is the application's default (config.py). */
  elasticsearch: { ports: [9200], what: 'Elasticsearch (ELASTICSEARCH_HOSTS)' },
  tableau: { ports: [443], what: 'Tableau (TABLEAU_SERVER_URL)' },
  accred: { ports: [443], what: 'the Accred API (ACCRED_API_URL)' },
  /** The environment's own host, through the edge: the collector's httpcheck probe. */
  publicHost: { ports: [443], what: 'the public host (the collector\'s probe)' },
  /** The cluster's API servers, behind the `kubernetes` Service: the Jaeger UI's OAuth proxy. */
  kubernetesApi: { ports: [6443], what: 'the Kubernetes API servers (the OAuth proxy)' },
  /** The cluster's OAuth server, through its Route: the Jaeger UI's OAuth proxy. */
  oauthServer: { ports: [443], what: 'the cluster\'s OAuth server (the OAuth proxy)' },
} as const satisfies Record<ExternalNeed | 'database', { ports: readonly number[]; what: string }>;

export type ExternalDestinationName = keyof typeof EXTERNAL_DESTINATIONS;

/** The value of `to` that allows every address outside the cluster's pod and service networks. */
export const OUTSIDE_CLUSTER = 'outsideCluster';

function externalDestination(name: ExternalDestinationName) {
  return z
    .strictObject({
      /**
       * The destination's address blocks, or "outsideCluster": any address outside the cluster's pod
       * and service networks, for a site that does not know them. @default "outsideCluster"
       */
      to: z
        .union([z.literal(OUTSIDE_CLUSTER), z.array(cidr).min(1, 'needs at least one CIDR')], {
          error: (issue) => (Array.isArray(issue.input) ? undefined : `must be "${OUTSIDE_CLUSTER}" or a list of CIDRs such as ["10.20.0.0/16"]`),
        })
        .default(OUTSIDE_CLUSTER),
      /** TCP ports. @default EXTERNAL_DESTINATIONS[name].ports */
      ports: z.array(port).min(1, 'needs at least one port').default([...EXTERNAL_DESTINATIONS[name].ports]),
    })
    .prefault({});
}

/** Where each external destination is (see EXTERNAL_DESTINATIONS). @default every one "outsideCluster" on its default ports */
export const egressSchema = z.strictObject(
  Object.fromEntries(Object.keys(EXTERNAL_DESTINATIONS).map((name) => [name, externalDestination(name as ExternalDestinationName)])) as {
    [K in ExternalDestinationName]: ReturnType<typeof externalDestination>;
  },
);

/**
 * The cluster's pod and service networks: what "outsideCluster" excludes, and what no CIDR of
 * `egress` may overlap, so that nothing reaches another namespace's pods by address.
 */
function clusterNetworks(defaults: { pods: string[]; services: string[] }) {
  return z
    .strictObject({
      /** @default the platform's installer default */
      pods: z.array(cidr).min(1, 'needs at least one CIDR').default(defaults.pods),
      /** @default the platform's installer default */
      services: z.array(cidr).min(1, 'needs at least one CIDR').default(defaults.services),
    })
    .prefault({});
}

/** A map of label keys to values, e.g. an instance selector. */
export const labelMap = z.record(z.string().superRefine(rule(labelKeyProblem)), z.string().superRefine(rule(labelValueProblem)));

/** A CronJob schedule, as the CronJob controller parses it (see lib/config/schedule.ts). */
export const cronSchedule = z.string().superRefine((value, ctx) => {
  const problem = cronScheduleProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** An IANA time zone name, as CronJob's timeZone takes it. */
export const timeZone = z.string().refine(isTimeZone, { error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone such as "Europe/Zurich" (the case matters: the CronJob controller's lookup is case-sensitive)` });

/** An image reference pinned by tag or digest; parsed into its parts. */
export const imageReference = z.string().transform((reference, ctx) => {
  try {
    return parseImageReference(reference);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const cpuAndMemory = z.strictObject({ cpu: quantity, memory: quantity });

/** Requests and limits of one container. Both are required: the cluster's quota admission wants both. */
export const containerResources = z
  .strictObject({ requests: cpuAndMemory, limits: cpuAndMemory })
  .superRefine((resources, ctx) => {
    for (const resource of ['cpu', 'memory'] as const) {
      const request = resources.requests[resource];
      const limit = resources.limits[resource];
      if (isQuantity(request) && isQuantity(limit) && parseQuantity(request) > parseQuantity(limit)) {
        ctx.addIssue({
          code: 'custom',
          path: ['requests', resource],
          message: `request ${request} is above the limit ${limit}`,
        });
      }
    }
  });

/** How many pods a component runs: a fixed count when min equals max, else an autoscaled range. */
export const replicaRange = z
  .strictObject({
    min: z.int().min(1, 'must be at least 1'),
    max: z.int().min(1, 'must be at least 1').max(50, 'must be at most 50'),
  })
  .superRefine((range, ctx) => {
    if (range.min > range.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `${range.min} is above max (${range.max})` });
    }
  });

type ComponentDefaults = { replicas: z.input<typeof replicaRange>; resources: z.input<typeof containerResources> };

/** Defaults of each component (lib/application/components.ts) and of the migration Job. */
export const COMPONENT_DEFAULTS = {
  ...perComponent((name) => COMPONENTS[name].defaults),
  /** `alembic upgrade head`, once per sync; retried twice before the sync fails. */
  migration: {
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    backoffLimit: 2,
  },
} as const satisfies Record<ComponentName, ComponentDefaults> & Record<'migration', Pick<ComponentDefaults, 'resources'> & { backoffLimit: number }>;

/**
 * Defaults of the operational components. Images are pinned here rather than per environment: they
 * change with this repository, not with an application release.
 */
export const OPERATIONS_DEFAULTS = {
  /**
   * Upstream contrib distribution: the Red Hat build of OpenTelemetry lacks the postgresql and httpcheck
   * receivers. The configuration keys each component accepts in this release are recorded in
   * lib/observability/collector-components.ts: bumping the tag means re-reading them there. No digest:
   * no public record gives one (docs/known-limits.md); Renovate adds it.
   */
  collectorImage: 'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.140.1',
  collectorResources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  /**
   * Jaeger v2 (an OpenTelemetry Collector distribution), run as a plain Deployment: see lib/observability/jaeger.ts.
   * From quay.io, where Jaeger's release pushes the same build as to Docker Hub; no digest (docs/sources/images.md).
   */
  jaegerImage: 'quay.io/jaegertracing/jaeger:2.20.0',
  /**
   * OpenShift's OAuth proxy, for the Jaeger UI. A tag, not a digest: no digest of this image could be read
   * from a source we can cite (a known limit, docs/sources/images.md); the tag follows 4.16's z-stream.
   */
  oauthProxyImage: 'registry.redhat.io/openshift4/ose-oauth-proxy-rhel9:v4.16',
  jaegerResources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
  /**
   * The client must not be older than the server it dumps; 17 reads servers 9.2 to 17. 17.11 has the
   * fixes for CVE-2025-1094 and CVE-2025-8714; digest from docker-library/repo-info (docs/sources/security.md).
   */
  backupImage: 'docker.io/library/postgres:17.11-trixie@sha256:f4c66b820c6f974249089d3d16d86a3698eae11e8746eb6644b2271031e91232',
  backupResources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  /**
   * The official PostgreSQL image at the managed server's major version (EPFL DBaaS 15), so migrations
   * are tried where they run; it runs under any non-root UID (lib/application/contract.ts, POSTGRES_IMAGE).
   * Digest from docker-library/repo-info repos/postgres/remote/15.19-trixie.md.
   */
  postgresImage: 'docker.io/library/postgres:15.19-trixie@sha256:dfbbb0ad8cab91d41e99123664e37a9b25d0413426d4fb3154e4d668e5d35246',
  postgresResources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
  /**
   * Repository prefixes every image of an environment must start with: the project's own registry
   * and, per third-party image, the publisher's own namespace there (docs/sources/images.md).
   */
  trustedRegistries: [
    'quay-its.epfl.ch/svc1751/',
    'ghcr.io/open-telemetry/opentelemetry-collector-releases/',
    'quay.io/jaegertracing/',
    'registry.redhat.io/openshift4/',
    'docker.io/library/postgres',
  ],
} as const;

/** What an environment may tune for one long-running component; unset fields take the defaults above. */
function component(defaults: ComponentDefaults) {
  return z.strictObject({
    replicas: replicaRange.prefault(defaults.replicas),
    resources: containerResources.prefault(defaults.resources),
  });
}

const environmentVariableName = z.string().regex(ENV_VAR_NAME, 'must be an environment variable name');

/**
 * The backend beyond its size: its features, the files it stores, and the plain settings an
 * environment tunes. `settings` is checked against the application contract
 * (lib/application/contract.ts) with the features this environment turns on.
 */
const backendSchema = component(COMPONENT_DEFAULTS.backend)
  .extend({
    /**
     * DEBUG: registers the /login-test authentication bypass and returns tracebacks (see the contract).
     * Only a development environment may turn it on. @default false
     */
    debug: z.boolean().default(false),
    /**
     * Minutes before a running background job counts as stale (STALE_JOB_TIMEOUT_MINUTES), sized above
     * the longest job; also how long an /api request may stay silent at the edge (a job's event stream
     * is quiet while its status does not change). @default 60, the application's default
     */
    staleJobTimeoutMinutes: z.int().min(1, 'must be at least 1').max(1440, 'must be at most 1440 (a day)').default(60),
    /** Uploaded and stored files. @default local storage on a 1Gi rcp-nas volume, no encryption, 100 MB uploads */
    files: z
      .strictObject({
        /** FILES_MAX_SIZE_MB, per uploaded file; the edge admits a request body of this size. @default 100, the application's default */
        maxUploadSizeMb: z.int().min(1, 'must be at least 1').max(1024, 'must be at most 1024').default(100),
        /** Uploads go to S3: the S3 credentials and bucket come from the backend Secret. @default false: the files volume */
        s3: z.boolean().default(false),
        /** Stored files are encrypted: FILES_ENCRYPTION_KEY and _SALT come from the backend Secret. @default false */
        encryption: z.boolean().default(false),
        /**
         * The volume at FILES_STORAGE_PATH, needed even with S3 (reduction-objective uploads are always
         * written there). Shared by all replicas (ReadWriteMany) when the backend can run more than one,
         * else ReadWriteOnce.
         */
        volume: z
          .strictObject({
            /** @default "1Gi" */
            size: quantity.default('1Gi'),
            /** @default "rcp-nas" */
            storageClass: dnsSubdomain.default('rcp-nas'),
            /**
             * ArgoCD never prunes or deletes the claim. `false` for throwaway environments, whose claim
             * must go with them. @default true
             */
            retain: z.boolean().default(true),
          })
          .prefault({}),
      })
      .prefault({}),
    /**
     * PROVIDER_PLUGIN: where users' roles come from; "accred" reads the Accred credentials from the
     * backend Secret. It decides the provider id users are stored under: keep the one the data has.
     * @default "default" (the JWT claims)
     */
    roleProvider: oneOf(ROLE_PROVIDERS).default('default'),
    /** Optional integrations; their secrets come from the backend Secret when on. @default both off */
    integrations: z
      .strictObject({
        /** The OPDo audit export to Elasticsearch, with its CA file. @default false */
        elasticsearch: z.boolean().default(false),
        /** The professional travel import from Tableau. @default false */
        tableau: z.boolean().default(false),
      })
      .prefault({}),
    /** Plain application tunables for backend-config, checked against the contract. @default {} */
    settings: z.record(environmentVariableName, z.string()).prefault({}),
    /**
     * Settings the contract does not list yet (say, one a newer image reads), each with who reads it.
     * @default {}
     */
    extraSettings: z
      .record(environmentVariableName, z.strictObject({ value: z.string(), readBy: z.string().min(1, 'must say who reads it') }))
      .prefault({}),
  })
  .superRefine((backend, ctx) => {
    const features = backendFeatures(backend);
    for (const key of Object.keys(backend.settings)) {
      const refusal = refuseBackendSetting(key, features) ?? backendSettingTypeProblem(key, backend.settings[key]);
      if (refusal) ctx.addIssue({ code: 'custom', path: ['settings', key], message: refusal });
    }
    for (const key of Object.keys(backend.extraSettings)) {
      const refusal = refuseExtraSetting(key);
      if (refusal) ctx.addIssue({ code: 'custom', path: ['extraSettings', key], message: refusal });
    }
  });

/** The name of each Secret bundle in this environment (see lib/application/secret-bundles.ts). @default each bundle's default name */
const secretNames = z.strictObject(
  Object.fromEntries(Object.entries(SECRET_BUNDLES).map(([id, bundle]) => [id, dnsSubdomain.default(bundle.defaultName)])) as Record<
    SecretBundleId,
    z.ZodDefault<typeof dnsSubdomain>
  >,
);

/**
 * Where the environment's Secrets come from. Every bundle of lib/application/secret-bundles.ts is produced the
 * same way; the workloads only see the Secrets' names.
 */
export const secretStrategy = z.discriminatedUnion('strategy', [
  z.strictObject({
    /** The Infisical operator syncs `<secretsPath>/<bundle folder>` of a project into each Secret. */
    strategy: z.literal('infisical'),
    /** Infisical API, e.g. https://app.infisical.com/api. */
    hostApi: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
    projectSlug: z.string().min(1, 'must not be empty'),
    envSlug: z.string().min(1, 'must not be empty'),
    /** Folder holding one sub-folder per bundle. @default "/" */
    secretsPath: z.string().startsWith('/', 'must start with "/"').default('/'),
    /** Secret (created once by hand) holding the machine identity's clientId and clientSecret. */
    credentialsSecretName: dnsSubdomain,
    /** @default 60 */
    resyncIntervalSeconds: z.int().min(10, 'must be at least 10').default(60),
    names: secretNames.prefault({}),
  }),
  z.strictObject({
    /** The Secrets are created out of band (by hand, or by another tool) and only referenced. */
    strategy: z.literal('existing'),
    names: secretNames.prefault({}),
  }),
  z.strictObject({
    /** The External Secrets operator fetches each key from a SecretStore (e.g. Azure Key Vault). */
    strategy: z.literal('external-secrets'),
    storeRef: z.strictObject({ kind: oneOf(['SecretStore', 'ClusterSecretStore']), name: dnsSubdomain }),
    /** Remote keys are `<remoteKeyPrefix><bundle folder>-<key, lower case, "_" as "-">`. @default "" */
    remoteKeyPrefix: z.string().default(''),
    /** @default "1h" */
    refreshInterval: goDuration.default('1h'),
    /**
     * Keys of the backend's Secret generated once in the namespace by an ESO Password generator instead
     * of read from the store, so each environment has its own (a preview's SECRET_KEY). They go into
     * a Secret of their own, `<backend Secret>-generated`. @default []
     */
    generatedKeys: z.array(oneOf(['SECRET_KEY'])).default([]),
    /**
     * Keys each environment reads under a remote name of its own,
     * `<remoteKeyPrefix><environment name>-<bundle folder>-<key>`, rather than the one every
     * environment of the store shares: a credential registered per environment, such as each
     * preview's own OAuth client at the identity provider. @default []
     */
    ownKeys: z.array(oneOf(['OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET'])).default([]),
    names: secretNames.prefault({}),
  }),
]);

const serverMajorVersion = z.int().min(12, 'must be 12 or later').max(99);

/**
 * The application's PostgreSQL: the managed EPFL DBaaS (reached with DB_URL from the backend Secret),
 * or a StatefulSet in the namespace, for clusters without a managed database.
 */
export const databaseSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('managed'),
    /** Major version of the server: the backup client must not be older. */
    serverMajorVersion,
    /**
     * How the collector's postgresql receiver checks the server's certificate: against the CA of a
     * ConfigMap of the namespace that the site provides (`{ caConfigMap: { name, key } }`), or, where
     * the site cannot name that CA, encrypted but unverified with the reason stated
     * (`{ insecureReason: "..." }`), which the collector carries as an annotation.
     */
    tls: z.union(
      [
        z.strictObject({
          caConfigMap: z.strictObject({
            name: dnsSubdomain,
            /** @default "ca.crt" */
            key: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a ConfigMap key').default('ca.crt'),
          }),
        }),
        z.strictObject({ insecureReason: z.string().trim().min(20, 'must say why the certificate cannot be verified (at least 20 characters)') }),
      ],
      { error: 'must be { caConfigMap: { name, key } } or { insecureReason: "why the certificate cannot be verified" }' },
    ),
  }),
  z.strictObject({
    mode: z.literal('in-cluster'),
    /** The official postgres image or one built like it (POSTGRES_IMAGE). @default OPERATIONS_DEFAULTS.postgresImage */
    image: imageReference.prefault(OPERATIONS_DEFAULTS.postgresImage),
    /** Major version the image runs. @default 15 */
    serverMajorVersion: serverMajorVersion.default(15),
    storageSize,
    /** @default the cluster's default storage class */
    storageClass: dnsSubdomain.optional(),
    resources: containerResources.prefault(OPERATIONS_DEFAULTS.postgresResources),
    /**
     * The data claim when the StatefulSet is deleted: "Delete" for throwaway environments (previews),
     * so that deleting one leaves no volume behind. @default "Retain"
     */
    claimsWhenDeleted: oneOf(['Retain', 'Delete']).default('Retain'),
  }),
]);

/**
 * Where an environment runs. OpenShift publishes the host with Routes; plain Kubernetes with a
 * Gateway API Gateway and HTTPRoutes, the certificate issued by cert-manager.
 */
export const platformSchema = z.discriminatedUnion('name', [
  z.strictObject({
    name: z.literal('openshift'),
    /**
     * Extra labels of each Route. A label can select the router shard that admits the Route: EPFL's
     * private router takes `route: private`, where the team's chart puts the docs (EPFL-ENAC/co2-calculator
     * e81d480, helm/values.yaml:365-369). @default { docs: { route: "private" } }
     */
    routeLabels: z
      .strictObject({
        frontend: labelMap.default({}),
        backend: labelMap.default({}),
        docs: labelMap.default({ route: 'private' }),
      })
      .prefault({}),
    /** @default { pods: ["10.128.0.0/14"], services: ["172.30.0.0/16"] }, the installer's defaults */
    clusterNetworks: clusterNetworks({ pods: ['10.128.0.0/14'], services: ['172.30.0.0/16'] }),
  }),
  z.strictObject({
    name: z.literal('kubernetes'),
    /**
     * The Gateway API controller that publishes the host: the Gateway's class, which controller runs
     * it (the one part the Gateway API leaves to controllers, the body limit, is theirs), and the
     * namespace its proxies run in, admitted by the NetworkPolicies.
     * @default { className: "eg", controller: "envoy-gateway", namespace: "envoy-gateway-system" }, Envoy Gateway's quickstart
     */
    gateway: z
      .strictObject({
        /** @default "eg" */
        className: z.string().min(1, 'must not be empty').superRefine(rule(dnsSubdomainProblem)).default('eg'),
        /** @default "envoy-gateway" */
        controller: oneOf(['envoy-gateway']).default('envoy-gateway'),
        /** @default "envoy-gateway-system" */
        namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name').default('envoy-gateway-system'),
      })
      .prefault({}),
    /** cert-manager ClusterIssuer that signs the host's certificate. */
    clusterIssuer: z.string().min(1, 'must not be empty'),
    /** Namespace of the Prometheus that would scrape the collector. @default "monitoring" */
    monitoringNamespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name').default('monitoring'),
    /**
     * @default { pods: ["10.244.0.0/16"], services: ["10.96.0.0/12"] }: kind's and kubeadm's pod
     * subnet, and kubeadm's service subnet (which holds kind's 10.96.0.0/16)
     */
    clusterNetworks: clusterNetworks({ pods: ['10.244.0.0/16'], services: ['10.96.0.0/12'] }),
  }),
]);

export const environmentSchema = z
  .strictObject({
    /** Short name; also the folder under dist/. */
    name: dnsLabel,
    /** OpenShift project the environment deploys into. @default "co2-calculator-<name>" */
    namespace: dnsLabel.optional(),
    /**
     * Whether the environment ships its namespace as an object of its own (previews): ArgoCD creates it
     * before everything in it and deletes it, with everything in it, when the environment goes.
     * @default false: the namespace (an OpenShift project) exists beforehand, made by the platform team
     * with its quotas and labels
     */
    ownsNamespace: z.boolean().default(false),
    /** Cluster flavour: decides how the host is published and which peers the NetworkPolicies admit. @default { name: "openshift" } */
    platform: platformSchema.prefault({ name: 'openshift' }),
    /** Public host of the Routes; the application is served at https://<host>/. */
    host: hostName,
    /** The frontend's APP_ENVIRONMENT (GlitchTip's environment label) and the telemetry's deployment.environment. */
    appEnvironment: oneOf(['development', 'staging', 'production']),
    /** @default "INFO" */
    logLevel: oneOf(['DEBUG', 'INFO', 'WARNING', 'ERROR']).default('INFO'),
    /**
     * Repository prefixes ("ghcr.io/open-telemetry/") that every image of the environment must start
     * with, third-party images included. @default OPERATIONS_DEFAULTS.trustedRegistries
     */
    trustedRegistries: z
      .array(z.string().regex(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]*$/, 'must be a registry host and repository prefix such as "ghcr.io/open-telemetry/"'))
      .min(1, 'needs at least one registry')
      .prefault([...OPERATIONS_DEFAULTS.trustedRegistries]),
    /** Pinned image of each component; kept in environments/images/<name>.json for automation. */
    images: z.strictObject(perComponent(() => imageReference)),
    /**
     * Replicas and resources of each component, @default COMPONENT_DEFAULTS.<component>. The frontend
     * and the backend add settings of their own.
     */
    ...perComponent((name) => component(COMPONENT_DEFAULTS[name]).prefault({})),
    /** @default COMPONENT_DEFAULTS.frontend, no error reporting */
    frontend: component(COMPONENT_DEFAULTS.frontend)
      .extend({
        /**
         * GlitchTip DSN of the SPA (APP_SENTRY_DSN). Not a secret: the image publishes every APP_* value
         * to the browser in /injectEnv.js. @default none: no error reporting
         */
        sentryDsn: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
      })
      .prefault({}),
    /** @default COMPONENT_DEFAULTS.backend, no feature on, no extra settings */
    backend: backendSchema.prefault({}),
    /** @default COMPONENT_DEFAULTS.migration */
    migration: z
      .strictObject({
        resources: containerResources.prefault(COMPONENT_DEFAULTS.migration.resources),
        /** Retries after a failed run. @default 2 */
        backoffLimit: z.int().min(0, 'must not be negative').max(10, 'must be at most 10').default(COMPONENT_DEFAULTS.migration.backoffLimit),
      })
      .prefault({}),
    secrets: secretStrategy,
    /** The PostgreSQL server the application uses. */
    database: databaseSchema,
    /**
     * Where the destinations outside the namespace are, for the egress NetworkPolicies: address blocks
     * a site knows, else "outsideCluster". Only those a workload of this environment needs get a rule.
     * @default every destination "outsideCluster" on its default ports
     */
    egress: egressSchema.prefault({}),
    /**
     * Telemetry, alerting and dashboards. They need the OpenTelemetry, Prometheus and Grafana operators
     * (Jaeger is a plain Deployment). @default none: no telemetry objects, and the backend exports nothing
     */
    observability: z.strictObject({
      /** grafana-operator: which Grafana instances load the dashboards, and into which folder. */
      grafana: z.strictObject({
        instanceSelector: labelMap.refine((labels) => Object.keys(labels).length > 0, 'must select at least one label'),
        /** @default "CO2 Calculator" */
        folder: z.string().min(1, 'must not be empty').default('CO2 Calculator'),
      }),
      /** Email routing of the alerts (AlertmanagerConfig). */
      alerting: z.strictObject({
        smarthost: hostAndPort,
        from: z.email('must be an email address'),
        /** SMTP login; its password comes from the smtp Secret bundle. @default no authentication */
        username: z.string().min(1, 'must not be empty').optional(),
        /** @default true */
        requireTls: z.boolean().default(true),
        critical: z.array(z.email('must be an email address')).min(1, 'needs at least one address'),
        warning: z.array(z.email('must be an email address')).min(1, 'needs at least one address'),
      }),
      collector: z
        .strictObject({
          image: imageReference.prefault(OPERATIONS_DEFAULTS.collectorImage),
          resources: containerResources.prefault(OPERATIONS_DEFAULTS.collectorResources),
        })
        .prefault({}),
      tracing: z
        .strictObject({
          image: imageReference.prefault(OPERATIONS_DEFAULTS.jaegerImage),
          /** Traces kept in memory; the oldest are dropped beyond. @default 50000 */
          maxTraces: z.int().min(1000, 'must be at least 1000').max(1_000_000, 'must be at most 1000000').default(50_000),
          resources: containerResources.prefault(OPERATIONS_DEFAULTS.jaegerResources),
          /**
           * The Jaeger UI for the team: behind OpenShift's OAuth proxy, at `path` of the host, on the router
           * shard `routeLabels` select (lib/observability/jaeger-ui.ts). OpenShift only. @default false: `oc port-forward`
           */
          ui: z
            .union([
              z.literal(false),
              z.strictObject({
                path: z.string().regex(/^\/[a-z0-9-]+$/, 'must be one path segment such as "/traces"').default('/traces'),
                oauthProxyImage: imageReference.prefault(OPERATIONS_DEFAULTS.oauthProxyImage),
                routeLabels: labelMap.default({ route: 'private' }),
              }),
            ])
            .default(false),
        })
        .prefault({}),
    }).optional(),
    /** How ArgoCD delivers this environment; `false` for one applied by hand (`kubectl apply -f dist/<name>/`). */
    delivery: z
      .union([z.literal(false), z.strictObject({
        /** Branch, tag or commit of the GitOps repository ArgoCD syncs dist/<name>/ from. @default "main" */
        targetRevision: z.string().min(1, 'must not be empty').superRefine(rule(gitRefProblem)).default('main'),
        /**
         * Whether deleting the Application also deletes the environment's objects (ArgoCD's resources
         * finalizer). @default false: removing an Application by mistake must not take the environment down.
         */
        cascadeDelete: z.boolean().default(false),
      })])
      .prefault({}),
    /**
     * The db-dump CronJob and its db-dumps volume; unset fields take the DatabaseBackup construct's
     * defaults. @default none: no backups (for throwaway environments such as previews)
     */
    backup: z.strictObject({
      /** @default "30 1 * * *" (01:30, outside the hour daylight saving time skips or repeats) */
      schedule: cronSchedule.optional(),
      /** IANA time zone of the schedule. @default "Europe/Zurich" */
      timeZone: timeZone.optional(),
      /** Dumps kept on the volume; older ones are deleted after each successful dump. @default 7 */
      retentionCount: z.int().min(1, 'must be at least 1').max(365, 'must be at most 365').optional(),
      /** Size of the db-dumps claim: room for retentionCount dumps plus the one being written. */
      storageSize,
      /** @default "rcp-nas" */
      storageClass: dnsSubdomain.optional(),
      image: imageReference.prefault(OPERATIONS_DEFAULTS.backupImage),
      resources: containerResources.prefault(OPERATIONS_DEFAULTS.backupResources),
    }).optional(),
  })
  .superRefine((environment, ctx) => {
    const nameProblem = derivedNameProblem(environment.name);
    if (nameProblem) ctx.addIssue({ code: 'custom', path: ['name'], message: nameProblem });
    if (environment.backend.debug && environment.appEnvironment !== 'development') {
      ctx.addIssue({
        code: 'custom',
        path: ['backend', 'debug'],
        message: `true registers the /login-test authentication bypass (the application's backend/app/api/v1/auth.py:545-546); a ${environment.appEnvironment} environment may not`,
      });
    }
    const cluster = [...environment.platform.clusterNetworks.pods, ...environment.platform.clusterNetworks.services];
    for (const [name, destination] of Object.entries(environment.egress)) {
      if (destination.to === OUTSIDE_CLUSTER) continue;
      destination.to.forEach((block, index) => {
        const inside = cluster.find((network) => overlaps(parseCidr(block), parseCidr(network)));
        if (inside) {
          ctx.addIssue({ code: 'custom', path: ['egress', name, 'to', index], message: `${block} overlaps the cluster network ${inside} (platform.clusterNetworks): a destination must be outside the cluster` });
        }
      });
    }
    for (const [path, image] of environmentImages(environment)) {
      if (!environment.trustedRegistries.some((prefix) => image.repository.startsWith(prefix))) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `"${formatImageReference(image)}" is not from a trusted registry (trustedRegistries: ${environment.trustedRegistries.join(', ')})`,
        });
      }
    }
    try {
      backendVersionSettings(environment.images.backend);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['images', 'backend'], message: (error as Error).message });
    }
    // pg_dump refuses a server newer than itself: every nightly backup would fail.
    if (!environment.backup) return;
    try {
      checkClientVersion(environment.backup.image, environment.database.serverMajorVersion);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['backup', 'image'], message: (error as Error).message });
    }
  }, { when: (payload) => payload.issues.length === 0 })
  .transform((environment) => ({ ...environment, namespace: environment.namespace ?? `co2-calculator-${environment.name}` }));

/** Every image an environment names, with the path of its field. */
function environmentImages(environment: {
  images: Record<string, ImageReference>;
  database: { mode: string; image?: ImageReference };
  observability?: { collector: { image: ImageReference }; tracing: { image: ImageReference; ui: false | { oauthProxyImage: ImageReference } } };
  backup?: { image: ImageReference };
}): Array<[Array<string>, ImageReference]> {
  const found: Array<[Array<string>, ImageReference]> = Object.entries(environment.images).map(([component, image]) => [['images', component], image]);
  if (environment.database.image) found.push([['database', 'image'], environment.database.image]);
  const observability = environment.observability;
  if (observability) {
    found.push([['observability', 'collector', 'image'], observability.collector.image]);
    found.push([['observability', 'tracing', 'image'], observability.tracing.image]);
    if (observability.tracing.ui) found.push([['observability', 'tracing', 'ui', 'oauthProxyImage'], observability.tracing.ui.oauthProxyImage]);
  }
  if (environment.backup) found.push([['backup', 'image'], environment.backup.image]);
  return found;
}

/** An environment as written in environments/: optional fields may be left out. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** An environment as written in environments/<name>.ts: its images come from environments/images/<name>.json. */
export type EnvironmentDefinition = Omit<EnvironmentInput, 'images'>;
/** An environment after validation, with its defaults filled in. */
export type Environment = z.output<typeof environmentSchema>;
export type SecretStrategy = Environment['secrets'];
export type ContainerResources = z.output<typeof containerResources>;
export type ReplicaRange = z.output<typeof replicaRange>;

export class EnvironmentConfigError extends UserError {
  constructor(readonly environment: string, readonly problems: readonly string[]) {
    super(`environment "${environment}": ${problems.join('; ')}`);
  }
}

/** Validates one environment and fills in its defaults; throws an EnvironmentConfigError naming each bad field. */
export function parseEnvironment(input: unknown): Environment {
  const result = environmentSchema.safeParse(input, {
    error: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required field is missing' : undefined),
  });
  if (result.success) return result.data;
  const name = typeof (input as { name?: unknown })?.name === 'string' ? (input as { name: string }).name : '(unnamed)';
  throw new EnvironmentConfigError(name, describeIssues(result.error));
}

/** A zod error as one `path: message` line per problem, in words a config author recognises. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.');
    return path ? `${path}: ${describeIssue(issue)}` : describeIssue(issue);
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_key':
      // A bad record key: zod wraps the key's own issues.
      return issue.issues.map((inner) => inner.message).join('; ');
    default:
      return issue.message;
  }
}

/** Validates a set of environments and refuses two that would write to the same folder or namespace. */
export function parseEnvironments(inputs: readonly unknown[]): Environment[] {
  const environments = inputs.map(parseEnvironment);
  for (const field of ['name', 'namespace'] as const) {
    const seen = new Map<string, string>();
    for (const environment of environments) {
      const other = seen.get(environment[field]);
      if (other !== undefined) {
        const problem = field === 'name' ? 'name: another environment has the same name' : `namespace: "${environment.namespace}" is already used by environment "${other}"`;
        throw new EnvironmentConfigError(environment.name, [problem]);
      }
      seen.set(environment[field], environment.name);
    }
  }
  return environments;
}
