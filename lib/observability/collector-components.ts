/**
 * What the pinned OpenTelemetry Collector accepts: for every component type we render, the
 * configuration keys its release decodes, nested as far as we render them, with where they were read.
 *
 * The collector decodes each component's configuration strictly (mapstructure with ErrorUnused): one
 * key its release does not know and it refuses to start. That is how `httpcheck.tls.cert_remaining`
 * (added to the httpcheck receiver in mid-2025) crash-looped the 0.116.1 image. The test
 * test/observability/collector-config.test.ts walks the rendered configuration of every environment
 * against this data and fails on any key or component type not in it, and on an environment whose
 * collector image is not the release the data was read from. Bumping the image therefore means
 * re-reading the sources below at the new tag and updating this file and
 * docs/sources/observability.md.
 *
 * Release pinned: the contrib distribution 0.140.1 (open-telemetry/opentelemetry-collector-releases,
 * tag v0.140.1, distributions/otelcol-contrib/manifest.yaml): core components v0.140.0, contrib
 * components v0.140.1. The Red Hat build of OpenTelemetry was not chosen: its collector
 * (os-observability/redhat-opentelemetry-collector, manifest.yaml at v0.135.0; its generated
 * configschemas/schemas/0.152.0) has neither the postgresql nor the httpcheck receiver.
 *
 * How each component was read (see `source` on each entry):
 * - core components and shared config structs: open-telemetry/opentelemetry-collector at tag v0.140.0;
 * - spanmetrics, prometheus exporter, health_check: the JSON schemas that Red Hat generates from the
 *   component structs of its 0.140.0 build (os-observability/redhat-opentelemetry-collector,
 *   configschemas/schemas/0.140.0/*.yaml, commit c02a247e), every object `additionalProperties: false`;
 * - postgresql and httpcheck (not in Red Hat's build): opentelemetry-collector-contrib sources as
 *   stored at the commits named, which could not be tied to the v0.140.1 tag here (the full contrib
 *   history was not available). The keys we render from them are long-standing ones (endpoint, tls,
 *   credentials, targets, metrics toggles); `httpcheck.tls.cert_remaining` appears in the receiver's
 *   generated metrics config.
 */

/** A key whose value we treat as opaque: a scalar, a list of scalars, or a structure we do not render into. */
export const VALUE = 'value' as const;

export type KeySpec = typeof VALUE | ConfigStruct | { readonly listOf: ConfigStruct } | { readonly mapOf: ConfigStruct };

/** A configuration struct: the keys it decodes (squashed embedded structs included). */
export interface ConfigStruct {
  readonly keys: Readonly<Record<string, KeySpec>>;
}

export interface SourceRef {
  readonly repo: string;
  /** Tag or commit the file was read at. */
  readonly ref: string;
  readonly path: string;
}

export interface ComponentSpec {
  /** Go module of the component. */
  readonly module: string;
  readonly release: string;
  readonly source: readonly SourceRef[];
  readonly config: ConfigStruct;
}

export type ComponentKind = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';

/** The image the data below was read for. */
export const COLLECTOR_RELEASE = {
  image: 'ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib',
  tag: '0.140.1',
  core: 'v0.140.0',
  contrib: 'v0.140.1',
} as const;

const CORE = 'open-telemetry/opentelemetry-collector';
const CONTRIB = 'open-telemetry/opentelemetry-collector-contrib';
const REDHAT_SCHEMAS = { repo: 'os-observability/redhat-opentelemetry-collector', ref: 'c02a247efd388fc5550a864802ca4410bf7d12de' };
const core = (path: string): SourceRef => ({ repo: CORE, ref: COLLECTOR_RELEASE.core, path });
const redHatSchema = (file: string): SourceRef => ({ ...REDHAT_SCHEMAS, path: `configschemas/schemas/0.140.0/${file}` });

const struct = (keys: Record<string, KeySpec>): ConfigStruct => ({ keys });
const opaque = (...names: string[]): Record<string, KeySpec> => Object.fromEntries(names.map((name) => [name, VALUE]));

// Shared structs of core v0.140.0.

/** configtls.Config (#collector-config-structs). */
const TLS_COMMON = opaque(
  'ca_file', 'ca_pem', 'include_system_ca_certs_pool', 'cert_file', 'cert_pem', 'key_file', 'key_pem',
  'min_version', 'max_version', 'cipher_suites', 'reload_interval', 'curve_preferences', 'tpm',
);
/** configtls.ClientConfig (#collector-config-structs). */
const TLS_CLIENT = struct({ ...TLS_COMMON, ...opaque('insecure', 'insecure_skip_verify', 'server_name_override') });
/** configtls.ServerConfig (#collector-config-structs). */
const TLS_SERVER = struct({ ...TLS_COMMON, ...opaque('client_ca_file', 'client_ca_file_reload') });
/** confignet.AddrConfig (#collector-config-structs). */
const ADDRESS = opaque('endpoint', 'transport', 'dialer');
/** scraperhelper.ControllerConfig (#collector-config-structs). */
const SCRAPER_CONTROLLER = opaque('collection_interval', 'initial_delay', 'timeout');
/** configgrpc.ServerConfig (#collector-config-structs). */
const GRPC_SERVER = struct({
  ...ADDRESS,
  tls: TLS_SERVER,
  ...opaque('max_recv_msg_size_mib', 'max_concurrent_streams', 'read_buffer_size', 'write_buffer_size', 'keepalive', 'auth', 'include_metadata', 'middlewares'),
});
/** confighttp.ServerConfig (#collector-config-structs). */
const HTTP_SERVER_KEYS: Record<string, KeySpec> = {
  ...opaque('endpoint', 'cors', 'auth', 'max_request_body_size', 'include_metadata', 'response_headers', 'compression_algorithms'),
  ...opaque('read_timeout', 'read_header_timeout', 'write_timeout', 'idle_timeout', 'middlewares', 'keep_alives_enabled'),
  tls: TLS_SERVER,
};
/** confighttp.ClientConfig (#collector-config-structs). */
const HTTP_CLIENT_KEYS: Record<string, KeySpec> = {
  ...opaque('endpoint', 'proxy_url', 'read_buffer_size', 'write_buffer_size', 'timeout', 'headers', 'auth', 'compression', 'compression_params'),
  ...opaque('max_idle_conns', 'max_idle_conns_per_host', 'max_conns_per_host', 'idle_conn_timeout', 'disable_keep_alives'),
  ...opaque('http2_read_idle_timeout', 'http2_ping_timeout', 'cookies', 'force_attempt_http2', 'middlewares'),
  tls: TLS_CLIENT,
};
/** configgrpc.ClientConfig (#collector-config-structs). */
const GRPC_CLIENT_KEYS: Record<string, KeySpec> = {
  ...opaque('endpoint', 'compression', 'keepalive', 'read_buffer_size', 'write_buffer_size', 'wait_for_ready', 'headers', 'balancer_name', 'authority', 'auth', 'middlewares'),
  tls: TLS_CLIENT,
};
/** A metric toggle generated by mdatagen (internal/metadata/generated_config.go: MetricConfig). */
const METRIC_TOGGLE = struct(opaque('enabled'));

/** The httpcheck receiver's generated metrics config (internal/metadata/generated_config.go). */
const HTTPCHECK_METRICS = struct(
  Object.fromEntries(
    [
      'httpcheck.client.connection.duration',
      'httpcheck.client.request.duration',
      'httpcheck.dns.lookup.duration',
      'httpcheck.duration',
      'httpcheck.error',
      'httpcheck.response.duration',
      'httpcheck.response.size',
      'httpcheck.status',
      'httpcheck.tls.cert_remaining',
      'httpcheck.tls.handshake.duration',
      'httpcheck.validation.failed',
      'httpcheck.validation.passed',
    ].map((metric) => [metric, METRIC_TOGGLE]),
  ),
);

/** Every component type the collector configuration may use, by kind and type. */
export const COLLECTOR_COMPONENTS: Readonly<Record<ComponentKind, Readonly<Record<string, ComponentSpec>>>> = {
  receivers: {
    otlp: {
      module: 'go.opentelemetry.io/collector/receiver/otlpreceiver',
      release: COLLECTOR_RELEASE.core,
      source: [core('receiver/otlpreceiver/config.go'), core('config/configgrpc/configgrpc.go'), core('config/confighttp/server.go'), core('config/confignet/confignet.go')],
      config: struct({
        protocols: struct({
          grpc: GRPC_SERVER,
          // otlpreceiver HTTPConfig: a squashed server config and the URL paths (#collector-config-structs).
          http: struct({ ...HTTP_SERVER_KEYS, ...opaque('traces_url_path', 'metrics_url_path', 'logs_url_path') }),
        }),
      }),
    },
    postgresql: {
      module: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/postgresqlreceiver',
      release: COLLECTOR_RELEASE.contrib,
      source: [{ repo: CONTRIB, ref: '065035baefb2146be7c99aa293c1485d356ac2b0', path: 'receiver/postgresqlreceiver/config.go' }, core('scraper/scraperhelper/config.go'), core('config/configtls/configtls.go')],
      config: struct({
        ...SCRAPER_CONTROLLER,
        ...opaque('username', 'password', 'databases', 'exclude_databases'),
        ...ADDRESS,
        tls: TLS_CLIENT,
        ...opaque('connection_pool', 'query_sample_collection', 'top_query_collection'),
        // mdatagen's MetricsBuilderConfig and LogsBuilderConfig, squashed.
        ...opaque('metrics', 'resource_attributes', 'events'),
      }),
    },
    httpcheck: {
      module: 'github.com/open-telemetry/opentelemetry-collector-contrib/receiver/httpcheckreceiver',
      release: COLLECTOR_RELEASE.contrib,
      source: [
        { repo: CONTRIB, ref: '3f7d925836085106e0a121447f6ff1f4c810e904', path: 'receiver/httpcheckreceiver/config.schema.yaml' },
        { repo: CONTRIB, ref: '03e682c6e3d6fd8047e513e125e2a39995df0e7c', path: 'receiver/httpcheckreceiver/internal/metadata/generated_config.go' },
        core('config/confighttp/client.go'),
      ],
      config: struct({
        ...SCRAPER_CONTROLLER,
        targets: { listOf: struct({ ...HTTP_CLIENT_KEYS, ...opaque('endpoints', 'method', 'body', 'auto_content_type', 'validations') }) },
        metrics: HTTPCHECK_METRICS,
      }),
    },
  },
  processors: {
    memory_limiter: {
      module: 'go.opentelemetry.io/collector/processor/memorylimiterprocessor',
      release: COLLECTOR_RELEASE.core,
      source: [core('processor/memorylimiterprocessor/config.go'), core('internal/memorylimiter/config.go')],
      config: struct(
        opaque('check_interval', 'min_gc_interval_when_soft_limited', 'min_gc_interval_when_hard_limited', 'limit_mib', 'spike_limit_mib', 'limit_percentage', 'spike_limit_percentage'),
      ),
    },
    batch: {
      module: 'go.opentelemetry.io/collector/processor/batchprocessor',
      release: COLLECTOR_RELEASE.core,
      source: [core('processor/batchprocessor/config.go')],
      config: struct(opaque('timeout', 'send_batch_size', 'send_batch_max_size', 'metadata_keys', 'metadata_cardinality_limit')),
    },
  },
  exporters: {
    otlp: {
      module: 'go.opentelemetry.io/collector/exporter/otlpexporter',
      release: COLLECTOR_RELEASE.core,
      source: [core('exporter/otlpexporter/config.go'), core('config/configgrpc/configgrpc.go'), core('exporter/exporterhelper/internal/timeout_sender.go')],
      config: struct({ ...GRPC_CLIENT_KEYS, ...opaque('timeout', 'sending_queue', 'retry_on_failure') }),
    },
    prometheus: {
      module: 'github.com/open-telemetry/opentelemetry-collector-contrib/exporter/prometheusexporter',
      release: COLLECTOR_RELEASE.contrib,
      source: [redHatSchema('exporter_prometheus.yaml')],
      config: struct({
        ...HTTP_SERVER_KEYS,
        ...opaque('add_metric_suffixes', 'const_labels', 'enable_open_metrics', 'metric_expiration', 'namespace', 'send_timestamps', 'sending_queue', 'translation_strategy'),
        resource_to_telemetry_conversion: struct(opaque('enabled')),
      }),
    },
  },
  connectors: {
    spanmetrics: {
      module: 'github.com/open-telemetry/opentelemetry-collector-contrib/connector/spanmetricsconnector',
      release: COLLECTOR_RELEASE.contrib,
      source: [redHatSchema('connector_spanmetrics.yaml')],
      config: struct({
        ...opaque('add_resource_attributes', 'aggregation_cardinality_limit', 'aggregation_temporality', 'calls_dimensions', 'dimensions_cache_size'),
        ...opaque('events', 'exclude_dimensions', 'exemplars', 'include_instrumentation_scope', 'metric_timestamp_cache_size', 'metrics_expiration'),
        ...opaque('metrics_flush_interval', 'namespace', 'resource_metrics_cache_size', 'resource_metrics_key_attributes'),
        dimensions: { listOf: struct(opaque('name', 'default')) },
        // `unit` is an enum decoded from text ("ms" or "s"); the schema lists it as an integer.
        histogram: struct({ ...opaque('dimensions', 'disable', 'exponential', 'unit'), explicit: struct(opaque('buckets')) }),
      }),
    },
  },
  extensions: {
    health_check: {
      module: 'github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension',
      release: COLLECTOR_RELEASE.contrib,
      source: [redHatSchema('extension_health_check.yaml')],
      config: struct({ ...HTTP_SERVER_KEYS, ...opaque('check_collector_pipeline', 'path', 'response_body') }),
    },
  },
};

/** otelconf's pull Prometheus reader (#collector-config-structs). */
const METRIC_READER = struct({
  ...opaque('periodic', 'producers'),
  pull: struct({ exporter: struct({ prometheus: struct(opaque('host', 'port', 'with_resource_constant_labels', 'without_scope_info', 'without_type_suffix', 'without_units')) }) }),
});

/**
 * The `service` section and its telemetry (`level` and otelconf's MeterProvider `readers`, `views`).
 * `metrics.address` is gone: its feature gate is stable since v0.128.0 (#collector-config-structs).
 */
export const SERVICE_CONFIG: { readonly source: readonly SourceRef[]; readonly config: ConfigStruct } = {
  source: [
    core('service/config.go'),
    core('service/pipelines/config.go'),
    core('service/telemetry/otelconftelemetry/config.go'),
    core('service/telemetry/internal/migration/v0.3.0.go'),
    { repo: 'open-telemetry/opentelemetry-go-contrib', ref: 'otelconf/v0.18.0', path: 'otelconf/v0.3.0/generated_config.go' },
  ],
  config: struct({
    extensions: VALUE,
    pipelines: { mapOf: struct(opaque('receivers', 'processors', 'exporters')) },
    telemetry: struct({
      ...opaque('logs', 'traces', 'resource'),
      metrics: struct({ ...opaque('level', 'views'), readers: { listOf: METRIC_READER } }),
    }),
  }),
};

/** The top level of a collector configuration (#collector-config-structs). */
export const COLLECTOR_SECTIONS: readonly (ComponentKind | 'service')[] = ['receivers', 'processors', 'exporters', 'connectors', 'extensions', 'service'];

/** `otlp/jaeger` -> `otlp`: a component ID is `type[/name]`. */
export function componentType(id: string): string {
  return id.split('/')[0];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys of `value` that `spec` does not accept, as paths under `path`. */
export function unknownKeys(value: unknown, spec: KeySpec, path: string): string[] {
  if (spec === VALUE) return [];
  if ('listOf' in spec) {
    return Array.isArray(value) ? value.flatMap((item, index) => unknownKeys(item, spec.listOf, `${path}[${index}]`)) : [`${path}: expected a list`];
  }
  if (!isObject(value)) return value === null || value === undefined ? [] : [`${path}: expected a mapping`];
  if ('mapOf' in spec) return Object.entries(value).flatMap(([key, item]) => unknownKeys(item, spec.mapOf, `${path}.${key}`));
  return Object.entries(value).flatMap(([key, item]) =>
    key in spec.keys ? unknownKeys(item, spec.keys[key], `${path}.${key}`) : [`${path}.${key}: not a key of this release`],
  );
}

/**
 * Every problem the pinned release would refuse in a collector configuration: unknown sections, component
 * types not in COLLECTOR_COMPONENTS, unknown keys, and pipelines naming components that are not defined.
 */
export function collectorConfigProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [section, body] of Object.entries(config)) {
    if (!COLLECTOR_SECTIONS.includes(section as ComponentKind)) {
      problems.push(`${section}: not a section of a collector configuration`);
      continue;
    }
    if (section === 'service') {
      problems.push(...unknownKeys(body, SERVICE_CONFIG.config, 'service'));
      continue;
    }
    for (const [id, componentConfig] of Object.entries((body ?? {}) as Record<string, unknown>)) {
      const spec = COLLECTOR_COMPONENTS[section as ComponentKind][componentType(id)];
      if (spec === undefined) {
        problems.push(`${section}.${id}: component type "${componentType(id)}" is not recorded for ${COLLECTOR_RELEASE.tag}`);
        continue;
      }
      problems.push(...unknownKeys(componentConfig, spec.config, `${section}.${id}`));
    }
  }
  const defined = (section: string) => Object.keys((config[section] ?? {}) as Record<string, unknown>);
  const service = (config.service ?? {}) as { extensions?: string[]; pipelines?: Record<string, Record<string, string[]>> };
  for (const extension of service.extensions ?? []) {
    if (!defined('extensions').includes(extension)) problems.push(`service.extensions: ${extension} is not defined`);
  }
  for (const [pipeline, stages] of Object.entries(service.pipelines ?? {})) {
    const sources: Record<string, string[]> = {
      receivers: [...defined('receivers'), ...defined('connectors')],
      processors: defined('processors'),
      exporters: [...defined('exporters'), ...defined('connectors')],
    };
    for (const [stage, ids] of Object.entries(stages)) {
      for (const id of ids ?? []) {
        if (!sources[stage]?.includes(id)) problems.push(`service.pipelines.${pipeline}.${stage}: ${id} is not defined`);
      }
    }
  }
  return problems;
}
