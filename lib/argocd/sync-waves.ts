/**
 * The order in which ArgoCD applies an environment, by kind. ArgoCD applies one wave, waits until its
 * objects are healthy (and its hooks have succeeded), then starts the next. So:
 *
 *  0  configuration: ServiceAccount, ConfigMaps, the objects that produce Secrets, NetworkPolicies;
 *  1  the migration Job (a Sync hook): its ServiceAccount, ConfigMap and Secret exist by now;
 *  2  workloads and their Services, autoscalers, disruption budgets, the telemetry pipeline (the
 *     collector; Jaeger is a Deployment) and the backup CronJob: the schema is migrated;
 *  3  what exposes the workloads: Routes;
 *  4  what watches them: ServiceMonitor, alert rules and routing, dashboards;
 *  5  PersistentVolumeClaims, last. ArgoCD reports a claim Pending (Progressing) until a pod mounts
 *     it, which with WaitForFirstConsumer storage only happens when the first backup runs: in any
 *     earlier wave it would hold back every wave after it. Nothing in the sync waits for the claim;
 *     the CronJob that mounts it only starts pods on schedule.
 *
 * Keeping the order in one table, by kind, keeps it readable and lets the constructs stay free of
 * delivery concerns. An object that already carries a sync-wave annotation keeps it.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ANNOTATION } from './annotations';

export const SyncWave = {
  CONFIGURATION: 0,
  MIGRATION: 1,
  WORKLOADS: 2,
  EXPOSURE: 3,
  MONITORING: 4,
  CLAIMS: 5,
} as const;

export const SYNC_WAVE_BY_KIND: Readonly<Record<string, number>> = {
  ServiceAccount: SyncWave.CONFIGURATION,
  ConfigMap: SyncWave.CONFIGURATION,
  Secret: SyncWave.CONFIGURATION,
  InfisicalSecret: SyncWave.CONFIGURATION,
  ExternalSecret: SyncWave.CONFIGURATION,
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
  Ingress: SyncWave.EXPOSURE,
  ServiceMonitor: SyncWave.MONITORING,
  PrometheusRule: SyncWave.MONITORING,
  AlertmanagerConfig: SyncWave.MONITORING,
  GrafanaDashboard: SyncWave.MONITORING,
  PersistentVolumeClaim: SyncWave.CLAIMS,
};

/** Annotates every API object under `scope` with its kind's wave; a kind missing from the table is an error. */
export function applySyncWaves(scope: IConstruct): void {
  for (const object of scope.node.findAll().filter(ApiObject.isApiObject)) {
    if (object.metadata.toJson().annotations?.[ANNOTATION.syncWave] !== undefined) continue;
    const wave = SYNC_WAVE_BY_KIND[object.kind];
    if (wave === undefined) {
      throw new Error(`${object.kind}/${object.name}: no sync wave is defined for kind ${object.kind} in lib/argocd/sync-waves.ts`);
    }
    object.metadata.addAnnotation(ANNOTATION.syncWave, String(wave));
  }
}
