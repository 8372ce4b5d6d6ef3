/**
 * The Go health checks of gitops-engine 97ad5b59a627 (argo-cd v3.3.10 ./gitops-engine/pkg/health/)
 * for the built-in kinds we emit, rewritten over plain objects. `undefined` means no health check:
 * the object succeeds once applied (sync_context.go).
 */
type Status = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Unknown';

const condition = (o: any, type: string) => (o.status?.conditions ?? []).find((c: any) => c.type === type);

/** health_deployment.go:28-70 */
function deployment(d: any): Status {
  if (d.spec?.paused) return 'Suspended';
  const s = d.status ?? {};
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) return 'Progressing';
  if (condition(d, 'Progressing')?.reason === 'ProgressDeadlineExceeded') return 'Degraded';
  if (d.spec?.replicas !== undefined && (s.updatedReplicas ?? 0) < d.spec.replicas) return 'Progressing';
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return 'Progressing';
  if ((s.availableReplicas ?? 0) < (s.updatedReplicas ?? 0)) return 'Progressing';
  return 'Healthy';
}

/** health_statefulset.go:28-73 (rolling update without partition, the only strategy we emit). */
function statefulSet(t: any): Status {
  const s = t.status ?? {};
  if (!s.observedGeneration || (t.metadata?.generation ?? 0) > s.observedGeneration) return 'Progressing';
  if (t.spec?.replicas !== undefined && (s.readyReplicas ?? 0) < t.spec.replicas) return 'Progressing';
  if (t.spec?.updateStrategy?.type === 'OnDelete') return 'Healthy';
  return s.updateRevision !== s.currentRevision ? 'Progressing' : 'Healthy';
}

/** health_pvc.go:27-40 */
const claim = (c: any): Status => ({ Lost: 'Degraded', Pending: 'Progressing', Bound: 'Healthy' })[c.status?.phase as string] as Status ?? 'Unknown';

/** health_hpa.go:132-175: the first condition that is degraded or healthy decides, in status order. */
function autoscaler(h: any): Status {
  const degraded = [['AbleToScale', 'FailedGetScale'], ['AbleToScale', 'FailedUpdateScale'], ['ScalingActive', 'FailedGetResourceMetric'], ['ScalingActive', 'InvalidSelector']];
  for (const c of h.status?.conditions ?? []) {
    if (degraded.some(([type, reason]) => c.type === type && c.reason === reason)) return 'Degraded';
    if (['AbleToScale', 'ScalingLimited'].includes(c.type) && c.status === 'True') return 'Healthy';
  }
  return 'Progressing';
}

/** health_service.go:28-38 */
const service = (s: any): Status => (s.spec?.type === 'LoadBalancer' && !(s.status?.loadBalancer?.ingress?.length > 0) ? 'Progressing' : 'Healthy');

const CHECKS: Readonly<Record<string, (o: any) => Status>> = { Deployment: deployment, StatefulSet: statefulSet, PersistentVolumeClaim: claim, HorizontalPodAutoscaler: autoscaler, Service: service };

export function goHealth(object: any): Status | undefined {
  return CHECKS[object.kind]?.(object);
}
