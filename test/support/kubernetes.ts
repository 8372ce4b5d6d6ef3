import { Manifest } from '../../lib/synth/manifest';

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

export function podTemplates(manifests: readonly Manifest[]): PodTemplate[] {
  return manifests.map(podTemplateOf).filter((template): template is PodTemplate => template !== undefined);
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
