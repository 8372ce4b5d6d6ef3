/**
 * When ArgoCD 2.12 runs each object of a sync, as gitops-engine faf5a4e5c37d (pinned by argo-cd
 * v2.12.13) orders it: by phase, then wave (pkg/sync/sync_tasks.go:85-111). A plain object is one task
 * of the Sync phase (pkg/sync/sync_phase.go:26-28); a hook is one task per phase it names
 * (sync_phase.go:13-25), and a `Skip` hook none. One phase+wave runs at a time, and the next starts
 * when every task of it is healthy or, for hooks, completed (pkg/sync/sync_context.go:416-457).
 * The same holds in gitops-engine 97ad5b59a627 (argo-cd v3.3.10); what 3.x changes is which kinds
 * have health, see BAD_HEALTH and appliedWhileStuck below.
 */
import { ANNOTATION } from '../../lib/core/annotations';
import { Manifest } from '../../lib/core/manifest';

/** syncPhaseOrder of pkg/sync/sync_tasks.go:15-20 (SyncFail runs only when a sync fails). */
const PHASE_ORDER: Readonly<Record<string, number>> = { PreSync: -1, Sync: 0, PostSync: 1, SyncFail: 2 };

export interface SyncStep {
  readonly phase: string;
  readonly wave: number;
}

export function isHook(manifest: Manifest): boolean {
  return manifest.metadata.annotations?.[ANNOTATION.hook] !== undefined;
}

/**
 * syncwaves.Wave: the annotation when strconv.Atoi accepts it, else Helm's hook weight, else 0
 * (pkg/sync/syncwaves/waves.go:12-21, pkg/sync/hook/helm/weight.go:10-19).
 */
export function waveOf(manifest: Manifest): number {
  const annotations = manifest.metadata.annotations ?? {};
  for (const text of [annotations[ANNOTATION.syncWave], annotations['helm.sh/hook-weight']]) {
    if (text !== undefined && /^[-+]?\d+$/.test(text)) return Number(text);
  }
  return 0;
}

/** The steps at which the object is applied (or its hook run) during a sync. */
export function syncSteps(manifest: Manifest): SyncStep[] {
  const wave = waveOf(manifest);
  if (!isHook(manifest)) return [{ phase: 'Sync', wave }];
  const types = manifest.metadata.annotations![ANNOTATION.hook].split(',').map((type) => type.trim());
  return [...new Set(types.filter((type) => type in PHASE_ORDER))].map((phase) => ({ phase, wave }));
}

export function compareSteps(a: SyncStep, b: SyncStep): number {
  return PHASE_ORDER[a.phase] - PHASE_ORDER[b.phase] || a.wave - b.wave;
}

/** Whether every step of `dependency` has finished before the first step of `owner` starts. */
export function runsBefore(dependency: Manifest, owner: Manifest): boolean {
  const last = syncSteps(dependency).sort(compareSteps).at(-1);
  const first = syncSteps(owner).sort(compareSteps)[0];
  return last !== undefined && first !== undefined && compareSteps(last, first) < 0;
}

/** Whether `dependency` is applied no later than `owner` (same step or earlier). */
export function runsNoLaterThan(dependency: Manifest, owner: Manifest): boolean {
  const last = syncSteps(dependency).sort(compareSteps).at(-1);
  const first = syncSteps(owner).sort(compareSteps)[0];
  return last !== undefined && first !== undefined && compareSteps(last, first) <= 0;
}

export const describeStep = (manifest: Manifest) =>
  syncSteps(manifest)
    .map(({ phase, wave }) => `${phase === 'Sync' ? '' : `${phase} `}wave ${wave}`)
    .join(', ');

/**
 * Kinds whose health Argo CD 3.3 computes (gitops-engine 97ad5b59a627 pkg/health/health.go for the
 * built-in ones, argo-cd v3.3.10 resource_customizations/<group>/<kind>/health.lua for the rest) and
 * the bad states each can be stuck in. Kinds not listed have no health: applied means done.
 */
export const BAD_HEALTH: Readonly<Record<string, readonly ('Degraded' | 'Progressing')[]>> = {
  Deployment: ['Degraded', 'Progressing'],
  StatefulSet: ['Degraded', 'Progressing'],
  PersistentVolumeClaim: ['Degraded', 'Progressing'],
  HorizontalPodAutoscaler: ['Degraded', 'Progressing'],
  Ingress: ['Progressing'],
  Service: ['Progressing'],
  CronJob: ['Degraded'],
  OpenTelemetryCollector: ['Degraded', 'Progressing'],
  GrafanaDashboard: ['Degraded', 'Progressing'],
  ExternalSecret: ['Degraded', 'Progressing'],
  Route: ['Degraded', 'Progressing'],
  // resource_customizations/gateway.networking.k8s.io/{Gateway,HTTPRoute} and cert-manager.io/Certificate.
  Gateway: ['Degraded', 'Progressing'],
  HTTPRoute: ['Degraded', 'Progressing'],
  Certificate: ['Degraded', 'Progressing'],
};

/**
 * The objects a sync applies when `stuck` stays in a bad health state, as sync_context.go (v3.3.10
 * gitops-engine) runs it: one phase+wave at a time; when there is more than one (multiStep), a wave
 * with a Degraded object fails the sync and one with a Progressing object waits forever, so no later
 * wave is applied. The last wave is applied and the sync ends whatever its health. Prune tasks are
 * left out: they touch only removed objects.
 */
export function appliedWhileStuck(manifests: readonly Manifest[], stuck: Manifest): Set<Manifest> {
  const steps = manifests.flatMap((manifest) => syncSteps(manifest).map((step) => ({ manifest, step })));
  const order = [...new Map(steps.map(({ step }) => [`${step.phase}/${step.wave}`, step])).values()].sort(compareSteps);
  const applied = new Set<Manifest>();
  for (const [index, current] of order.entries()) {
    const here = steps.filter(({ step }) => compareSteps(step, current) === 0).map(({ manifest }) => manifest);
    here.forEach((manifest) => applied.add(manifest));
    const last = index === order.length - 1;
    if (!last && here.includes(stuck)) break;
  }
  return applied;
}
