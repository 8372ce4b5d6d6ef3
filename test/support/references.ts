/**
 * What an object needs from its own namespace to start and to do its work, found in the synthesized
 * output: the objects its pods are created from (ServiceAccount, ConfigMaps, the producers of its
 * Secrets), and the Services its processes connect to, with the workloads behind them.
 *
 * Connections are read where a process gets its peers: every environment value, argument and command
 * of every container. A value is first expanded the way the kubelet expands `$(VAR)`: from the
 * variables defined before it in the same container (`$$` escapes; a variable from a Secret or the
 * downward API has no value here and stays unexpanded). Then every endpoint in it counts: a URL
 * (`postgresql://user:pass@postgres:5432/db`, `http://otel-collector-collector:4317`) or a `host:port`.
 * A host names a Service of the namespace when it is `<service>`, `<service>.<namespace>`,
 * `<service>.<namespace>.svc` or `<service>.<namespace>.svc.cluster.local`; any other host is outside.
 */
import { Manifest } from '../../lib/core/manifest';
import { containersOf, matches, operatorServicesOf, podTemplateOf, podTemplates } from './kubernetes';

/** A Service a process connects to: the object that makes it exist, and the workloads that answer it. */
export interface ReachedService {
  readonly host: string;
  readonly service: string;
  /** The Service object, or the custom resource whose operator creates it. */
  readonly producer: Manifest;
  /** Owners of the pods its selector matches. */
  readonly backends: Manifest[];
  /** Where the endpoint was written, e.g. `container migrate env DB_URL`. */
  readonly where: string;
}

const find = (manifests: readonly Manifest[], kind: string, name: string | undefined) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name);

/** The object that makes a Secret exist, if the environment declares one (else it is made by hand). */
export function secretProducer(manifests: readonly Manifest[], name: string | undefined): Manifest | undefined {
  return manifests.find((m) => (m.kind === 'InfisicalSecret' || m.kind === 'ExternalSecret') && m.metadata.name === name);
}

/** The objects a pod-running object (or a Route) needs before its pods can be created. */
export function startupReferences(owner: Manifest, manifests: readonly Manifest[]): Manifest[] {
  const refs: Array<Manifest | undefined> = [];
  const template = podTemplateOf(owner);
  if (template) {
    refs.push(find(manifests, 'ServiceAccount', template.spec.serviceAccountName));
    for (const container of containersOf(template.spec)) {
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef) refs.push(find(manifests, 'ConfigMap', source.configMapRef.name));
        if (source.secretRef) refs.push(secretProducer(manifests, source.secretRef.name));
      }
      for (const variable of container.env ?? []) {
        if (variable.valueFrom?.secretKeyRef) refs.push(secretProducer(manifests, variable.valueFrom.secretKeyRef.name));
        if (variable.valueFrom?.configMapKeyRef) refs.push(find(manifests, 'ConfigMap', variable.valueFrom.configMapKeyRef.name));
      }
    }
    for (const volume of template.spec.volumes ?? []) {
      if (volume.configMap) refs.push(find(manifests, 'ConfigMap', volume.configMap.name));
      if (volume.secret) refs.push(secretProducer(manifests, volume.secret.secretName));
      if (volume.persistentVolumeClaim) refs.push(find(manifests, 'PersistentVolumeClaim', volume.persistentVolumeClaim.claimName));
    }
  }
  const cr = owner as any;
  if (owner.kind === 'OpenTelemetryCollector') {
    for (const variable of cr.spec.env ?? []) if (variable.valueFrom?.secretKeyRef) refs.push(secretProducer(manifests, variable.valueFrom.secretKeyRef.name));
  }
  if (owner.kind === 'Route') refs.push(find(manifests, 'Service', cr.spec.to.name));
  if (owner.kind === 'HTTPRoute') {
    for (const rule of cr.spec.rules ?? []) for (const backend of rule.backendRefs ?? []) refs.push(find(manifests, 'Service', backend.name));
    for (const parent of cr.spec.parentRefs ?? []) refs.push(find(manifests, 'Gateway', parent.name));
  }
  if (owner.kind === 'Ingress') {
    for (const rule of cr.spec.rules ?? []) for (const path of rule.http?.paths ?? []) refs.push(find(manifests, 'Service', path.backend.service?.name));
  }
  return refs.filter((m): m is Manifest => m !== undefined);
}

/**
 * The value of each variable of a container, as the kubelet expands them: `$(NAME)` becomes the value
 * of a variable defined earlier in the list, `$$` a literal `$`; anything else stays as written.
 */
export function expandEnvironment(env: ReadonlyArray<{ name: string; value?: string }>): Map<string, string | undefined> {
  const values = new Map<string, string | undefined>();
  for (const variable of env) {
    values.set(variable.name, variable.value === undefined ? undefined : expand(variable.value, values));
  }
  return values;
}

function expand(text: string, values: ReadonlyMap<string, string | undefined>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    const value = values.get(name);
    return value === undefined ? match : value;
  });
}

/** Every endpoint host in a text: the hosts of URLs, then of `host:port` pairs elsewhere. */
export function endpointHosts(text: string): string[] {
  const hosts: string[] = [];
  const url = /[a-z][a-z0-9+.-]*:\/\/(?:[^\s/@]*@)?(\[[^\]]*\]|[^\s:/?#@,;]+)(?::\d+)?/gi;
  const withoutUrls = text.replace(url, (_match, host: string) => {
    hosts.push(host);
    return ' ';
  });
  for (const match of withoutUrls.matchAll(/(?:^|[\s,;=("'])([A-Za-z0-9](?:[-A-Za-z0-9.]*[A-Za-z0-9])?):(\d{1,5})(?=$|[\s,;/)"'])/g)) {
    hosts.push(match[1]);
  }
  return hosts.map((host) => host.toLowerCase());
}

/** The Service a host names inside `namespace`, or undefined for a host outside it. */
export function serviceNameOf(host: string, namespace: string): string | undefined {
  const parts = host.replace(/\.$/, '').split('.');
  const [service, ...rest] = parts;
  const suffixes = [[], [namespace], [namespace, 'svc'], [namespace, 'svc', 'cluster', 'local']];
  return suffixes.some((suffix) => suffix.join('.') === rest.join('.')) ? service : undefined;
}

/** Every in-namespace Service the processes of `owner` connect to, with what makes it exist and answer. */
export function reachedServices(owner: Manifest, manifests: readonly Manifest[]): ReachedService[] {
  const template = podTemplateOf(owner);
  if (!template) return [];
  const namespace = owner.metadata.namespace ?? '';
  const services = [
    ...manifests.filter((m) => m.kind === 'Service').map((m) => ({ name: m.metadata.name, producer: m, selector: (m as any).spec.selector ?? {} })),
    ...manifests.flatMap(operatorServicesOf),
  ];
  const pods = podTemplates(manifests);
  const reached: ReachedService[] = [];
  for (const container of containersOf(template.spec)) {
    const env = expandEnvironment(container.env ?? []);
    const texts: Array<[string, string]> = [
      ...[...env].filter((entry): entry is [string, string] => entry[1] !== undefined).map(([name, value]): [string, string] => [`env ${name}`, value]),
      ...(container.command ?? []).map((text: string, index: number): [string, string] => [`command[${index}]`, expand(text, env)]),
      ...(container.args ?? []).map((text: string, index: number): [string, string] => [`args[${index}]`, expand(text, env)]),
    ];
    for (const [where, text] of texts) {
      for (const host of endpointHosts(text)) {
        const name = serviceNameOf(host, namespace);
        const service = name === undefined ? undefined : services.find((s) => s.name === name);
        if (!service) continue;
        const backends = Object.keys(service.selector).length === 0 ? [] : pods.filter(({ labels }) => matches(labels, service.selector)).map((pod) => pod.owner);
        reached.push({ host, service: service.name, producer: service.producer, backends: [...new Set(backends)], where: `container ${container.name} ${where}` });
      }
    }
  }
  return reached;
}
