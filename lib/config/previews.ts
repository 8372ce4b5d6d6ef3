/**
 * Preview environments: short-lived copies of the application, one per feature branch, listed as data
 * (environments/previews.json) and expanded here into ordinary environments from one template. They
 * are validated and synthesized like any environment; what sets them apart is naming (folder
 * `preview-<name>`, namespace `co2-calculator-preview-<name>`, host `co2-calculator-<name>.<domain>`)
 * and delivery (an ApplicationSet, see lib/argocd/preview-delivery.ts).
 */
import { z } from 'zod';
import { COMPONENT_NAMES } from '../application/components';
import { describeIssues, dnsLabel, EnvironmentConfigError, EnvironmentInput, hostName } from './environment';

/** Folder and environment names of previews start with this, which is also what the ApplicationSet looks for. */
export const PREVIEW_PREFIX = 'preview-';
/** The namespace of a preview: fixed, because the ApplicationSet derives it from the folder name. */
export const previewNamespace = (environmentName: string) => `co2-calculator-${environmentName}`;

export const previewEntrySchema = z.strictObject({
  /**
   * The preview's own name, e.g. the branch "sso-login". At most 40 characters: its namespace,
   * co2-calculator-preview-<name>, must stay a 63-character DNS label.
   */
  name: dnsLabel.max(40, 'must be at most 40 characters (its namespace co2-calculator-preview-<name> must fit in 63)'),
  /** Images built from the branch; components left out run the template's images. @default {} */
  images: z.partialRecord(z.enum(COMPONENT_NAMES), z.string()).default({}),
  /**
   * DEBUG on the backend: registers /login-test and shows tracebacks, an authentication bypass on a
   * public host, so a preview must ask for it. @default false
   */
  debug: z.boolean().default(false),
});

export type PreviewEntry = z.output<typeof previewEntrySchema>;

/** How every preview looks: everything of an environment but its name, namespace, host and delivery. */
export interface PreviewSettings {
  /** DNS domain of the preview hosts: co2-calculator-<name>.<domain>. */
  readonly domain: string;
  /** The environment every preview starts from. */
  readonly template: Omit<EnvironmentInput, 'name' | 'namespace' | 'host' | 'delivery' | 'ownsNamespace'>;
  /**
   * Repository prefixes a preview may pull images from ("quay-its.epfl.ch/svc1751/"): a preview runs
   * a branch's code, so only images the project's own pipeline built.
   */
  readonly trustedRegistries: readonly string[];
  /** Branch of the GitOps repository the ApplicationSet reads the preview folders from. @default "main" */
  readonly targetRevision?: string;
}

/**
 * The preview settings as written in environments/: the template's images are those of a standard
 * environment (`imagesFrom`), read from its images file when the project is loaded.
 */
export type PreviewDefinition = Omit<PreviewSettings, 'template'> & {
  readonly template: Omit<PreviewSettings['template'], 'images'>;
  /** The standard environment whose images previews run for the components they do not build. */
  readonly imagesFrom: string;
};

/** Parses the preview list and expands each entry into an environment; a bad entry names the preview and field. */
export function previewEnvironments(settings: PreviewSettings, entries: readonly unknown[]): EnvironmentInput[] {
  const domain = hostName.safeParse(settings.domain);
  if (!domain.success) throw new EnvironmentConfigError('previews', [`domain: ${domain.error.issues[0].message}`]);
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const parsed = previewEntrySchema.safeParse(entry);
    const label = typeof (entry as { name?: unknown })?.name === 'string' ? `${PREVIEW_PREFIX}${(entry as { name: string }).name}` : `previews[${index}]`;
    if (!parsed.success) {
      throw new EnvironmentConfigError(label, describeIssues(parsed.error));
    }
    const { name, images, debug } = parsed.data;
    if (seen.has(name)) throw new EnvironmentConfigError(label, ['name: listed twice in the previews']);
    seen.add(name);
    const environmentName = `${PREVIEW_PREFIX}${name}`;
    return {
      ...settings.template,
      name: environmentName,
      namespace: previewNamespace(environmentName),
      host: `co2-calculator-${name}.${settings.domain}`,
      images: { ...settings.template.images, ...images },
      backend: { ...settings.template.backend, debug },
      // Delivered by the previews' ApplicationSet, not by an Application of their own.
      delivery: false,
      // Nobody creates a preview's namespace beforehand, and it must go when the preview goes.
      ownsNamespace: true,
    } as EnvironmentInput;
  });
}
