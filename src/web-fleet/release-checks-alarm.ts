import { Aws, Duration, Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../acknowledgements';

/** The namespace of the metric new servers publish when their release checks fail. */
export const RELEASE_CHECKS_NAMESPACE = 'WebTier/ReleaseChecks';

/** The metric: 1 per new server whose release checks failed. */
export const RELEASE_CHECKS_METRIC = 'FailedReleaseChecks';

/** The alarm's period: 10 seconds, the shortest a high-resolution alarm takes. */
export const RELEASE_CHECKS_PERIOD = Duration.seconds(10);

/** Where a fleet's servers report failed release checks, and the alarm that turns a report into a failed release. */
export interface ReleaseChecksReporting {
  /** In ALARM within about 10 seconds of a new server's report (`--storage-resolution 1`, a 10-second period). */
  readonly alarm: cloudwatch.Alarm;
  /**
   * The `Fleet` dimension the boot publishes with (the other, `StackName`, is the stack's name it already has);
   * signal-ready.sh names the namespace and the metric as `RELEASE_CHECKS_NAMESPACE` and `RELEASE_CHECKS_METRIC` do.
   */
  readonly fleet: string;
  /** `cloudwatch:PutMetricData`, only into this namespace. */
  readonly statement: iam.PolicyStatement;
}

/**
 * The release checks' alarm of the fleet `scope`: any datapoint of its servers' `FailedReleaseChecks` in 10 seconds.
 * It goes to the instance refresh's `AlarmSpecification`: "If any of the alarms goes into ALARM state, the instance
 * refresh fails" (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AlarmSpecification.html), and
 * CloudFormation then rolls the stack back. An abandoned launch alone does not fail a refresh promptly: the group
 * terminates the server and launches another to reach its desired capacity
 * (https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html), and the refresh fails only once it
 * cannot replace the instance (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html:
 * "EC2 launch failures"), each try costing a boot; the alarm makes the first failure final.
 * A high-resolution metric (storage resolution 1 s) takes a high-resolution alarm, period 10 s, evaluated every 10 s
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#high-resolution-alarms).
 * The dimensions name the stack and the fleet's path (not the group's name, which the update policy that watches the
 * alarm would make a circular reference); missing data is no failure, so the alarm is OK again once reports stop.
 */
export function releaseChecksReporting(scope: Construct): ReleaseChecksReporting {
  const dimensionsMap = { StackName: Aws.STACK_NAME, Fleet: Names.uniqueId(scope) };
  const alarm = new cloudwatch.Alarm(scope, 'ReleaseChecksAlarm', {
    metric: new cloudwatch.Metric({
      namespace: RELEASE_CHECKS_NAMESPACE,
      metricName: RELEASE_CHECKS_METRIC,
      dimensionsMap,
      statistic: 'Maximum',
      period: RELEASE_CHECKS_PERIOD,
    }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: 'Release checks: a new web server answered a release check wrongly before it served any user. ' +
      'A release in progress is stopped and rolled back at once.',
  });
  const reason = 'The release checks alarm acts through the instance refresh that watches it (a release in progress is stopped ' +
    'and rolled back), not through a notification; the new server that failed never served a user.';
  acknowledge(alarm, 'NIST.800.53.R5-CloudWatchAlarmAction', reason);
  acknowledge(alarm, 'CT.CLOUDWATCH.PR.1', reason);
  return {
    alarm,
    fleet: dimensionsMap.Fleet,
    // PutMetricData takes no resource; its cloudwatch:namespace condition key scopes it
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html).
    statement: new iam.PolicyStatement({
      sid: 'ReportFailedReleaseChecks',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': RELEASE_CHECKS_NAMESPACE } },
    }),
  };
}
