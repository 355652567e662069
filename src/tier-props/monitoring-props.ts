import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * The one-liner's monitoring props: the alarms, the dashboard and the topic they notify (`WebTierMonitoring`).
 */
export interface ZeroDowntimeWebTierMonitoringProps {
  /**
   * Alarms (lost redundancy, 5XX rates, latency, Redis, and NAT when the tier builds its VPC) and a CloudWatch
   * dashboard for the tier.
   *
   * @default true
   */
  readonly monitoring?: boolean;

  /**
   * The SNS topic every alarm notifies, on alarm and on OK; it must let CloudWatch publish to it.
   *
   * @default - a topic encrypted with a KMS key that CloudWatch may use; subscribe to `monitoring.alarmTopic`
   */
  readonly alarmTopic?: sns.ITopic;
}
