import type { DeliveryInput } from '../lib/config/delivery';

/** The GitOps repository ArgoCD syncs dist/ from, and the OpenShift GitOps instance that does it. */
export const DELIVERY: DeliveryInput = {
  repoUrl: 'https://github.com/epfl-enac/co2-calculator-deploy.git',
  argocdNamespace: 'openshift-gitops',
  project: 'co2-calculator',
};
