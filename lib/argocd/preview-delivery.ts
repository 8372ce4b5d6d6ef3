import { Construct } from 'constructs';
import { ApplicationSet } from '../../imports/applicationsets-argoproj.io';
import { Delivery } from '../config/delivery';
import { PREVIEW_PREFIX, previewNamespace } from '../config/previews';
import { componentLabels } from '../core/labels';
import { DeliveryProject, GroupKind } from './app-project';
import { ARGOCD_SERVER_SIDE_DIFF } from '../core/annotations';
import { environmentSyncPolicy } from './environment-application';

export interface PreviewDeliveryProps {
  readonly delivery: Delivery;
  /** Branch the preview folders are read from. */
  readonly targetRevision: string;
  /** Folder of the GitOps repository that holds the environments' folders, e.g. "dist". */
  readonly distPath: string;
  /** Environment names of the previews (`preview-<name>`): each gets its project. */
  readonly previews: readonly string[];
  /** The kinds a preview consists of: cluster-scoped (its Namespace, allowed by its own name) and namespaced. */
  readonly clusterKinds: readonly GroupKind[];
  readonly namespacedKinds: readonly GroupKind[];
  /** Secrets made by hand in each preview namespace. @default none */
  readonly handMadeSecrets?: readonly string[];
}

/**
 * Delivery of the preview environments: one ApplicationSet whose git generator makes an Application
 * for every `dist/preview-*` folder, and one AppProject per preview in the list. Adding a preview to
 * the list adds its folder, so its Application, and its project (which a GitOps administrator applies
 * with dist/argocd/); removing it removes them, and the finalizer deletes what the preview deployed.
 *
 * Each preview has a project of its own, `co2-calculator-preview-<name>`, the name of its Application
 * and of its namespace: its only destination is that namespace, and its only cluster-scoped kind that
 * Namespace by name. So a preview's Application cannot deploy into another preview's namespace or a
 * standard environment's, and cannot adopt or prune another Namespace (argo-cd v3.3.x, which honours
 * `clusterResourceWhitelist[].name`). A folder `dist/preview-x` without its project does not sync:
 * the Application names a project that does not exist.
 *
 * The namespace stays an object of the preview (wave -1) rather than CreateNamespace: Argo CD checks
 * the namespace it would create against the project like any object, so the Namespace permission is
 * needed either way, and it does not track a namespace it creates, which would outlive the preview
 * (docs/sources/argocd.md, #preview-namespaces).
 * Argo CD 3.1 (GitOps 1.18, 1.19) has no `name` field (delivery.namedClusterResources false): there
 * the admission policy of dist/cluster-setup/ is what refuses a foreign Namespace (docs/security.md).
 */
export class PreviewDelivery extends Construct {
  static readonly NAME = 'co2-calculator-previews';

  constructor(scope: Construct, id: string, props: PreviewDeliveryProps) {
    super(scope, id);
    const labels = componentLabels(this, { name: PreviewDelivery.NAME, component: 'delivery' });
    for (const environmentName of [...props.previews].sort()) {
      const namespace = previewNamespace(environmentName);
      new DeliveryProject(this, `Project-${environmentName}`, {
        metadata: { name: namespace, labels: componentLabels(this, { name: namespace, component: 'delivery' }) },
        description: `CO2 Calculator ${environmentName}: its own namespace only`,
        sourceRepo: props.delivery.repoUrl,
        destinationServer: props.delivery.destinationServer,
        destinationNamespaces: [namespace],
        clusterKinds: props.delivery.namedClusterResources ? props.clusterKinds.map((kind) => (kind.group === '' && kind.kind === 'Namespace' ? { ...kind, name: namespace } : kind)) : props.clusterKinds,
        namespacedKinds: props.namespacedKinds,
        handMadeSecrets: props.handMadeSecrets,
      });
    }

    // {{.path.basename}} is the folder name, preview-<name>: it names the Application (like the
    // instance label of the preview's objects), its namespace and its project.
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
            project: previewNamespace(folder),
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
