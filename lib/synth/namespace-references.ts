/**
 * No object of an environment may name another namespace. Operators act for whoever writes their
 * custom resources: the Infisical operator reads the credentials and writes the Secret in whatever
 * namespace `credentialsRef.secretNamespace` and `managedKubeSecretReferences[].secretNamespace` name
 * (kubernetes-operator v0.11.5 internal/util/auth.go, internal/services/infisicalsecret/reconciler.go),
 * so a dev commit could otherwise overwrite a Secret of prod. The same admission rule runs in the
 * cluster (lib/cluster-setup/namespace-reference-policy.ts).
 */
import { UserError } from '../core/errors';
import { Manifest, objectRef } from '../core/manifest';

/** A field that names a namespace: `namespace` itself, or any `...Namespace` (secretNamespace, serviceAccountNamespace). */
export const NAMESPACE_FIELD = /^(namespace|[a-zA-Z]+Namespace)$/;

/** One field of one object that names a namespace other than the object's own. */
export interface ForeignNamespaceReference {
  readonly object: string;
  readonly path: string;
  readonly namespace: string;
  readonly own: string;
}

/**
 * Every field below the object's metadata that names a namespace other than its own, and a
 * ServiceMonitor selecting any namespace but its own. A cluster-scoped object (no namespace) has
 * nothing to compare with and is left to the AppProject, which refuses every cluster kind but one.
 */
export function foreignNamespaceReferences(manifest: Manifest): ForeignNamespaceReference[] {
  const own = manifest.metadata.namespace;
  if (own === undefined) return [];
  const found: ForeignNamespaceReference[] = [];
  const object = objectRef(manifest);
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        if (NAMESPACE_FIELD.test(key) && typeof child === 'string' && child !== own) found.push({ object, path: at, namespace: child, own });
        else walk(child, at);
      }
    }
  };
  const { metadata: _metadata, ...rest } = manifest as Manifest & Record<string, unknown>;
  walk(rest, '');
  if (manifest.kind === 'ServiceMonitor' || manifest.kind === 'PodMonitor') {
    const selector = (manifest as any).spec?.namespaceSelector;
    if (selector?.any === true) found.push({ object, path: 'spec.namespaceSelector.any', namespace: '*', own });
    for (const [index, name] of ((selector?.matchNames ?? []) as string[]).entries()) {
      if (name !== own) found.push({ object, path: `spec.namespaceSelector.matchNames[${index}]`, namespace: name, own });
    }
  }
  return found;
}

export class ForeignNamespaceError extends UserError {}

/** Refuses an environment whose objects name another namespace: one line, the environment and the field. */
export function refuseForeignNamespaces(environmentName: string, manifests: readonly Manifest[]): void {
  const [first] = manifests.flatMap(foreignNamespaceReferences);
  if (first) {
    throw new ForeignNamespaceError(
      `environment "${environmentName}": ${first.object}: ${first.path}: names namespace "${first.namespace}", not its own "${first.own}"; an object may refer only to its own namespace`,
    );
  }
}
