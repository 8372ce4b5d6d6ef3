import { parseImageReference } from '../../lib/core/image';
import { AlertRouting } from '../../lib/observability/alert-routing';
import { parse } from 'yaml';
import { jaegerConfig, TraceStore } from '../../lib/observability/jaeger';
import { Observability, ObservabilityProps } from '../../lib/observability/observability';
import { DATABASE_CA_DIR, TelemetryCollector, TelemetryCollectorProps, UNVERIFIED_TLS_ANNOTATION } from '../../lib/observability/otel-collector';
import { MetricsScrape } from '../../lib/observability/service-monitor';
import { telemetryEnvironment } from '../../lib/observability/telemetry-environment';
import { find, testChart, validManifests } from '../support/synthesis';

const resources = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
const collectorProps: TelemetryCollectorProps = {
  image: parseImageReference('ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.140.1'),
  resources,
  tracesEndpoint: 'jaeger-collector:4317',
  postgres: { secretName: 'db-monitoring', tls: { insecureReason: 'the test server has no CA we can name here' } },
  probeUrls: ['https://example.epfl.ch/'],
  allowOtlpFrom: [{ podLabels: { app: 'api' } }],
  allowScrapeFrom: [{ namespaceLabels: { monitoring: 'true' } }],
};
const email = { smarthost: 'mail.example.org:587', from: 'alerts@example.org' };

describe('TelemetryCollector', () => {
  test('minimal props: collector, metrics Service, OTLP and scrape policies', () => {
    const chart = testChart();
    const collector = new TelemetryCollector(chart, 'Collector', collectorProps);
    const manifests = validManifests(chart) as any[];
    expect(manifests).toMatchSnapshot();
    expect(collector.otlpGrpcEndpoint).toBe('http://otel-collector-collector:4317');
    const config = find(manifests, 'OpenTelemetryCollector')[0] as any;
    expect(config.spec.config.service.pipelines.metrics.receivers).toEqual(['otlp', 'spanmetrics', 'postgresql', 'httpcheck']);
    expect(config.spec.config.service.pipelines.traces.exporters).toEqual(['otlp/jaeger', 'spanmetrics']);
    // Credentials reach the collector only as references.
    expect(config.spec.env.every((variable: any) => variable.valueFrom.secretKeyRef.name === 'db-monitoring')).toBe(true);
  });

  test('all props: name, memory limit, TLS without verification off', () => {
    const chart = testChart();
    new TelemetryCollector(chart, 'Collector', { ...collectorProps, name: 'telemetry', memoryLimitPercentage: 70, postgres: { secretName: 'm', tls: 'none' } });
    const [collector] = find(validManifests(chart), 'OpenTelemetryCollector') as any[];
    expect(collector.metadata.name).toBe('telemetry');
    expect(collector.spec.config.processors.memory_limiter.limit_percentage).toBe(70);
    expect(collector.spec.config.receivers.postgresql.tls).toEqual({ insecure: true });
  });

  test('verifies the database certificate against the CA of a ConfigMap, mounted where ca_file points', () => {
    const chart = testChart();
    new TelemetryCollector(chart, 'Collector', { ...collectorProps, postgres: { secretName: 'm', tls: { caConfigMap: { name: 'dbaas-ca', key: 'root.pem' } } } });
    const [collector] = find(validManifests(chart), 'OpenTelemetryCollector') as any[];
    const tls = collector.spec.config.receivers.postgresql.tls;
    expect(tls).toEqual({ insecure: false, insecure_skip_verify: false, ca_file: `${DATABASE_CA_DIR}/root.pem` });
    expect(collector.spec.volumes).toEqual([{ name: 'database-ca', configMap: { name: 'dbaas-ca', items: [{ key: 'root.pem', path: 'root.pem' }] } }]);
    expect(collector.spec.volumeMounts).toEqual([{ name: 'database-ca', mountPath: DATABASE_CA_DIR, readOnly: true }]);
    expect(collector.metadata.annotations?.[UNVERIFIED_TLS_ANNOTATION]).toBeUndefined();
  });

  test('an unverified certificate carries its reason on the collector', () => {
    const chart = testChart();
    new TelemetryCollector(chart, 'Collector', collectorProps);
    const [collector] = find(validManifests(chart), 'OpenTelemetryCollector') as any[];
    expect(collector.spec.config.receivers.postgresql.tls).toEqual({ insecure: false, insecure_skip_verify: true });
    expect(collector.metadata.annotations[UNVERIFIED_TLS_ANNOTATION]).toBe('the test server has no CA we can name here');
    expect(collector.spec.volumes).toBeUndefined();
  });

  test('refuses to probe a plain-HTTP URL (there is no certificate to watch)', () => {
    expect(() => new TelemetryCollector(testChart(), 'Collector', { ...collectorProps, probeUrls: ['http://example.epfl.ch/'] })).toThrowErrorMatchingSnapshot();
  });
});

describe('TraceStore', () => {
  const storeProps = {
    image: parseImageReference('quay.io/jaegertracing/jaeger:2.20.0'),
    resources,
    maxTraces: 50000,
    serviceAccountName: 'co2-calculator',
    allowOtlpFrom: [{ podLabels: { app: 'collector' } }],
  };

  test('minimal props: Jaeger v2 as a Deployment with bounded memory storage, its Service, and a policy for OTLP only', () => {
    const chart = testChart();
    const store = new TraceStore(chart, 'Traces', storeProps);
    const manifests = validManifests(chart) as any[];
    expect(manifests).toMatchSnapshot();
    expect(store.otlpGrpcEndpoint).toBe('otel-collector-jaeger:4317');
    const [config] = find(manifests, 'ConfigMap', 'otel-collector-jaeger-config') as any[];
    expect(parse(config.data['config.yaml'])).toEqual(jaegerConfig(50000));
    const [deployment] = find(manifests, 'Deployment', 'otel-collector-jaeger') as any[];
    const container = deployment.spec.template.spec.containers[0];
    expect(container.args).toEqual(['--config=/etc/jaeger/config.yaml']);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/status', port: 'health' });
    expect(container.ports.find((p: any) => p.name === 'health').containerPort).toBe(13133);
    const [service] = find(manifests, 'Service', 'otel-collector-jaeger') as any[];
    expect(service.spec.ports.map((p: any) => [p.name, p.port])).toEqual([['otlp-grpc', 4317], ['ui', 16686]]);
    const [policy] = find(manifests, 'NetworkPolicy') as any[];
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 4317, protocol: 'TCP' }]);
    expect(policy.spec.podSelector.matchLabels).toEqual(store.podSelector);
  });

  test('a configuration change rolls the pod; the same configuration does not', () => {
    const checksum = (maxTraces: number) => {
      const chart = testChart();
      new TraceStore(chart, 'Traces', { ...storeProps, maxTraces });
      return (find(validManifests(chart), 'Deployment')[0] as any).spec.template.metadata.annotations['co2-calculator.epfl.ch/config-checksum'];
    };
    expect(checksum(50000)).toBe(checksum(50000));
    expect(checksum(60000)).not.toBe(checksum(50000));
  });

  test('refuses an unbounded or fractional trace limit', () => {
    expect(() => new TraceStore(testChart(), 'Traces', { ...storeProps, maxTraces: 0.5 })).toThrowErrorMatchingSnapshot();
    expect(() => new TraceStore(testChart(), 'Traces', { ...storeProps, maxTraces: 0 })).toThrow('0 would be unbounded memory');
  });
});

describe('MetricsScrape', () => {
  test('selects a Service of its namespace and scrapes the named ports', () => {
    const chart = testChart();
    new MetricsScrape(chart, 'Scrape', { metadata: { name: 'm' }, serviceLabels: { app: 'x' }, endpoints: [{ port: 'metrics' }, { port: 'telemetry', interval: '1m', path: '/stats' }] });
    expect(validManifests(chart)).toMatchSnapshot();
  });

  test.each([
    ['no endpoint', { serviceLabels: { app: 'x' }, endpoints: [] }],
    ['an empty selector', { serviceLabels: {}, endpoints: [{ port: 'metrics' }] }],
  ])('refuses %s', (_case, props) => {
    expect(() => new MetricsScrape(testChart(), 'Scrape', { metadata: { name: 'm' }, ...props })).toThrowErrorMatchingSnapshot();
  });
});

describe('AlertRouting', () => {
  test('minimal props: critical and warning routes by email, no SMTP login', () => {
    const chart = testChart();
    new AlertRouting(chart, 'Routing', { metadata: { name: 'routing' }, email, critical: ['oncall@example.org'], warning: ['team@example.org'] });
    const [config] = validManifests(chart) as any[];
    expect(config).toMatchSnapshot();
    expect(config.spec.receivers.flatMap((r: any) => r.emailConfigs.map((e: any) => e.authPassword))).toEqual([undefined, undefined]);
  });

  test('all props: SMTP login with the password by reference, custom repeat intervals', () => {
    const chart = testChart();
    new AlertRouting(chart, 'Routing', {
      metadata: { name: 'routing' },
      email: { ...email, username: 'alerts', passwordSecret: { name: 'smtp', key: 'password' }, requireTls: false },
      critical: ['a@example.org', 'b@example.org'],
      warning: ['c@example.org'],
      criticalRepeatInterval: '30m',
      warningRepeatInterval: '24h',
    });
    const [config] = validManifests(chart) as any[];
    expect(config.spec.receivers[0].emailConfigs[0]).toMatchObject({ to: 'a@example.org, b@example.org', authUsername: 'alerts', authPassword: { name: 'smtp', key: 'password' }, requireTLS: false });
    expect(config.spec.route.repeatInterval).toBe('24h');
    expect(config.spec.route.routes[0].repeatInterval).toBe('30m');
  });

  test.each([
    ['no recipients', { email, critical: [], warning: ['x@example.org'] }],
    ['a login without password', { email: { ...email, username: 'alerts' }, critical: ['x@example.org'], warning: ['x@example.org'] }],
  ])('refuses %s', (_case, props) => {
    expect(() => new AlertRouting(testChart(), 'Routing', { metadata: { name: 'routing' }, ...props })).toThrowErrorMatchingSnapshot();
  });
});

describe('telemetryEnvironment', () => {
  test('declares the pod identity before the resource attributes that refer to it', () => {
    const env = telemetryEnvironment({ endpoint: 'http://c:4317', serviceName: 's', serviceVersion: '1.0', deploymentEnvironment: 'production' });
    const names = env.map((variable) => variable.name);
    const attributes = env.find((variable) => variable.name === 'OTEL_RESOURCE_ATTRIBUTES')!.value!;
    for (const reference of attributes.match(/\$\((\w+)\)/g)!.map((match) => match.slice(2, -1))) {
      expect(names.indexOf(reference)).toBeGreaterThanOrEqual(0);
      expect(names.indexOf(reference)).toBeLessThan(names.indexOf('OTEL_RESOURCE_ATTRIBUTES'));
    }
    expect(env).toContainEqual({ name: 'OTEL_SEMCONV_STABILITY_OPT_IN', value: 'http' });
    expect(attributes).toContain('service.version=1.0');
  });
});

describe('Observability', () => {
  test('wires backend -> collector -> Jaeger and Prometheus, and admits each hop in the policies', () => {
    const chart = testChart();
    const props: ObservabilityProps = {
      environmentName: 'test',
      host: 'example.epfl.ch',
      grafana: { instanceSelector: { dashboards: 'test' }, folder: 'Test' },
      runbooksUrl: 'https://github.com/example/deploy/blob/main/docs/runbooks.md',
      collector: { image: collectorProps.image, resources },
      tracing: { image: parseImageReference('quay.io/jaegertracing/jaeger:2.20.0'), resources, maxTraces: 10000 },
      postgres: { secretName: 'db-monitoring', tls: { insecureReason: 'the test server has no CA we can name here' } },
      alerting: { email, critical: ['a@example.org'], warning: ['b@example.org'] },
      telemetrySources: [{ podLabels: { app: 'api' } }],
      scrapers: [{ namespaceLabels: { monitoring: 'true' } }],
      routerPeer: { namespaceLabels: { ingress: 'true' } },
      serviceAccountName: 'co2-calculator',
    };
    const observability = new Observability(chart, 'Observability', props);
    const manifests = validManifests(chart) as any[];
    const collector = find(manifests, 'OpenTelemetryCollector')[0] as any;
    expect(collector.spec.config.exporters['otlp/jaeger'].endpoint).toBe(observability.traces.otlpGrpcEndpoint);
    const jaegerPolicy = find(manifests, 'NetworkPolicy', 'otel-collector-jaeger-network-policy')[0] as any;
    expect(jaegerPolicy.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: observability.collector.podSelector } }]);
    expect(find(manifests, 'GrafanaDashboard')).toHaveLength(3);
    const [rule] = find(manifests, 'PrometheusRule') as any[];
    const alerts = rule.spec.groups.flatMap((g: any) => g.rules);
    expect(alerts.every((r: any) => r.annotations.runbook_url.startsWith(`${props.runbooksUrl}#`))).toBe(true);
    const monitor = find(manifests, 'ServiceMonitor')[0] as any;
    const service = find(manifests, 'Service', 'otel-collector-metrics')[0] as any;
    expect(monitor.spec.selector.matchLabels).toEqual(service.metadata.labels);
    expect(monitor.spec.endpoints.map((e: any) => e.port)).toEqual(service.spec.ports.map((p: any) => p.name));
  });
});
