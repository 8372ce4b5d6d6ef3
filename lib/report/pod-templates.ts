/**
 * Where each built-in kind that runs pods keeps its pod template, and whether its pods run
 * continuously or per run. Shared by the quota footprint and the topology diagram, so both see the
 * same pods.
 */
export const BUILT_IN_POD_TEMPLATES: Readonly<Record<string, { readonly path: readonly string[]; readonly schedule: 'continuous' | 'per-run' }>> = {
  Deployment: { path: ['spec', 'template'], schedule: 'continuous' },
  StatefulSet: { path: ['spec', 'template'], schedule: 'continuous' },
  ReplicaSet: { path: ['spec', 'template'], schedule: 'continuous' },
  ReplicationController: { path: ['spec', 'template'], schedule: 'continuous' },
  DaemonSet: { path: ['spec', 'template'], schedule: 'continuous' },
  // A bare Pod is its own template.
  Pod: { path: [], schedule: 'continuous' },
  Job: { path: ['spec', 'template'], schedule: 'per-run' },
  CronJob: { path: ['spec', 'jobTemplate', 'spec', 'template'], schedule: 'per-run' },
};

/** The value at a path of keys, or undefined where the path breaks off. */
export function valueAt(value: unknown, path: readonly string[]): any {
  return path.reduce<any>((current, key) => current?.[key], value);
}

/** Whether an apiVersion belongs to a custom resource: a group with a dot that is not a Kubernetes one (`*.k8s.io`). */
export function isCustomResourceVersion(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return group.includes('.') && !group.endsWith('.k8s.io');
}
