import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { environmentLabels } from '../core/labels';
import { AdmissionPolicies, AdmissionPoliciesProps } from './admission-policies';

export type ClusterSetupChartProps = AdmissionPoliciesProps;

/**
 * What a cluster administrator applies once per cluster, and again when it changes
 * (`oc apply -f dist/cluster-setup/`): cluster-scoped objects no Application of ours may manage.
 * Kubernetes 1.30+ (OpenShift 4.17+) only: on 4.16 the policies' API is not served (docs/security.md).
 */
export class ClusterSetupChart extends Chart {
  constructor(scope: Construct, id: string, props: ClusterSetupChartProps) {
    super(scope, id, { labels: environmentLabels('co2-calculator-cluster-setup'), disableResourceNameHashes: true });
    new AdmissionPolicies(this, 'AdmissionPolicies', props);
  }
}
