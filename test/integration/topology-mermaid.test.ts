/**
 * The per-concern diagrams as Mermaid itself reads them, and proof that synthesis never loads Mermaid.
 * Here rather than beside test/report/topology.test.ts because starting Mermaid (with jsdom) and
 * running a real synthesis are the slow part of those checks: seconds, not milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../lib/config/environment';
import { diagramsSection } from '../../lib/report/diagrams';
import { platformPeerRoles } from '../../lib/report/environment-report';
import { mermaidIds } from '../../lib/report/mermaid';
import { EdgeKind, environmentTopology, PeerRole, Topology } from '../../lib/report/topology';
import { Manifest } from '../../lib/core/manifest';
import { ParsedFlowchart, ParseResult, parseWithMermaid } from '../support/mermaid';
import { standardSynthesis } from '../support/synthesis';

const REPO_ROOT = join(__dirname, '..', '..');
const standard = standardSynthesis().environments.filter(({ preview }) => !preview);

describe('the diagrams as Mermaid reads them', () => {
  const STROKES: Record<EdgeKind, string> = { routes: 'normal', serves: 'normal', connects: 'normal', monitors: 'normal', admits: 'dotted', mounts: 'thick' };

  /** Objects whose names, paths and hosts put every character that needs escaping into labels. */
  const awkward: Manifest[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'end', namespace: 'ns' },
      spec: {
        rules: [
          { host: '*.example.org', http: { paths: [{ path: '/a"b#c;d<e>f&g|h`i(/|$)(.*)', backend: { service: { name: 'graph', port: { number: 80 } } } }] } },
          { http: { paths: [{ path: '/#quot;', backend: { service: { name: 'subgraph', port: { name: 'http' } } } }] } },
        ],
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'graph', namespace: 'ns', labels: { style: 'x' } }, spec: { selector: { app: 'click' }, ports: [{ port: 80, targetPort: 'http' }] } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'click', namespace: 'ns' }, spec: { template: { metadata: { labels: { app: 'click' } }, spec: { containers: [{ name: 'c', env: [{ name: 'X', value: 'http://graph:80/' }, { name: 'DB_URL', value: 'postgresql://u@db.example.org:5432/x' }] }] } } } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'o-x', namespace: 'ns' }, spec: { template: { metadata: { labels: { app: 'ox' } }, spec: { containers: [{ name: 'c' }] } } } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'odd-peers', namespace: 'ns' },
      spec: {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['click', 'ox'] }] },
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { namespaceSelector: {}, podSelector: { matchLabels: { 'a/b': '"q"' } } }], ports: [{ port: 53, protocol: 'UDP' }] }, {}],
      },
    },
  ];

  /** One environment alone (so nothing is "see the table"): its topology and the diagrams drawn of it. */
  interface Drawn {
    readonly name: string;
    readonly host: string;
    readonly topology: Topology;
    readonly diagrams: readonly string[];
  }
  const drawnAlone = (environment: Environment, manifests: readonly Manifest[], roles: PeerRole[]): Drawn => ({
    name: environment.name,
    host: environment.host,
    topology: environmentTopology(manifests, { peerRoles: roles }),
    diagrams: [...diagramsSection([{ environment, manifests }], () => roles).join('\n').matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((match) => match[1]),
  });
  const cases: Drawn[] = [
    ...standard.map(({ environment, manifests }) => drawnAlone(environment, manifests, platformPeerRoles(environment))),
    { ...drawnAlone(standard[0].environment, awkward, []), name: 'awkward' },
  ];
  const broken = ['flowchart LR\n  a -->| b', 'flowchart LR\n  a["x"y"]'];
  // One Node process for all of them: loading Mermaid is the slow part.
  let results: ParseResult[] | undefined;
  const parsed = () => (results ??= parseWithMermaid([...cases.flatMap(({ diagrams }) => diagrams), ...broken]));
  const parsedOf = (index: number): ParsedFlowchart[] => {
    const start = cases.slice(0, index).reduce((sum, { diagrams }) => sum + diagrams.length, 0);
    return parsed().slice(start, start + cases[index].diagrams.length).map((result, offset) => {
      if ('error' in result) throw new Error(`${cases[index].diagrams[offset]}\n${result.error}`);
      return result;
    });
  };

  test.each(cases.map((drawn, index) => [drawn.name, index] as const))('%s: Mermaid reads every node and arrow of the topology, each once, labels intact', (_name, index) => {
    const { topology, host } = cases[index];
    const ids = mermaidIds(topology.nodes.map((node) => node.key.split(host).join('{host}')));
    const id = (key: string) => ids.get(key.split(host).join('{host}'))!;
    const charts = parsedOf(index);
    const vertices = new Map(charts.flatMap((chart) => chart.vertices.map((vertex) => [vertex.id, vertex.lines] as const)));
    // A label that every arrow into a node repeats is written in the node instead.
    const labelOf = (edge: ParsedFlowchart['edges'][number]) => edge.lines.join(' ') || (vertices.get(edge.end)!.find((line) => line.startsWith('arrows in: ')) ?? '').slice('arrows in: '.length);
    const arrows = charts.flatMap((chart) => chart.edges.map((edge) => `${edge.start} ${edge.stroke} ${labelOf(edge)} → ${edge.end}`));
    const arrowOf = (edge: Topology['edges'][number]) => `${id(edge.from)} ${STROKES[edge.kind]} ${edge.label ?? ''} → ${id(edge.to)}`;

    expect(charts.every((chart) => chart.type === 'flowchart-v2')).toBe(true);
    expect(arrows.filter((arrow, i) => arrows.indexOf(arrow) !== i)).toEqual([]);
    expect(topology.edges.filter((edge) => edge.kind !== 'admits').map(arrowOf).filter((arrow) => !arrows.includes(arrow))).toEqual([]);
    const leftOut = topology.edges.filter((edge) => edge.kind === 'admits' && !arrows.includes(arrowOf(edge)));
    // Every node is drawn, with its first line, but one whose only arrows are left out.
    const touching = (key: string) => topology.edges.filter((edge) => edge.from === key || edge.to === key);
    const shown = topology.nodes.filter((node) => touching(node.key).length === 0 || touching(node.key).some((edge) => !leftOut.includes(edge)));
    expect(shown.filter((node) => vertices.get(id(node.key))?.[0] !== node.lines[0].split(host).join('public host')).map((node) => node.key)).toEqual([]);
    expect(vertices.size).toBe(shown.length);

    // A policy arrow left out must double a path that is drawn: from its peer (for the edge's peer, from a host) to its pods.
    const drawnEdges = charts.flatMap((chart) => chart.edges);
    const reaches = (starts: string[], target: string) => {
      const seen = new Set(starts);
      for (const queue = [...starts]; queue.length > 0; ) {
        const current = queue.shift();
        for (const edge of drawnEdges.filter((candidate) => candidate.start === current)) if (!seen.has(edge.end)) seen.add(edge.end), queue.push(edge.end);
      }
      return seen.has(target);
    };
    const hosts = topology.nodes.filter((node) => node.key.startsWith('host:')).map((node) => id(node.key));
    expect(leftOut.filter((edge) => !reaches([id(edge.from), ...(topology.nodes.find((node) => node.key === edge.from)!.zone === 'edge' ? hosts : [])], id(edge.to))).map(arrowOf)).toEqual([]);
  });

  test('the awkward objects did reach the labels, and the policy arrows of an environment were left out as doubles', () => {
    const labels = parsedOf(cases.length - 1).flatMap((chart) => chart.edges.flatMap((edge) => edge.lines));
    expect(labels).toEqual(expect.arrayContaining(['/a"b#c;d<e>f&g|h`i(/|$)(.*)', '/#quot;', '53/UDP', 'all ports']));
    const prod = cases.findIndex(({ name }) => name === 'prod');
    expect(parsedOf(prod).flatMap((chart) => chart.edges).filter((edge) => edge.stroke === 'dotted').length).toBeLessThan(cases[prod].topology.edges.filter((edge) => edge.kind === 'admits').length);
  });

  test('the parser rejects what is not a flowchart, so a pass above means something', () => {
    const [unclosed, unquoted] = parsed().slice(-broken.length);
    expect(unclosed).toEqual({ error: expect.stringContaining('Parse error') });
    expect(unquoted).toEqual({ error: expect.stringContaining('Parse error') });
  });
});

describe('synthesis never loads Mermaid', () => {
  const heavy = /[\\/]node_modules[\\/](mermaid|jsdom|@mermaid-js|dompurify|cytoscape|d3|katex)[\\/]/;

  test('no source that synthesis runs imports it', () => {
    const files: string[] = [];
    const walk = (path: string) => (statSync(path).isDirectory() ? readdirSync(path).forEach((entry) => walk(join(path, entry))) : files.push(path));
    ['main.ts', 'lib', 'environments', 'scripts'].forEach((entry) => walk(join(REPO_ROOT, entry)));
    const importing = files.filter((file) => /\.(ts|cjs|mjs|js)$/.test(file) && /(from|require\(|import\()\s*['"](mermaid|jsdom|@mermaid-js)/.test(readFileSync(file, 'utf8')));
    expect(importing).toEqual([]);
  });

  test('npm run synth loads no module of it: not in its bundle, and not at run time', () => {
    const out = mkdtempSync(join(tmpdir(), 'synth-'));
    const record = join(out, 'modules.json');
    try {
      execFileSync(process.execPath, ['--require', join(__dirname, '..', 'support', 'record-modules.cjs'), join(REPO_ROOT, 'scripts', 'run.cjs'), 'main.ts', '--out', join(out, 'dist'), '--quiet'], {
        cwd: REPO_ROOT,
        env: { ...process.env, RECORD_MODULES_TO: record },
        stdio: 'pipe',
      });
      // scripts/run.cjs bundles main.ts and records what went in; what it requires outside the bundle is recorded at run time.
      const builds = join(REPO_ROOT, 'node_modules', '.cache', 'co2-calculator', 'build');
      const [build] = readdirSync(builds);
      const bundled: string[] = JSON.parse(readFileSync(join(builds, build, 'main.js.inputs.json'), 'utf8'));
      const loaded: string[] = JSON.parse(readFileSync(record, 'utf8'));
      expect(bundled).toContain('lib/report/topology.ts');
      expect(bundled.filter((path) => heavy.test(path))).toEqual([]);
      expect(loaded.filter((path) => heavy.test(path))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
