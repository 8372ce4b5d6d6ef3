/**
 * The topology diagrams as Mermaid itself reads them, and proof that synthesis never loads Mermaid.
 * Here rather than beside test/report/topology.test.ts because starting Mermaid (with jsdom) and
 * running a real synthesis are the slow part of those checks: seconds, not milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../lib/config/environment';
import { platformPeerRoles } from '../../lib/report/environment-report';
import { mermaidFlowchart, subgraphId } from '../../lib/report/mermaid';
import { EdgeKind, environmentTopology, Topology, Zone, ZONES } from '../../lib/report/topology';
import { Manifest } from '../../lib/core/manifest';
import { ParsedFlowchart, ParseResult, parseWithMermaid } from '../support/mermaid';
import { standardSynthesis } from '../support/synthesis';

const REPO_ROOT = join(__dirname, '..', '..');
const standard = standardSynthesis().environments.filter(({ preview }) => !preview);
const topologyOf = (environment: Environment, manifests: readonly Manifest[]) => environmentTopology(manifests, { peerRoles: platformPeerRoles(environment) });
const TITLES: Record<Zone, string> = { edge: 'edge', namespace: 'namespace', external: 'outside' };

describe('the diagrams as Mermaid reads them', () => {
  const STROKES: Record<EdgeKind, string> = { routes: 'normal', serves: 'normal', connects: 'normal', monitors: 'normal', admits: 'dotted', mounts: 'thick' };

  /** What Mermaid must build from the flowchart of a topology. */
  function expectedParse(topology: Topology, ids: ReadonlyMap<string, string>, titles: Record<Zone, string>) {
    return {
      type: 'flowchart-v2',
      vertices: topology.nodes.map((node) => ({ id: ids.get(node.key)!, lines: [...node.lines] })).sort((a, b) => a.id.localeCompare(b.id)),
      edges: topology.edges.map((edge) => ({ start: ids.get(edge.from)!, end: ids.get(edge.to)!, lines: edge.label ? [edge.label] : [], stroke: STROKES[edge.kind], type: 'arrow_point' })),
      subgraphs: ZONES.filter((zone) => topology.nodes.some((node) => node.zone === zone)).map((zone) => ({
        id: subgraphId(zone),
        lines: [titles[zone]],
        nodes: topology.nodes.filter((node) => node.zone === zone).map((node) => ids.get(node.key)!).sort(),
      })),
    };
  }

  const normalized = (parsed: ParsedFlowchart) => ({ ...parsed, vertices: [...parsed.vertices].sort((a, b) => a.id.localeCompare(b.id)), subgraphs: [...parsed.subgraphs].sort((a, b) => ZONES.indexOf(a.id.slice(5) as Zone) - ZONES.indexOf(b.id.slice(5) as Zone)) });

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

  const topologies = [...standard.map(({ environment, manifests }) => topologyOf(environment, manifests)), environmentTopology(awkward)];
  const charts = topologies.map((topology) => mermaidFlowchart(topology, TITLES));
  const broken = ['flowchart LR\n  a -->| b', 'flowchart LR\n  a["x"y"]'];
  // One Node process for all of them: loading Mermaid is the slow part.
  let results: ParseResult[] | undefined;
  const parsed = () => (results ??= parseWithMermaid([...charts.map((chart) => chart.text), ...broken]));

  test('Mermaid parses each environment\'s diagram, and an awkward one, into exactly the topology', () => {
    parsed().slice(0, charts.length).forEach((result, index) => {
      if ('error' in result) throw new Error(`${charts[index].text}\n${result.error}`);
      expect(normalized(result)).toEqual(expectedParse(topologies[index], charts[index].ids, TITLES));
    });
    // The awkward objects did reach the labels.
    const awkwardLines = topologies.at(-1)!.edges.map((edge) => edge.label);
    expect(awkwardLines).toEqual(expect.arrayContaining(['/a"b#c;d<e>f&g|h`i(/|$)(.*)', '/#quot;', '53/UDP', 'all ports']));
  });

  test('the parser rejects what is not a flowchart, so a pass above means something', () => {
    const [unclosed, unquoted] = parsed().slice(charts.length);
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
