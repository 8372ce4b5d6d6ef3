import { Manifest } from '../core/manifest';
import { toYaml } from '../core/yaml';

/** One object as YAML, as every file of dist/ is written (lib/core/yaml.ts says how strings are kept). */
export function renderManifest(manifest: Manifest): string {
  return toYaml(manifest);
}
