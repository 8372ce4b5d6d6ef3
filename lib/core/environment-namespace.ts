import { JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { componentLabels } from './labels';

/** The label that lets an OpenShift GitOps (argocd-operator) instance manage a namespace. */
export const ARGOCD_MANAGED_BY_LABEL = 'argocd.argoproj.io/managed-by';

export interface EnvironmentNamespaceProps {
  readonly name: string;
  /** Namespace of the ArgoCD instance that deploys into this one (OpenShift GitOps: openshift-gitops). */
  readonly argocdNamespace: string;
}

/**
 * The namespace of an environment that owns it (a preview), as an object of the environment:
 *
 * - Pod Security "restricted" enforced, as on the standard projects, so a pod that would not pass
 *   restricted-v2 is refused there too.
 * - `argocd.argoproj.io/managed-by: <argocd namespace>`. For every namespace with that label the
 *   argocd-operator (v0.12.0, which OpenShift GitOps 1.14 builds on) creates the Roles and RoleBindings
 *   that let the instance's application controller and server manage its objects
 *   (controllers/argocd/role.go:102-135, rolebinding.go:100-112), and adds it to the instance's cluster
 *   secret when the instance is namespace-scoped (controllers/argocd/secret.go:379-400). The
 *   standard projects need the same label, set by the platform team.
 *
 * A Namespace is cluster-scoped: it carries no metadata.namespace, even in a chart that has one.
 */
export class EnvironmentNamespace extends Construct {
  constructor(scope: Construct, id: string, props: EnvironmentNamespaceProps) {
    super(scope, id);
    const namespace = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          ...componentLabels(this, { name: props.name, component: 'namespace' }),
          'pod-security.kubernetes.io/enforce': 'restricted',
          [ARGOCD_MANAGED_BY_LABEL]: props.argocdNamespace,
        },
      },
    });
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
