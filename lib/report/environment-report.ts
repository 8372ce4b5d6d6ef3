/**
 * The environment report (dist/README.md): every environment side by side, one column each, so a
 * reviewer sees at a glance what differs between staging and prod, and what each one asks of its
 * OpenShift quota. Rows whose values differ between environments carry a marker. The text depends
 * only on its input (no dates), so it is committed with dist/ and changes only when an environment does.
 */
import { backendFeatures, BackendFeatures } from '../application/backend-settings';
import type { Environment } from '../config/environment';
import { formatCpu, formatMemory } from '../config/quantity';
import { platformFor } from '../platform';
import type { Manifest } from '../core/manifest';
import { diagramsSection } from './diagrams';
import { compareWorkloads, describeReplicas, environmentFootprint, Footprint, ResourceField, Resources, Workload } from './footprint';
import { reachabilityRows } from './network-reachability';
import { podsOfManifests, type PeerRole } from './topology';

/** One environment and the objects synthesized for it: what the report reads (lib/synth makes it). */
export interface SynthesizedEnvironment {
  readonly environment: Environment;
  /** Its objects; empty for a preview whose objects synthesis did not keep (lib/synth: previewFiles). */
  readonly manifests: Manifest[];
  /** How many objects it has, kept or not. */
  readonly objectCount: number;
  /** The images its workloads run, sorted: what the report's table of previews shows. */
  readonly images: readonly string[];
  /** Expanded from the preview list rather than written in environments/. */
  readonly preview?: boolean;
}

/** An environment and its objects, with the summary the report needs of them. */
export function synthesizedEnvironment(environment: Environment, manifests: Manifest[], preview: boolean): SynthesizedEnvironment {
  const images = [...new Set(environmentFootprint(manifests).workloads.flatMap((workload) => workload.images))].sort();
  return { environment, manifests, objectCount: manifests.length, images, preview };
}

/** Put in the first column of a row whose values differ between environments. */
export const DIFFERS_MARKER = '≠';

/** Shown where an environment has no value, e.g. a workload only another environment runs. */
const ABSENT = '—';

interface Row {
  readonly label: string;
  /** One per environment, already in Markdown. */
  readonly values: readonly string[];
}

const code = (text: string) => `\`${text}\``;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

function table(heading: string, names: readonly string[], rows: readonly Row[]): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [
    line(['', heading, ...names]),
    line(['---', '---', ...names.map(() => '---')]),
    ...rows.map((row) => line([new Set(row.values).size > 1 ? DIFFERS_MARKER : '', row.label, ...row.values])),
  ];
}

/** The Secrets an environment's objects read, by name, from its manifests (secretKeyRef, secretRef, volumes). */
function referencedSecrets(manifests: readonly Manifest[]): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const node = value as Record<string, any>;
    if (node.secretKeyRef?.name) names.add(node.secretKeyRef.name);
    if (node.secretRef?.name) names.add(node.secretRef.name);
    if (node.authPassword?.name && node.authPassword?.key) names.add(node.authPassword.name);
    Object.values(node).forEach(visit);
  };
  manifests.forEach((manifest) => visit(manifest.spec));
  return [...names].sort();
}

function describeSecrets(secrets: Environment['secrets'], manifests: readonly Manifest[]): string {
  const names = referencedSecrets(manifests).map(code).join(', ');
  switch (secrets.strategy) {
    case 'infisical':
      return `Infisical ${code(`${secrets.projectSlug}/${secrets.envSlug}${secrets.secretsPath}`)} → ${names}`;
    case 'external-secrets':
      return `External Secrets from ${code(`${secrets.storeRef.kind}/${secrets.storeRef.name}`)} → ${names}`;
    case 'existing':
      return `created by hand: ${names}`;
  }
}

const FEATURE_NAMES: Record<keyof BackendFeatures, string> = {
  s3: 'S3 uploads',
  filesEncryption: 'encrypted files',
  elasticsearch: 'Elasticsearch audit export',
  tableau: 'Tableau travel import',
  accred: 'Accred role provider',
};

function describeFeatures(environment: Environment): string {
  const features = backendFeatures(environment.backend);
  const on = (Object.keys(FEATURE_NAMES) as Array<keyof BackendFeatures>).filter((feature) => features[feature]).map((feature) => FEATURE_NAMES[feature]);
  return [...on, ...(environment.backend.debug ? ['DEBUG (/login-test)'] : [])].join(', ') || 'none';
}

/** The claims the backend stores files on: size, class, access mode, and whether ArgoCD keeps them. */
function describeFilesVolume(manifests: readonly Manifest[]): string {
  const claimNames = new Set(
    manifests
      .filter((m) => m.kind === 'Deployment' && m.metadata.name === 'backend')
      .flatMap((m: any) => (m.spec.template.spec.volumes ?? []).map((v: any) => v.persistentVolumeClaim?.claimName)),
  );
  const claims = manifests.filter((m) => m.kind === 'PersistentVolumeClaim' && claimNames.has(m.metadata.name)) as any[];
  return (
    claims
      .map((claim) => {
        const kept = claim.metadata.annotations?.['argocd.argoproj.io/sync-options']?.includes('Delete=false') ? ', kept' : '';
        return `${code(claim.metadata.name)} ${claim.spec.resources.requests.storage} ${claim.spec.storageClassName} ${claim.spec.accessModes.join(', ')}${kept}`;
      })
      .join('<br>') || ABSENT
  );
}

/** The `to` addresses of every email receiver of the environment's AlertmanagerConfigs, sorted. */
export function alertEmailReceivers(manifests: readonly Manifest[]): string[] {
  const addresses = manifests
    .filter((manifest) => manifest.kind === 'AlertmanagerConfig')
    .flatMap((manifest) => ((manifest.spec as any)?.receivers ?? []) as any[])
    .flatMap((receiver) => (receiver?.emailConfigs ?? []) as any[])
    .map((email) => email?.to)
    .filter((to): to is string => typeof to === 'string');
  return [...new Set(addresses)].sort();
}

function describePod(pod: Resources): string {
  return `${formatCpu(pod.cpuRequests)} / ${formatMemory(pod.memoryRequests)} (limits ${formatCpu(pod.cpuLimits)} / ${formatMemory(pod.memoryLimits)})`;
}

function settingsRows(environments: readonly SynthesizedEnvironment[]): Row[] {
  const row = (label: string, value: (environment: Environment, manifests: readonly Manifest[]) => string): Row => ({
    label,
    values: environments.map(({ environment, manifests }) => value(environment, manifests)),
  });
  return [
    row('Host', (environment) => code(environment.host)),
    row('Namespace', (environment) => code(environment.namespace)),
    row('Platform', (environment) => environment.platform.name),
    row('Database', (environment) => `${environment.database.mode} PostgreSQL ${environment.database.serverMajorVersion}`),
    row('Delivery', (environment) => (environment.delivery === false ? 'applied by hand' : `ArgoCD, ${code(environment.delivery.targetRevision)}${environment.delivery.cascadeDelete ? ', cascade delete' : ''}`)),
    row('Application environment', (environment) => environment.appEnvironment),
    row('Log level', (environment) => environment.logLevel),
    row('Backend features', (environment) => describeFeatures(environment)),
    row('Files volume', (_, manifests) => describeFilesVolume(manifests)),
    row('Secrets', (environment, manifests) => describeSecrets(environment.secrets, manifests)),
    row('Alert receivers', (_, manifests) => alertEmailReceivers(manifests).map(code).join(', ') || 'none'),
  ];
}

function workloadRows(footprints: readonly Footprint[]): Row[] {
  const byRef = footprints.map((footprint) => new Map(footprint.workloads.map((workload) => [workload.ref, workload])));
  const refs = [...new Set(footprints.flatMap((footprint) => footprint.workloads).sort(compareWorkloads).map((workload) => workload.ref))];
  return refs.flatMap((ref) => {
    const row = (aspect: string, value: (workload: Workload) => string): Row => ({
      label: `${ref} ${aspect}`,
      values: byRef.map((workloads) => (workloads.has(ref) ? value(workloads.get(ref)!) : ABSENT)),
    });
    return [
      row('replicas', describeReplicas),
      row('image', (workload) => workload.images.map(code).join('<br>') || 'operator default'),
      row('per pod', (workload) => describePod(workload.pod)),
    ];
  });
}

const RESOURCE_LABELS: Record<ResourceField, string> = {
  cpuRequests: 'CPU requests',
  cpuLimits: 'CPU limits',
  memoryRequests: 'Memory requests',
  memoryLimits: 'Memory limits',
};

function quotaRows(footprints: readonly Footprint[]): Row[] {
  const format = (field: ResourceField, value: number) => (field.startsWith('cpu') ? formatCpu(value) : formatMemory(value));
  const totals = (scale: string, pick: (footprint: Footprint) => Resources) =>
    (Object.keys(RESOURCE_LABELS) as ResourceField[]).map((field) => ({
      label: `${RESOURCE_LABELS[field]}, ${scale}`,
      values: footprints.map((footprint) => format(field, pick(footprint)[field])),
    }));
  const unsized = footprints.map((footprint) => footprint.workloads.flatMap((workload) => workload.unsized));
  return [
    ...totals('minimum scale', (footprint) => footprint.minimum),
    ...totals('maximum scale', (footprint) => footprint.maximum),
    ...totals('per run (Jobs, CronJobs)', (footprint) => footprint.perRun),
    // Only when it says something: quota admission refuses such containers.
    ...(unsized.some((list) => list.length > 0)
      ? [{ label: 'Missing requests or limits', values: unsized.map((list) => list.map(code).join('<br>') || 'none') }]
      : []),
  ];
}

/** The roles of the namespaces the platform's NetworkPolicy peers stand for. */
export function platformPeerRoles(environment: Environment): PeerRole[] {
  const platform = platformFor(environment.platform);
  return [
    { name: 'ingress controllers', zone: 'edge', peer: platform.edgePeer },
    { name: 'monitoring', zone: 'external', peer: platform.monitoringPeer, readsServiceMonitors: true },
  ];
}

/** The diagrams, one per concern and platform (diagrams.ts). */
function topologySection(environments: readonly SynthesizedEnvironment[]): string[] {
  return diagramsSection(environments, platformPeerRoles);
}

/**
 * Preview environments in one table, a row each: there may be hundreds, and they all share one template,
 * so what tells them apart is their host and images.
 */
function previewSection(previews: readonly SynthesizedEnvironment[]): string[] {
  if (previews.length === 0) return [];
  return [
    '',
    '## Preview environments',
    '',
    `${previews.length} preview environment(s), from \`environments/previews.json\` and the template in \`environments/preview-template.ts\`,`,
    'delivered by the ApplicationSet `co2-calculator-previews` (one Application per `dist/preview-*` folder).',
    '',
    '| Preview | Host | Namespace | Images |',
    '| --- | --- | --- | --- |',
    ...previews.map(({ environment, images }) => `| ${environment.name} | ${code(environment.host)} | ${code(environment.namespace)} | ${images.map(code).join('<br>')} |`),
  ];
}

/**
 * What each workload may receive and send, per environment, computed from its NetworkPolicies
 * (lib/report/network-reachability.ts): `workload:<name>` is a pod of the namespace; "nothing" means
 * every connection that way is refused.
 */
function reachabilitySection(environments: readonly SynthesizedEnvironment[]): string[] {
  return [
    '## Reachability',
    '',
    'What the NetworkPolicies let each workload receive and send: `workload:<name>` is a pod of the namespace, `nothing`',
    'refuses every connection that way. Egress to outside addresses is set by `egress` in environment data (docs/security.md).',
    ...environments.flatMap(({ environment, manifests }) => [
      '',
      `### ${environment.name}`,
      '',
      '| Workload | Receives from | Sends to |',
      '| --- | --- | --- |',
      ...reachabilityRows(manifests, podsOfManifests(manifests)),
    ]),
  ];
}

/** The report as Markdown, one column per environment in the order given. */
export function renderEnvironmentReport(all: readonly SynthesizedEnvironment[]): string {
  const environments = all.filter(({ preview }) => !preview);
  const names = environments.map(({ environment }) => environment.name);
  const footprints = environments.map(({ manifests }) => environmentFootprint(manifests));
  return `${[
    '# Environments',
    '',
    'Generated by `npm run synth` from the synthesized objects (`lib/report/environment-report.ts`); do not edit.',
    `${DIFFERS_MARKER} marks the rows whose values differ between environments.`,
    '',
    '## Settings',
    '',
    ...table('Setting', names, settingsRows(environments)),
    '',
    ...topologySection(environments),
    '',
    ...reachabilitySection(environments),
    '',
    '## Workloads',
    '',
    'Replicas, images and the requests (limits) of one pod: CPU / memory.',
    '',
    ...table('Workload', names, workloadRows(footprints)),
    '',
    '## Resources for quota planning',
    '',
    'Totals over the manifests: every Deployment and StatefulSet pod × its replicas (from the HorizontalPodAutoscaler',
    'targeting it: minReplicas at minimum scale, maxReplicas at maximum scale; else spec.replicas), plus custom',
    'resources that declare spec.resources. Jobs and CronJobs count apart, for one run. A rolling update briefly adds its',
    'maxSurge pods on top. Rules: `lib/report/footprint.ts`.',
    '',
    ...table('Total', names, quotaRows(footprints)),
    ...previewSection(all.filter(({ preview }) => preview)),
  ].join('\n')}\n`;
}
