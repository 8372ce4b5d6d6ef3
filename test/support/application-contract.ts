/**
 * Checks rendered workloads against the application contract (lib/application/contract.ts): for every
 * pod that runs one of the application's images, whether it provides what that image's process reads,
 * provides nothing it does not read, and gives a volume to every path it writes. Violations are plain
 * sentences naming the object, so a failing test lists all of them.
 */
import { backendFeatures, backendSecretKeys, BackendFeatures, isFeatureOn, requiredBackendSettings } from '../../lib/application/backend-settings';
import {
  BACKEND_IMAGE,
  BACKEND_SETTINGS,
  BackendSetting,
  DOCS_IMAGE,
  ELASTICSEARCH_CA_SECRET_KEY,
  FRONTEND_IMAGE,
  FRONTEND_SETTINGS,
  IGNORED_BACKEND_SETTINGS,
  MIGRATION_COMMAND,
  PLATFORM_VARIABLES,
  SERVER_VARIABLES,
  TELEMETRY_VARIABLE_PREFIX,
  WebImageContract,
  WritablePath,
} from '../../lib/application/contract';
import type { ComponentName } from '../../lib/application/components';
import type { Environment } from '../../lib/config/environment';
import { parseImageReference } from '../../lib/core/image';
import { Manifest } from '../../lib/core/manifest';
import { podTemplates, ref } from './kubernetes';

/** How one variable reaches the container. */
interface Provided {
  readonly from: 'value' | 'secret' | 'configMap' | 'field';
  readonly value?: string;
  readonly secret?: { name: string; key: string };
}

/** Every variable of a container: its env list, and the keys of the ConfigMaps it takes whole. */
export function providedVariables(container: any, manifests: readonly Manifest[]): Map<string, Provided> {
  const provided = new Map<string, Provided>();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === source.configMapRef.name) as any;
      for (const [name, value] of Object.entries(configMap?.data ?? {})) provided.set(`${source.prefix ?? ''}${name}`, { from: 'configMap', value: value as string });
    }
    if (source.secretRef) throw new Error('the contract check does not expand envFrom Secrets: list their keys with secretKeyRef');
  }
  // A variable of the env list wins over envFrom (Kubernetes semantics).
  for (const variable of container.env ?? []) {
    const secretRef = variable.valueFrom?.secretKeyRef;
    if (secretRef) provided.set(variable.name, { from: 'secret', secret: { name: secretRef.name, key: secretRef.key } });
    else if (variable.valueFrom?.configMapKeyRef) provided.set(variable.name, { from: 'configMap' });
    else if (variable.valueFrom?.fieldRef) provided.set(variable.name, { from: 'field' });
    else provided.set(variable.name, { from: 'value', value: variable.value });
  }
  return provided;
}

/** Variables another variable of the container refers to as $(NAME): read by Kubernetes, to expand it. */
function expansionInputs(container: any): Set<string> {
  const names = new Set<string>();
  for (const variable of container.env ?? []) {
    for (const match of String(variable.value ?? '').matchAll(/\$\((\w+)\)/g)) names.add(match[1]);
  }
  return names;
}

/** The volume behind each mount path of a container. */
function mounts(container: any, spec: any): Array<{ path: string; readOnly: boolean; volume: any }> {
  return (container.volumeMounts ?? []).map((mount: any) => ({
    path: mount.mountPath,
    readOnly: mount.readOnly === true,
    volume: (spec.volumes ?? []).find((v: any) => v.name === mount.name),
  }));
}

const isWritableVolume = (volume: any) => volume?.emptyDir !== undefined || volume?.persistentVolumeClaim !== undefined;

/** Writable paths: each has a writable volume; every writable volume is one the contract asks for; the rest of the filesystem is read-only. */
function checkWritablePaths(at: string, container: any, spec: any, wanted: readonly string[]): string[] {
  const violations: string[] = [];
  if (container.securityContext?.readOnlyRootFilesystem !== true) violations.push(`${at}: root filesystem is writable`);
  const all = mounts(container, spec);
  for (const path of wanted) {
    const mount = all.find((m) => m.path === path);
    if (!mount || !isWritableVolume(mount.volume) || mount.readOnly) violations.push(`${at}: ${path} is written by the application but has no writable volume`);
  }
  for (const mount of all.filter((m) => isWritableVolume(m.volume) && !wanted.includes(m.path))) {
    violations.push(`${at}: writable volume at ${mount.path}, which the contract does not ask for`);
  }
  for (const mount of all.filter((m) => !isWritableVolume(m.volume) && !m.readOnly)) violations.push(`${at}: ${mount.path} is mounted writable`);
  return violations;
}

function checkServing(at: string, container: any, contract: WebImageContract): string[] {
  const violations: string[] = [];
  const ports = (container.ports ?? []).map((p: any) => p.containerPort);
  if (JSON.stringify(ports) !== JSON.stringify([contract.port])) violations.push(`${at}: container ports ${ports} instead of ${contract.port}`);
  const probes: Array<[string, string | undefined]> = [
    ['livenessProbe', contract.probes.liveness],
    ['readinessProbe', contract.probes.readiness],
    ['startupProbe', contract.probes.startup],
  ];
  for (const [probe, path] of probes) {
    const actual = container[probe]?.httpGet?.path;
    if (path !== undefined && actual !== path) violations.push(`${at}: ${probe} on ${actual ?? 'nothing'} instead of ${path}`);
  }
  return violations;
}

const writable = (paths: readonly WritablePath[]) => paths.map(({ path }) => path);

/** The most replicas a workload can run: its HPA's maximum, else its replica count. */
function maxReplicas(owner: Manifest, manifests: readonly Manifest[]): number {
  const hpa = manifests.find((m: any) => m.kind === 'HorizontalPodAutoscaler' && m.spec.scaleTargetRef.name === owner.metadata.name) as any;
  return hpa?.spec.maxReplicas ?? (owner as any).spec.replicas ?? 1;
}

function checkBackend(at: string, owner: Manifest, container: any, spec: any, manifests: readonly Manifest[], environment: Environment): string[] {
  const violations: string[] = [];
  const features: BackendFeatures = backendFeatures(environment.backend);
  const secretName = environment.secrets.names.backend;
  const secretKeys = backendSecretKeys(features, { managedDatabase: environment.database.mode === 'managed' });
  const provided = providedVariables(container, manifests);
  const expanded = expansionInputs(container);
  const migration = JSON.stringify(container.command) === JSON.stringify(MIGRATION_COMMAND.command);
  const server = container.command === undefined;
  if (!migration && !server) return [`${at}: runs ${JSON.stringify(container.command)}, a command the contract does not describe`];

  const required = migration ? [...MIGRATION_COMMAND.reads] : requiredBackendSettings(features);
  for (const name of required) if (!provided.has(name)) violations.push(`${at}: does not provide ${name}, which the application needs`);

  for (const [name, source] of provided) {
    const setting = (BACKEND_SETTINGS as Record<string, BackendSetting>)[name];
    const extra = environment.backend.extraSettings[name];
    if (source.secret && source.secret.name === secretName && !secretKeys.includes(source.secret.key)) {
      violations.push(`${at}: ${name} reads key ${source.secret.key}, which the environment's ${secretName} is not said to hold`);
    }
    if (expanded.has(name)) continue;
    if (IGNORED_BACKEND_SETTINGS[name] !== undefined || name in PLATFORM_VARIABLES) violations.push(`${at}: sets ${name}, which the deployment must not set`);
    else if (migration) {
      if (!(MIGRATION_COMMAND.reads as readonly string[]).includes(name)) violations.push(`${at}: sets ${name}, which the migration does not read`);
    } else if (name.startsWith(TELEMETRY_VARIABLE_PREFIX) || name in SERVER_VARIABLES) continue;
    else if (extra !== undefined) continue;
    else if (setting === undefined) violations.push(`${at}: sets ${name}, which the application does not read`);
    else if (!isFeatureOn(setting.feature, features)) violations.push(`${at}: sets ${name} of ${setting.feature}, which is off`);
    else if (setting.provision === 'secret' && source.from !== 'secret') violations.push(`${at}: ${name} is a secret but comes as plain ${source.from}`);
    else if (setting.confidential && source.from !== 'secret' && !(source.from === 'value' && /\$\(\w+\)/.test(source.value ?? ''))) {
      violations.push(`${at}: ${name} is confidential but neither from a Secret nor assembled from Secret keys`);
    }
    else if (setting.provision !== 'secret' && !setting.confidential && source.from === 'secret') violations.push(`${at}: ${name} comes from a Secret but is plain configuration`);
  }

  if (migration) return [...violations, ...checkWritablePaths(at, container, spec, writable(MIGRATION_COMMAND.writablePaths))];

  violations.push(...checkServing(at, container, BACKEND_IMAGE));
  const storage = provided.get('FILES_STORAGE_PATH')?.value;
  if (!storage?.startsWith('/')) violations.push(`${at}: FILES_STORAGE_PATH ${storage} is not an absolute path`);
  const storageMount = mounts(container, spec).find((m) => m.path === storage);
  const claim = manifests.find((m) => m.kind === 'PersistentVolumeClaim' && m.metadata.name === storageMount?.volume?.persistentVolumeClaim?.claimName) as any;
  if (!claim) violations.push(`${at}: FILES_STORAGE_PATH ${storage} is not on a claim`);
  else if (maxReplicas(owner, manifests) > 1 && !claim.spec.accessModes.includes('ReadWriteMany')) {
    violations.push(`${at}: several replicas store files on ${ref(claim)}, which they cannot all mount (${claim.spec.accessModes})`);
  }
  violations.push(...checkWritablePaths(at, container, spec, [...writable(BACKEND_IMAGE.writablePaths), ...(storage ? [storage] : [])]));

  const caPath = provided.get('ELASTICSEARCH_CA_CERT')?.value;
  if (caPath !== undefined) {
    const directory = caPath.slice(0, caPath.lastIndexOf('/'));
    const file = caPath.slice(caPath.lastIndexOf('/') + 1);
    const mount = mounts(container, spec).find((m) => m.path === directory);
    const item = mount?.volume?.secret?.items?.find((i: any) => i.path === file);
    if (!mount?.readOnly || mount.volume.secret.secretName !== secretName || item?.key !== ELASTICSEARCH_CA_SECRET_KEY) {
      violations.push(`${at}: ELASTICSEARCH_CA_CERT ${caPath} is not the ${ELASTICSEARCH_CA_SECRET_KEY} key of ${secretName} mounted read-only`);
    }
  }
  return violations;
}

function checkFrontend(at: string, container: any, spec: any, manifests: readonly Manifest[]): string[] {
  const violations = [...checkServing(at, container, FRONTEND_IMAGE), ...checkWritablePaths(at, container, spec, writable(FRONTEND_IMAGE.writablePaths))];
  const provided = providedVariables(container, manifests);
  for (const [name, setting] of Object.entries(FRONTEND_SETTINGS)) if (setting.required && !provided.has(name)) violations.push(`${at}: does not provide ${name}`);
  for (const [name, source] of provided) {
    if (!(name in FRONTEND_SETTINGS)) violations.push(`${at}: sets ${name}, which the SPA does not read`);
    // The entrypoint publishes every APP_* variable to the browser.
    if (source.from === 'secret') violations.push(`${at}: ${name} comes from a Secret, and every APP_* value is published to browsers`);
  }
  return violations;
}

function checkDocs(at: string, container: any, spec: any, manifests: readonly Manifest[]): string[] {
  const violations = [...checkWritablePaths(at, container, spec, writable(DOCS_IMAGE.writablePaths))];
  const ports = (container.ports ?? []).map((p: any) => p.containerPort);
  if (JSON.stringify(ports) !== JSON.stringify([DOCS_IMAGE.port])) violations.push(`${at}: container ports ${ports} instead of ${DOCS_IMAGE.port}`);
  if ((container.env ?? []).length > 0 || (container.envFrom ?? []).length > 0) violations.push(`${at}: the docs image reads no settings`);
  const mount = mounts(container, spec).find((m) => m.path === DOCS_IMAGE.serverConfigDirectory);
  const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === mount?.volume?.configMap?.name) as any;
  const config: string | undefined = configMap?.data?.[DOCS_IMAGE.serverConfigFile];
  if (!mount?.readOnly || config === undefined) {
    violations.push(`${at}: no server config mounted read-only over ${DOCS_IMAGE.serverConfigDirectory}/${DOCS_IMAGE.serverConfigFile}`);
    return violations;
  }
  if (!config.includes(`listen ${DOCS_IMAGE.port};`)) violations.push(`${at}: the server config does not listen on ${DOCS_IMAGE.port}`);
  for (const probe of ['livenessProbe', 'readinessProbe']) {
    const path = container[probe]?.httpGet?.path;
    if (!path || !config.includes(`location = ${path} {`)) violations.push(`${at}: ${probe} on ${path}, which the server config does not answer`);
  }
  return violations;
}

type ContractCheck = (at: string, owner: Manifest, container: any, spec: any, manifests: readonly Manifest[], environment: Environment) => string[];

/** How each component's containers are held to its entry of the contract: one per component of the registry. */
const CONTRACT_CHECKS: Record<ComponentName, ContractCheck> = {
  frontend: (at, _owner, container, spec, manifests) => checkFrontend(at, container, spec, manifests),
  backend: checkBackend,
  docs: (at, _owner, container, spec, manifests) => checkDocs(at, container, spec, manifests),
};

/** Every violation of the contract by the workloads of one synthesized environment. */
export function contractViolations(environment: Environment, manifests: readonly Manifest[]): string[] {
  const repositories: Record<string, ComponentName> = Object.fromEntries(Object.entries(environment.images).map(([component, image]) => [image.repository, component as ComponentName]));
  const violations: string[] = [];
  for (const { owner, spec, byOperator } of podTemplates(manifests)) {
    if (byOperator) continue;
    for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
      const at = `${ref(owner)} container ${container.name}`;
      const component = repositories[parseImageReference(container.image).repository];
      if (component) violations.push(...CONTRACT_CHECKS[component](at, owner, container, spec, manifests, environment));
    }
  }
  return violations;
}
