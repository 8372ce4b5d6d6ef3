/**
 * The Go health checks of gitops-engine 97ad5b59a627 (argo-cd v3.3.10 ./gitops-engine/pkg/health/)
 * for the built-in kinds the cluster harness leaves in one state (claims, autoscalers, Services),
 * rewritten over plain objects. `undefined` means no health check:
 * the object succeeds once applied (sync_context.go).
 */
type Status = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Unknown';

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

const CHECKS: Readonly<Record<string, (o: any) => Status>> = { PersistentVolumeClaim: claim, HorizontalPodAutoscaler: autoscaler, Service: service };

export function goHealth(object: any): Status | undefined {
  return CHECKS[object.kind]?.(object);
}
