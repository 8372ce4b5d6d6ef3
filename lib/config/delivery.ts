/**
 * How dist/ reaches the cluster: the GitOps repository ArgoCD reads and where ArgoCD runs. Shared by
 * every environment; each environment adds its own revision and deletion policy (environment.ts).
 */
import { z } from 'zod';
import { UserError } from '../core/errors';
import { describeIssues, dnsLabel } from './environment';

/** `git@github.com:org/repo.git` or `https://github.com/org/repo.git` -> `https://github.com/org/repo`. */
export function browsableRepositoryUrl(repoUrl: string): string {
  return repoUrl
    .replace(/^git@([^:]+):/, 'https://$1/')
    .replace(/^ssh:\/\/(?:[^@/]+@)?/, 'https://')
    .replace(/\.git$/, '');
}

export const deliverySchema = z.strictObject({
  /** The repository holding dist/, as ArgoCD clones it (https or ssh). */
  repoUrl: z
    .string()
    .regex(/^(https:\/\/[^\s]+|ssh:\/\/[^\s]+|git@[^\s:]+:[^\s]+)$/, 'must be an https://, ssh:// or git@host:path repository URL'),
  /** Namespace of the ArgoCD instance (OpenShift GitOps: openshift-gitops). */
  argocdNamespace: dnsLabel,
  /** Name of the `ArgoCD` custom resource of that instance. @default "openshift-gitops" (OpenShift GitOps' default instance) */
  argocdInstance: dnsLabel.default('openshift-gitops'),
  /** Prefix of the AppProjects that confine the Applications: each environment gets `<project>-<environment>`. */
  project: dnsLabel,
  /**
   * The namespaces that are this project's own OpenShift projects, as a regular expression: an
   * environment may deploy into no other (and never into default, kube-*, openshift-* or ArgoCD's own).
   * @default "^(?:svc\\d+-)?co2-calculator-[a-z0-9-]+$" (co2-calculator-<env>, or EPFL's svc<nnnn>-co2-calculator-<env>)
   */
  namespacePattern: z
    .string()
    .refine((pattern) => {
      try {
        new RegExp(pattern);
        return true;
      } catch {
        return false;
      }
    }, 'must be a regular expression')
    .default('^(?:svc\\d+-)?co2-calculator-[a-z0-9-]+$'),
  /**
   * Whether the site's Argo CD honours `clusterResourceWhitelist[].name` (v3.3.0 and later: OpenShift
   * GitOps 1.20). Argo CD 3.1 (GitOps 1.18, 1.19) lacks the field, and `oc apply`'s strict field
   * validation would refuse the previews' AppProjects: there set false, and the admission policy of
   * dist/cluster-setup/ is what keeps a preview to its own Namespace (docs/security.md). @default true
   */
  namedClusterResources: z.boolean().default(true),
  /** API server of the destination cluster, as registered in ArgoCD. @default "https://kubernetes.default.svc" (ArgoCD's own cluster) */
  destinationServer: z.url({ protocol: /^https$/, error: 'must be an https URL' }).default('https://kubernetes.default.svc'),
  /**
   * Where people read docs/runbooks.md, linked from every alert.
   * @default `<repository>/blob/main/docs/runbooks.md`, for GitHub-style hosts
   */
  runbooksUrl: z.url({ protocol: /^https$/, error: 'must be an https URL' }).optional(),
}).transform((delivery) => ({ ...delivery, runbooksUrl: delivery.runbooksUrl ?? `${browsableRepositoryUrl(delivery.repoUrl)}/blob/main/docs/runbooks.md` }));

export type DeliveryInput = z.input<typeof deliverySchema>;
export type Delivery = z.output<typeof deliverySchema>;

export class DeliveryConfigError extends UserError {
  constructor(readonly problems: readonly string[]) {
    super(`delivery: ${problems.join('; ')}`);
  }
}

export function parseDelivery(input: unknown): Delivery {
  const result = deliverySchema.safeParse(input);
  if (result.success) return result.data;
  throw new DeliveryConfigError(describeIssues(result.error));
}
