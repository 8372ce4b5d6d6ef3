import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackendFeatures, backendSecretVariables, backendVersionSettings } from '../application/backend-settings';
import { BACKEND_IMAGE, ELASTICSEARCH_CA_DIRECTORY, ELASTICSEARCH_CA_FILE, ELASTICSEARCH_CA_SECRET_KEY, FILES_STORAGE_PATH } from '../application/contract';
import { ReplicaRange } from '../config/environment';
import { ImageReference, imageVersionLabel } from '../core/image';
import { configChecksumAnnotation } from '../core/config-checksum';
import { componentLabels } from '../core/labels';
import { ContainerResources } from '../core/resources';
import { httpProbe, PodUser } from '../core/restricted-pod';
import { DatabaseConnection } from '../database/database-connection';
import { NetworkPeer } from '../networking/network-policy';
import { telemetryEnvironment, TelemetryEnvironmentOptions } from '../observability/telemetry-environment';
import { VolumeClaim } from '../storage/volume-claim';
import { BACKEND_GRACEFUL_SHUTDOWN_SECONDS, BACKEND_SHUTDOWN } from './shutdown';
import { HTTP_PORT_NAME, WebWorkload } from './web-workload';

/** The volume at FILES_STORAGE_PATH. */
export interface FilesVolumeOptions {
  readonly size: string;
  readonly storageClassName: string;
  /** ArgoCD never prunes or deletes it. @default true */
  readonly retain?: boolean;
}

export interface BackendProps {
  readonly image: ImageReference;
  readonly serviceAccountName: string;
  readonly replicas: ReplicaRange;
  readonly resources: ContainerResources;
  /** The backend Secret: its name, and the keys it holds in this environment (backendSecretKeys). */
  /** The backend's Secret; keys listed under `generated` are read from that Secret instead. */
  readonly secret: { readonly name: string; readonly keys: readonly string[]; readonly generated?: { readonly secretName: string; readonly keys: readonly string[] } };
  /** How the API and its migrations reach the database. */
  readonly database: DatabaseConnection;
  /** The optional features on in this environment; each reads its secrets from the backend Secret. */
  readonly features: BackendFeatures;
  /**
   * Plain settings, written to the `backend-config` ConfigMap: what the environment derives and the
   * tunables it sets (checked against the contract by the environment schema). A key that the backend
   * reads from its Secret is refused.
   */
  readonly settings: Readonly<Record<string, string>>;
  /** Where uploads are stored (FILES_STORAGE_PATH). */
  readonly filesVolume: FilesVolumeOptions;
  /** Who may call the API; everything else is refused by the namespace's default deny. */
  readonly allowIngressFrom: NetworkPeer[];
  /** Where the API exports traces and metrics (OTLP). @default no export */
  readonly telemetry?: Omit<TelemetryEnvironmentOptions, 'serviceVersion'>;
  /** The numeric user of the image's processes (Platform.podUser of BACKEND_IMAGE.user). @default none: the platform assigns it */
  readonly user?: PodUser;
}

/** What every process of the backend image needs: the image and the database connection. */
export interface BackendRuntime {
  readonly image: ImageReference;
  readonly env: readonly k8s.EnvVar[];
  /** @default none: the platform assigns it */
  readonly user?: PodUser;
}

/** Refuses a Secret that lacks a key an enabled feature reads. */
function checkSecretKeys(secret: BackendProps['secret'], features: BackendFeatures, settings: BackendProps['settings']): void {
  const wanted = [...backendSecretVariables(features), ...(features.elasticsearch ? [ELASTICSEARCH_CA_SECRET_KEY] : [])];
  const missing = wanted.filter((key) => !secret.keys.includes(key));
  if (missing.length > 0) {
    throw new Error(`backend: Secret "${secret.name}" does not provide ${missing.join(', ')}, which the features on in this environment read`);
  }
  for (const key of secret.keys) {
    if (key in settings) {
      throw new Error(`backend setting ${key} is a secret: it must come from Secret "${secret.name}", not from ${Backend.CONFIG_MAP_NAME}`);
    }
  }
}

/**
 * The FastAPI application (Uvicorn, background jobs in-process): its ConfigMap, the volume it stores
 * files on, and its web workload. Port, probes and writable paths follow the image's contract
 * (BACKEND_IMAGE). Secrets reach the pods only as references to keys of the Secret, never as values.
 */
export class Backend extends Construct {
  static readonly CONFIG_MAP_NAME = 'backend-config';
  static readonly FILES_CLAIM_NAME = 'backend-files';
  static readonly IDENTITY = { name: 'backend', component: 'api' } as const;

  readonly workload: WebWorkload;
  readonly runtime: BackendRuntime;
  readonly filesClaim: VolumeClaim;

  constructor(scope: Construct, id: string, props: BackendProps) {
    super(scope, id);
    const identity = Backend.IDENTITY;
    checkSecretKeys(props.secret, props.features, props.settings);

    const config = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: Backend.CONFIG_MAP_NAME, labels: componentLabels(this, identity) },
      data: props.settings,
    });

    // One volume for every replica: files written by one pod are read by the others.
    const shared = props.replicas.max > 1;
    this.filesClaim = new VolumeClaim(this, 'Files', {
      claimName: Backend.FILES_CLAIM_NAME,
      owner: identity,
      size: props.filesVolume.size,
      storageClassName: props.filesVolume.storageClassName,
      accessMode: shared ? 'ReadWriteMany' : 'ReadWriteOnce',
      retain: props.filesVolume.retain,
      // Its sync wave is the Deployment's: lib/argocd/sync-waves.ts gives a claim the wave of its first consumer.
    });

    // The migration reads only DB_URL (MIGRATION_COMMAND).
    this.runtime = { image: props.image, env: props.database.env, user: props.user };

    const secretOf = (key: string) => (props.secret.generated?.keys.includes(key) ? props.secret.generated.secretName : props.secret.name);
    const secretEnv = backendSecretVariables(props.features).map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretOf(key), key } } }));
    const version = backendVersionSettings(props.image);
    const volumes: k8s.Volume[] = [{ name: 'files', persistentVolumeClaim: { claimName: this.filesClaim.claimName } }];
    const volumeMounts: k8s.VolumeMount[] = [{ name: 'files', mountPath: FILES_STORAGE_PATH }];
    const podSettings: k8s.EnvVar[] = [
      ...Object.entries(version).map(([name, value]) => ({ name, value })),
      // Set with the mount it names, in the pod spec, so the two never disagree.
      { name: 'FILES_STORAGE_PATH', value: FILES_STORAGE_PATH },
      // Read by the uvicorn CLI (SERVER_VARIABLES); within the grace period (BACKEND_SHUTDOWN).
      { name: 'UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN', value: String(BACKEND_GRACEFUL_SHUTDOWN_SECONDS) },
    ];
    if (props.features.elasticsearch) {
      volumes.push({
        name: 'elasticsearch-ca',
        secret: { secretName: props.secret.name, items: [{ key: ELASTICSEARCH_CA_SECRET_KEY, path: ELASTICSEARCH_CA_FILE }] },
      });
      // A directory mount (not subPath), so a rotated certificate reaches the running pods.
      volumeMounts.push({ name: 'elasticsearch-ca', mountPath: ELASTICSEARCH_CA_DIRECTORY, readOnly: true });
      podSettings.push({ name: 'ELASTICSEARCH_CA_CERT', value: `${ELASTICSEARCH_CA_DIRECTORY}/${ELASTICSEARCH_CA_FILE}` });
    }

    this.workload = new WebWorkload(this, 'Workload', {
      ...identity,
      image: props.image,
      serviceAccountName: props.serviceAccountName,
      user: props.user,
      replicas: props.replicas,
      resources: props.resources,
      containerPort: BACKEND_IMAGE.port,
      env: [
        ...props.database.env,
        ...secretEnv,
        ...podSettings,
        ...(props.telemetry
          ? telemetryEnvironment({ ...props.telemetry, serviceVersion: imageVersionLabel(props.image) })
          : // The image's command is opentelemetry-instrument, whose distro exports everything over OTLP to
            // localhost by default (opentelemetry-distro v0.64b0 __init__.py:28-31): with no collector, export nothing
            // ("none": opentelemetry-python v1.43.0 fcbbeb8, sdk/_configuration/__init__.py:222-223).
            ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER', 'OTEL_LOGS_EXPORTER'].map((name) => ({ name, value: 'none' }))),
      ],
      envFrom: [{ configMapRef: { name: config.name } }],
      // Environment variables are read once at start: roll the pods when the settings change.
      podAnnotations: configChecksumAnnotation(props.settings),
      livenessProbe: httpProbe(BACKEND_IMAGE.probes.liveness, HTTP_PORT_NAME, {
        // /healthz runs on the one event loop that async handlers block with the synchronous Elasticsearch
        // client: 30 s x (1 + 3 retries) = 120 s (backend/app/elasticsearch/client.py:231-233, called from
        // audit_sync_service.py:94,228). 15 misses 10 s apart (150 s) outlast that; 5 s per answer, as the
        // team's chart (helm/values.yaml:91-98).
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 15,
      }),
      // /ready runs SELECT 1 (main.py:307-373): every 5 s, 3 s each as the chart (helm/values.yaml:100-107),
      // 3 misses take a pod off the Service within 15 s of losing its database.
      readinessProbe: httpProbe(BACKEND_IMAGE.probes.readiness, HTTP_PORT_NAME, { periodSeconds: 5, timeoutSeconds: 3 }),
      // Up to 2 minutes to start (imports and the first database connection) before liveness takes over.
      startupProbe: httpProbe(BACKEND_IMAGE.probes.startup, HTTP_PORT_NAME, { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 24 }),
      shutdown: BACKEND_SHUTDOWN,
      // A cap, not a reservation: room for uploads at the size limit spooled and copied, and an export zip.
      scratchDirectories: BACKEND_IMAGE.writablePaths.map(({ path }) => ({ path, sizeLimit: '1Gi' })),
      volumes,
      volumeMounts,
      // A ReadWriteOnce volume attaches to one node: a surge pod scheduled elsewhere would wait for it.
      strategy: this.filesClaim.accessMode === 'ReadWriteOnce' ? 'Recreate' : 'RollingUpdate',
      allowIngressFrom: props.allowIngressFrom,
    });
  }
}
