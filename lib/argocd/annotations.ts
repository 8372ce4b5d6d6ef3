/** ArgoCD's annotations, named once. */
export const ANNOTATION = {
  syncWave: 'argocd.argoproj.io/sync-wave',
  hook: 'argocd.argoproj.io/hook',
  hookDeletePolicy: 'argocd.argoproj.io/hook-delete-policy',
  syncOptions: 'argocd.argoproj.io/sync-options',
} as const;

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
