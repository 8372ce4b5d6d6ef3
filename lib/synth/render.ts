import { dump } from 'js-yaml';
import { Manifest } from './manifest';

/**
 * One object as YAML. Keys keep cdk8s' sorted order and long strings are never folded, so the text
 * depends only on the object and a one-field change is a one-line diff. js-yaml renders about twice
 * as fast as `yaml` (it matters with hundreds of preview environments), and quotes strings that YAML
 * 1.1 readers would take for something else (such as the matchType "=" of AlertmanagerConfig).
 */
export function renderManifest(manifest: Manifest): string {
  return dump(manifest, { lineWidth: -1, noRefs: true, noCompatMode: true, quotingType: '"' });
}
