import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { GrafanaDashboard } from '../../imports/grafanadashboards-grafana.integreatly.org';

/** Folder our dashboards are filed in when no other is given. */
export const DEFAULT_DASHBOARD_FOLDER = 'CO2 Calculator';

/** Grafana's rule for dashboard uids: they appear in URLs and must not be longer than 40 characters. */
const DASHBOARD_UID = /^[A-Za-z0-9_-]{1,40}$/;
/** Go duration syntax, as the CRD's `resyncPeriod` pattern requires. */
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * Refuses a uid Grafana would reject. The operator only finds out when it imports the dashboard, long
 * after ArgoCD reported the sync healthy, so we check at synthesis.
 */
export function assertDashboardUid(uid: string | undefined, context: string): asserts uid is string {
  if (uid === undefined || !DASHBOARD_UID.test(uid)) {
    throw new Error(
      `${context}: dashboard uid ${JSON.stringify(uid)} is invalid: Grafana needs 1 to 40 letters, digits, "-" or "_" ` +
        `(got ${uid?.length ?? 0} characters)`,
    );
  }
}

export interface GrafanaDashboardResourceProps {
  /** Name (and labels, annotations) of the GrafanaDashboard object. */
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  /**
   * The dashboard, as built with the Grafana Foundation SDK. It must have a uid: Grafana uses it to
   * update the same dashboard on every resync instead of creating a new one.
   */
  readonly dashboard: Dashboard;
  /**
   * Labels of the Grafana instances (`Grafana` objects of grafana-operator) that import the dashboard.
   * An empty selector would match every Grafana the operator manages, so it is refused.
   */
  readonly instanceSelector: Readonly<Record<string, string>>;
  /** Grafana folder, created by the operator if missing. @default "CO2 Calculator" */
  readonly folder?: string;
  /**
   * Whether a Grafana in another namespace may import the dashboard. Grafana usually runs in a shared
   * monitoring namespace, not in the application's project; without this the operator ignores the
   * dashboard. @default true
   */
  readonly allowCrossNamespaceImport?: boolean;
  /**
   * How often the operator re-applies the dashboard, undoing edits made in the Grafana UI (the object
   * is the source of truth). Go duration syntax. @default "10m"
   */
  readonly resyncPeriod?: string;
}

/**
 * A GrafanaDashboard (grafana-operator v5) carrying one dashboard model inline in `spec.json`. The JSON
 * is indented so that a change to a dashboard reads as a line diff in `dist/`.
 */
export class GrafanaDashboardResource extends Construct {
  /** The dashboard's uid, for links from other dashboards or alerts. */
  readonly uid: string;

  constructor(scope: Construct, id: string, props: GrafanaDashboardResourceProps) {
    super(scope, id);
    const name = props.metadata.name;
    assertDashboardUid(props.dashboard.uid, `GrafanaDashboard ${name}`);
    this.uid = props.dashboard.uid;
    if (Object.keys(props.instanceSelector).length === 0) {
      throw new Error(`GrafanaDashboard ${name}: instanceSelector is empty, which would import the dashboard into every Grafana the operator manages; give the labels of the intended Grafana`);
    }
    const folder = props.folder ?? DEFAULT_DASHBOARD_FOLDER;
    if (folder.trim() === '') {
      throw new Error(`GrafanaDashboard ${name}: folder must not be empty`);
    }
    const resyncPeriod = props.resyncPeriod ?? '10m';
    if (!GO_DURATION.test(resyncPeriod)) {
      throw new Error(`GrafanaDashboard ${name}: resyncPeriod "${resyncPeriod}" is not a Go duration such as "10m" or "1h30m"`);
    }

    new GrafanaDashboard(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        instanceSelector: { matchLabels: { ...props.instanceSelector } },
        folder,
        allowCrossNamespaceImport: props.allowCrossNamespaceImport ?? true,
        resyncPeriod,
        json: `${JSON.stringify(props.dashboard, undefined, 2)}\n`,
      },
    });
  }
}
