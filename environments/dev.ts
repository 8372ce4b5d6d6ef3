import type { EnvironmentInput } from '../lib/config/environment';
import images from './images/dev.json';

/** Development: follows main, smallest footprint; secrets synced from Infisical. */
export const dev: EnvironmentInput = {
  name: 'dev',
  host: 'co2-calculator-dev.epfl.ch',
  appEnvironment: 'development',
  logLevel: 'DEBUG',
  images,
  frontend: { replicas: { min: 2, max: 3 } },
  backend: {
    replicas: { min: 2, max: 3 },
    resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '1', memory: '768Mi' } },
  },
  secrets: {
    strategy: 'infisical',
    hostApi: 'https://app.infisical.com/api',
    projectSlug: 'co2-calculator',
    envSlug: 'dev',
    credentialsSecretName: 'infisical-universal-auth',
  },
};
