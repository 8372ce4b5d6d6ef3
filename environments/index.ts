import type { EnvironmentInput } from '../lib/config/environment';
import type { ProjectConfig } from '../lib/synth';
import { DELIVERY } from './delivery';
import { dev } from './dev';
import { local } from './local';
import previews from './previews.json';
import { PREVIEW_SETTINGS } from './preview-template';
import { prod } from './prod';
import { staging } from './staging';

/** The environments `npm run synth` renders, each into dist/<name>/. */
export const ENVIRONMENTS: readonly EnvironmentInput[] = [dev, staging, prod, local];

/** Everything `npm run synth` renders. */
export const PROJECT: ProjectConfig = {
  environments: ENVIRONMENTS,
  delivery: DELIVERY,
  previews: { settings: PREVIEW_SETTINGS, entries: previews },
};
