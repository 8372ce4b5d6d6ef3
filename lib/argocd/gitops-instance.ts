import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { REPO_ROOT } from '../core/repo-root';

/** A health check in Lua for one kind, as the ArgoCD custom resource carries it. */
export interface ResourceHealthCheck {
  readonly group: string;
  readonly kind: string;
  /** Lua returning `{ status = "Healthy" | "Progressing" | "Degraded" | ..., message = ... }` for the global `obj`. */
  readonly check: string;
}

/** The health checks this project relies on that Argo CD 2.12 lacks, one Lua file each in lib/argocd/health/. */
export const HEALTH_CHECK_DIRECTORY = join(REPO_ROOT, 'lib', 'argocd', 'health');
export const HEALTH_CHECKS: readonly ResourceHealthCheck[] = [
  // Argo CD has a built-in check for ExternalSecret (resource_customizations/external-secrets.io/
  // ExternalSecret/health.lua in argo-cd v2.12.13), none for InfisicalSecret.
  { group: 'secrets.infisical.com', kind: 'InfisicalSecret', check: readFileSync(join(HEALTH_CHECK_DIRECTORY, 'infisicalsecret.lua'), 'utf8') },
];

export interface GitOpsInstanceSettingsProps {
  /** Name of the ArgoCD custom resource (OpenShift GitOps' default instance: openshift-gitops). */
  readonly name: string;
  /** @default HEALTH_CHECKS */
  readonly healthChecks?: readonly ResourceHealthCheck[];
}

/**
 * What this project needs of the Argo CD instance, as the `ArgoCD` custom resource that OpenShift
 * GitOps 1.14 (argocd-operator v0.12.0) reads, argoproj.io/v1beta1. The operator owns argocd-cm: it
 * rewrites the ConfigMap from this resource on every reconcile and undoes edits made to it by hand,
 * so settings belong here (docs/sources/argocd.md, #gitops-instance):
 *
 * - `resourceTrackingMethod: annotation` becomes `application.resourceTrackingMethod` in argocd-cm.
 *   ArgoCD then tracks what it deployed by the
 *   `argocd.argoproj.io/tracking-id` annotation, not by the `app.kubernetes.io/instance` label that
 *   operators copy onto the objects they create (an operator's child would otherwise look like ours,
 *   and be pruned or reported).
 * - `resourceHealthChecks` become `resource.customizations.health.<group>_<kind>` keys:
 *   the InfisicalSecret check makes wave 0 wait until the operator has
 *   written the Secret, and fail when it cannot.
 *
 * Only these fields are declared: applied with `oc apply`, they merge into the instance the operator
 * created, whose other settings (resources, SSO, exclusions) stay the platform team's. `spec` lists
 * replace whole lists, so `resourceHealthChecks` must hold every team's checks on a shared instance.
 */
export class GitOpsInstanceSettings extends Construct {
  constructor(scope: Construct, id: string, props: GitOpsInstanceSettingsProps) {
    super(scope, id);
    const instance = new ApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1beta1',
      kind: 'ArgoCD',
      metadata: { name: props.name },
      spec: {
        resourceTrackingMethod: 'annotation',
        resourceHealthChecks: (props.healthChecks ?? HEALTH_CHECKS).map(({ group, kind, check }) => ({ group, kind, check })),
      },
    });
    // The instance is the platform team's, shared by other teams: it gets no labels of ours.
    instance.addJsonPatch(JsonPatch.remove('/metadata/labels'));
  }
}
