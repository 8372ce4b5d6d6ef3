/**
 * Egress of every environment: every pod is egress-isolated, and what the policies let it send to,
 * computed with the NetworkPolicy evaluator (test/support/network-policy.ts), is exactly what the
 * application contract says it needs (WORKLOAD_EGRESS), placed where the environment data says.
 */
import { backendFeatures } from '../../lib/application/backend-settings';
import { EgressNeed, WORKLOAD_EGRESS } from '../../lib/application/contract';
import { Environment, OUTSIDE_CLUSTER } from '../../lib/config/environment';
import { Manifest } from '../../lib/core/manifest';
import { platformFor } from '../../lib/platform';
import { podTemplates } from '../support/kubernetes';
import { allowanceLines, allows, connects, PodIdentity, reachability } from '../support/network-policy';
import { renderEnvironmentReport } from '../../lib/report/environment-report';
import { standardSynthesis } from '../support/synthesis';

/** The cluster DNS each platform runs (docs/sources/isolation.md): the peer and the ports its pods listen on. */
const DNS_LINES: Record<Environment['platform']['name'], string[]> = {
  openshift: ['UDP', 'TCP'].map((protocol) => `pods{dns.operator.openshift.io/daemonset-dns=default} in namespaces{kubernetes.io/metadata.name=openshift-dns} 5353/${protocol}`),
  kubernetes: ['UDP', 'TCP'].map((protocol) => `pods{k8s-app=kube-dns} in namespaces{kubernetes.io/metadata.name=kube-system} 53/${protocol}`),
};

interface Workload {
  readonly name: string;
  readonly pod: PodIdentity;
}

function workloadsOf(manifests: readonly Manifest[]): Workload[] {
  return podTemplates(manifests).map((template) => ({
    name: template.owner.metadata.labels?.['app.kubernetes.io/name'] ?? template.owner.metadata.name,
    pod: {
      namespace: template.owner.metadata.namespace!,
      labels: template.labels,
      ports: (template.spec.containers ?? []).flatMap((container: any) => container.ports ?? []),
    },
  }));
}

/** What the contract says a workload sends to, as the evaluator's lines. */
function expectedLines(environment: Environment, needs: readonly EgressNeed[]): string[] {
  const external = (destination: Environment['egress'][keyof Environment['egress']]) => {
    const { pods, services } = environment.platform.clusterNetworks;
    const peers = destination.to === OUTSIDE_CLUSTER ? [`addresses 0.0.0.0/0 except ${[...pods, ...services].sort().join(',')}`] : destination.to.map((cidr) => `addresses ${cidr}`);
    return peers.flatMap((peer) => destination.ports.map((port) => `${peer} ${port}/TCP`));
  };
  const lines = needs.flatMap((need): string[] => {
    switch (need) {
      case 'dns':
        return DNS_LINES[environment.platform.name];
      case 'database':
        return environment.database.mode === 'managed' ? external(environment.egress.database) : ['workload:postgres 5432/TCP'];
      case 'collector':
        return ['workload:otel-collector 4317/TCP'];
      case 'jaeger':
        return ['workload:otel-collector-jaeger 4317/TCP'];
      default:
        return external(environment.egress[need]);
    }
  });
  return [...new Set(lines)].sort();
}

const report = renderEnvironmentReport(standardSynthesis().environments);
const environments = standardSynthesis().environments.map(({ environment, manifests }) => [environment.name, environment, manifests] as const);

describe.each(environments)('%s', (_name, environment, manifests) => {
  const workloads = workloadsOf(manifests);
  const context = {
    telemetry: environment.observability !== undefined,
    features: backendFeatures(environment.backend),
    tracingUi: Boolean(environment.observability?.tracing.ui) && platformFor(environment.platform).authenticatesUsers,
  };

  test('every pod is isolated both ways', () => {
    const open = workloads.flatMap(({ name, pod }) =>
      (['ingress', 'egress'] as const).filter((direction) => !reachability(manifests, pod, direction).isolated).map((direction) => `${name}: ${direction} not isolated`),
    );
    expect(open).toEqual([]);
    expect(workloads.length).toBeGreaterThanOrEqual(4);
  });

  test('each workload may send to exactly what the contract says it needs', () => {
    for (const { name, pod } of workloads) {
      const needs = WORKLOAD_EGRESS[name];
      expect({ name, known: needs !== undefined }).toEqual({ name, known: true });
      const actual = allowanceLines(reachability(manifests, pod, 'egress'), workloads);
      expect({ name, egress: actual }).toEqual({ name, egress: expectedLines(environment, needs(context)) });
    }
  });

  test('every connection to a pod of the namespace that the contract needs is admitted at the other end too', () => {
    const refused: string[] = [];
    for (const { name, pod } of workloads) {
      for (const line of allowanceLines(reachability(manifests, pod, 'egress'), workloads)) {
        const match = /^workload:(\S+) (\d+)\/(TCP|UDP)$/.exec(line);
        if (!match) continue;
        const targets = workloads.filter((workload) => workload.name === match[1]);
        expect(targets.length).toBeGreaterThan(0);
        for (const target of targets) if (!connects(manifests, pod, target.pod, Number(match[2]), match[3])) refused.push(`${name} → ${line}`);
      }
    }
    expect(refused).toEqual([]);
  });

  test('no pod may send to another namespace\'s pods or to the cluster networks by address', () => {
    const stranger: PodIdentity = { namespace: 'co2-calculator-elsewhere', labels: { ...workloads[0].pod.labels } };
    const { pods, services } = environment.platform.clusterNetworks;
    // The first address of each cluster network, and one just inside it.
    const inside = [...pods, ...services].flatMap((cidr) => {
      const [a, b, c] = cidr.split('/')[0].split('.');
      return [`${a}.${b}.${c}.1`, `${a}.${b}.${c}.200`];
    });
    const leaks: string[] = [];
    for (const { name, pod } of workloads) {
      for (const port of [53, 443, 4317, 5353, 5432, 6443, 8000, 8080, 9200]) {
        if (allows(manifests, pod, 'egress', { pod: stranger }, port)) leaks.push(`${name} → another namespace:${port}`);
        for (const address of inside) if (allows(manifests, pod, 'egress', { address }, port)) leaks.push(`${name} → ${address}:${port}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  test('the reachability table of the environment report shows, for each workload, what the contract says it sends to', () => {
    if (environment.name.startsWith('preview-')) return;
    const section = report.split(`\n### ${environment.name}\n`)[1]?.split(/\n##+ /)[0] ?? '';
    const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| Workload') && !line.startsWith('| ---'));
    expect(rows.length).toBe(workloads.length);
    for (const { name } of workloads) {
      const row = rows.find((line) => line.split(' | ')[0].endsWith(`/${name}`) || line.includes(`/${name} |`));
      const expected = expectedLines(environment, WORKLOAD_EGRESS[name](context));
      const sends = row?.split(' | ')[2].replace(/ \|$/, '');
      expect({ name, sends }).toEqual({ name, sends: expected.length ? expected.map((line) => `\`${line}\``).join('<br>') : 'nothing' });
    }
  });

  test('the frontend and the docs send nothing, not even DNS', () => {
    for (const { pod } of workloads.filter(({ name }) => name === 'frontend' || name === 'docs')) {
      expect(reachability(manifests, pod, 'egress').rules).toEqual([]);
    }
  });
});
