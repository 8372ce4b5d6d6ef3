import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { formatImageReference, ImageReference, imageVersionLabel } from '../core/image';
import { ComponentIdentity, componentLabels, selectorLabels, versionedLabels } from '../core/labels';
import { ContainerResources } from '../core/resources';
import { PodUser, restrictedPodSpec } from '../core/restricted-pod';
import { POSTGRES_IMAGE } from '../application/contract';
import { AllowIngress, NetworkPeer } from '../networking/network-policy';
import { DatabaseConnection } from './database-connection';

export const POSTGRES_PORT = 5432;
/** The component label of the database's objects; sync-waves.ts starts it before the migration hook. */
export const DATABASE_COMPONENT = 'database';
/** Keys of the credentials Secret (the names clients assemble DB_URL from; the server reads them under POSTGRES_IMAGE's names). */
export const POSTGRES_CREDENTIAL_KEYS = ['POSTGRESQL_USER', 'POSTGRESQL_PASSWORD', 'POSTGRESQL_DATABASE'] as const;

export interface InClusterPostgresProps {
  /**
   * The official postgres image (docker-library) or one built like it: the POSTGRES_IMAGE contract
   * (its variables, PGDATA, socket directory). It starts as any non-root UID, the platform's or
   * `user`.
   */
  readonly image: ImageReference;
  /** The numeric user of the pod (Platform.podUser of POSTGRES_IMAGE.user). @default none: the platform assigns it */
  readonly user?: PodUser;
  readonly serverMajorVersion: number;
  readonly resources: ContainerResources;
  readonly serviceAccountName: string;
  /** Secret with POSTGRESQL_USER, POSTGRESQL_PASSWORD and POSTGRESQL_DATABASE. */
  readonly credentialsSecretName: string;
  readonly storageSize: string;
  /** @default the cluster's default storage class */
  readonly storageClass?: string;
  /** Who may connect. */
  readonly allowFrom: NetworkPeer[];
  /**
   * What happens to the data claim when the StatefulSet is deleted (its
   * `persistentVolumeClaimRetentionPolicy.whenDeleted`): `Delete` for throwaway environments, so that
   * deleting one leaves no volume behind. Scaling down always keeps the claim. @default "Retain"
   */
  readonly claimsWhenDeleted?: 'Retain' | 'Delete';
  /** @default "postgres" */
  readonly name?: string;
}

/**
 * PostgreSQL in the namespace, for clusters without a managed database (a developer's kind cluster):
 * a one-replica StatefulSet with its data on a claim, and a headless Service giving it a stable name.
 *
 * Clients get `connection`: DB_URL is assembled by Kubernetes from the credentials Secret
 * ($(VAR) expansion), so the URL in the manifests holds references, never the password. The password
 * must therefore be URL-safe (e.g. `openssl rand -hex 24`).
 */
export class InClusterPostgres extends Construct {
  readonly name: string;
  readonly connection: DatabaseConnection;
  readonly podSelector: Record<string, string>;

  constructor(scope: Construct, id: string, props: InClusterPostgresProps) {
    super(scope, id);
    this.name = props.name ?? 'postgres';
    const identity: ComponentIdentity = { name: this.name, component: DATABASE_COMPONENT };
    this.podSelector = selectorLabels(this, identity);
    const labels = componentLabels(this, identity);
    const podLabels = versionedLabels(this, identity, imageVersionLabel(props.image));
    const credential = (key: string): k8s.EnvVar => ({ name: key, valueFrom: { secretKeyRef: { name: props.credentialsSecretName, key } } });
    const credentials = POSTGRES_CREDENTIAL_KEYS.map(credential);
    // The same keys under the names the image's entrypoint reads.
    const names = POSTGRES_IMAGE.credentialVariables;
    const serverCredentials: k8s.EnvVar[] = [
      { ...credential('POSTGRESQL_USER'), name: names.user },
      { ...credential('POSTGRESQL_PASSWORD'), name: names.password },
      { ...credential('POSTGRESQL_DATABASE'), name: names.database },
    ];
    this.connection = {
      serverMajorVersion: props.serverMajorVersion,
      env: [
        ...credentials,
        { name: 'DB_URL', value: `postgresql://$(POSTGRESQL_USER):$(POSTGRESQL_PASSWORD)@${this.name}:${POSTGRES_PORT}/$(POSTGRESQL_DATABASE)` },
      ],
    };
    // pg_isready over TCP on the pod's own address, as the configured role, for the configured database.
    const ready: k8s.Probe = {
      exec: { command: ['/bin/sh', '-c', `pg_isready -h 127.0.0.1 -p ${POSTGRES_PORT} -U "$${names.user}" -d "$${names.database}"`] },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    };

    new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: {
        // Headless: the name resolves to the pod itself, which a StatefulSet needs for its identity.
        clusterIp: 'None',
        selector: this.podSelector,
        ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgres'), protocol: 'TCP' }],
      },
    });

    new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.name, labels: podLabels },
      spec: {
        serviceName: this.name,
        replicas: 1,
        selector: { matchLabels: this.podSelector },
        template: {
          metadata: { labels: podLabels },
          spec: restrictedPodSpec({
            serviceAccountName: props.serviceAccountName,
            user: props.user,
            // The data is on the claim template's volume.
            mountsClaim: true,
            // Time for a clean shutdown checkpoint before the kill.
            terminationGracePeriodSeconds: 60,
            containers: [
              {
                name: 'postgres',
                image: formatImageReference(props.image),
                ports: [{ name: 'postgres', containerPort: POSTGRES_PORT, protocol: 'TCP' }],
                env: [...serverCredentials, { name: 'PGDATA', value: POSTGRES_IMAGE.pgdata }],
                resources: props.resources,
                readinessProbe: ready,
                livenessProbe: { ...ready, initialDelaySeconds: 30, periodSeconds: 20 },
                startupProbe: { ...ready, failureThreshold: 30 },
                scratchDirectories: POSTGRES_IMAGE.writablePaths.map(({ path }) => ({ path })),
                // PGDATA is a directory inside the mount, which the server creates and owns (POSTGRES_IMAGE.pgdata).
                volumeMounts: [{ name: 'data', mountPath: POSTGRES_IMAGE.dataMount }],
              },
            ],
          }),
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storageClass,
              resources: { requests: { storage: k8s.Quantity.fromString(props.storageSize) } },
            },
          },
        ],
        // With Delete, the StatefulSet controller makes the StatefulSet the claim's owner, so the
        // garbage collector removes the claim with it (Kubernetes 1.27+ StatefulSetAutoDeletePVC, beta
        // and on by default in 1.28). An owned claim is also no orphan for ArgoCD.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: props.claimsWhenDeleted ?? 'Retain', whenScaled: 'Retain' },
      },
    });

    new AllowIngress(this, 'NetworkPolicy', {
      metadata: { name: `${this.name}-network-policy`, labels },
      podLabels: this.podSelector,
      from: props.allowFrom,
      ports: ['postgres'],
    });
  }
}
