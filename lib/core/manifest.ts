/** A synthesized Kubernetes object, as plain JSON. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/** `Deployment/backend`: how errors and summaries name an object. */
export function objectRef(manifest: Manifest): string {
  return `${manifest.kind}/${manifest.metadata?.name ?? '(unnamed)'}`;
}

/** The file an object is written to within its environment's folder: `deployment-backend.yaml`. */
export function manifestFileName(manifest: Manifest): string {
  return `${manifest.kind.toLowerCase()}-${manifest.metadata.name}.yaml`;
}
