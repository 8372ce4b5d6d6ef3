/**
 * The app.kubernetes.io labels every object carries.
 *
 * The chart sets the labels common to a whole environment (instance, part-of, managed-by) on every
 * object; constructs add their component's name and role, and the version on the workload and its pods.
 * Selectors use only name + instance: both are fixed for the life of a component, unlike the version
 * or anything derived from a construct's path.
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

export const LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

export const PART_OF = 'co2-calculator';
export const MANAGED_BY = 'cdk8s';

/** The instance label of an environment's objects; also the name of its ArgoCD Application. */
export function environmentInstance(environmentName: string): string {
  return `${PART_OF}-${environmentName}`;
}

/** Labels shared by every object of one environment; set once by the chart. */
export function environmentLabels(instance: string): Record<string, string> {
  return { [LABEL.instance]: instance, [LABEL.partOf]: PART_OF, [LABEL.managedBy]: MANAGED_BY };
}

/** What identifies one component of the application. */
export interface ComponentIdentity {
  /** Stable name of the component, e.g. `backend`; also the name of its workload. */
  readonly name: string;
  /** Its role in the application, e.g. `api`, `web`, `database-migration`. */
  readonly component: string;
}

/** Labels of a component's objects: the environment's labels plus name and role. */
export function componentLabels(scope: IConstruct, identity: ComponentIdentity): Record<string, string> {
  return { ...Chart.of(scope).labels, [LABEL.name]: identity.name, [LABEL.component]: identity.component };
}

/** Labels of a component's pods and workload: the component's labels plus the version it runs. */
export function versionedLabels(scope: IConstruct, identity: ComponentIdentity, version: string): Record<string, string> {
  return { ...componentLabels(scope, identity), [LABEL.version]: version };
}

/** The immutable selector of a component's pods. */
export function selectorLabels(scope: IConstruct, identity: ComponentIdentity): Record<string, string> {
  const instance = Chart.of(scope).labels[LABEL.instance];
  return instance === undefined ? { [LABEL.name]: identity.name } : { [LABEL.name]: identity.name, [LABEL.instance]: instance };
}
