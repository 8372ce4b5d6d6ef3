import { App } from 'cdk8s';
import { Co2CalculatorChart, ProjectContext } from '../co2-calculator-chart';
import { DeliveryChart } from '../argocd/delivery-chart';
import { DeliveryInput, parseDelivery } from '../config/delivery';
import { PREVIEW_PREFIX, PreviewSettings, previewEnvironments, previewNamespace } from '../config/previews';
import { ClusterSetupChart } from '../cluster-setup/cluster-setup-chart';
import { refuseForeignNamespaces } from './namespace-references';
import { Environment, EnvironmentConfigError, parseEnvironments } from '../config/environment';
import { checkProjectRules } from '../config/project-rules';
import { renderEnvironmentReport, SynthesizedEnvironment, synthesizedEnvironment } from '../report/environment-report';
import { Manifest } from '../core/manifest';
import { defaultSchemaValidator } from './schema-validator';
import { chartManifests, checkManifests, renderFolder, SynthesisError } from './synthesize';

/** The objects of one environment, in construct order. */
export function synthesizeEnvironment(environment: Environment, project: ProjectContext): Manifest[] {
  return chartManifests(new Co2CalculatorChart(new App(), environment, project));
}

/** What `npm run synth` renders: the environments, the previews, and how ArgoCD delivers them. */
export interface ProjectConfig {
  readonly environments: readonly unknown[];
  readonly delivery: DeliveryInput;
  /** Preview environments: the template, and the list (data, e.g. environments/previews.json). @default none */
  readonly previews?: { readonly settings: PreviewSettings; readonly entries: readonly unknown[] };
}

/** The folder of dist/ that holds the ArgoCD objects. */
export const DELIVERY_FOLDER = 'argocd';
/** The folder of dist/ a cluster administrator applies: cluster-scoped objects (lib/cluster-setup/). */
export const CLUSTER_SETUP_FOLDER = 'cluster-setup';
/** The generated overview of the environments, side by side. */
export const REPORT_FILE = 'README.md';

export interface Synthesis {
  readonly environments: SynthesizedEnvironment[];
  /** The AppProject and Applications of dist/argocd/. */
  readonly delivery: Manifest[];
  /** The cluster-scoped objects of dist/cluster-setup/, applied by a cluster administrator. */
  readonly clusterSetup: Manifest[];
  /** The whole content of dist/: relative path -> file content. */
  readonly files: Map<string, string>;
}

export interface SynthesisOptions {
  /**
   * Where each preview's files go, as soon as it is rendered, instead of the result. Each preview is
   * then synthesized, checked and rendered on its own, and only its summary stays (no objects): memory
   * stays flat with hundreds of previews (the commands, docs/performance.md). Called only while no
   * problem is known. @default the previews' objects and files are kept in the result
   */
  readonly previewFiles?: (path: string, content: string) => void;
}

/** After this many previews, a full garbage collection when Node allows one (--expose-gc, package.json). */
const PREVIEWS_PER_COLLECTION = 50;

/**
 * Validates the environment configs, synthesizes each environment, validates every object, and renders
 * the files of dist/ (the previews' to `options.previewFiles` when given). Nothing is written here; any
 * problem throws, and `previewFiles` is not called once one is known.
 */
export function synthesizeAll(config: ProjectConfig, validator = defaultSchemaValidator(), options: SynthesisOptions = {}): Synthesis {
  const delivery = parseDelivery(config.delivery);
  const context = { runbooksUrl: delivery.runbooksUrl, argocdNamespace: delivery.argocdNamespace };
  const previewInputs = config.previews ? previewEnvironments(config.previews.settings, config.previews.entries) : [];
  const parsed = parseEnvironments([...config.environments, ...previewInputs]).map((environment, index) => ({
    environment,
    preview: index >= config.environments.length,
  }));
  const reserved = parsed.find(({ environment }) => environment.name === DELIVERY_FOLDER);
  if (reserved) throw new EnvironmentConfigError(DELIVERY_FOLDER, [`name: "${DELIVERY_FOLDER}" is reserved for the ArgoCD objects (dist/${DELIVERY_FOLDER}/)`]);
  if (parsed.some(({ environment }) => environment.name === CLUSTER_SETUP_FOLDER)) {
    throw new EnvironmentConfigError(CLUSTER_SETUP_FOLDER, [`name: "${CLUSTER_SETUP_FOLDER}" is reserved for the cluster setup (dist/${CLUSTER_SETUP_FOLDER}/)`]);
  }
  checkProjectRules(parsed, { delivery, trustedPreviewRegistries: config.previews?.settings.trustedRegistries });
  const synthesized = (environment: Environment, preview: boolean) => {
    const manifests = synthesizeEnvironment(environment, context);
    refuseForeignNamespaces(environment.name, manifests);
    return synthesizedEnvironment(environment, manifests, preview);
  };
  const named = parsed.filter(({ preview }) => !preview).map(({ environment }) => synthesized(environment, false));
  // What a preview consists of, from one rendered for the purpose: the previews' projects allow the
  // same kinds whether or not a preview uses all of them.
  const previewTemplate = config.previews && parseEnvironments(previewEnvironments(config.previews.settings, [{ name: 'template' }]))[0];
  const templateManifests = previewTemplate ? synthesizeEnvironment(previewTemplate, context) : [];
  // Previews are delivered by their ApplicationSet (delivery: false), not by an Application each.
  const deliveryManifests = chartManifests(
    new DeliveryChart(new App(), DELIVERY_FOLDER, {
      delivery,
      environments: named,
      previews: config.previews && previewTemplate && {
        names: parsed.filter(({ preview }) => preview).map(({ environment }) => environment.name),
        targetRevision: config.previews.settings.targetRevision ?? 'main',
        manifests: templateManifests,
        secrets: previewTemplate.secrets,
      },
    }),
  );
  // Validated against Kubernetes 1.30+ by test/cluster-setup.test.ts: ValidatingAdmissionPolicy v1 is GA from
  // 1.30, so OpenShift 4.16 (1.29) lacks it and the range validation below would refuse it.
  const clusterSetup = chartManifests(
    new ClusterSetupChart(new App(), CLUSTER_SETUP_FOLDER, {
      namespaces: parsed.filter(({ environment }) => environment.platform.name === 'openshift').map(({ environment }) => environment.namespace),
      previewApplicationPrefix: previewNamespace(PREVIEW_PREFIX),
      previewStore: previewTemplate?.secrets.strategy === 'external-secrets' && previewTemplate.secrets.storeRef.kind === 'ClusterSecretStore' ? previewTemplate.secrets.storeRef.name : undefined,
    }),
  );
  // Every kind at once (previews have the template's): one set of validators, compiled or cached together.
  validator.prepare([...named.flatMap(({ manifests }) => manifests), ...templateManifests, ...deliveryManifests]);
  const problems = [
    ...named.flatMap(({ environment, manifests }) => checkManifests(environment.name, manifests, validator)),
    ...checkManifests(DELIVERY_FOLDER, deliveryManifests, validator),
  ];

  const { previewFiles } = options;
  const previews = parsed
    .filter(({ preview }) => preview)
    .map(({ environment }, index) => {
      const { manifests, ...summary } = synthesized(environment, true);
      problems.push(...checkManifests(environment.name, manifests, validator));
      if (previewFiles === undefined) return { ...summary, manifests };
      // Once a problem is known the synthesis fails: rendering more would only cost time.
      if (problems.length === 0) for (const [path, content] of renderFolder(environment.name, manifests)) previewFiles(path, content);
      if ((index + 1) % PREVIEWS_PER_COLLECTION === 0) (globalThis as { gc?: () => void }).gc?.();
      return { ...summary, manifests: [] };
    });
  if (problems.length > 0) throw new SynthesisError(problems);

  const environments = [...named, ...previews];
  const files = new Map<string, string>();
  for (const { environment, manifests } of environments) {
    for (const [path, content] of renderFolder(environment.name, manifests)) files.set(path, content);
  }
  for (const [path, content] of renderFolder(DELIVERY_FOLDER, deliveryManifests)) files.set(path, content);
  for (const [path, content] of renderFolder(CLUSTER_SETUP_FOLDER, clusterSetup)) files.set(path, content);
  files.set(REPORT_FILE, renderEnvironmentReport(environments));
  return { environments, delivery: deliveryManifests, clusterSetup, files };
}

export { SynthesisError } from './synthesize';
export type { SynthesizedEnvironment } from '../report/environment-report';
export { defaultSchemaValidator, SchemaValidator } from './schema-validator';
export { defaultSchemaSources } from './schema-sources';
