/**
 * Custom resources that make an operator run pods and create Services for them. Nothing in the
 * manifests says which labels those pods will carry or which Services will front them, so it is kept
 * here as data, one entry per kind, each read from the operator's source at the version whose CRD we
 * validate against (`../shared/crds-2026/SOURCES.md`). The topology diagram uses it to connect policies,
 * Services and addresses to these pods the way it does for a Deployment's.
 *
 * An entry only describes what the diagram needs: the pods' labels, what the pods read (env, volumes),
 * and the Services the operator creates, with their ports. Services are drawn only where something
 * addresses them, so an entry may list more than any environment uses.
 */
import type { Manifest } from '../core/manifest';

/** The pods an operator runs for one custom resource, as far as the diagram needs them. */
export interface OperatorPodTemplate {
  /** Every label the operator puts on the pods (Services and policies select on a subset). */
  readonly labels: Readonly<Record<string, string>>;
  /** Containers with what the custom resource sets on them (env, args, volumeMounts). */
  readonly containers: readonly Record<string, any>[];
  readonly volumes: readonly Record<string, any>[];
}

/** A Service an operator creates in the custom resource's namespace. */
export interface OperatorService {
  readonly name: string;
  readonly ports: readonly number[];
  /** Labels of the pods it selects. */
  readonly selector: Readonly<Record<string, string>>;
}

export interface OperatorPods {
  pods(resource: Manifest): OperatorPodTemplate;
  services(resource: Manifest): readonly OperatorService[];
}

type Json = Record<string, any>;

const specOf = (resource: Manifest): Json => (resource.spec ?? {}) as Json;

/** `0.0.0.0:4317`, `:8889`, `[::]:4317`: an address the collector binds; its port. */
function listeningPort(endpoint: unknown): number | undefined {
  const match = typeof endpoint === 'string' ? /^(?:0\.0\.0\.0|\[::\]|)?:(\d+)$/.exec(endpoint) : null;
  return match ? Number(match[1]) : undefined;
}

/** The ports the collector's receivers and exporters bind, from their `endpoint` settings (one level of `protocols` deep). */
function collectorPorts(config: Json | undefined): number[] {
  const components = [...Object.values((config?.receivers ?? {}) as Json), ...Object.values((config?.exporters ?? {}) as Json)] as Json[];
  const endpoints = components.flatMap((component) => [component?.endpoint, ...Object.values((component?.protocols ?? {}) as Json).map((protocol: any) => protocol?.endpoint)]);
  return [...new Set(endpoints.map(listeningPort).filter((port): port is number => port !== undefined))].sort((a, b) => a - b);
}

/**
 * OpenTelemetryCollector (opentelemetry-operator v0.158.0, commit 7fb513848c6d, the version of
 * ../shared/crds-2026; read first at v0.107.0, unchanged since):
 * - pod labels: the resource's own labels, `app.kubernetes.io/name` (kept when set, else
 *   `<name>-collector`), overridden by the selector labels managed-by, instance `<namespace>.<name>`,
 *   part-of and component (internal/manifests/manifestutils/labels.go:29-75, used for the pod
 *   template in internal/manifests/collector/deployment.go:19,40); it adds `app.kubernetes.io/version`
 *   from the image, which nothing selects on;
 * - Service `<name>-collector` selecting them, with the ports the configuration's receivers and
 *   exporters bind (internal/manifests/collector/service.go:139-195, internal/naming/main.go:114);
 *   a collector without listening ports gets no Service (service.go:182-186);
 * - the container's env and volume mounts include `spec.env` and `spec.volumeMounts`, the pod's
 *   volumes `spec.volumes` (internal/manifests/collector/container.go:80,117,120).
 * It also creates `<name>-collector-headless`, `-monitoring` and `-extension`; nothing of ours
 * addresses them, so they are left out until something does.
 */
const openTelemetryCollector: OperatorPods = {
  pods(resource) {
    const spec = specOf(resource);
    const own = resource.metadata.labels ?? {};
    return {
      labels: {
        ...own,
        'app.kubernetes.io/name': own['app.kubernetes.io/name'] ?? `${resource.metadata.name}-collector`,
        ...openTelemetrySelector(resource),
      },
      containers: [{ name: 'otc-container', env: spec.env ?? [], args: spec.args, volumeMounts: spec.volumeMounts ?? [] }],
      volumes: spec.volumes ?? [],
    };
  },
  services(resource) {
    const ports = collectorPorts(specOf(resource).config);
    return ports.length === 0 ? [] : [{ name: `${resource.metadata.name}-collector`, ports, selector: openTelemetrySelector(resource) }];
  },
};

function openTelemetrySelector(resource: Manifest): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'opentelemetry-operator',
    'app.kubernetes.io/instance': `${resource.metadata.namespace}.${resource.metadata.name}`,
    'app.kubernetes.io/part-of': 'opentelemetry',
    'app.kubernetes.io/component': 'opentelemetry-collector',
  };
}

/** By `<API group>/<kind>`. */
export const OPERATOR_PODS: Readonly<Record<string, OperatorPods>> = {
  'opentelemetry.io/OpenTelemetryCollector': openTelemetryCollector,
};

/** The entry for a custom resource, if an operator runs pods for its kind. */
export function operatorPodsOf(resource: Manifest): OperatorPods | undefined {
  const group = resource.apiVersion.includes('/') ? resource.apiVersion.slice(0, resource.apiVersion.indexOf('/')) : '';
  return OPERATOR_PODS[`${group}/${resource.kind}`];
}
