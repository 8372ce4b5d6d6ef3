import { Manifest } from '../../lib/core/manifest';

/** Kinds that run pods, and where their pod template is. */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export interface PodTemplate {
  readonly owner: Manifest;
  readonly labels: Record<string, string>;
  readonly spec: any;
  /** Created by an operator from a custom resource: its labels, token and probes are the operator's. */
  readonly byOperator?: boolean;
}

function at(object: any, path: string[]): any {
  return path.reduce((value, key) => value?.[key], object);
}

export function podTemplateOf(manifest: Manifest): PodTemplate | undefined {
  const path = POD_TEMPLATE_PATHS[manifest.kind];
  if (!path) return undefined;
  const template = at(manifest, path);
  return { owner: manifest, labels: template.metadata?.labels ?? {}, spec: template.spec };
}

/**
 * The pods operators create from our custom resources, as far as our Services, policies and security
 * rules depend on them: the labels each operator puts on its pods, the ports they listen on, and the
 * security context and resources we set in the custom resource.
 */
export function operatorPodTemplateOf(manifest: Manifest): PodTemplate | undefined {
  const cr = manifest as any;
  if (manifest.kind === 'OpenTelemetryCollector') {
    return {
      owner: manifest,
      byOperator: true,
      labels: {
        'app.kubernetes.io/component': 'opentelemetry-collector',
        'app.kubernetes.io/instance': `${manifest.metadata.namespace}.${manifest.metadata.name}`,
        'app.kubernetes.io/managed-by': 'opentelemetry-operator',
        'app.kubernetes.io/part-of': 'opentelemetry',
      },
      spec: {
        securityContext: cr.spec.podSecurityContext,
        containers: [
          {
            name: 'otc-container',
            image: cr.spec.image,
            imagePullPolicy: cr.spec.imagePullPolicy,
            securityContext: cr.spec.securityContext,
            resources: cr.spec.resources,
            ports: [4317, 4318, 8888, 8889, 13133].map((containerPort) => ({ containerPort })),
          },
        ],
        volumes: cr.spec.volumes,
      },
    };
  }
  return undefined;
}

/** A Service an operator creates for one of our custom resources, with the object that makes it exist. */
export interface OperatorService {
  readonly producer: Manifest;
  readonly name: string;
  readonly selector: Record<string, string>;
}

/**
 * The Services operators create from our custom resources, as far as other pods reach them by name.
 * OpenTelemetry operator v0.107.0: `<name>-collector`, `<name>-collector-headless` and
 * `<name>-collector-monitoring` (internal/naming/main.go:110-122), selecting the collector's pods by
 * manifestutils.SelectorLabels (internal/manifests/manifestutils/labels.go:79-86,
 * internal/manifests/collector/service.go:99).
 */
export function operatorServicesOf(manifest: Manifest): OperatorService[] {
  if (manifest.kind !== 'OpenTelemetryCollector') return [];
  const selector = operatorPodTemplateOf(manifest)!.labels;
  const service = `${manifest.metadata.name}-collector`;
  return [service, `${service}-headless`, `${service}-monitoring`].map((name) => ({ producer: manifest, name, selector }));
}

/** Every pod the environment will run: from our workloads and from the operators' custom resources. */
export function podTemplates(manifests: readonly Manifest[]): PodTemplate[] {
  return manifests
    .map((manifest) => podTemplateOf(manifest) ?? operatorPodTemplateOf(manifest))
    .filter((template): template is PodTemplate => template !== undefined);
}

export function containersOf(spec: any): any[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** Whether labels satisfy a matchLabels selector (an empty selector matches everything). */
export function matches(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/** Every string in an object, with its path, for scanning. */
export function strings(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => strings(item, path ? `${path}.${key}` : key));
  }
  return [];
}

export const ref = (manifest: Manifest) => `${manifest.kind}/${manifest.metadata.name}`;
