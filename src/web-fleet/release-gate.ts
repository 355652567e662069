import { Duration, Lazy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { acknowledge } from '../acknowledgements';
import { invalidProp } from '../validation';

/**
 * Properties of a `ReleaseGate`.
 */
export interface ReleaseGateProps {
  /** The target group the web servers are registered in; its load balancer is the one its metrics name. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;

  /**
   * The share of requests, in percent (more than 0, at most 100), answered with a 5XX error by the web servers, or by the
   * load balancer, in one minute, above which a release is stopped and rolled back.
   *
   * @default 1
   */
  readonly errorRatePercent?: number;

  /**
   * How many standard deviations above what CloudWatch expects (its anomaly detection model of the target response
   * time) the slowest 10% of answers may go, two minutes in a row, before a release is stopped and rolled back; more
   * than 0.
   *
   * @default 3
   */
  readonly latencyStandardDeviations?: number;
}

/** ALB metrics have a one-minute resolution: the gate reads one datapoint per minute. */
export const GATE_PERIOD = Duration.minutes(1);

/**
 * The alarms a release of the web fleet must keep quiet: what users see. While an instance refresh runs (a new
 * version rolling out), EC2 Auto Scaling watches them, and one in ALARM fails the refresh, which rolls the release back
 * (see `WebFleet`). They notify nobody: the tier's monitoring alarms do that, over longer windows.
 *
 * - `target5xxRateAlarm`: more than `errorRatePercent` of the web servers' answers in a minute were 5XX;
 * - `elb5xxRateAlarm`: more than `errorRatePercent` of the requests got a 5XX from the load balancer itself
 *   (502/504: a server closed or timed out; 503: nobody to send it to);
 * - `responseTimeAlarm`: the slowest 10% of answers (p90 of `TargetResponseTime`) above CloudWatch's anomaly detection
 *   band for two minutes in a row: a release several times slower than the version before it;
 * - `unhealthyHostsAlarm`: a registered server failed its health checks in the last minute.
 *
 * A release is caught within 3 minutes of its first bad answers (4 for latency): the minute in which it answers (ALB
 * metrics have one datapoint per minute), up to two minutes for CloudWatch to receive it and evaluate the alarm, and,
 * for latency, a second minute. The canary's bake time should be longer (`WebFleet` warns when it is not).
 */
export class ReleaseGate extends Construct {
  /** The web servers' 5XX rate. */
  public readonly target5xxRateAlarm: cloudwatch.Alarm;

  /** The load balancer's own 5XX rate. */
  public readonly elb5xxRateAlarm: cloudwatch.Alarm;

  /** The target response time against its anomaly detection band. */
  public readonly responseTimeAlarm: cloudwatch.Alarm;

  /** Servers that fail their health checks. */
  public readonly unhealthyHostsAlarm: cloudwatch.Alarm;

  /** Every alarm of the gate. */
  public readonly alarms: cloudwatch.IAlarm[];

  /** How long, at most, from a bad release's first answers to an alarm of the gate: 4 minutes. */
  public readonly detectionTime: Duration;

  constructor(scope: Construct, id: string, props: ReleaseGateProps) {
    super(scope, id);
    const errorRate = props.errorRatePercent ?? 1;
    if (!Token.isUnresolved(errorRate) && (typeof errorRate !== 'number' || !(errorRate > 0 && errorRate <= 100))) {
      throw invalidProp('errorRatePercent', errorRate, 'must be a percentage above 0 and at most 100');
    }
    const stdDevs = props.latencyStandardDeviations ?? 3;
    if (!Token.isUnresolved(stdDevs) && (typeof stdDevs !== 'number' || !(stdDevs > 0 && Number.isFinite(stdDevs)))) {
      throw invalidProp('latencyStandardDeviations', stdDevs, 'must be a number of standard deviations above 0');
    }

    // The target group may be attached to its load balancer after the fleet is built: its metrics' dimensions are
    // read at synthesis, and a target group attached to none by then is an error there.
    const dimensions = lazyDimensions(this, props.targetGroup);
    const sum = { statistic: 'Sum', period: GATE_PERIOD };
    const elbMetric = (metricName: string) => gateMetric(metricName, { LoadBalancer: dimensions.LoadBalancer }, sum);
    const tgMetric = (metricName: string, reading: { statistic: string; period: Duration }) => gateMetric(metricName, dimensions, reading);
    const rate = (label: string, errors: cloudwatch.IMetric, requests: cloudwatch.IMetric) => new cloudwatch.MathExpression({
      expression: '100 * FILL(errors, 0) / requests', usingMetrics: { errors, requests }, label, period: GATE_PERIOD,
    });
    const oneMinute = {
      threshold: errorRate,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No requests in a minute is no evidence against the release.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };

    this.target5xxRateAlarm = new cloudwatch.Alarm(this, 'Target5xxRateAlarm', {
      metric: rate('Web server 5XX (% of requests)', tgMetric('HTTPCode_Target_5XX_Count', sum), tgMetric('RequestCount', sum)),
      ...oneMinute,
      alarmDescription: `Release gate: more than ${errorRate}% of the web servers' answers in the last minute were 5XX errors. ` +
        'A release in progress is stopped and rolled back to the previous version.',
    });
    this.elb5xxRateAlarm = new cloudwatch.Alarm(this, 'Elb5xxRateAlarm', {
      metric: rate('Load balancer 5XX (% of requests)', elbMetric('HTTPCode_ELB_5XX_Count'), elbMetric('RequestCount')),
      ...oneMinute,
      alarmDescription: `Release gate: more than ${errorRate}% of the requests in the last minute got a 5XX error from the load balancer ` +
        '(502/504: a server closed a connection or timed out). A release in progress is stopped and rolled back.',
    });
    this.responseTimeAlarm = new cloudwatch.AnomalyDetectionAlarm(this, 'ResponseTimeAlarm', {
      metric: tgMetric('TargetResponseTime', { statistic: 'p90', period: GATE_PERIOD }),
      stdDevs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Release gate: the slowest 10% of answers were above what CloudWatch expects (${stdDevs} standard deviations) for 2 minutes ` +
        'in a row: a release slower than the version before it is stopped and rolled back.',
    });
    this.unhealthyHostsAlarm = new cloudwatch.Alarm(this, 'UnhealthyHostsAlarm', {
      metric: tgMetric('UnHealthyHostCount', { statistic: 'Maximum', period: GATE_PERIOD }),
      ...oneMinute,
      threshold: 0,
      alarmDescription: 'Release gate: a web server failed its load balancer health checks in the last minute. ' +
        'A release in progress is stopped and rolled back.',
    });
    this.alarms = [this.target5xxRateAlarm, this.elb5xxRateAlarm, this.responseTimeAlarm, this.unhealthyHostsAlarm];
    const noActionReason = 'A release gate alarm acts through the instance refresh that watches it (a release in progress is stopped ' +
      'and rolled back), not through a notification: at one minute and 1% it would page on every brief blip outside releases. ' +
      'The tier\'s monitoring alarms, over longer windows, notify the alarm topic.';
    for (const alarm of this.alarms) {
      acknowledge(alarm, 'NIST.800.53.R5-CloudWatchAlarmAction', noActionReason);
      acknowledge(alarm, 'CT.CLOUDWATCH.PR.1', noActionReason);
    }
    this.detectionTime = Duration.minutes(GATE_DETECTION_MINUTES);
  }
}

/** An `AWS/ApplicationELB` metric of the gate. */
function gateMetric(metricName: string, dimensionsMap: Record<string, string>, reading: { statistic: string; period: Duration }): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName, dimensionsMap, ...reading });
}

/**
 * The `LoadBalancer` and `TargetGroup` dimensions of a target group's metrics, read when the template is written;
 * `scope` reports a target group attached to no load balancer by then.
 */
function lazyDimensions(scope: Construct, targetGroup: elbv2.IApplicationTargetGroup): { LoadBalancer: string; TargetGroup: string } {
  const read = (): Record<string, string> | undefined => {
    try {
      return targetGroup.metrics.custom('RequestCount').dimensions as Record<string, string>;
    } catch {
      return undefined; // not attached to a load balancer: reported below
    }
  };
  scope.node.addValidation({
    validate: () => read() ? [] : [`Invalid targetGroup: received ${targetGroup.node.path}, attached to no load balancer; the release ` +
      'gate watches its load balancer\'s metrics: add it to a listener (listener.addTargetGroups) or pass a target group of a load balancer'],
  });
  return {
    LoadBalancer: Lazy.string({ produce: () => read()?.LoadBalancer ?? 'unattached' }),
    TargetGroup: Lazy.string({ produce: () => read()?.TargetGroup ?? 'unattached' }),
  };
}

/** How many alarms a `ReleaseGate` makes (the refresh watches at most 10 in all). */
export const GATE_ALARM_COUNT = 4;

/**
 * The longest time from a bad release's first answers to an alarm of the gate, in minutes: the minute the answers fall
 * in, up to two minutes for CloudWatch to receive the ALB's datapoint and evaluate the alarm, and the second
 * datapoint of the latency alarm.
 */
export const GATE_DETECTION_MINUTES = 4;
