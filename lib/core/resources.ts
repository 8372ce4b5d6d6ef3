import { k8s } from 'cdk8s-plus-28';
import type { ContainerResources } from '../config/environment';

export type { ContainerResources };

/** Requests and limits in the form the API expects. */
export function toResourceRequirements(resources: ContainerResources): k8s.ResourceRequirements {
  const quantities = (values: { cpu: string; memory: string }) => ({
    cpu: k8s.Quantity.fromString(values.cpu),
    memory: k8s.Quantity.fromString(values.memory),
  });
  return { requests: quantities(resources.requests), limits: quantities(resources.limits) };
}
