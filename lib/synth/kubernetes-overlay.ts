/**
 * Constraints the Kubernetes API server (1.29 to 1.34) enforces but the JSON-schema definitions we validate
 * against do not carry.
 *
 * The definitions are converted from the v2 (swagger) OpenAPI document, which has no enums and no name
 * formats: Kubernetes publishes enums only in its OpenAPI v3 document (`+enum` types) and checks names
 * in Go. Without this overlay, `imagePullPolicy: Alwayz` or a label value with a space would pass our
 * validation and fail only at sync time. The values below hold for every minor of the supported range; the overlay is
 * applied in memory and the upstream file is never modified.
 */
import { forEachSubschema, Schema } from './schema-walk';

/** `+enum` fields of the kinds this project emits, keyed by definition, then property. */
export const KUBERNETES_ENUMS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'io.k8s.api.core.v1.Container': {
    imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
    terminationMessagePolicy: ['File', 'FallbackToLogsOnError'],
  },
  'io.k8s.api.core.v1.ContainerPort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'io.k8s.api.core.v1.ServicePort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'io.k8s.api.networking.v1.NetworkPolicyPort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'io.k8s.api.core.v1.PodSpec': {
    restartPolicy: ['Always', 'OnFailure', 'Never'],
    dnsPolicy: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  },
  'io.k8s.api.core.v1.SeccompProfile': { type: ['Localhost', 'RuntimeDefault', 'Unconfined'] },
  'io.k8s.api.core.v1.ServiceSpec': {
    type: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
    sessionAffinity: ['ClientIP', 'None'],
    internalTrafficPolicy: ['Cluster', 'Local'],
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy': { type: ['OnDelete', 'RollingUpdate'] },
  'io.k8s.api.apps.v1.StatefulSetSpec': { podManagementPolicy: ['OrderedReady', 'Parallel'] },
  'io.k8s.api.core.v1.TopologySpreadConstraint': { whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'] },
  'io.k8s.api.batch.v1.CronJobSpec': { concurrencyPolicy: ['Allow', 'Forbid', 'Replace'] },
  'io.k8s.api.batch.v1.JobSpec': { completionMode: ['Indexed', 'NonIndexed'] },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { volumeMode: ['Block', 'Filesystem'] },
  'io.k8s.api.core.v1.HTTPGetAction': { scheme: ['HTTP', 'HTTPS'] },
  'io.k8s.api.autoscaling.v2.MetricSpec': { type: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'] },
  'io.k8s.api.autoscaling.v2.MetricTarget': { type: ['AverageValue', 'Utilization', 'Value'] },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { selectPolicy: ['Disabled', 'Max', 'Min'] },
  'io.k8s.api.autoscaling.v2.HPAScalingPolicy': { type: ['Percent', 'Pods'] },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: ['AlwaysAllow', 'IfHealthyBudget'] },
  'io.k8s.api.networking.v1.HTTPIngressPath': { pathType: ['Exact', 'ImplementationSpecific', 'Prefix'] },
  'io.k8s.api.core.v1.PodSecurityContext': { fsGroupChangePolicy: ['Always', 'OnRootMismatch'] },
};

/** `+enum` list items: every element must be one of these. */
export const KUBERNETES_ITEM_ENUMS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { accessModes: ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'] },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { policyTypes: ['Egress', 'Ingress'] },
};

const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** A label or annotation key: an optional DNS-subdomain prefix and "/", then a name of at most 63 characters. */
const QUALIFIED_NAME = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';
/** An IANA service name, as container and service port names must be. */
const PORT_NAME = '^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const ENV_VAR_NAME = '^[-._a-zA-Z][-._a-zA-Z0-9]*$';
const QUANTITY = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$';


/** Replaces one property schema of a definition with a stricter one, keeping its description. */
const PROPERTY_CONSTRAINTS: Readonly<Record<string, Readonly<Record<string, Schema>>>> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    name: { type: 'string', maxLength: 253, pattern: DNS1123_SUBDOMAIN },
    namespace: { type: 'string', maxLength: 63, pattern: DNS1123_LABEL },
    labels: {
      type: 'object',
      propertyNames: { maxLength: 316, pattern: QUALIFIED_NAME },
      additionalProperties: { type: 'string', maxLength: 63, pattern: LABEL_VALUE },
    },
    annotations: {
      type: 'object',
      propertyNames: { maxLength: 316, pattern: QUALIFIED_NAME },
      additionalProperties: { type: 'string' },
    },
  },
  'io.k8s.api.core.v1.Container': { name: { type: 'string', maxLength: 63, pattern: DNS1123_LABEL } },
  'io.k8s.api.core.v1.ContainerPort': { name: { type: 'string', pattern: PORT_NAME } },
  'io.k8s.api.core.v1.ServicePort': { name: { type: 'string', pattern: PORT_NAME } },
  'io.k8s.api.core.v1.Volume': { name: { type: 'string', maxLength: 63, pattern: DNS1123_LABEL } },
  'io.k8s.api.core.v1.VolumeMount': { name: { type: 'string', maxLength: 63, pattern: DNS1123_LABEL } },
  'io.k8s.api.core.v1.EnvVar': { name: { type: 'string', pattern: ENV_VAR_NAME } },
};

/**
 * Applies the overlay to a copy of the definitions: enums and name patterns above, a strict pattern for
 * string quantities, and `additionalProperties: false` on every object that lists its properties, so
 * that an unknown (e.g. misspelt) field is an error rather than silently pruned by the API server.
 */
export function strictKubernetesDefinitions(definitions: Record<string, Schema>): Record<string, Schema> {
  const result = structuredClone(definitions);
  const property = (definition: string, name: string): Schema => {
    const properties = result[definition]?.properties as Record<string, Schema> | undefined;
    if (!properties?.[name]) throw new Error(`schema overlay: ${definition} has no property ${name}`);
    return properties[name];
  };
  for (const [definition, fields] of Object.entries(KUBERNETES_ENUMS)) {
    for (const [name, values] of Object.entries(fields)) property(definition, name).enum = [...values];
  }
  for (const [definition, fields] of Object.entries(KUBERNETES_ITEM_ENUMS)) {
    for (const [name, values] of Object.entries(fields)) {
      (property(definition, name).items as Schema).enum = [...values];
    }
  }
  for (const [definition, fields] of Object.entries(PROPERTY_CONSTRAINTS)) {
    for (const [name, constraint] of Object.entries(fields)) {
      const properties = result[definition].properties as Record<string, Schema>;
      properties[name] = { description: property(definition, name).description, ...constraint };
    }
  }
  result['io.k8s.apimachinery.pkg.api.resource.Quantity'] = {
    oneOf: [{ type: 'string', pattern: QUANTITY }, { type: 'number' }],
  };
  Object.values(result).forEach(closeObjects);
  return result;
}

/** Adds `additionalProperties: false` to every subschema that lists properties and says nothing else. */
export function closeObjects(schema: unknown): void {
  forEachSubschema(schema, (node) => {
    if (node.properties && !('additionalProperties' in node) && node['x-kubernetes-preserve-unknown-fields'] !== true) {
      node.additionalProperties = false;
    }
  });
}
