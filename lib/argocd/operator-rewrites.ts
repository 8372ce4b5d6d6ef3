/**
 * What the cluster does to an object of ours after we apply it, beyond the schema defaults of its CRD:
 * mutating webhooks and reconcilers that write the object itself (not only its status). ArgoCD
 * compares what we declare with what the cluster keeps, so a rewrite of a field we declare, or of
 * anything inside a list we own whole, is a difference that never goes away (test/drift.test.ts).
 *
 * Each kind we emit states its rewrites here, next to the construct that emits it (imported from
 * there), read from the operator's source at the version we target. A kind with no entry fails the
 * test: adding a kind means looking at what its operator does.
 */
import { ROUTE_REWRITES } from '../networking/openshift-route';
import { ENVOY_GATEWAY_REWRITES } from '../networking/envoy-gateway';
import { GATEWAY_API_REWRITES } from '../networking/http-route';
import { CERTIFICATE_REWRITES } from '../networking/host-certificate';
import { GITOPS_INSTANCE_REWRITES } from './gitops-instance';
import { OBSERVABILITY_REWRITES } from '../observability/operator-rewrites';
import { EXTERNAL_SECRET_REWRITES } from '../secrets/external-secret';
import { GENERATED_SECRET_REWRITES } from '../secrets/generated-secret';
import { INFISICAL_SECRET_REWRITES } from '../secrets/infisical-secret';

export interface OperatorRewrite {
  /** `group/version` of the objects the rewrite applies to. */
  readonly apiVersion: string;
  readonly kind: string;
  /** Who writes what, and where it is in the operator's source (file:line@tag). */
  readonly source: string;
  /**
   * The rewrite, applied in place to the object as the cluster stores it. Absent when the operator
   * writes nothing but status.
   */
  readonly rewrite?: (object: Record<string, any>) => void;
}

/** The objects of dist/argocd/: applied with `oc apply` by an administrator, never synced by ArgoCD. */
export const ARGOCD_OBJECT_REWRITES: readonly OperatorRewrite[] = ['Application', 'AppProject', 'ApplicationSet'].map((kind) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind,
  source: 'argo-cd v2.12.13 writes status and operation state only; these objects are applied by hand and not compared by a sync',
}));

/** Every kind we emit as a custom resource (or a non-built-in API), with what the cluster rewrites in it. */
export function operatorRewrites(): readonly OperatorRewrite[] {
  return [...EXTERNAL_SECRET_REWRITES, ...GENERATED_SECRET_REWRITES, ...INFISICAL_SECRET_REWRITES, ...OBSERVABILITY_REWRITES, ...ROUTE_REWRITES, ...GATEWAY_API_REWRITES, ...ENVOY_GATEWAY_REWRITES, ...CERTIFICATE_REWRITES, ...ARGOCD_OBJECT_REWRITES, ...GITOPS_INSTANCE_REWRITES];
}
