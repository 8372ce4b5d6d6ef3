import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Delivery } from '../config/delivery';
import { Environment } from '../config/environment';
import { componentLabels, environmentInstance, environmentLabels } from '../core/labels';
import { Manifest } from '../core/manifest';
import { secretsMadeByHand, servingCertSecrets } from '../secrets/secret-source';
import { DeliveryProject, GroupKind } from './app-project';
import { EnvironmentApplication } from './environment-application';
import { GitOpsInstanceSettings } from './gitops-instance';
import { PreviewDelivery } from './preview-delivery';

export interface DeliveredEnvironment {
  readonly environment: Environment;
  /** What the environment consists of; the project allows exactly these kinds. */
  readonly manifests: readonly Manifest[];
}

export interface DeliveryChartProps {
  readonly delivery: Delivery;
  readonly environments: readonly DeliveredEnvironment[];
  /** Preview environments, delivered by an ApplicationSet: their names (one project each), branch, and what one consists of. @default none */
  readonly previews?: { readonly names: readonly string[]; readonly targetRevision: string; readonly manifests: readonly Manifest[]; readonly secrets: Environment['secrets'] };
  /** Folder of the GitOps repository that holds the environments' folders. @default "dist" */
  readonly distPath?: string;
}

/**
 * The ArgoCD objects that deliver every environment (dist/argocd/): the settings of the ArgoCD instance
 * they rely on, for each environment an AppProject and an Application, and the previews' project and
 * ApplicationSet, in ArgoCD's namespace. A GitOps
 * administrator applies this folder once (`oc apply -f dist/argocd/`) and again when it changes; the
 * environments then sync themselves.
 *
 * One project per environment, each with that environment's namespace as its only destination: an
 * object of dist/dev that names prod's namespace is refused by ArgoCD instead of applied, and prod's
 * project allows only the kinds prod consists of.
 */
export class DeliveryChart extends Chart {
  constructor(scope: Construct, id: string, props: DeliveryChartProps) {
    super(scope, id, {
      namespace: props.delivery.argocdNamespace,
      labels: environmentLabels('co2-calculator-delivery'),
      disableResourceNameHashes: true,
    });
    const { delivery } = props;
    // The instance settings the environments rely on (tracking by annotation, health checks).
    new GitOpsInstanceSettings(this, 'Instance', { name: delivery.argocdInstance });
    // Environments applied by hand (delivery: false) are not ArgoCD's to know.
    const delivered = props.environments.flatMap(({ environment, manifests }) =>
      environment.delivery === false ? [] : [{ environment, manifests, settings: environment.delivery }],
    );
    for (const { environment, manifests, settings } of delivered) {
      const projectName = environmentProject(delivery, environment.name);
      const project = new DeliveryProject(this, `Project-${environment.name}`, {
        metadata: { name: projectName, labels: componentLabels(this, { name: projectName, component: 'delivery' }) },
        description: `CO2 Calculator ${environment.name}, synthesized by the cdk8s app of this repository`,
        sourceRepo: delivery.repoUrl,
        destinationServer: delivery.destinationServer,
        destinationNamespaces: [environment.namespace],
        clusterKinds: clusterKindsOf(manifests),
        namespacedKinds: namespacedKindsOf(manifests),
        // Made outside git: by hand, or by service-ca for a Service's serving certificate.
        handMadeSecrets: [...secretsMadeByHand(environment.secrets, manifests), ...servingCertSecrets(manifests)],
      });

      // The Application is named like the instance label of the environment's objects, so ArgoCD's
      // label-based tracking (app.kubernetes.io/instance) agrees with the labels we set.
      const name = environmentInstance(environment.name);
      new EnvironmentApplication(this, `Application-${environment.name}`, {
        metadata: { name, labels: componentLabels(this, { name, component: 'delivery' }) },
        project: project.name,
        repoUrl: delivery.repoUrl,
        targetRevision: settings.targetRevision,
        path: `${props.distPath ?? 'dist'}/${environment.name}`,
        destinationServer: delivery.destinationServer,
        destinationNamespace: environment.namespace,
        cascadeDelete: settings.cascadeDelete,
      });
    }

    if (props.previews) {
      new PreviewDelivery(this, 'Previews', {
        delivery,
        previews: props.previews.names,
        targetRevision: props.previews.targetRevision,
        distPath: props.distPath ?? 'dist',
        clusterKinds: clusterKindsOf(props.previews.manifests),
        namespacedKinds: namespacedKindsOf(props.previews.manifests),
        handMadeSecrets: [...secretsMadeByHand(props.previews.secrets, props.previews.manifests), ...servingCertSecrets(props.previews.manifests)],
      });
    }
  }
}

/** The AppProject of one environment: `<delivery.project>-<environment>`. */
export function environmentProject(delivery: Delivery, environmentName: string): string {
  return `${delivery.project}-${environmentName}`;
}

/** Kinds of the objects that carry no namespace: cluster-scoped (every namespaced object of ours names its namespace). */
export function clusterKindsOf(manifests: readonly Manifest[]): GroupKind[] {
  return kindsOf(manifests.filter((m) => m.metadata.namespace === undefined));
}

export function namespacedKindsOf(manifests: readonly Manifest[]): GroupKind[] {
  return kindsOf(manifests.filter((m) => m.metadata.namespace !== undefined));
}

/** The distinct group/kind pairs of a set of objects, as ArgoCD names them. */
export function kindsOf(manifests: readonly Manifest[]): GroupKind[] {
  const kinds = new Map<string, GroupKind>();
  for (const { apiVersion, kind } of manifests) {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    kinds.set(`${group}/${kind}`, { group, kind });
  }
  return [...kinds.values()];
}
