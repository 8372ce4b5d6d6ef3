import { Construct } from 'constructs';
import { ApplicationSet } from '../../imports/applicationsets-argoproj.io';
import { Delivery } from '../config/delivery';
import { PREVIEW_PREFIX, previewNamespace } from '../config/previews';
import { componentLabels } from '../core/labels';
import { DeliveryProject, GroupKind } from './app-project';
import { environmentSyncPolicy } from './environment-application';

export interface PreviewDeliveryProps {
  readonly delivery: Delivery;
  /** Branch the preview folders are read from. */
  readonly targetRevision: string;
  /** Folder of the GitOps repository that holds the environments' folders, e.g. "dist". */
  readonly distPath: string;
  /** The namespaced kinds a preview consists of. */
  readonly namespacedKinds: readonly GroupKind[];
}

/**
 * Delivery of the preview environments: one ApplicationSet whose git generator makes an Application
 * for every `dist/preview-*` folder. Adding a preview to the list adds its folder and so its
 * Application; removing it removes both, and the finalizer deletes what the preview deployed. Nobody
 * applies anything by hand per preview, and dist/argocd/ does not change when the list does.
 *
 * Previews have their own AppProject: unlike the standard environments, whose OpenShift projects
 * exist beforehand, each preview's namespace is created by ArgoCD (CreateNamespace), which needs the
 * cluster-scoped Namespace kind; this project allows that and nothing else cluster-wide, and only
 * for namespaces named co2-calculator-preview-*.
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
      clusterKinds: [{ group: '', kind: 'Namespace' }],
      namespacedKinds: props.namespacedKinds,
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
            // A removed preview takes its objects with it.
            finalizers: ['resources-finalizer.argocd.argoproj.io'],
          },
          spec: {
            project: project.name,
            source: { repoUrl: props.delivery.repoUrl, targetRevision: props.targetRevision, path: '{{.path.path}}' },
            destination: { server: props.delivery.destinationServer, namespace: previewNamespace(folder) },
            syncPolicy: {
              ...environmentSyncPolicy({ createNamespace: true }),
              // Pod Security "restricted" enforced on the namespaces ArgoCD creates, as on the projects.
              managedNamespaceMetadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
            },
          },
        },
        // Deleting the ApplicationSet deletes the previews too: they are disposable by definition.
        syncPolicy: { preserveResourcesOnDeletion: false },
      },
    });
  }
}
