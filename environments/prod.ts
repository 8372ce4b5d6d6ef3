import type { EnvironmentInput } from '../lib/config/environment';
import images from './images/prod.json';

/** Production. Secrets are created by hand until the Azure Key Vault store exists (then: strategy "external-secrets"). */
export const prod: EnvironmentInput = {
  name: 'prod',
  host: 'co2-calculator.epfl.ch',
  appEnvironment: 'production',
  images,
  frontend: { replicas: { min: 2, max: 10 } },
  backend: { replicas: { min: 2, max: 10 } },
  secrets: { strategy: 'existing' },
};
