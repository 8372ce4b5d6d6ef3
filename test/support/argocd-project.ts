/**
 * What an AppProject lets an Application do, as argo-cd v2.12.13 decides it, with the name restriction
 * of cluster-scoped kinds that v3.3.0 added (v3.3.10 pkg/apis/application/v1alpha1/app_project_types.go:
 * 399-423 IsGroupKindNamePermitted, types.go:3599-3618 isNamedResourceInList). Read from:
 *
 * - controller/sync.go:301-318, the permission check of every task before a sync applies anything:
 *   the object's group/kind must be permitted (namespaced or cluster-scoped, as the API server says),
 *   and a namespaced object's namespace must be a destination of the project. An object without a
 *   namespace gets the Application's destination namespace first (gitops-engine pkg/sync/
 *   sync_context.go:686-700), so an object naming another namespace is checked against that one.
 * - pkg/apis/application/v1alpha1/app_project_types.go:342-362 (IsGroupKindPermitted: whitelists and
 *   blacklists matched with filepath.Match, types.go:2945-2956) and 388-397, 425-463
 *   (IsDestinationPermitted: server and namespace globs, `!` patterns deny).
 * - controller/appcontroller.go:479-500, 562-564: which objects count as orphans.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { defaultSchemaSources } from '../../lib/synth/schema-sources';
import { Manifest } from '../../lib/core/manifest';

/** gobwas/glob without separators (argo-cd util/glob/glob.go): `*`, `?`, `[...]`, `[!...]`, `{a,b}`, `\` escapes. */
export function globMatch(pattern: string, text: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false;
      const body = pattern.slice(i + 1, end);
      source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i + 1);
      if (end < 0) return false;
      source += `(?:${pattern.slice(i + 1, end).split(',').map(escapeRegExp).join('|')})`;
      i = end;
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's').test(text);
}

/** Go's path/filepath.Match for names without separators: `*` and `?` never match `/`. */
export function filepathMatch(pattern: string, name: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return false;
      const body = pattern.slice(i + 1, end);
      source += `[${body.startsWith('^') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`).test(name);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

interface GroupKind {
  group: string;
  kind: string;
  name?: string;
}

const inList = (list: GroupKind[] | undefined, group: string, kind: string) =>
  (list ?? []).some((item) => filepathMatch(item.kind, kind) && filepathMatch(item.group, group));

/** isNamedResourceInList (v3.3.10): an entry without a name matches every name. */
const inNamedList = (list: GroupKind[] | undefined, group: string, kind: string, name: string) =>
  (list ?? []).some((item) => filepathMatch(item.kind, kind) && filepathMatch(item.group, group) && (!item.name || filepathMatch(item.name, name)));

/**
 * IsGroupKindNamePermitted (v3.3.10 app_project_types.go:399-423); on Argo CD 3.1, which lacks the
 * `name` field, pass `name` undefined: every name of an allowed cluster kind is permitted there.
 */
export function isGroupKindPermitted(project: any, group: string, kind: string, namespaced: boolean, name?: string): boolean {
  const spec = project.spec;
  if (namespaced) {
    const whitelisted = spec.namespaceResourceWhitelist === undefined || (spec.namespaceResourceWhitelist.length !== 0 && inList(spec.namespaceResourceWhitelist, group, kind));
    return whitelisted && !inList(spec.namespaceResourceBlacklist, group, kind);
  }
  if (name === undefined) return inList(spec.clusterResourceWhitelist, group, kind) && !inList(spec.clusterResourceBlacklist, group, kind);
  return inNamedList(spec.clusterResourceWhitelist, group, kind, name) && !inNamedList(spec.clusterResourceBlacklist, group, kind, name);
}

/** globMatch with `!` negation, app_project_types.go:388-397. */
function projectGlob(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return false;
  if (pattern.startsWith('!')) return !globMatch(pattern.slice(1), value);
  return pattern === '*' || globMatch(pattern, value);
}

/** IsDestinationPermitted without project-scoped clusters, app_project_types.go:425-463. */
export function isDestinationPermitted(project: any, destination: { server?: string; name?: string; namespace: string }): boolean {
  let anyMatched = false;
  let noDenyMatched = true;
  for (const item of project.spec.destinations ?? []) {
    const nameMatched = !!destination.name && projectGlob(item.name, destination.name);
    const serverMatched = !!destination.server && projectGlob(item.server, destination.server);
    const namespaceMatched = projectGlob(item.namespace, destination.namespace);
    if ((serverMatched || nameMatched) && namespaceMatched) anyMatched = true;
    else if ((!nameMatched && item.name?.startsWith('!')) || (!serverMatched && item.server?.startsWith('!')) || (!namespaceMatched && item.namespace?.startsWith('!'))) noDenyMatched = false;
  }
  return anyMatched && noDenyMatched;
}

/** Kinds the API server serves cluster-scoped, among those a project could meet: built-ins, and CRDs with scope Cluster. */
const CLUSTER_SCOPED = new Set(['/Namespace', '/Node', '/PersistentVolume', 'storage.k8s.io/StorageClass', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding', 'apiextensions.k8s.io/CustomResourceDefinition', 'networking.k8s.io/IngressClass', 'scheduling.k8s.io/PriorityClass', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding', 'external-secrets.io/ClusterSecretStore']);
let crdScopes: Map<string, boolean> | undefined;
export function isNamespaced(group: string, kind: string): boolean {
  if (!crdScopes) {
    crdScopes = new Map();
    for (const folder of defaultSchemaSources().crdDirectories) {
      for (const file of readdirSync(folder).filter((f) => /\.ya?ml$/.test(f))) {
        const text = readFileSync(join(folder, file), 'utf8');
        const head = parse(text.slice(0, text.indexOf('\n  versions:') > 0 ? text.indexOf('\n  versions:') : undefined)) as any;
        if (head?.spec?.names?.kind) crdScopes.set(`${head.spec.group}/${head.spec.names.kind}`, head.spec.scope !== 'Cluster');
      }
    }
  }
  return crdScopes.get(`${group}/${kind}`) ?? !CLUSTER_SCOPED.has(`${group}/${kind}`);
}

export const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/**
 * The errors ArgoCD's permission check gives for the objects of one Application, as controller/sync.go
 * words them; empty when the sync may proceed.
 */
export function permissionErrors(application: any, project: any, manifests: readonly Manifest[]): string[] {
  const errors: string[] = [];
  for (const manifest of manifests) {
    const group = groupOf(manifest.apiVersion);
    const namespaced = isNamespaced(group, manifest.kind);
    const namespace = manifest.metadata.namespace || application.spec.destination.namespace;
    const where = `${manifest.kind}/${manifest.metadata.name}`;
    if (!isGroupKindPermitted(project, group, manifest.kind, namespaced, manifest.metadata.name)) {
      errors.push(`${where}: resource ${group}:${manifest.kind} is not permitted in project ${project.metadata.name}`);
    } else if (namespaced && !isDestinationPermitted(project, { server: application.spec.destination.server, name: application.spec.destination.name, namespace })) {
      errors.push(`${where}: namespace ${namespace} is not permitted in project '${project.metadata.name}'`);
    }
  }
  return errors;
}

/** Whether ArgoCD would report a live object of the namespace, declared by no Application, as an orphan. */
export function isReportedOrphan(project: any, object: { group: string; kind: string; name: string; namespace: string }): boolean {
  if (!object.namespace || !isGroupKindPermitted(project, object.group, object.kind, true)) return false;
  if (object.group === '' && object.kind === 'ServiceAccount' && object.name === 'default') return false;
  if (object.group === '' && object.kind === 'ConfigMap' && object.name === 'kube-root-ca.crt') return false;
  return !(project.spec.orphanedResources?.ignore ?? []).some(
    (item: any) => (!item.kind || globMatch(item.kind, object.kind)) && globMatch(item.group ?? '', object.group) && (!item.name || globMatch(item.name, object.name)),
  );
}
