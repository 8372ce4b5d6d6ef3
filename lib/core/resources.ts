import { k8s } from 'cdk8s-plus-28';

/** Requests and limits of one container, both required (lib/config/environment.ts checks the quantities). */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Requests and limits in the form the API expects. */
export function toResourceRequirements(resources: ContainerResources): k8s.ResourceRequirements {
  const quantities = (values: { cpu: string; memory: string }) => ({
    cpu: k8s.Quantity.fromString(values.cpu),
    memory: k8s.Quantity.fromString(values.memory),
  });
  return { requests: quantities(resources.requests), limits: quantities(resources.limits) };
}

/**
 * Requests and limits for a custom resource. Generated CRD bindings carry their own quantity classes,
 * so the caller passes their `fromString` factories.
 */
export function toCustomResourceRequirements<Limit, Request>(
  resources: ContainerResources,
  quantities: { readonly limit: (value: string) => Limit; readonly request: (value: string) => Request },
): { limits: Record<string, Limit>; requests: Record<string, Request> } {
  return {
    limits: { cpu: quantities.limit(resources.limits.cpu), memory: quantities.limit(resources.limits.memory) },
    requests: { cpu: quantities.request(resources.requests.cpu), memory: quantities.request(resources.requests.memory) },
  };
}
