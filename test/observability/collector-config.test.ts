/**
 * The collector configuration of every environment, walked against what the pinned collector release
 * accepts (lib/observability/collector-components.ts). The collector refuses an unknown key at start,
 * so anything this finds would be a crash loop on the cluster.
 */
import { parseImageReference } from '../../lib/core/image';
import {
  COLLECTOR_COMPONENTS,
  COLLECTOR_RELEASE,
  collectorConfigProblems,
  ComponentKind,
  componentType,
} from '../../lib/observability/collector-components';
import { jaegerConfig } from '../../lib/observability/jaeger';
import { UNVERIFIED_TLS_ANNOTATION } from '../../lib/observability/otel-collector';
import { find, standardSynthesis } from '../support/synthesis';

const collectors = standardSynthesis()
  .environments.flatMap(({ environment, manifests }) => find(manifests, 'OpenTelemetryCollector').map((collector) => [environment.name, collector as any] as const));

describe('the collector configuration of every environment', () => {
  test('every environment with telemetry has a collector to check', () => {
    const observed = standardSynthesis().environments.filter(({ environment }) => environment.observability).map(({ environment }) => environment.name);
    expect(collectors.map(([name]) => name)).toEqual(observed);
    expect(observed.length).toBeGreaterThan(0);
  });

  test.each(collectors)('%s: runs the release the component data was read from', (_name, collector) => {
    const image = parseImageReference(collector.spec.image);
    expect(image.repository).toBe(COLLECTOR_RELEASE.image);
    expect(image.tag).toBe(COLLECTOR_RELEASE.tag);
  });

  test.each(collectors)('%s: every component type and key is one the pinned release accepts', (_name, collector) => {
    expect(collectorConfigProblems(collector.spec.config)).toEqual([]);
  });

  test.each(collectors)('%s: the TLS certificate metric the CertificateExpiringSoon alert reads is switched on', (_name, collector) => {
    expect(collector.spec.config.receivers.httpcheck.metrics['httpcheck.tls.cert_remaining']).toEqual({ enabled: true });
  });
});

/**
 * Collector components that call the Kubernetes API and so need the pod's token (collector-contrib
 * 0.140.1: processor/k8sattributesprocessor, receiver/k8sclusterreceiver, receiver/k8sobjectsreceiver,
 * receiver/k8seventsreceiver, receiver/kubeletstatsreceiver, extension/observer/k8sobserver,
 * extension/k8sleaderelector).
 */
const API_COMPONENTS = ['k8sattributes', 'k8s_cluster', 'k8sobjects', 'k8s_events', 'kubeletstats', 'k8s_observer', 'k8s_leader_elector'];

describe('the collector runs as a ServiceAccount of ours, without a token', () => {
  const synthesized = standardSynthesis().environments.filter(({ environment }) => environment.observability);

  test.each(synthesized.map(({ environment, manifests }) => [environment.name, manifests] as const))('%s', (_name, manifests) => {
    const [collector] = find(manifests, 'OpenTelemetryCollector') as any[];
    const config = collector.spec.config;
    const used = ['receivers', 'processors', 'extensions'].flatMap((section) => Object.keys(config[section] ?? {}).map((key) => key.split('/')[0]));
    expect(used.filter((type) => API_COMPONENTS.includes(type))).toEqual([]);
    const [account] = find(manifests, 'ServiceAccount', collector.spec.serviceAccount) as any[];
    expect(account).toBeDefined();
    expect(account.automountServiceAccountToken).toBe(false);
  });
});

describe('the collector verifies the database certificate, or says why not', () => {
  const synthesized = standardSynthesis().environments.filter(({ environment }) => environment.observability);

  test.each(synthesized.map(({ environment, manifests }) => [environment.name, environment, manifests] as const))('%s', (_name, environment, manifests) => {
    const [collector] = find(manifests, 'OpenTelemetryCollector') as any[];
    const tls = collector.spec.config.receivers.postgresql.tls;
    const database = environment.database;
    if (database.mode === 'in-cluster') {
      expect(tls).toEqual({ insecure: true });
    } else if ('caConfigMap' in database.tls) {
      const ca = database.tls.caConfigMap;
      const mount = collector.spec.volumeMounts.find((m: any) => tls.ca_file === `${m.mountPath}/${ca.key}`);
      const volume = collector.spec.volumes.find((v: any) => v.name === mount?.name);
      expect({ skip: tls.insecure_skip_verify, configMap: volume?.configMap.name }).toEqual({ skip: false, configMap: ca.name });
    } else {
      expect(tls.insecure_skip_verify).toBe(true);
      expect(collector.metadata.annotations[UNVERIFIED_TLS_ANNOTATION]).toBe(database.tls.insecureReason);
    }
  });
});

describe('the walker finds what the collector would refuse', () => {
  const [, collector] = collectors[0];
  const config = () => structuredClone(collector.spec.config);

  test('a misspelt key, nested or not', () => {
    const bad = config();
    bad.receivers.postgresql.tls.insecure_skip_verfy = true;
    bad.exporters.prometheus.metric_expiry = '1m';
    expect(collectorConfigProblems(bad).sort()).toEqual([
      'exporters.prometheus.metric_expiry: not a key of this release',
      'receivers.postgresql.tls.insecure_skip_verfy: not a key of this release',
    ]);
  });

  test('a metric toggle the receiver does not generate, and a key inside a list item', () => {
    const bad = config();
    bad.receivers.httpcheck.metrics['httpcheck.tls.cert_expiry'] = { enabled: true };
    bad.receivers.httpcheck.targets[0].methd = 'GET';
    expect(collectorConfigProblems(bad).sort()).toEqual([
      'receivers.httpcheck.metrics.httpcheck.tls.cert_expiry: not a key of this release',
      'receivers.httpcheck.targets[0].methd: not a key of this release',
    ]);
  });

  test('the telemetry address that core removed in v0.128.0', () => {
    const bad = config();
    bad.service.telemetry.metrics = { address: '0.0.0.0:8888' };
    expect(collectorConfigProblems(bad).sort()).toEqual(['service.telemetry.metrics.address: not a key of this release']);
  });

  test('a component type not recorded, an unknown section, and a pipeline naming an undefined component', () => {
    const bad = config();
    bad.receivers['http_check/public'] = { targets: [] };
    bad.extension = {};
    bad.service.pipelines.metrics.exporters.push('debug');
    expect(collectorConfigProblems(bad).sort()).toEqual([
      'extension: not a section of a collector configuration',
      `receivers.http_check/public: component type "http_check" is not recorded for ${COLLECTOR_RELEASE.tag}`,
      'service.pipelines.metrics.exporters: debug is not defined',
    ]);
  });
});

describe('the recorded component data', () => {
  const entries = Object.entries(COLLECTOR_COMPONENTS).flatMap(([kind, components]) => Object.entries(components).map(([type, spec]) => [kind as ComponentKind, type, spec] as const));

  test('every component names its module, the release it was read at, and at least one source file', () => {
    const problems = entries.filter(([, , spec]) => ![COLLECTOR_RELEASE.core, COLLECTOR_RELEASE.contrib].includes(spec.release as never) || spec.source.length === 0 || !spec.module);
    expect(problems.map(([kind, type]) => `${kind}.${type}`)).toEqual([]);
    // Core modules are read at the core tag, contrib modules at the contrib release.
    for (const [, type, spec] of entries) {
      expect([type, spec.release]).toEqual([type, spec.module.startsWith('go.opentelemetry.io/collector/') ? COLLECTOR_RELEASE.core : COLLECTOR_RELEASE.contrib]);
    }
  });

  test('only components the rendered configurations use are recorded (no stale data to re-read)', () => {
    const used = new Set(collectors.flatMap(([, collector]) => (['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const).flatMap((kind) => Object.keys(collector.spec.config[kind] ?? {}).map((id) => `${kind}.${componentType(id)}`))));
    expect(entries.map(([kind, type]) => `${kind}.${type}`).sort()).toEqual([...used].sort());
  });
});

describe('the Jaeger configuration', () => {
  test('is bounded, and its pipeline names only components it defines', () => {
    const config = jaegerConfig(1234) as any;
    expect(config.extensions.jaeger_storage.backends.memstore.memory.max_traces).toBe(1234);
    expect(config.exporters.jaeger_storage_exporter.trace_storage).toBe('memstore');
    expect(config.extensions.jaeger_query.storage.traces).toBe('memstore');
    const { traces } = config.service.pipelines;
    expect(traces.receivers.every((id: string) => id in config.receivers)).toBe(true);
    expect(traces.processors.every((id: string) => id in config.processors)).toBe(true);
    expect(traces.exporters.every((id: string) => id in config.exporters)).toBe(true);
    expect(config.service.extensions.every((id: string) => id in config.extensions)).toBe(true);
  });
});
