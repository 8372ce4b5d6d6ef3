import { Construct } from 'constructs';
import { Application } from '../../imports/applications-argoproj.io';
import { ARGOCD_SERVER_SIDE_DIFF } from '../core/annotations';

export interface EnvironmentApplicationProps {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly project: string;
  readonly repoUrl: string;
  /** Branch, tag or commit to follow. */
  readonly targetRevision: string;
  /** Folder of the repository with the environment's objects, e.g. dist/prod. */
  readonly path: string;
  readonly destinationServer: string;
  readonly destinationNamespace: string;
  /**
   * Whether deleting the Application deletes the objects it manages (ArgoCD's resources finalizer).
   * Objects annotated Delete=false (the db-dumps claim) survive either way.
   */
  readonly cascadeDelete: boolean;
  /** Sync attempts after a failure, with exponential backoff. @default 5 */
  readonly retryLimit?: number;
}

/** What ArgoCD needs to sync an environment: see EnvironmentApplication for the reasons. */
export function environmentSyncPolicy(options: { readonly retryLimit?: number } = {}) {
  return {
    automated: { prune: true, selfHeal: true, allowEmpty: false },
    syncOptions: ['ServerSideApply=true', 'PruneLast=true', 'FailOnSharedResource=true'],
    // No `refresh: true` (retry on the newest revision): Argo CD 3.1, in GitOps 1.18/1.19, lacks it and its
    // structural CRD would prune it (ARGO_CD_FEATURES.retryRefresh; docs/platform.md).
    retry: { limit: options.retryLimit ?? 5, backoff: { duration: '15s', factor: 2, maxDuration: '5m' } },
  };
}

/**
 * One environment as an ArgoCD Application: dist/<env> of the GitOps repository, synced automatically.
 *
 * - prune and selfHeal: the cluster follows git, and drift made by hand is undone.
 * - retry with backoff: an automated sync does not retry a failed commit by itself, so a transient
 *   failure (a webhook timing out, an operator CRD not yet served) would otherwise stay failed until
 *   the next commit.
 * - ServerSideApply: dashboards are larger than the annotation client-side apply keeps.
 * - PruneLast: removed objects go after everything else is healthy.
 * - FailOnSharedResource: refuse to take over an object another Application already manages.
 * - ServerSideDiff: the diff is the API server's dry-run apply, so server defaults cause no drift.
 * - No CreateNamespace: OpenShift projects are created by the platform team, with their quotas.
 */
export class EnvironmentApplication extends Construct {
  constructor(scope: Construct, id: string, props: EnvironmentApplicationProps) {
    super(scope, id);
    new Application(this, 'Resource', {
      metadata: {
        ...props.metadata,
        annotations: ARGOCD_SERVER_SIDE_DIFF,
        finalizers: props.cascadeDelete ? ['resources-finalizer.argocd.argoproj.io'] : undefined,
      },
      spec: {
        project: props.project,
        source: { repoUrl: props.repoUrl, targetRevision: props.targetRevision, path: props.path },
        destination: { server: props.destinationServer, namespace: props.destinationNamespace },
        revisionHistoryLimit: 10,
        syncPolicy: environmentSyncPolicy({ retryLimit: props.retryLimit }),
      },
    });
  }
}
