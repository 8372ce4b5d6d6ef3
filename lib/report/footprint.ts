/**
 * The pods an environment runs and the CPU and memory they reserve, for OpenShift quota planning.
 * Computed from the synthesized manifests, not from the environment config, so whatever a construct
 * adds (a sidecar, a new workload, an operator's custom resource) is counted without being declared
 * twice. The rules:
 *
 * - Deployment, StatefulSet, ReplicaSet, ReplicationController run continuously: their pod × replicas.
 *   The replicas come from a HorizontalPodAutoscaler whose scaleTargetRef names the object
 *   (`minReplicas`, default 1, at minimum scale; `maxReplicas` at maximum scale), else from
 *   `spec.replicas` (default 1). A bare Pod counts once.
 * - Job and CronJob run per run: their pod × parallelism (default 1, at most `completions`), which is
 *   what one run holds while it runs. They are totalled apart, since they come and go.
 * - A custom resource (API group with a dot, not `*.k8s.io`) whose `spec.resources` names cpu or
 *   memory is taken to run pods of that size, as the OpenTelemetryCollector does: one
 *   container × replicas, from an HPA, else `spec.autoscaler.minReplicas`/`maxReplicas`, else
 *   `spec.minReplicas`/`maxReplicas`, else `spec.replicas`, else 1. Per-component resource blocks
 *   deeper in a spec and sidecars an operator injects are not seen.
 * - A pod reserves what the scheduler and ResourceQuota count: its containers plus sidecar init
 *   containers (`restartPolicy: Always`), or its largest init container if that is more. A request that
 *   is left out defaults to its limit, as the API server does; a container missing a figure counts 0
 *   for it and is listed in `unsized`, because quota admission would refuse it.
 * - DaemonSets are not counted: their replicas depend on the nodes.
 */
import { parseQuantity } from '../config/quantity';
import { Manifest, objectRef } from '../core/manifest';
import { BUILT_IN_POD_TEMPLATES, isCustomResourceVersion, valueAt } from './pod-templates';

/** CPU in cores and memory in bytes. */
export interface Resources {
  readonly cpuRequests: number;
  readonly cpuLimits: number;
  readonly memoryRequests: number;
  readonly memoryLimits: number;
}

export type ResourceField = keyof Resources;
export const RESOURCE_FIELDS: readonly ResourceField[] = ['cpuRequests', 'cpuLimits', 'memoryRequests', 'memoryLimits'];

export interface Workload {
  /** `Deployment/backend`. */
  readonly ref: string;
  readonly schedule: 'continuous' | 'per-run';
  /** Pods at minimum and at maximum scale; for a per-run workload, the pods of one run. */
  readonly replicas: { readonly min: number; readonly max: number };
  /** Whether an HorizontalPodAutoscaler sets the replicas. */
  readonly autoscaled: boolean;
  /** Images of its containers (init containers first), each once; empty when an operator chooses. */
  readonly images: readonly string[];
  /** What one pod reserves. */
  readonly pod: Resources;
  /** Containers that miss a request or limit (`Deployment/x container y`). */
  readonly unsized: readonly string[];
}

export interface Footprint {
  /** In `compareWorkloads` order. */
  readonly workloads: readonly Workload[];
  /** Continuous workloads at their minimum replicas. */
  readonly minimum: Resources;
  /** Continuous workloads at their maximum replicas. */
  readonly maximum: Resources;
  /** One run of every Job and CronJob. */
  readonly perRun: Resources;
}

const NONE: Resources = { cpuRequests: 0, cpuLimits: 0, memoryRequests: 0, memoryLimits: 0 };

function combine(a: Resources, b: Resources, operation: (x: number, y: number) => number): Resources {
  return Object.fromEntries(RESOURCE_FIELDS.map((field) => [field, operation(a[field], b[field])])) as unknown as Resources;
}
const add = (a: Resources, b: Resources) => combine(a, b, (x, y) => x + y);
const larger = (a: Resources, b: Resources) => combine(a, b, Math.max);
const times = (a: Resources, factor: number) => combine(a, NONE, (x) => x * factor);
const sum = (list: readonly Resources[]) => list.reduce(add, NONE);

type Json = Record<string, any>;

interface ContainerFigures {
  readonly resources: Resources;
  readonly sized: boolean;
}

/** A `resources` block (of a container or a custom resource) in base units. */
function resourceFigures(block: Json | undefined): ContainerFigures {
  const figure = (kind: 'requests' | 'limits', name: 'cpu' | 'memory'): number | undefined => {
    const value = block?.[kind]?.[name];
    return value === undefined ? undefined : parseQuantity(String(value));
  };
  const figures = {
    cpuLimits: figure('limits', 'cpu'),
    memoryLimits: figure('limits', 'memory'),
    cpuRequests: figure('requests', 'cpu') ?? figure('limits', 'cpu'),
    memoryRequests: figure('requests', 'memory') ?? figure('limits', 'memory'),
  };
  return {
    resources: combine(figures as Resources, NONE, (x) => x ?? 0),
    sized: RESOURCE_FIELDS.every((field) => figures[field] !== undefined),
  };
}

/** What a pod spec reserves, with the names of its containers that miss a figure. */
function podFigures(spec: Json): { resources: Resources; unsized: string[] } {
  const containers: Json[] = spec.containers ?? [];
  const initContainers: Json[] = spec.initContainers ?? [];
  const figures = (container: Json) => resourceFigures(container.resources).resources;
  const sidecars = initContainers.filter((container) => container.restartPolicy === 'Always');
  const running = sum([...containers, ...sidecars].map(figures));
  // An ordinary init container runs alone, beside the sidecars started before it.
  const initPeaks = initContainers.flatMap((container, index) =>
    container.restartPolicy === 'Always' ? [] : [add(figures(container), sum(initContainers.slice(0, index).filter((c) => c.restartPolicy === 'Always').map(figures)))],
  );
  const unsized = [...initContainers, ...containers].filter((container) => !resourceFigures(container.resources).sized).map((container) => String(container.name));
  return { resources: initPeaks.reduce(larger, running), unsized };
}

function isCustomResource(manifest: Manifest): boolean {
  return isCustomResourceVersion(manifest.apiVersion);
}

interface Scale {
  readonly min: number;
  readonly max: number;
}

/** The scale each HPA gives its target, by `Kind/name`. */
function autoscaledTargets(manifests: readonly Manifest[]): Map<string, Scale> {
  const targets = new Map<string, Scale>();
  for (const manifest of manifests) {
    if (manifest.kind !== 'HorizontalPodAutoscaler') continue;
    const spec = manifest.spec as Json | undefined;
    const target = spec?.scaleTargetRef;
    if (target?.kind && target?.name) targets.set(`${target.kind}/${target.name}`, { min: spec!.minReplicas ?? 1, max: spec!.maxReplicas });
  }
  return targets;
}

function workloadOf(manifest: Manifest, autoscaled: Map<string, Scale>): Workload | undefined {
  const ref = objectRef(manifest);
  const spec = (manifest.spec ?? {}) as Json;
  const hpa = autoscaled.get(ref);
  const builtIn = isCustomResource(manifest) || manifest.kind === 'DaemonSet' ? undefined : BUILT_IN_POD_TEMPLATES[manifest.kind];
  if (builtIn) {
    const podSpec = valueAt(manifest, [...builtIn.path, 'spec']) as Json | undefined;
    if (!podSpec) return undefined;
    const { resources, unsized } = podFigures(podSpec);
    const images = [...new Set([...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])].map((container: Json) => String(container.image)))];
    let replicas: Scale;
    if (builtIn.schedule === 'per-run') {
      const job = (manifest.kind === 'CronJob' ? spec.jobTemplate?.spec : spec) ?? {};
      const pods = Math.min(job.parallelism ?? 1, job.completions ?? Infinity);
      replicas = { min: pods, max: pods };
    } else {
      const fixed = manifest.kind === 'Pod' ? 1 : (spec.replicas ?? 1);
      replicas = hpa ?? { min: fixed, max: fixed };
    }
    return { ref, schedule: builtIn.schedule, replicas, autoscaled: hpa !== undefined, images, pod: resources, unsized: unsized.map((name) => `${ref} container ${name}`) };
  }
  const declares = (resources: Json | undefined) =>
    (['requests', 'limits'] as const).some((kind) => resources?.[kind]?.cpu !== undefined || resources?.[kind]?.memory !== undefined);
  // The pod-level block of an operator's custom resource.
  if (!isCustomResource(manifest) || !declares(spec.resources)) return undefined;
  const block = spec.resources as Json;
  const fixed = spec.replicas ?? 1;
  const replicas = hpa ?? {
    min: spec.autoscaler?.minReplicas ?? spec.minReplicas ?? fixed,
    max: spec.autoscaler?.maxReplicas ?? spec.maxReplicas ?? spec.autoscaler?.minReplicas ?? spec.minReplicas ?? fixed,
  };
  const { resources, sized } = resourceFigures(block);
  return {
    ref,
    schedule: 'continuous',
    replicas,
    autoscaled: hpa !== undefined,
    images: typeof spec.image === 'string' ? [spec.image] : [],
    pod: resources,
    unsized: sized ? [] : [`${ref} spec.resources`],
  };
}

/** Continuous workloads first, then per-run ones; each group by ref, in code-point order (locale-free). */
export function compareWorkloads(a: Workload, b: Workload): number {
  const key = (workload: Workload) => `${workload.schedule === 'continuous' ? 0 : 1} ${workload.ref}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** The workloads of one environment and what they reserve, by the rules at the top of this file. */
export function environmentFootprint(manifests: readonly Manifest[]): Footprint {
  const autoscaled = autoscaledTargets(manifests);
  const workloads = manifests
    .map((manifest) => workloadOf(manifest, autoscaled))
    .filter((workload): workload is Workload => workload !== undefined)
    .sort(compareWorkloads);
  const continuous = workloads.filter((workload) => workload.schedule === 'continuous');
  return {
    workloads,
    minimum: sum(continuous.map((workload) => times(workload.pod, workload.replicas.min))),
    maximum: sum(continuous.map((workload) => times(workload.pod, workload.replicas.max))),
    perRun: sum(workloads.filter((workload) => workload.schedule === 'per-run').map((workload) => times(workload.pod, workload.replicas.max))),
  };
}

/** `2–10 (HPA)`, `1`, `1 per run`: the replicas of a workload as the report writes them. */
export function describeReplicas(workload: Workload): string {
  const { min, max } = workload.replicas;
  const count = min === max ? `${min}` : `${min}–${max}`;
  if (workload.schedule === 'per-run') return `${count} per run`;
  return workload.autoscaled ? `${count} (HPA)` : count;
}
