/**
 * The order in which ArgoCD applies an environment. How a sync runs, read in gitops-engine
 * (docs/sources/argocd.md, #sync-order):
 *
 * - Tasks are sorted by phase (PreSync, Sync, PostSync), then wave, then kind, then name. A `Sync`
 *   hook is a task of the Sync phase in its own wave, so it interleaves with the plain objects.
 * - One phase+wave is applied at a time; the next starts only when no task of the current one is
 *   still running: a hook until its Job completes, an object until it is Healthy. Degraded fails the
 *   sync. An object without a health check (ConfigMap, NetworkPolicy, Namespace) succeeds at once.
 * - A StatefulSet is Progressing until its readiness probe passes; a claim until it is Bound; a
 *   ClusterIP Service is Healthy at once.
 * - A Namespace task is moved before the first task in it; cascade deletion goes highest wave first,
 *   so a Namespace in the lowest wave is deleted last.
 * - With PruneLast (our Applications set it) every prune waits one wave after the last wave of the
 *   Sync phase: removed objects go only once everything declared is healthy.
 *
 * Argo CD 3.x gives health to kinds that had none: CronJob (Degraded after a failed Job),
 * OpenTelemetryCollector (Degraded at "0/1" while its pod starts), GrafanaDashboard (Progressing until
 * the operator reconciles it), ExternalSecret. Health gates only a wave that is not the last: in the
 * last wave the objects are applied and the sync succeeds even if they degrade later. So everything
 * after the migration shares one final wave: a failed backup or a starting collector raises its own
 * alert and never blocks a release. Only what the migration truly needs is gated: the Secret
 * producers and the in-cluster PostgreSQL. A Pending claim or a Progressing object in the last wave
 * delays only the removal of deleted objects (PruneLast), never an apply.
 *
 * The waves:
 *
 * -1  Namespace: only where the environment ships its own namespace (previews).
 *  0  configuration: ServiceAccount, ConfigMaps, the objects that produce Secrets, NetworkPolicies.
 *  1  backing services: the in-cluster PostgreSQL (StatefulSet and Service). The migration hook
 *     connects to it, so it must be ready first; wave 0 holds its credentials and its policy.
 *  2  the migration Job (a Sync hook): its ServiceAccount, ConfigMap, Secret and database exist now.
 *  3  the last wave, not waited on: workloads, Services, autoscalers, budgets, the telemetry
 *     pipeline, the backup CronJob, Routes / Ingresses, monitoring, dashboards and claims.
 *
 * PersistentVolumeClaims take their wave from the pods that mount them, not from their kind. With
 * WaitForFirstConsumer storage a claim stays Pending (Progressing) until a pod mounts it. A claim
 * mounted by a workload whose pods start when it is applied (Deployment, StatefulSet, a Job) goes in
 * that workload's wave: in an earlier wave it would wait for a pod that does not exist yet, and hold
 * back every wave after it forever. A claim mounted only by CronJobs (db-dumps: the first pod runs at
 * the first backup) goes last, where nothing waits for it.
 *
 * The table is by kind, plus the role of a backing service and the claims' consumers; constructs stay
 * free of delivery concerns. An object that already carries a sync-wave annotation keeps it.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { LABEL } from '../core/labels';
import { DATABASE_COMPONENT } from '../database/in-cluster-postgres';
import { ANNOTATION } from '../core/annotations';

export const SyncWave = {
  NAMESPACE: -1,
  CONFIGURATION: 0,
  BACKING_SERVICES: 1,
  MIGRATION: 2,
  /** The last wave: health is not waited on, so no object here can hold back another. */
  WORKLOADS: 3,
  EXPOSURE: 3,
  MONITORING: 3,
  /** Claims that only CronJobs mount (or nothing does): last, where nothing waits for them to bind. */
  CLAIMS: 3,
} as const;

export const SYNC_WAVE_BY_KIND: Readonly<Record<string, number>> = {
  Namespace: SyncWave.NAMESPACE,
  ServiceAccount: SyncWave.CONFIGURATION,
  ConfigMap: SyncWave.CONFIGURATION,
  Secret: SyncWave.CONFIGURATION,
  InfisicalSecret: SyncWave.CONFIGURATION,
  ExternalSecret: SyncWave.CONFIGURATION,
  // ESO's Password generator: read by the ExternalSecret of the same wave, which retries until it exists.
  Password: SyncWave.CONFIGURATION,
  NetworkPolicy: SyncWave.CONFIGURATION,
  Job: SyncWave.MIGRATION,
  Deployment: SyncWave.WORKLOADS,
  Service: SyncWave.WORKLOADS,
  HorizontalPodAutoscaler: SyncWave.WORKLOADS,
  PodDisruptionBudget: SyncWave.WORKLOADS,
  StatefulSet: SyncWave.WORKLOADS,
  CronJob: SyncWave.WORKLOADS,
  OpenTelemetryCollector: SyncWave.WORKLOADS,
  Route: SyncWave.EXPOSURE,
  Gateway: SyncWave.EXPOSURE,
  HTTPRoute: SyncWave.EXPOSURE,
  BackendTrafficPolicy: SyncWave.EXPOSURE,
  Certificate: SyncWave.EXPOSURE,
  ServiceMonitor: SyncWave.MONITORING,
  PrometheusRule: SyncWave.MONITORING,
  AlertmanagerConfig: SyncWave.MONITORING,
  GrafanaDashboard: SyncWave.MONITORING,
  PersistentVolumeClaim: SyncWave.CLAIMS,
};

/** Components other processes connect to during the sync: their workloads and Services go before the hooks. */
const BACKING_SERVICE_COMPONENTS: ReadonlySet<string> = new Set([DATABASE_COMPONENT]);
/** Kinds that move to the backing-services wave when their component is a backing service. */
const BACKING_SERVICE_KINDS: ReadonlySet<string> = new Set(['StatefulSet', 'Deployment', 'Service']);

/** Where each kind keeps its pod template, and whether its pods start as soon as it is applied. */
const POD_TEMPLATES: Readonly<Record<string, { readonly path: readonly string[]; readonly startsOnApply: boolean }>> = {
  Deployment: { path: ['spec', 'template'], startsOnApply: true },
  StatefulSet: { path: ['spec', 'template'], startsOnApply: true },
  DaemonSet: { path: ['spec', 'template'], startsOnApply: true },
  ReplicaSet: { path: ['spec', 'template'], startsOnApply: true },
  Job: { path: ['spec', 'template'], startsOnApply: true },
  CronJob: { path: ['spec', 'jobTemplate', 'spec', 'template'], startsOnApply: false },
};

/** Annotates every API object under `scope` with its wave; a kind missing from the table is an error. */
export function applySyncWaves(scope: IConstruct): void {
  const objects = scope.node.findAll().filter(ApiObject.isApiObject);
  const explicit = (object: ApiObject) => object.metadata.toJson().annotations?.[ANNOTATION.syncWave] as string | undefined;
  const waves = new Map<ApiObject, number>();
  for (const object of objects) {
    if (object.kind === 'PersistentVolumeClaim') continue;
    const wave = explicit(object) !== undefined ? Number(explicit(object)) : waveByKindAndRole(object);
    waves.set(object, wave);
  }
  // Claims last: their wave is their consumers'.
  const consumers = claimConsumers(objects, waves);
  for (const object of objects.filter((o) => o.kind === 'PersistentVolumeClaim')) {
    const startingOnApply = (consumers.get(object.name) ?? []).filter((c) => c.startsOnApply).map((c) => c.wave);
    waves.set(object, explicit(object) !== undefined ? Number(explicit(object)) : startingOnApply.length > 0 ? Math.min(...startingOnApply) : SyncWave.CLAIMS);
  }
  for (const object of objects) {
    if (explicit(object) === undefined) object.metadata.addAnnotation(ANNOTATION.syncWave, String(waves.get(object)));
  }
}

function waveByKindAndRole(object: ApiObject): number {
  const component = object.metadata.toJson().labels?.[LABEL.component] as string | undefined;
  if (BACKING_SERVICE_KINDS.has(object.kind) && component !== undefined && BACKING_SERVICE_COMPONENTS.has(component)) return SyncWave.BACKING_SERVICES;
  const wave = SYNC_WAVE_BY_KIND[object.kind];
  if (wave === undefined) {
    throw new Error(`${object.kind}/${object.name}: no sync wave is defined for kind ${object.kind} in lib/argocd/sync-waves.ts`);
  }
  return wave;
}

/** For each claim name, the waves of the workloads that mount it and whether their pods start on apply. */
function claimConsumers(objects: readonly ApiObject[], waves: ReadonlyMap<ApiObject, number>): Map<string, Array<{ wave: number; startsOnApply: boolean }>> {
  const consumers = new Map<string, Array<{ wave: number; startsOnApply: boolean }>>();
  for (const object of objects) {
    const template = POD_TEMPLATES[object.kind];
    if (!template) continue;
    const pod = template.path.reduce<any>((value, key) => value?.[key], object.toJson());
    for (const volume of pod?.spec?.volumes ?? []) {
      const claimName = volume.persistentVolumeClaim?.claimName as string | undefined;
      if (claimName === undefined) continue;
      consumers.set(claimName, [...(consumers.get(claimName) ?? []), { wave: waves.get(object)!, startsOnApply: template.startsOnApply }]);
    }
  }
  return consumers;
}
