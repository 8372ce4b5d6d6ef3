/**
 * Pod and container specs that pass OpenShift's restricted-v2 SCC and the Pod Security "restricted"
 * profile. Every pod of this app is built here, so the rules live in one place:
 *
 * - non-root, RuntimeDefault seccomp, all capabilities dropped, no privilege escalation;
 * - a read-only root filesystem, with emptyDirs where a process must write;
 * - no runAsUser, runAsGroup or fsGroup: OpenShift assigns them from the project's UID range and
 *   rejects pods that ask for values outside it;
 * - requests and limits on every container, init containers included;
 * - no service account token and no service-link variables unless asked for.
 */
import { k8s } from 'cdk8s-plus-28';
import { ContainerResources, toResourceRequirements } from './resources';

export const RESTRICTED_POD_SECURITY_CONTEXT: k8s.PodSecurityContext = {
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const RESTRICTED_CONTAINER_SECURITY_CONTEXT: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};

/** A writable directory backed by an emptyDir, for a container whose root filesystem is read-only. */
export interface ScratchDirectory {
  readonly path: string;
  /** @default "64Mi" */
  readonly sizeLimit?: string;
}

export interface ContainerOptions {
  readonly name: string;
  /** A pinned image reference. */
  readonly image: string;
  readonly resources: ContainerResources;
  readonly command?: string[];
  readonly args?: string[];
  readonly ports?: k8s.ContainerPort[];
  readonly env?: k8s.EnvVar[];
  readonly envFrom?: k8s.EnvFromSource[];
  readonly livenessProbe?: k8s.Probe;
  readonly readinessProbe?: k8s.Probe;
  readonly startupProbe?: k8s.Probe;
  /** Writable directories; each becomes an emptyDir volume of the pod. @default none */
  readonly scratchDirectories?: ScratchDirectory[];
  readonly volumeMounts?: k8s.VolumeMount[];
}

export interface PodOptions {
  readonly serviceAccountName: string;
  readonly containers: ContainerOptions[];
  readonly initContainers?: ContainerOptions[];
  /** Volumes besides the containers' scratch directories. @default none */
  readonly volumes?: k8s.Volume[];
  /** @default "Always" (what Deployments require) */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
}

/** `/var/cache/nginx` -> `var-cache-nginx`: a volume name that says what it backs. */
function scratchVolumeName(path: string): string {
  const name = path.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  if (!name) throw new Error(`scratch directory "${path}" cannot be the root directory`);
  return name;
}

function restrictedContainer(options: ContainerOptions): k8s.Container {
  const scratchMounts = (options.scratchDirectories ?? []).map((dir) => ({ name: scratchVolumeName(dir.path), mountPath: dir.path }));
  const volumeMounts = [...scratchMounts, ...(options.volumeMounts ?? [])];
  return {
    name: options.name,
    image: options.image,
    // The reference is pinned, so pulling on every start would only add a registry dependency.
    imagePullPolicy: 'IfNotPresent',
    command: options.command,
    args: options.args,
    ports: options.ports,
    env: options.env,
    envFrom: options.envFrom,
    resources: toResourceRequirements(options.resources),
    livenessProbe: options.livenessProbe,
    readinessProbe: options.readinessProbe,
    startupProbe: options.startupProbe,
    securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: volumeMounts.length > 0 ? volumeMounts : undefined,
  };
}

/** A pod spec whose containers and volumes follow the restricted rules above. */
export function restrictedPodSpec(options: PodOptions): k8s.PodSpec {
  const allContainers = [...(options.initContainers ?? []), ...options.containers];
  const scratchVolumes = new Map<string, k8s.Volume>();
  for (const dir of allContainers.flatMap((container) => container.scratchDirectories ?? [])) {
    const name = scratchVolumeName(dir.path);
    scratchVolumes.set(name, { name, emptyDir: { sizeLimit: k8s.Quantity.fromString(dir.sizeLimit ?? '64Mi') } });
  }
  const volumes = [...scratchVolumes.values(), ...(options.volumes ?? [])];
  const initContainers = (options.initContainers ?? []).map(restrictedContainer);
  return {
    serviceAccountName: options.serviceAccountName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
    restartPolicy: options.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: options.terminationGracePeriodSeconds ?? 30,
    initContainers: initContainers.length > 0 ? initContainers : undefined,
    containers: options.containers.map(restrictedContainer),
    volumes: volumes.length > 0 ? volumes : undefined,
  };
}

/** An HTTP GET probe on a named container port. */
export function httpProbe(path: string, port: string, overrides: Omit<k8s.Probe, 'httpGet'> = {}): k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromString(port) },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
    ...overrides,
  };
}
