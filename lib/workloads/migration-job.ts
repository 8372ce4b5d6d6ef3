import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { formatImageReference, imageVersionLabel } from '../core/image';
import { versionedLabels } from '../core/labels';
import { ContainerResources } from '../core/resources';
import { MIGRATION_COMMAND } from '../application/contract';
import { ARGOCD_SYNC_HOOK } from '../core/annotations';
import { BackendRuntime } from './backend';
import { oneShotJobSpec } from './one-shot-job';

export interface MigrationJobProps {
  /** Image and database connection of the backend: the migrations ship with the application code. */
  readonly runtime: BackendRuntime;
  readonly serviceAccountName: string;
  readonly resources: ContainerResources;
  /** @default MIGRATION_COMMAND.command, `alembic upgrade head` */
  readonly command?: string[];
  /** Retries after a failed run. @default 2 */
  readonly backoffLimit?: number;
  /** Wall-clock limit of the whole Job, retries included. @default 600 */
  readonly activeDeadlineSeconds?: number;
}

/**
 * Brings the database schema up to date before the new backend starts.
 *
 * It is an ArgoCD `Sync` hook, not `PreSync`: a PreSync hook runs before any other object of the sync
 * is applied, so on the first sync into an empty namespace its ServiceAccount, ConfigMap and Secret do
 * not exist yet and the Job can never start. As a Sync hook it runs in its sync wave, after the
 * configuration and before the workloads (see lib/argocd/sync-waves.ts), on every sync: `alembic upgrade
 * head` is idempotent. The previous run is deleted only when the next one is created, so its logs stay
 * readable in between.
 */
export class MigrationJob extends Construct {
  static readonly NAME = 'backend-migration';
  static readonly IDENTITY = { name: MigrationJob.NAME, component: 'database-migration' } as const;

  constructor(scope: Construct, id: string, props: MigrationJobProps) {
    super(scope, id);
    const labels = versionedLabels(this, MigrationJob.IDENTITY, imageVersionLabel(props.runtime.image));
    new k8s.KubeJob(this, 'Resource', {
      metadata: { name: MigrationJob.NAME, labels, annotations: ARGOCD_SYNC_HOOK },
      spec: oneShotJobSpec({
        labels,
        serviceAccountName: props.serviceAccountName,
        backoffLimit: props.backoffLimit ?? 2,
        activeDeadlineSeconds: props.activeDeadlineSeconds ?? 600,
        user: props.runtime.user,
        container: {
          name: 'migrate',
          image: formatImageReference(props.runtime.image),
          command: props.command ?? [...MIGRATION_COMMAND.command],
          // It reads DB_URL and nothing else, and writes nowhere (MIGRATION_COMMAND).
          env: [...props.runtime.env],
          resources: props.resources,
          scratchDirectories: MIGRATION_COMMAND.writablePaths.map(({ path }) => ({ path })),
        },
      }),
    });
  }
}
