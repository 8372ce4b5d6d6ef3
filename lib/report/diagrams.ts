/**
 * The diagrams of dist/README.md: one small diagram per concern instead of one picture of everything,
 * so that each reads at GitHub's 880 px column (test/integration/diagrams.test.ts renders them).
 *
 * - **Concerns.** Each edge of an environment's topology (topology.ts) goes to one concern, the first
 *   that takes it: traffic (host → Route → Service → pods), telemetry (what the monitoring stack
 *   reaches and what sends to it), data (volume mounts, databases and the Services of pods that
 *   mount volumes); anything left is drawn under "other", so nothing is lost.
 * - **No doubled arrows.** A NetworkPolicy arrow is left out when another path of the topology already
 *   leads from its peer to its pods (the router's peer starts from every host); one that does not is
 *   drawn dotted.
 * - **Fewer labels.** A label every arrow into a node repeats (the one database URL) is written once,
 *   in the node.
 * - **Drawn once per platform.** Environments of one platform get one set: the union of their views,
 *   with the host and namespace written generically. What differs (labels, presence) is a row of the
 *   table below the set, and a node or edge only some of them have says which.
 */
import type { Environment } from '../config/environment';
import type { Manifest } from '../core/manifest';
import { describeReplicas, environmentFootprint } from './footprint';
import { mermaidIds, mermaidLabelText } from './mermaid';
import { EdgeKind, environmentTopology, PeerRole, Topology, TopologyEdge, TopologyNode } from './topology';

/** One environment and its objects (environment-report.ts passes its SynthesizedEnvironment). */
interface EnvironmentObjects {
  readonly environment: Environment;
  readonly manifests: readonly Manifest[];
}

export type Concern = 'traffic' | 'telemetry' | 'data' | 'other';
export const CONCERNS: readonly Concern[] = ['traffic', 'telemetry', 'data', 'other'];

const TITLES: Record<Concern, string> = {
  traffic: 'Traffic from the edge',
  telemetry: 'Telemetry',
  data: 'Data and backups',
  other: 'Other connections',
};

export interface ConcernView {
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
}

export interface ConcernViews {
  readonly views: Readonly<Record<Concern, ConcernView>>;
  /** NetworkPolicy edges left out because another path already draws the same traffic. */
  readonly doubled: readonly TopologyEdge[];
}

/** The topology split by concern; every edge lands in exactly one view or in `doubled`. */
export function concernViews(topology: Topology, roles: readonly PeerRole[]): ConcernViews {
  const nodes = new Map(topology.nodes.map((node) => [node.key, node]));
  const from = (key: string, kinds: readonly EdgeKind[]) => topology.edges.filter((edge) => edge.from === key && kinds.includes(edge.kind));
  const isSink = (key: string) => nodes.get(key)?.zone !== 'namespace' && !key.startsWith('grafana:') && !key.startsWith('peer:') && key !== 'external:Prometheus';

  const routed = new Set(topology.edges.filter((edge) => edge.kind === 'routes' && edge.to.startsWith('Service/')).map((edge) => edge.to));

  // What the monitoring stack reaches, forward, not through what is outside; then the Services of those pods.
  const monitoringNames = new Set(roles.filter((role) => role.readsServiceMonitors).map((role) => role.name));
  const telemetry = new Set(topology.nodes.filter((node) => node.key === 'external:Prometheus' || node.key.startsWith('grafana:') || (node.key.startsWith('peer:') && monitoringNames.has(node.lines[0]))).map((node) => node.key));
  for (const queue = [...telemetry]; queue.length > 0; ) {
    for (const edge of from(queue.shift()!, ['monitors', 'serves', 'connects'])) {
      if (!telemetry.has(edge.to) && !isSink(edge.to)) telemetry.add(edge.to), queue.push(edge.to);
    }
  }
  for (const edge of topology.edges) if (edge.kind === 'serves' && telemetry.has(edge.to)) telemetry.add(edge.from);

  const stateful = new Set(topology.edges.filter((edge) => edge.kind === 'mounts').map((edge) => edge.from));
  const storeServices = new Set(topology.edges.filter((edge) => edge.kind === 'serves' && stateful.has(edge.to)).map((edge) => edge.from));

  const concernOf = (edge: TopologyEdge): Concern => {
    if (edge.kind === 'routes' || (edge.kind === 'serves' && routed.has(edge.from))) return 'traffic';
    if (telemetry.has(edge.from) || telemetry.has(edge.to)) return 'telemetry';
    if (edge.kind === 'mounts' || storeServices.has(edge.to) || storeServices.has(edge.from) || (edge.kind === 'connects' && nodes.get(edge.to)?.zone === 'external')) return 'data';
    return 'other';
  };

  // A NetworkPolicy edge doubles a path when its pods are reachable from its peer without it.
  const edgeRoles = new Set(roles.filter((role) => role.zone === 'edge').map((role) => role.name));
  const hosts = topology.nodes.filter((node) => node.key.startsWith('host:')).map((node) => node.key);
  const reaches = (start: string, target: string) => {
    const seen = new Set(start.startsWith('peer:') && edgeRoles.has(nodes.get(start)?.lines[0] ?? '') ? [start, ...hosts] : [start]);
    for (const queue = [...seen]; queue.length > 0; ) {
      for (const edge of from(queue.shift()!, ['routes', 'serves', 'connects', 'monitors'])) {
        if (!seen.has(edge.to)) seen.add(edge.to), queue.push(edge.to);
      }
    }
    return seen.has(target);
  };

  const edges: Record<Concern, TopologyEdge[]> = { traffic: [], telemetry: [], data: [], other: [] };
  const doubled: TopologyEdge[] = [];
  const admits: TopologyEdge[] = [];
  for (const edge of topology.edges) {
    if (edge.kind !== 'admits') edges[concernOf(edge)].push(edge);
    else if (reaches(edge.from, edge.to)) doubled.push(edge);
    else admits.push(edge);
  }
  // A policy edge that draws something new goes where its pods are drawn.
  for (const edge of admits) {
    const concern = CONCERNS.find((candidate) => edges[candidate].some((other) => other.from === edge.to || other.to === edge.to)) ?? 'other';
    edges[concern].push(edge);
  }
  const view = (concern: Concern): ConcernView => {
    const keys = new Set(edges[concern].flatMap((edge) => [edge.from, edge.to]));
    return { nodes: topology.nodes.filter((node) => keys.has(node.key)), edges: edges[concern] };
  };
  const standalone = topology.nodes.filter((node) => !topology.edges.some((edge) => edge.from === node.key || edge.to === node.key));
  const other = view('other');
  return {
    views: { traffic: view('traffic'), telemetry: view('telemetry'), data: view('data'), other: { nodes: [...other.nodes, ...standalone], edges: other.edges } },
    doubled,
  };
}

/** One node or edge of a union, with what each environment draws (undefined: it has none). */
interface Part {
  readonly key: string;
  readonly perEnvironment: ReadonlyArray<readonly string[] | undefined>;
}

interface UnionEdge extends Part {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

interface Union {
  readonly nodes: ReadonlyArray<Part & { readonly outside: boolean }>;
  readonly edges: readonly UnionEdge[];
}

/**
 * Left to right only when every arrow goes from a column of sources to a column of targets: two ranks,
 * each as tall as it likes. A longer path would add a rank of node and label per step, so it goes top
 * down. Both fit 880 px (test/integration/diagrams.test.ts renders them).
 */
function direction(edges: readonly UnionEdge[]): 'TD' | 'LR' {
  const targets = new Set(edges.map((edge) => edge.to));
  return edges.some((edge) => targets.has(edge.from)) ? 'TD' : 'LR';
}

const ARROWS: Record<EdgeKind, string> = { routes: '-->', serves: '-->', connects: '-->', monitors: '-->', admits: '-.->', mounts: '==>' };

const POD_KINDS = /^(Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|Pod)\//;

/** Lines a node shows in a view: a role's peer by its role name, pods with their replicas. */
function viewLines(node: TopologyNode, environment: Environment, replicas: ReadonlyMap<string, string>): string[] {
  const generic = (line: string) => line.split(environment.host).join('public host');
  if (node.key.startsWith('peer:') && node.lines.length > 1 && !node.lines[0].startsWith('pods ') && !node.lines[0].startsWith('namespaces ')) return [node.lines[0]];
  const extra = replicas.has(node.key) && (POD_KINDS.test(node.key) || node.lines.includes('pods run by its operator')) ? [`replicas ${replicas.get(node.key)}`] : [];
  return [...node.lines.filter((line) => line !== 'pods run by its operator').map(generic), ...extra];
}

const genericKey = (key: string, environment: Environment) => key.split(environment.host).join('{host}');

function union(concern: Concern, members: ReadonlyArray<{ environment: Environment; views: ConcernViews; replicas: ReadonlyMap<string, string> }>): Union {
  const nodes = new Map<string, { outside: boolean; perEnvironment: Array<string[] | undefined> }>();
  const edges = new Map<string, { from: string; to: string; kind: EdgeKind; perEnvironment: Array<string[] | undefined> }>();
  members.forEach(({ environment, views, replicas }, index) => {
    const view = views.views[concern];
    for (const node of view.nodes) {
      const key = genericKey(node.key, environment);
      const entry = nodes.get(key) ?? { outside: node.zone === 'external', perEnvironment: members.map(() => undefined) };
      entry.perEnvironment[index] = viewLines(node, environment, replicas);
      nodes.set(key, entry);
    }
    for (const edge of view.edges) {
      const [from, to] = [genericKey(edge.from, environment), genericKey(edge.to, environment)];
      const key = JSON.stringify([from, to, edge.kind]);
      const entry = edges.get(key) ?? { from, to, kind: edge.kind, perEnvironment: members.map(() => undefined) };
      entry.perEnvironment[index] = edge.label ? [edge.label] : [];
      edges.set(key, entry);
    }
  });
  return {
    nodes: [...nodes].map(([key, entry]) => ({ key, ...entry })),
    edges: [...edges].map(([key, entry]) => ({ key, ...entry })),
  };
}

const same = (values: ReadonlyArray<readonly string[] | undefined>) => new Set(values.filter((value) => value !== undefined).map((value) => JSON.stringify(value))).size <= 1;
const presentIn = (part: Part, names: readonly string[]) => names.filter((_, index) => part.perEnvironment[index] !== undefined);

/** A row of the differences table: what to call it, and one Markdown cell per environment. */
interface DifferenceRow {
  readonly label: string;
  readonly values: readonly string[];
}

/** The Mermaid text of one concern's union, and the rows of what differs in it. */
function unionDiagram(concern: Concern, drawn: Union, names: readonly string[]): { text: string; rows: DifferenceRow[] } {
  const ids = mermaidIds(drawn.nodes.map((node) => node.key));
  const rows: DifferenceRow[] = [];
  const everywhere = (part: Part) => presentIn(part, names).length === names.length;
  const only = (part: Part) => (everywhere(part) ? [] : [`only ${presentIn(part, names).join(', ')}`]);
  const firstLine = new Map(drawn.nodes.map((node) => [node.key, node.perEnvironment.find((lines) => lines)![0]]));
  const edgeRows: DifferenceRow[] = [];
  const labels = drawn.edges.map((edge) => {
    const varies = !same(edge.perEnvironment);
    // An edge of nodes only some environments have needs no note of its own.
    const implied = [edge.from, edge.to].some((key) => JSON.stringify(presentIn(drawn.nodes.find((node) => node.key === key)!, names)) === JSON.stringify(presentIn(edge, names)));
    if (varies || (!implied && !everywhere(edge))) edgeRows.push({ label: `${firstLine.get(edge.from)} → ${firstLine.get(edge.to)}`, values: edge.perEnvironment.map((value) => (value ? value.join(', ') || 'yes' : '—')) });
    return [...(varies ? ['see the table'] : (edge.perEnvironment.find((value) => value) ?? [])), ...(implied ? [] : only(edge))].join(', ');
  });
  // The label every arrow into a node repeats (the one database URL, say) is written once, in the node.
  const shared = new Map<string, string>();
  for (const node of drawn.nodes) {
    const into = new Set(drawn.edges.flatMap((edge, index) => (edge.to === node.key ? [labels[index]] : [])));
    const [label] = into;
    if (into.size === 1 && label && drawn.edges.filter((edge) => edge.to === node.key).length > 1) shared.set(node.key, label);
  }
  const lines = [`flowchart ${direction(drawn.edges)}`];
  for (const node of drawn.nodes) {
    const varies = !same(node.perEnvironment);
    const shown = varies ? [firstLine.get(node.key)!, 'see the table'] : node.perEnvironment.find((value) => value)!;
    if (varies || !everywhere(node)) rows.push({ label: firstLine.get(node.key)!, values: node.perEnvironment.map((value) => (value ? value.slice(1).join(', ') || 'yes' : '—')) });
    const reached = shared.has(node.key) ? [`arrows in: ${shared.get(node.key)}`] : [];
    lines.push(`  ${ids.get(node.key)}["${[...shown, ...only(node), ...reached].map(mermaidLabelText).join('<br>')}"]${node.outside ? ':::outside' : ''}`);
  }
  rows.push(...edgeRows);
  drawn.edges.forEach((edge, index) => {
    const label = shared.has(edge.to) ? '' : labels[index];
    lines.push(`  ${ids.get(edge.from)} ${ARROWS[edge.kind]}${label ? `|"${mermaidLabelText(label)}"|` : ''} ${ids.get(edge.to)}`);
  });
  if (drawn.nodes.some((node) => node.outside)) lines.push('  classDef outside stroke-dasharray: 5 5');
  return { text: lines.join('\n'), rows: rows.map((row) => ({ label: `${TITLES[concern]}: ${row.label}`, values: row.values })) };
}

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * The "Topology" section: per platform, one diagram per concern that has something to draw, then a
 * table of what differs between the platform's environments.
 */
export function diagramsSection(environments: readonly EnvironmentObjects[], peerRoles: (environment: Environment) => PeerRole[]): string[] {
  const platforms = [...new Set(environments.map(({ environment }) => environment.platform.name))];
  const out = [
    '## Topology',
    '',
    "Drawn from each environment's objects (`lib/report/topology.ts` finds the arrows, `lib/report/diagrams.ts` splits",
    'them by concern). Solid arrows are requests and references, thick ones volume mounts, dotted ones traffic that only a',
    'NetworkPolicy shows; a policy that admits what a solid arrow already draws adds no arrow. Dashed boxes are outside',
    'the namespace. Environments of one platform share a diagram; the table below it lists what differs.',
  ];
  for (const platform of platforms) {
    const group = environments.filter(({ environment }) => environment.platform.name === platform);
    const names = group.map(({ environment }) => environment.name);
    const members = group.map(({ environment, manifests }) => {
      const roles = peerRoles(environment);
      const topology: Topology = environmentTopology(manifests, { peerRoles: roles });
      const replicas = new Map(environmentFootprint(manifests).workloads.map((workload) => [workload.ref, describeReplicas(workload)]));
      return { environment, views: concernViews(topology, roles), replicas, notes: topology.notes };
    });
    out.push('', `### ${names.join(', ')} (${platform})`);
    const rows: DifferenceRow[] = [
      { label: 'Host (public host)', values: group.map(({ environment }) => code(environment.host)) },
      { label: 'Namespace', values: group.map(({ environment }) => code(environment.namespace)) },
    ];
    for (const concern of CONCERNS) {
      const drawn = union(concern, members);
      if (drawn.nodes.length === 0) {
        if (concern !== 'other') out.push('', `#### ${TITLES[concern]}`, '', `Nothing to draw in ${names.join(', ')}.`);
        continue;
      }
      const diagram = unionDiagram(concern, drawn, names);
      rows.push(...diagram.rows);
      out.push('', `#### ${TITLES[concern]}`, '', '```mermaid', diagram.text, '```');
    }
    const notes = [...new Set(members.flatMap(({ notes }) => notes))];
    out.push('', `#### What differs${group.length > 1 ? ` between ${names.join(', ')}` : ` in ${names[0]}`}`, '', `| | ${names.join(' | ')} |`, `| --- | ${names.map(() => '---').join(' | ')} |`);
    out.push(...rows.map((row) => `| ${cell(row.label)} | ${row.values.map(cell).join(' | ')} |`));
    if (notes.length) out.push('', ...notes.map((note) => `- ${note}`));
  }
  return out;
}
