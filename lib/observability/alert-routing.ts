import { Construct } from 'constructs';
import {
  AlertmanagerConfig,
  AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType,
  AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType,
  AlertmanagerConfigSpecRouteMatchersMatchType,
} from '../../imports/alertmanagerconfigs-monitoring.coreos.com';

export interface EmailDelivery {
  /** `host:port` of the SMTP relay. */
  readonly smarthost: string;
  readonly from: string;
  /** SMTP login. @default no authentication */
  readonly username?: string;
  /** Secret and key holding the SMTP password; required with a username. */
  readonly passwordSecret?: { readonly name: string; readonly key: string };
  /** @default true */
  readonly requireTls?: boolean;
}

export interface AlertRoutingProps {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly email: EmailDelivery;
  /** Recipients of severity=critical alerts. */
  readonly critical: readonly string[];
  /** Recipients of severity=warning alerts. */
  readonly warning: readonly string[];
  /** How often a still-firing critical alert is sent again. @default "1h" */
  readonly criticalRepeatInterval?: string;
  /** How often a still-firing warning is sent again. @default "12h" */
  readonly warningRepeatInterval?: string;
}

/**
 * Email routing of this namespace's alerts (AlertmanagerConfig, for the user-workload Alertmanager).
 * Alerts are grouped by alert name, so a burst of pods failing the same way is one email; critical
 * alerts go out quickly and repeat hourly, warnings wait longer and repeat twice a day. Anything
 * without a known severity goes to the warning recipients rather than nowhere.
 */
export class AlertRouting extends Construct {
  constructor(scope: Construct, id: string, props: AlertRoutingProps) {
    super(scope, id);
    const name = props.metadata.name;
    if (props.critical.length === 0 || props.warning.length === 0) {
      throw new Error(`${name}: critical and warning alerts each need at least one recipient`);
    }
    if (props.email.username !== undefined && props.email.passwordSecret === undefined) {
      throw new Error(`${name}: SMTP user ${props.email.username} needs a password Secret`);
    }
    const emailTo = (recipients: readonly string[]) => ({
      to: recipients.join(', '),
      from: props.email.from,
      smarthost: props.email.smarthost,
      authUsername: props.email.username,
      authPassword: props.email.username ? props.email.passwordSecret : undefined,
      requireTls: props.email.requireTls ?? true,
      sendResolved: true,
    });
    const severity = (value: string) => [{ name: 'severity', value, matchType: AlertmanagerConfigSpecRouteMatchersMatchType.VALUE_EQUALS }];

    new AlertmanagerConfig(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        route: {
          receiver: 'warning-email',
          groupBy: ['alertname'],
          groupWait: '30s',
          groupInterval: '5m',
          repeatInterval: props.warningRepeatInterval ?? '12h',
          routes: [
            { receiver: 'critical-email', matchers: severity('critical'), groupWait: '10s', repeatInterval: props.criticalRepeatInterval ?? '1h' },
            { receiver: 'warning-email', matchers: severity('warning') },
          ],
        },
        receivers: [
          { name: 'critical-email', emailConfigs: [emailTo(props.critical)] },
          { name: 'warning-email', emailConfigs: [emailTo(props.warning)] },
        ],
        // While a service is down, its latency and error-rate warnings say nothing new.
        inhibitRules: [
          {
            sourceMatch: [{ name: 'severity', value: 'critical', matchType: AlertmanagerConfigSpecInhibitRulesSourceMatchMatchType.VALUE_EQUALS }],
            targetMatch: [{ name: 'severity', value: 'warning', matchType: AlertmanagerConfigSpecInhibitRulesTargetMatchMatchType.VALUE_EQUALS }],
            equal: ['namespace', 'service'],
          },
        ],
      },
    });
  }
}
