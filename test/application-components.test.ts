/**
 * lib/application/components.ts is the one list of components: each is a key of every images file,
 * a Deployment of its name in every environment running that image, and watched by ServiceDown.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { COMPONENT_NAMES } from '../lib/application/components';
import { formatImageReference } from '../lib/core/image';
import { DEFAULT_WATCHED_DEPLOYMENTS } from '../lib/observability/alert-rules';
import { standardSynthesis } from './support/synthesis';

const IMAGES = resolve(__dirname, '..', 'environments', 'images');

test.each(readdirSync(IMAGES).filter((file) => file.endsWith('.json')))('environments/images/%s names the components of the registry, in its order', (file) => {
  expect(Object.keys(JSON.parse(readFileSync(join(IMAGES, file), 'utf8')))).toEqual(COMPONENT_NAMES);
});

test('every environment runs each component as a Deployment of its name, with its image', () => {
  for (const { environment, manifests } of standardSynthesis().environments) {
    for (const name of COMPONENT_NAMES) {
      const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name) as any;
      expect([environment.name, name, deployment?.spec.template.spec.containers[0].image]).toEqual([environment.name, name, formatImageReference(environment.images[name])]);
    }
  }
});

test('ServiceDown watches the Deployment of every component', () => {
  expect(DEFAULT_WATCHED_DEPLOYMENTS).toEqual(COMPONENT_NAMES);
});
