import { displayPath, diskFiles, imagesFile, PREVIEWS_FILE, ProjectFileError, ProjectFiles, readJson } from '../lib/config/project-files';
import type { ProjectConfig } from '../lib/synth';
import { DELIVERY } from './delivery';
import { dev } from './dev';
import { local } from './local';
import { PREVIEW_SETTINGS } from './preview-template';
import { prod } from './prod';
import { staging } from './staging';

/** The environments `npm run synth` renders, each into dist/<name>/ (their images are added from IMAGES_FOLDER). */
export const ENVIRONMENTS = [dev, staging, prod, local] as const;

export { IMAGES_FOLDER, imagesFile, PREVIEWS_FILE } from '../lib/config/project-files';

/**
 * Everything `npm run synth` renders, with the data files read from `files` (the disk, or the disk with
 * a command's pending edits). A corrupt data file fails here, naming the file, line and column.
 */
export function loadProject(files: ProjectFiles = diskFiles(), options: { previewEntries?: unknown } = {}): ProjectConfig {
  const images = (environment: string) => readJson(files, imagesFile(environment));
  const entries = options.previewEntries ?? readJson(files, PREVIEWS_FILE);
  if (!Array.isArray(entries)) {
    const source = options.previewEntries === undefined ? displayPath(PREVIEWS_FILE) : 'the preview list';
    throw new ProjectFileError(`${source}: must be a JSON list of previews such as [{ "name": "sso-login" }], not ${describeJsonType(entries)}`);
  }
  const { imagesFrom, template, ...settings } = PREVIEW_SETTINGS;
  return {
    environments: ENVIRONMENTS.map((environment) => ({ ...environment, images: images(environment.name) })),
    delivery: DELIVERY,
    previews: { settings: { ...settings, template: { ...template, images: images(imagesFrom) } }, entries },
  } as ProjectConfig;
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
