/**
 * Pod and container specs that pass OpenShift's restricted-v2 SCC and the Pod Security "restricted"
 * profile. Every pod of this app is built here, so the rules live in one place:
 *
 * - non-root, RuntimeDefault seccomp, all capabilities dropped, no privilege escalation;
 * - a read-only root filesystem, with emptyDirs where a process must write;
 * - no runAsUser, runAsGroup or fsGroup unless the pod is given a `user`: OpenShift assigns them from
 *   the project's UID range and rejects pods that ask for values outside it; plain Kubernetes assigns
 *   none, so there the platform passes the image's own numeric user (Platform.podUser);
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

/**
 * A numeric user and group for every container of a pod, where the platform does not assign one:
 * the image's own account, so files the image owns stay readable. Never root.
 */
export interface PodUser {
  readonly uid: number;
  readonly gid: number;
}

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
  /** @default none */
  readonly lifecycle?: k8s.Lifecycle;
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
  /**
   * Run as this user and group; with a persistentVolumeClaim mounted, the volume is also given the
   * group (fsGroup). @default none: the platform assigns them (OpenShift's restricted-v2)
   */
  readonly user?: PodUser;
  /** The pod mounts a claim (fsGroup with `user`). @default whether a volume is a persistentVolumeClaim; a StatefulSet's claim templates need it set */
  readonly mountsClaim?: boolean;
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
    lifecycle: options.lifecycle,
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
    securityContext: podSecurityContext(options.user, options.mountsClaim ?? volumes.some((volume) => volume.persistentVolumeClaim !== undefined)),
    restartPolicy: options.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: options.terminationGracePeriodSeconds ?? 30,
    initContainers: initContainers.length > 0 ? initContainers : undefined,
    containers: options.containers.map(restrictedContainer),
    volumes: volumes.length > 0 ? volumes : undefined,
  };
}

function podSecurityContext(user: PodUser | undefined, claim: boolean): k8s.PodSecurityContext {
  if (user === undefined) return RESTRICTED_POD_SECURITY_CONTEXT;
  if (!(Number.isInteger(user.uid) && user.uid > 0 && Number.isInteger(user.gid) && user.gid >= 0)) {
    throw new Error(`pod user ${user.uid}:${user.gid} must be a positive uid and a group id: the restricted profile runs nothing as root`);
  }
  // A claim's volume belongs to root; the group lets the pod's user write it. OnRootMismatch skips
  // the recursive chown on every start once the volume's root has the group.
  return {
    ...RESTRICTED_POD_SECURITY_CONTEXT,
    runAsUser: user.uid,
    runAsGroup: user.gid,
    ...(claim ? { fsGroup: user.gid, fsGroupChangePolicy: 'OnRootMismatch' } : {}),
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
