/** ArgoCD's annotations, named once. */
export const ANNOTATION = {
  syncWave: 'argocd.argoproj.io/sync-wave',
  hook: 'argocd.argoproj.io/hook',
  hookDeletePolicy: 'argocd.argoproj.io/hook-delete-policy',
  syncOptions: 'argocd.argoproj.io/sync-options',
  compareOptions: 'argocd.argoproj.io/compare-options',
} as const;

/**
 * Server-side diff on an Application: the API server's dry-run apply computes the live state, so
 * the defaults operators and admission add cause no diff. Structured-merge diff is discontinued
 * upstream in its favour (stable since Argo CD 3.1, docs/user-guide/diff-strategies.md).
 */
export const ARGOCD_SERVER_SIDE_DIFF: Record<string, string> = {
  [ANNOTATION.compareOptions]: 'ServerSideDiff=true',
};

/** A Job run on every sync, in its wave; the previous run is deleted when the next one is created. */
export const ARGOCD_SYNC_HOOK: Record<string, string> = {
  [ANNOTATION.hook]: 'Sync',
  [ANNOTATION.hookDeletePolicy]: 'BeforeHookCreation',
};

/**
 * An object ArgoCD neither prunes when it disappears from the repository nor deletes with the
 * Application: for claims whose data must outlive a mistake in git, such as the database dumps.
 */
export const ARGOCD_KEEP_ON_PRUNE_AND_DELETE: Record<string, string> = {
  [ANNOTATION.syncOptions]: 'Prune=false,Delete=false',
};
