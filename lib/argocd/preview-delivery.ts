import { Construct } from 'constructs';
import { ApplicationSet } from '../../imports/applicationsets-argoproj.io';
import { Delivery } from '../config/delivery';
import { PREVIEW_PREFIX, previewNamespace } from '../config/previews';
import { componentLabels } from '../core/labels';
import { DeliveryProject, GroupKind } from './app-project';
import { ARGOCD_SERVER_SIDE_DIFF } from './annotations';
import { environmentSyncPolicy } from './environment-application';

export interface PreviewDeliveryProps {
  readonly delivery: Delivery;
  /** Branch the preview folders are read from. */
  readonly targetRevision: string;
  /** Folder of the GitOps repository that holds the environments' folders, e.g. "dist". */
  readonly distPath: string;
  /** The kinds a preview consists of: cluster-scoped (its Namespace) and namespaced. */
  readonly clusterKinds: readonly GroupKind[];
  readonly namespacedKinds: readonly GroupKind[];
  /** Secrets made by hand in each preview namespace. @default none */
  readonly handMadeSecrets?: readonly string[];
}

/**
 * Delivery of the preview environments: one ApplicationSet whose git generator makes an Application
 * for every `dist/preview-*` folder. Adding a preview to the list adds its folder and so its
 * Application; removing it removes both, and the finalizer deletes what the preview deployed. Nobody
 * applies anything by hand per preview, and dist/argocd/ does not change when the list does.
 *
 * Each preview ships its Namespace as an object of its own (wave -1), rather than letting ArgoCD
 * create it with CreateNamespace: ArgoCD 2.12 does not track a namespace it creates that way (the
 * tracking call is commented out, argo-cd v2.12.13 controller/sync_namespace.go:37-41), so deleting
 * the Application would leave the namespace behind. As an object of the Application it is created
 * before everything in it (gitops-engine pkg/sync/sync_tasks.go:113-120) and, being in the lowest
 * wave, deleted after everything else (argo-cd controller/sort_delete.go:24-40,
 * controller/appcontroller.go:1115-1169).
 *
 * Previews have their own AppProject, because a Namespace is cluster-scoped: this project allows that
 * one cluster kind (ArgoCD 2.12 cannot restrict a cluster-scoped kind by name), and namespaced objects
 * only in namespaces named co2-calculator-preview-*. The standard environments' projects keep refusing
 * every cluster-scoped kind.
 */
export class PreviewDelivery extends Construct {
  static readonly NAME = 'co2-calculator-previews';

  constructor(scope: Construct, id: string, props: PreviewDeliveryProps) {
    super(scope, id);
    const labels = componentLabels(this, { name: PreviewDelivery.NAME, component: 'delivery' });
    const namespacePattern = previewNamespace(`${PREVIEW_PREFIX}*`);
    const project = new DeliveryProject(this, 'Project', {
      metadata: { name: PreviewDelivery.NAME, labels },
      description: 'CO2 Calculator preview environments, one per dist/preview-* folder',
      sourceRepo: props.delivery.repoUrl,
      destinationServer: props.delivery.destinationServer,
      destinationNamespaces: [namespacePattern],
      clusterKinds: props.clusterKinds,
      namespacedKinds: props.namespacedKinds,
      handMadeSecrets: props.handMadeSecrets,
    });

    // {{.path.basename}} is the folder name, preview-<name>: it names the Application (like the
    // instance label of the preview's objects) and its namespace.
    const folder = '{{.path.basename}}';
    new ApplicationSet(this, 'ApplicationSet', {
      metadata: { name: PreviewDelivery.NAME, labels },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [
          { git: { repoUrl: props.delivery.repoUrl, revision: props.targetRevision, directories: [{ path: `${props.distPath}/${PREVIEW_PREFIX}*` }] } },
        ],
        template: {
          metadata: {
            name: previewNamespace(folder),
            labels: { ...labels, 'app.kubernetes.io/name': previewNamespace(folder) },
            annotations: ARGOCD_SERVER_SIDE_DIFF,
            // A removed preview takes its objects with it.
            finalizers: ['resources-finalizer.argocd.argoproj.io'],
          },
          spec: {
            project: project.name,
            source: { repoUrl: props.delivery.repoUrl, targetRevision: props.targetRevision, path: '{{.path.path}}' },
            destination: { server: props.delivery.destinationServer, namespace: previewNamespace(folder) },
            syncPolicy: environmentSyncPolicy(),
          },
        },
        // Deleting the ApplicationSet deletes the previews too: they are disposable by definition.
        syncPolicy: { preserveResourcesOnDeletion: false },
      },
    });
  }
}
