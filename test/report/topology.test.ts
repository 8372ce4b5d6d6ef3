/**
 * The topology diagrams of dist/README.md. Each edge is checked from the other side: the expectation
 * is re-derived from the manifests with the test helpers (test/support/kubernetes.ts, which model the
 * operators' pods on their own), not with the generator's code. Mermaid's own parser reads every
 * diagram in test/integration/topology-mermaid.test.ts (starting Mermaid takes seconds), and Chromium
 * draws them at 880 px in test/integration/diagrams.test.ts.
 */
import type { Environment } from '../../lib/config/environment';
import { platformFor } from '../../lib/platform';
import { platformPeerRoles, renderEnvironmentReport } from '../../lib/report/environment-report';
import { mermaidIds } from '../../lib/report/mermaid';
import { addressReferences, EdgeKind, environmentTopology, Topology, TopologyEdge } from '../../lib/report/topology';
import { Manifest } from '../../lib/core/manifest';
import { matches, podTemplates, ref, strings } from '../support/kubernetes';
import { standardSynthesis } from '../support/synthesis';

const standard = standardSynthesis().environments.filter(({ preview }) => !preview);
const cases = standard.map(({ environment, manifests }) => [environment.name, environment, manifests] as const);

const topologyOf = (environment: Environment, manifests: readonly Manifest[]) => environmentTopology(manifests, { peerRoles: platformPeerRoles(environment) });

const edgesOf = (topology: Topology, kind: EdgeKind) => topology.edges.filter((edge) => edge.kind === kind);
const arrow = (edge: { from: string; to: string }) => `${edge.from} → ${edge.to}`;
const sortedSet = (values: Iterable<string>) => [...new Set(values)].sort();
const nodeByKey = (topology: Topology) => new Map(topology.nodes.map((node) => [node.key, node]));

/** Keys reachable from a node along edges of the given kinds. */
function reachable(topology: Topology, from: string, kinds: readonly EdgeKind[]): Set<string> {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const edge of topology.edges) {
      if (edge.from === current && kinds.includes(edge.kind) && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return seen;
}

describe.each(cases)('topology of %s', (_name, environment, manifests) => {
  const topology = topologyOf(environment, manifests);
  const pods = podTemplates(manifests);
  const byKind = (kind: string) => manifests.filter((manifest) => manifest.kind === kind);

  test('every node and edge names the objects it comes from, and each of them is in the environment', () => {
    const refs = new Set(manifests.map(ref));
    const keys = new Set(topology.nodes.map((node) => node.key));
    const orphans = [
      ...topology.nodes.filter((node) => node.sources.length === 0 || node.sources.some((source) => !refs.has(source))).map((node) => `node ${node.key}: ${node.sources}`),
      ...topology.edges.filter((edge) => edge.sources.length === 0 || edge.sources.some((source) => !refs.has(source))).map((edge) => `edge ${arrow(edge)}: ${edge.sources}`),
      ...topology.edges.filter((edge) => !keys.has(edge.from) || !keys.has(edge.to)).map((edge) => `edge ${arrow(edge)} has an end that is no node`),
    ];
    expect(orphans).toEqual([]);
  });

  test('each of our Services leads to exactly the pods its selector matches', () => {
    const expected = byKind('Service').flatMap((service: any) =>
      pods.filter((pod) => service.spec.selector && matches(pod.labels, service.spec.selector)).map((pod) => `Service/${service.metadata.name} → ${ref(pod.owner)}`),
    );
    const ours = new Set(byKind('Service').map(ref));
    expect(edgesOf(topology, 'serves').filter((edge) => ours.has(edge.from)).map(arrow).sort()).toEqual(sortedSet(expected));
    expect(expected.length).toBeGreaterThanOrEqual(3);
  });

  test("a Service an operator makes is drawn for its custom resource and leads to that resource's pods", () => {
    const ours = new Set(byKind('Service').map(ref));
    const nodes = nodeByKey(topology);
    for (const edge of edgesOf(topology, 'serves').filter((candidate) => !ours.has(candidate.from))) {
      expect(nodes.get(edge.from)!.sources).toContain(edge.to);
      expect(pods.find((pod) => ref(pod.owner) === edge.to)?.byOperator).toBe(true);
    }
  });

  test('hosts and paths lead to Routes, Ingresses or HTTPRoutes, and those to the Services they name', () => {
    const expected = [
      ...byKind('Route').flatMap((route: any) => [`host:${route.spec.host} → ${ref(route)} ${route.spec.path}`, `${ref(route)} → Service/${route.spec.to.name} port ${route.spec.port.targetPort}`]),
      ...byKind('Ingress').flatMap((ingress: any) =>
        ingress.spec.rules.flatMap((rule: any) =>
          rule.http.paths.flatMap((path: any) => [`host:${rule.host} → ${ref(ingress)} ${path.path}`, `${ref(ingress)} → Service/${path.backend.service.name} port ${path.backend.service.port.name}`]),
        ),
      ),
      ...byKind('HTTPRoute').flatMap((route: any) =>
        route.spec.rules.flatMap((rule: any) => [
          ...route.spec.hostnames.flatMap((host: string) => rule.matches.map((match: any) => `host:${host} → ${ref(route)} ${match.path.value}`)),
          ...(rule.backendRefs ?? []).map((backend: any) => `${ref(route)} → Service/${backend.name} port ${backend.port}`),
        ]),
      ),
    ];
    expect(edgesOf(topology, 'routes').map((edge) => `${arrow(edge)} ${edge.label}`).sort()).toEqual(sortedSet(expected));
    expect(expected.length).toBeGreaterThan(0);
  });

  test('each NetworkPolicy admits its peers to the pods it selects, on its ports', () => {
    const platform = platformFor(environment.platform);
    const sameLabels = (a: object | undefined, b: object | undefined) => JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
    const peerName = (peer: any): string[] => {
      if (!peer.namespaceSelector) return pods.filter((pod) => matches(pod.labels, peer.podSelector.matchLabels)).map((pod) => ref(pod.owner));
      if (sameLabels(peer.namespaceSelector.matchLabels, platform.edgePeer.namespaceLabels)) return ['ingress controllers'];
      if (sameLabels(peer.namespaceSelector.matchLabels, platform.monitoringPeer.namespaceLabels)) return ['monitoring'];
      throw new Error(`a peer this test does not know: ${JSON.stringify(peer)}`);
    };
    const expected = byKind('NetworkPolicy').flatMap((policy: any) =>
      (policy.spec.ingress ?? []).flatMap((rule: any) => {
        const targets = pods.filter((pod) => matches(pod.labels, policy.spec.podSelector.matchLabels)).map((pod) => ref(pod.owner));
        const ports = rule.ports.map((port: any) => port.port).join(', ');
        return rule.from.flatMap(peerName).flatMap((source: string) => targets.map((target) => `${source} → ${target} ${ports}`));
      }),
    );
    const nodes = nodeByKey(topology);
    const name = (key: string) => (nodes.get(key)!.zone === 'namespace' ? key : nodes.get(key)!.lines[0]);
    const actual = edgesOf(topology, 'admits').map((edge) => `${name(edge.from)} → ${name(edge.to)} ${edge.label}`);
    expect(actual.sort()).toEqual(sortedSet(expected));
    expect(expected.length).toBeGreaterThanOrEqual(4);
    // The edge peers sit in the edge subgraph, the monitoring stack outside.
    expect(topology.nodes.filter((node) => node.lines[0] === 'ingress controllers').map((node) => node.zone)).toEqual(['edge']);
  });

  test('the default-deny policy is stated under the diagram, and no pod is left unselected', () => {
    expect(topology.notes).toEqual(['`NetworkPolicy/default-deny` selects every pod and admits no ingress or egress traffic: a pod receives and sends only what another policy allows.']);
  });

  test('pods lead to the claims their volumes name, and every claim is drawn', () => {
    const expected = pods.flatMap((pod) => [
      ...(pod.spec.volumes ?? []).filter((volume: any) => volume.persistentVolumeClaim).map((volume: any) => `${ref(pod.owner)} → PersistentVolumeClaim/${volume.persistentVolumeClaim.claimName}`),
      ...((pod.owner.spec as any).volumeClaimTemplates ?? []).map((template: any) => `${ref(pod.owner)} → claims ${template.metadata.name}-${pod.owner.metadata.name}-N`),
    ]);
    const nodes = nodeByKey(topology);
    expect(edgesOf(topology, 'mounts').map((edge) => `${edge.from} → ${nodes.get(edge.to)!.lines[0]}`).sort()).toEqual(sortedSet(expected));
    for (const claim of byKind('PersistentVolumeClaim')) expect(nodes.get(ref(claim))?.zone).toBe('namespace');
  });

  test('pods lead to the Services their settings name by address', () => {
    // The Services operators make, by the names their custom resources document.
    const madeByOperators = [
      ...byKind('OpenTelemetryCollector').map((collector) => `${collector.metadata.name}-collector`),
    ];
    const names = [...byKind('Service').map((service) => service.metadata.name), ...madeByOperators];
    const settings = (pod: (typeof pods)[number]) =>
      pod.byOperator ? strings(pod.owner.spec).map(([, value]) => value) : (pod.spec.initContainers ?? []).concat(pod.spec.containers).flatMap((container: any) => [...(container.env ?? []).map((variable: any) => variable.value ?? ''), ...(container.args ?? []), ...(container.command ?? [])]);
    const expected = pods.flatMap((pod) =>
      settings(pod).flatMap((value: string) => names.filter((name) => new RegExp(`(//|@|^)([^/@\\s]*@)?${name}(:\\d+)?(/|$)`).test(value)).map((name) => `${ref(pod.owner)} → Service/${name}`)),
    );
    expect(edgesOf(topology, 'connects').filter((edge) => edge.to.startsWith('Service/')).map(arrow).sort()).toEqual(sortedSet(expected));
  });

  test('the database: a DB_URL from a Secret leads outside the namespace, one naming the in-cluster Service leads to its StatefulSet', () => {
    const clients = pods.filter((pod) => pod.spec.containers.some((container: any) => (container.env ?? []).some((variable: any) => variable.name === 'DB_URL')));
    expect(clients.map((pod) => ref(pod.owner)).sort()).toEqual(environment.backup ? ['CronJob/db-dump', 'Deployment/backend', 'Job/backend-migration'] : ['Deployment/backend', 'Job/backend-migration']);
    const nodes = nodeByKey(topology);
    for (const client of clients) {
      const reached = [...reachable(topology, ref(client.owner), ['connects', 'serves'])].map((key) => nodes.get(key)!);
      if (environment.database.mode === 'in-cluster') {
        expect(reached.map((node) => node.key)).toContain('StatefulSet/postgres');
      } else {
        expect(reached.filter((node) => node.zone === 'external').map((node) => node.lines)).toEqual([['PostgreSQL database', 'address in a Secret']]);
      }
    }
  });

  test('the telemetry path: backend → collector → trace store, and monitoring → ServiceMonitor → the collector', () => {
    if (!environment.observability) return expect(byKind('OpenTelemetryCollector')).toEqual([]);
    const collector = ref(byKind('OpenTelemetryCollector')[0]);
    expect(reachable(topology, 'Deployment/backend', ['connects', 'serves'])).toContain(collector);
    const fromCollector = [...reachable(topology, collector, ['connects', 'serves'])];
    expect(fromCollector.filter((key) => key !== collector && /jaeger/i.test(key) && !key.startsWith('Service/'))).toHaveLength(1);
    const monitoring = topology.nodes.find((node) => node.lines[0] === 'monitoring')!;
    const scraped = reachable(topology, monitoring.key, ['monitors', 'serves']);
    expect([...scraped].filter((key) => key.startsWith('ServiceMonitor/'))).toEqual(byKind('ServiceMonitor').map(ref));
    expect(scraped).toContain(collector);
  });

  test('ServiceMonitors lead to the Services whose labels their selector matches', () => {
    const expected = byKind('ServiceMonitor').flatMap((monitor: any) =>
      byKind('Service').filter((service) => matches(service.metadata.labels ?? {}, monitor.spec.selector.matchLabels)).map((service) => `${ref(monitor)} → ${ref(service)}`),
    );
    expect(edgesOf(topology, 'monitors').filter((edge) => edge.from.startsWith('ServiceMonitor/')).map(arrow).sort()).toEqual(sortedSet(expected));
  });
});

describe('removing an object', () => {
  const identity = (edge: TopologyEdge) => `${edge.from} →${edge.kind}→ ${edge.to}`;

  test.each(cases)('from %s removes what came from it and adds nothing', (_name, environment, manifests) => {
    const full = topologyOf(environment, manifests);
    const fullEdges = new Set(full.edges.map(identity));
    for (const removed of manifests) {
      const without = topologyOf(environment, manifests.filter((manifest) => manifest !== removed));
      const gone = ref(removed);
      const citing = [...without.nodes, ...without.edges].filter((element) => element.sources.includes(gone));
      expect({ removed: gone, citing }).toEqual({ removed: gone, citing: [] });
      const withoutEdges = new Set(without.edges.map(identity));
      expect({ removed: gone, added: [...withoutEdges].filter((edge) => !fullEdges.has(edge)) }).toEqual({ removed: gone, added: [] });
      const lost = full.edges.filter((edge) => !edge.sources.includes(gone) && !withoutEdges.has(identity(edge))).map(identity);
      expect({ removed: gone, lost }).toEqual({ removed: gone, lost: [] });
    }
  });

  test.each(cases)('from %s: a NetworkPolicy takes its admitted traffic along, a Route, Ingress or HTTPRoute its paths', (_name, environment, manifests) => {
    const full = topologyOf(environment, manifests);
    const owners: Record<string, EdgeKind> = { NetworkPolicy: 'admits', Route: 'routes', Ingress: 'routes', HTTPRoute: 'routes' };
    let checked = 0;
    // A policy without ingress rules admits nothing, so it has no edge to take along (it is a note).
    for (const removed of manifests.filter((manifest: any) => owners[manifest.kind] && !(manifest.kind === 'NetworkPolicy' && !manifest.spec.ingress?.length))) {
      const remaining = new Set(topologyOf(environment, manifests.filter((manifest) => manifest !== removed)).edges.map(identity));
      const owned = full.edges.filter((edge) => edge.kind === owners[removed.kind] && edge.sources.includes(ref(removed)));
      expect(owned.length).toBeGreaterThan(0);
      expect(owned.filter((edge) => remaining.has(identity(edge))).map(identity)).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });
});

describe('following the objects', () => {
  test('a new claim on the backend appears without a change to the generator', () => {
    const prod = standard.find(({ environment }) => environment.name === 'prod')!;
    const metadata = (name: string) => ({ name, namespace: prod.environment.namespace });
    const changed = prod.manifests.map((manifest: any): Manifest => {
      if (manifest.kind !== 'Deployment' || manifest.metadata.name !== 'backend') return manifest;
      const spec = manifest.spec.template.spec;
      const containers = spec.containers.map((container: any) => ({ ...container, volumeMounts: [...container.volumeMounts, { name: 'reports', mountPath: '/var/lib/reports' }] }));
      const volumes = [...spec.volumes, { name: 'reports', persistentVolumeClaim: { claimName: 'reports' } }];
      return { ...manifest, spec: { ...manifest.spec, template: { ...manifest.spec.template, spec: { ...spec, containers, volumes } } } };
    });
    const claim: Manifest = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: metadata('reports'), spec: { resources: { requests: { storage: '5Gi' } } } };
    const arrows = topologyOf(prod.environment, [...changed, claim]).edges.map((edge) => `${edge.from} →${edge.kind}→ ${edge.to} ${edge.label}`.trim());
    expect(arrows).toContain('Deployment/backend →mounts→ PersistentVolumeClaim/reports /var/lib/reports');
  });

  test('the trace store, a plain Deployment behind its Service, is on the telemetry path', () => {
    const prod = standard.find(({ environment }) => environment.name === 'prod')!;
    const arrows = topologyOf(prod.environment, prod.manifests).edges.map((edge) => `${edge.from} →${edge.kind}→ ${edge.to} ${edge.label}`.trim());
    expect(arrows).toEqual(
      expect.arrayContaining([
        'OpenTelemetryCollector/otel-collector →connects→ Service/otel-collector-jaeger :4317',
        'Service/otel-collector-jaeger →serves→ Deployment/otel-collector-jaeger',
        'OpenTelemetryCollector/otel-collector →admits→ Deployment/otel-collector-jaeger 4317',
      ]),
    );
  });
});

describe('building blocks', () => {
  test('addresses are found in URLs and host:port tokens, not in paths, wildcards or variables', () => {
    const hosts = (text: string) => addressReferences(text).map(({ scheme, host, port }) => [scheme ?? '', host, port ?? ''].join(' '));
    expect(hosts('http://otel-collector-collector:4317')).toEqual(['http otel-collector-collector 4317']);
    expect(hosts('postgresql://$(POSTGRESQL_USER):$(POSTGRESQL_PASSWORD)@postgres:5432/$(POSTGRESQL_DATABASE)')).toEqual(['postgresql postgres 5432']);
    expect(hosts('otel-collector-jaeger-collector:4317')).toEqual([' otel-collector-jaeger-collector 4317']);
    expect(hosts('--db=postgres.ns.svc.cluster.local:5432 https://Example.org/')).toEqual(['https example.org ', ' postgres.ns.svc.cluster.local 5432']);
    expect(hosts('0.0.0.0:4317')).toEqual([' 0.0.0.0 4317']);
    expect(hosts('${env:POSTGRES_ENDPOINT}')).toEqual([]);
    expect(hosts('/var/lib/db-dumps')).toEqual([]);
    expect(hosts('/opt/postgres:5432')).toEqual([]);
    expect(hosts('postgresql')).toEqual([]);
  });

  test('a qualified Service name counts only for the own namespace; a literal DB_URL elsewhere is an outside database', () => {
    const service: Manifest = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'ns' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } };
    const client = (value: string): Manifest => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'client', namespace: 'ns' }, spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'DB_URL', value }] }] } } } });
    const targets = (value: string) => environmentTopology([service, client(value)]).edges.filter((edge) => edge.kind === 'connects').map((edge) => `${edge.to} ${edge.label}`);
    expect(targets('postgresql://u@db.ns.svc:5432/x')).toEqual(['Service/db postgresql :5432']);
    expect(targets('postgresql://u@db.other:5432/x')).toEqual(['external:PostgreSQL database db.other postgresql :5432']);
    expect(targets('postgresql://u@db:5432/x')).toEqual(['Service/db postgresql :5432']);
  });

  test('operators: the collector gets a Service with the ports it binds, none without', () => {
    const collector = (config: object): Manifest => ({ apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'otel', namespace: 'ns' }, spec: { config } });
    const sender: Manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', namespace: 'ns' },
      spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'A', value: 'http://otel-collector:4317' }] }] } } },
    };
    const lines = (manifests: Manifest[]) => environmentTopology(manifests).nodes.filter((node) => node.key.startsWith('Service/')).map((node) => node.lines.join(' | '));
    expect(lines([collector({ receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } }, exporters: { prometheus: { endpoint: ':8889' }, otlp: { endpoint: 'x:4317' } } }), sender])).toEqual([
      'Service/otel-collector | 4317, 8889 | made for OpenTelemetryCollector/otel',
    ]);
    expect(lines([collector({ receivers: { httpcheck: {} } }), sender])).toEqual([]);
  });

  test('peers: an ipBlock, pods of other namespaces and a rule without "from" are nodes of their own; unselected pods are noted', () => {
    const app = (name: string): Manifest => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'ns' }, spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c' }] } } } });
    const policy: Manifest = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p', namespace: 'ns' },
      spec: {
        podSelector: { matchLabels: { app: 'a' } },
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: { matchLabels: { role: 'y' } } }, { podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 80 }] }, { ports: [{ port: 9090 }] }],
      },
    };
    const topology = environmentTopology([app('a'), app('b'), policy]);
    const nodes = nodeByKey(topology);
    expect(topology.edges.map((edge) => `${nodes.get(edge.from)!.lines.join(' ')} → ${edge.to} ${edge.label}`).sort()).toEqual([
      'Deployment/b → Deployment/a 80',
      'addresses 10.0.0.0/8 → Deployment/a 80',
      'any source → Deployment/a 9090',
      'pods role=y in namespaces team=x → Deployment/a 80',
    ]);
    expect(topology.notes).toEqual(['No NetworkPolicy selects `Deployment/b`: they admit all ingress traffic.']);
  });

  test('Mermaid ids are stable, safe and distinct even where keys lower to the same text', () => {
    const ids = mermaidIds(['Service/a-b', 'Service/a.b', 'host:x', 'peer:namespaces a=b']);
    expect([...ids.values()]).toEqual(['service_a_b', 'service_a_b_2', 'host_x', 'peer_namespaces_a_b']);
    expect(mermaidIds(['Service/a-b', 'Service/a.b']).get('Service/a.b')).toBe('service_a_b_2');
    for (const id of ids.values()) expect(id).toMatch(/^[a-z][a-z0-9]*_[a-z0-9_]*$/);
  });
});

describe('the report', () => {
  const report = renderEnvironmentReport(standardSynthesis().environments);

  test('has one set of diagrams per platform, in order, one per concern, and none for previews', () => {
    const platforms = [...new Set(standard.map(({ environment }) => environment.platform.name))];
    const sets = [...report.matchAll(/^### (.+) \((\w+)\)$/gm)].map((match) => [match[1], match[2]]);
    expect(sets).toEqual(platforms.map((platform) => [standard.filter(({ environment }) => environment.platform.name === platform).map(({ environment }) => environment.name).join(', '), platform]));
    expect(report.match(/```mermaid/g)!.length).toBeGreaterThanOrEqual(platforms.length * 2);
  });

  /** Each diagram's direction and arrows, read back from its text. */
  const drawn = [...report.matchAll(/```mermaid\nflowchart (\w+)\n([\s\S]*?)```/g)].map(([, direction, body]) => ({
    direction,
    body,
    arrows: [...body.matchAll(/^ {2}(\w+) (?:-->|==>|-\.->)(?:\|"(.*)"\|)? (\w+)$/gm)].map(([, from, label, to]) => ({ from, label: label ?? '', to })),
  }));

  test('a diagram runs left to right only when no arrow starts where another ends', () => {
    for (const { direction, arrows } of drawn) expect(direction).toBe(arrows.some((arrow) => arrows.some((other) => other.to === arrow.from)) ? 'TD' : 'LR');
    expect(new Set(drawn.map(({ direction }) => direction))).toEqual(new Set(['TD', 'LR']));
  });

  test('a label every arrow into a node repeats is written once, in that node', () => {
    const into = (arrows: (typeof drawn)[number]['arrows'], id: string) => arrows.filter((arrow) => arrow.to === id).map((arrow) => arrow.label);
    const repeated = drawn.flatMap(({ arrows }) => arrows.map((arrow) => into(arrows, arrow.to)).filter((labels) => labels.length > 1 && labels[0] !== '' && labels.every((label) => label === labels[0])));
    expect(repeated).toEqual([]);
    const moved = drawn.flatMap(({ body, arrows }) => [...body.matchAll(/^ {2}(\w+)\[".*<br>arrows in: (.*?)"\]/gm)].map(([, id, label]) => ({ label, into: into(arrows, id) })));
    expect(moved.map(({ label }) => label)).toEqual(expect.arrayContaining(['DB_URL from Secret backend-secrets', 'postgresql :5432']));
    for (const { into: labels } of moved) expect(labels.length > 1 && labels.every((label) => label === '')).toBe(true);
  });

  test('is the same text on every run: nodes and edges are sorted', () => {
    const shuffled = standardSynthesis().environments.map((synthesized) => ({ ...synthesized, manifests: [...synthesized.manifests].reverse() }));
    const diagrams = (text: string) => [...text.matchAll(/```mermaid\n[\s\S]*?```/g)].map((match) => match[0]);
    expect(diagrams(renderEnvironmentReport(shuffled))).toEqual(diagrams(report));
  });
});
