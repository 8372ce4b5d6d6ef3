import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ReplicaRange } from '../config/environment';
import { BACKEND_SECRET_KEYS } from '../secrets/bundles';
import { ImageReference, imageVersionLabel } from '../config/image';
import { DatabaseConnection } from '../database/database-connection';
import { componentLabels } from '../core/labels';
import { ContainerResources } from '../core/resources';
import { httpProbe } from '../core/restricted-pod';
import { NetworkPeer } from '../networking/network-policy';
import { telemetryEnvironment, TelemetryEnvironmentOptions } from '../observability/telemetry-environment';
import { HTTP_PORT_NAME, WebWorkload } from './web-workload';

export interface BackendProps {
  readonly image: ImageReference;
  readonly serviceAccountName: string;
  readonly replicas: ReplicaRange;
  readonly resources: ContainerResources;
  /** Name of the Secret holding SECRET_KEY and the OAuth settings (and DB_URL for a managed database). */
  readonly secretName: string;
  /** How the API and its migrations reach the database. */
  readonly database: DatabaseConnection;
  /**
   * Non-secret settings, written to the `backend-config` ConfigMap. A key that the backend reads from
   * its Secret is refused.
   */
  readonly settings: Record<string, string>;
  /** Who may call the API; everything else is refused by the namespace's default deny. */
  readonly allowIngressFrom: NetworkPeer[];
  /** @default 8000 */
  readonly port?: number;
  /** Where the API exports traces and metrics (OTLP). @default no export */
  readonly telemetry?: Omit<TelemetryEnvironmentOptions, 'serviceVersion'>;
}

/** Environment given to every process that runs the backend image: the API and its migrations. */
export interface BackendRuntime {
  readonly image: ImageReference;
  readonly env: k8s.EnvVar[];
  readonly envFrom: k8s.EnvFromSource[];
}

/**
 * The FastAPI application (Uvicorn, background jobs in-process): its ConfigMap and its web workload.
 * Secrets reach the pods only as references to keys of the Secret, never as values.
 */
export class Backend extends Construct {
  static readonly CONFIG_MAP_NAME = 'backend-config';
  static readonly IDENTITY = { name: 'backend', component: 'api' } as const;

  readonly workload: WebWorkload;
  readonly runtime: BackendRuntime;

  constructor(scope: Construct, id: string, props: BackendProps) {
    super(scope, id);
    const identity = Backend.IDENTITY;
    for (const key of BACKEND_SECRET_KEYS) {
      if (key in props.settings) {
        throw new Error(`backend setting ${key} is a secret: it must come from Secret "${props.secretName}", not from ${Backend.CONFIG_MAP_NAME}`);
      }
    }

    const config = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: Backend.CONFIG_MAP_NAME, labels: componentLabels(this, identity) },
      data: props.settings,
    });

    this.runtime = {
      image: props.image,
      envFrom: [{ configMapRef: { name: config.name } }],
      env: [
        ...props.database.env,
        ...BACKEND_SECRET_KEYS.filter((key) => key !== 'DB_URL').map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: props.secretName, key } } })),
      ],
    };

    this.workload = new WebWorkload(this, 'Workload', {
      ...identity,
      image: props.image,
      serviceAccountName: props.serviceAccountName,
      replicas: props.replicas,
      resources: props.resources,
      containerPort: props.port ?? 8000,
      // Telemetry is for the serving pods; the migration Job runs the same image without it.
      env: [
        ...this.runtime.env,
        ...(props.telemetry ? telemetryEnvironment({ ...props.telemetry, serviceVersion: imageVersionLabel(props.image) }) : []),
      ],
      envFrom: this.runtime.envFrom,
      // Environment variables are read once at start: roll the pods when the settings change.
      podAnnotations: { 'co2-calculator.epfl.ch/config-checksum': checksum(props.settings) },
      livenessProbe: httpProbe('/healthz', HTTP_PORT_NAME),
      readinessProbe: httpProbe('/ready', HTTP_PORT_NAME, { periodSeconds: 5 }),
      // Up to 2 minutes to start before the liveness probe may restart the container.
      startupProbe: httpProbe('/healthz', HTTP_PORT_NAME, { periodSeconds: 5, failureThreshold: 24 }),
      scratchDirectories: [{ path: '/tmp', sizeLimit: '256Mi' }],
      allowIngressFrom: props.allowIngressFrom,
    });
  }
}

function checksum(data: Record<string, string>): string {
  const canonical = JSON.stringify(Object.keys(data).sort().map((key) => [key, data[key]]));
  return createHash('sha256').update(canonical).digest('hex');
}
