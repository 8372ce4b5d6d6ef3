/**
 * Rules that hold across environments, checked once every environment is parsed and before anything
 * is synthesized. One environment can be valid on its own and still break another: a preview named
 * "dev" would take dev's host, staging could be given prod's host, a namespace typo could deploy into
 * someone else's project. Each failure names the environment and the field.
 */
import { Delivery } from './delivery';
import { Environment, EnvironmentConfigError, SecretStrategy } from './environment';
import { formatImageReference } from '../core/image';
import { PREVIEW_PREFIX } from './previews';

export interface CheckedEnvironment {
  readonly environment: Environment;
  /** Expanded from the preview list. */
  readonly preview: boolean;
}

export interface ProjectRules {
  readonly delivery: Pick<Delivery, 'argocdNamespace' | 'namespacePattern'>;
  /** Repository prefixes previews may pull from ("quay-its.epfl.ch/svc1751/"). @default no previews allowed to run images */
  readonly trustedPreviewRegistries?: readonly string[];
}

/** Namespaces no environment may use, whatever the project's pattern says. */
const FORBIDDEN_NAMESPACES: ReadonlyArray<{ readonly test: (namespace: string) => boolean; readonly why: string }> = [
  { test: (namespace) => namespace === 'default', why: 'the cluster\'s default namespace' },
  { test: (namespace) => namespace.startsWith('kube-'), why: 'a Kubernetes system namespace' },
  { test: (namespace) => namespace.startsWith('openshift-') || namespace === 'openshift', why: 'an OpenShift system namespace' },
];

/** The first label of a host: "co2-calculator-dev" of co2-calculator-dev.epfl.ch. */
const hostLabel = (host: string) => host.split('.')[0];

/**
 * Where an environment's Secrets are read from, as a scope that another environment's scope may
 * overlap: a preview must never be able to read a key that a standard environment reads.
 * undefined: Secrets made by hand in the environment's own namespace, shared with nobody.
 */
function secretScope(secrets: SecretStrategy): { readonly source: string; readonly prefix: string } | undefined {
  switch (secrets.strategy) {
    case 'infisical':
      return { source: `Infisical project "${secrets.projectSlug}" environment "${secrets.envSlug}" at ${secrets.hostApi}`, prefix: secrets.secretsPath.replace(/\/*$/, '/') };
    case 'external-secrets':
      return { source: `${secrets.storeRef.kind} "${secrets.storeRef.name}"`, prefix: secrets.remoteKeyPrefix };
    case 'existing':
      return undefined;
  }
}

function refuse(environment: Environment, problem: string): never {
  throw new EnvironmentConfigError(environment.name, [problem]);
}

export function checkProjectRules(environments: readonly CheckedEnvironment[], rules: ProjectRules): void {
  const ownNamespace = new RegExp(rules.delivery.namespacePattern);
  const standard = environments.filter(({ preview }) => !preview).map(({ environment }) => environment);

  for (const { environment, preview } of environments) {
    const namespace = environment.namespace;
    const forbidden = FORBIDDEN_NAMESPACES.find(({ test }) => test(namespace));
    if (forbidden) refuse(environment, `namespace: "${namespace}" is ${forbidden.why}; deploy only into this project's own namespaces`);
    if (namespace === rules.delivery.argocdNamespace) refuse(environment, `namespace: "${namespace}" is ArgoCD's own namespace; deploy only into this project's own namespaces`);
    if (!ownNamespace.test(namespace)) {
      refuse(environment, `namespace: "${namespace}" is not one of this project's namespaces (they match ${rules.delivery.namespacePattern}, set in environments/delivery.ts)`);
    }
    if (!preview && environment.name.startsWith(PREVIEW_PREFIX)) {
      refuse(environment, `name: "${environment.name}" starts with "${PREVIEW_PREFIX}", which marks preview environments (their ApplicationSet picks up every dist/${PREVIEW_PREFIX}* folder)`);
    }
  }

  const hosts = new Map<string, string>();
  for (const { environment, preview } of environments) {
    const owner = hosts.get(environment.host);
    if (owner !== undefined) {
      refuse(environment, `host: "${environment.host}" is already the host of environment "${owner}"${preview ? '; choose another preview name' : ''}`);
    }
    hosts.set(environment.host, environment.name);
  }

  // A preview named like a standard environment, or like the label of its host, would look like it
  // (co2-calculator-prod.epfl.ch is not production, but people would take it for it).
  const reserved = new Map<string, string>();
  for (const environment of standard) {
    reserved.set(environment.name, `the name of environment "${environment.name}"`);
    const label = hostLabel(environment.host).replace(/^co2-calculator-?/, '');
    if (label) reserved.set(label, `in the host of environment "${environment.name}"`);
  }
  for (const { environment } of environments.filter(({ preview }) => preview)) {
    const name = environment.name.slice(PREVIEW_PREFIX.length);
    const why = reserved.get(name);
    if (why) refuse(environment, `name: "${name}" is reserved (${why}); choose another preview name`);

    const trusted = rules.trustedPreviewRegistries ?? [];
    for (const [component, image] of Object.entries(environment.images)) {
      if (!trusted.some((prefix) => image.repository.startsWith(prefix))) {
        refuse(
          environment,
          `images.${component}: "${formatImageReference(image)}" is not from a trusted registry (${trusted.join(', ') || 'none is listed'}); ` +
            'previews run only images built by the project\'s pipeline',
        );
      }
    }

    const scope = secretScope(environment.secrets);
    for (const other of standard) {
      const otherScope = secretScope(other.secrets);
      if (scope && otherScope && scope.source === otherScope.source && (scope.prefix.startsWith(otherScope.prefix) || otherScope.prefix.startsWith(scope.prefix))) {
        refuse(
          environment,
          `secrets: reads ${scope.source} under "${scope.prefix}", which overlaps what environment "${other.name}" reads ("${otherScope.prefix}"); ` +
            'a preview must never be able to read a standard environment\'s secrets',
        );
      }
    }
  }
}
