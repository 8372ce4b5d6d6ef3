import type { EnvironmentInput } from '../lib/config/environment';
import images from './images/staging.json';

/** Staging: the release candidate, sized like production but scaling less far. */
export const staging: EnvironmentInput = {
  name: 'staging',
  host: 'co2-calculator-stage.epfl.ch',
  appEnvironment: 'staging',
  images,
  frontend: { replicas: { min: 2, max: 4 } },
  backend: { replicas: { min: 2, max: 4 } },
  // OpenShift is not wired to Infisical yet: the Secret is created by hand in the project.
  secrets: { strategy: 'existing' },
};
