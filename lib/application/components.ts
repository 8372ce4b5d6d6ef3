/**
 * The application's components, named once. Each is an image of environments/images/<env>.json, a
 * section of the environment config with the defaults below, a Deployment of that name (watched by
 * the ServiceDown alert), an entry of the contract (contract.ts) and a construct the chart composes.
 * Every other list of components derives from this one (docs/architecture.md, "Adding a service").
 */

/** Replicas and resources of a component before an environment overrides them. */
export interface ComponentDefaults {
  readonly replicas: { readonly min: number; readonly max: number };
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
}

/**
 * The figures start from the sizing of the design documents and are meant to be tuned with real
 * usage; an environment overrides what it needs.
 */
export const COMPONENTS = {
  /** nginx serving the SPA: cheap, scaled out for availability. */
  frontend: {
    defaults: {
      replicas: { min: 2, max: 10 },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    },
  },
  /** FastAPI + Uvicorn, with the background jobs in-process. */
  backend: {
    defaults: {
      replicas: { min: 2, max: 10 },
      resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    },
  },
  /**
   * The MkDocs site is off the critical path: one replica. A single replica gets no
   * PodDisruptionBudget (minAvailable 1 would block every node drain); its rolling update surges a new
   * pod before stopping the old one.
   */
  docs: {
    defaults: {
      replicas: { min: 1, max: 1 },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    },
  },
} as const satisfies Record<string, { readonly defaults: ComponentDefaults }>;

export type ComponentName = keyof typeof COMPONENTS;

/** The components in their order of the registry, which is the order of the images files. */
export const COMPONENT_NAMES = Object.keys(COMPONENTS) as [ComponentName, ...ComponentName[]];

/** One value per component, e.g. the schema of each image. */
export function perComponent<T>(value: (name: ComponentName) => T): { [Name in ComponentName]: T } {
  return Object.fromEntries(COMPONENT_NAMES.map((name) => [name, value(name)])) as { [Name in ComponentName]: T };
}
