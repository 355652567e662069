import { RequestRecord } from '../../../src/stand-ins/cloudwatch/observed-requests';

/**
 * A small template of the shape the construct synthesizes (the web group's AutoScalingInstanceRefresh and its gate
 * alarms), for the tests of the drill's template reader; the values are not the construct's (the drill reads those
 * from `synthesizeExample()`): InstanceWarmup 180 s outlasts a detection, the latency band alarms on 3 of 3.
 */
const ALB = 'AWS/ApplicationELB';
const DIMENSIONS = [{ Name: 'LoadBalancer', Value: 'app/drill/0123456789abcdef' }, { Name: 'TargetGroup', Value: 'targetgroup/drill/0123456789abcdef' }];

const metric = (id: string, name: string, stat: string) => ({
  Id: id, MetricStat: { Metric: { Namespace: ALB, MetricName: name, Dimensions: DIMENSIONS }, Period: 60, Stat: stat }, ReturnData: false,
});

/** A 5XX rate alarm: `100 * FILL(errors, 0) / requests` above `threshold` percent. */
function rateAlarm(errors: string, threshold: number) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      Metrics: [metric('errors', errors, 'Sum'), metric('requests', 'RequestCount', 'Sum'),
        { Id: 'rate', Expression: '100 * FILL(errors, 0) / requests', ReturnData: true }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: threshold,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    },
  };
}

export interface FixtureOptions {
  readonly minSize?: number;
  readonly maxSize?: number;
  /** InstanceWarmup, in seconds. @default 180 */
  readonly instanceWarmupSeconds?: number;
}

/** The fixture template: a target group, the web group with its update policy, four gate alarms. */
export function releaseFixtureTemplate(opts: FixtureOptions = {}): Record<string, unknown> {
  return {
    Resources: {
      TargetGroup: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Port: 8000, Protocol: 'HTTP' } },
      WebGroup: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: { MinSize: String(opts.minSize ?? 2), MaxSize: String(opts.maxSize ?? 2), TargetGroupARNs: [{ Ref: 'TargetGroup' }] },
        UpdatePolicy: {
          AutoScalingInstanceRefresh: {
            Strategy: 'Rolling',
            Preferences: {
              MinHealthyPercentage: 100,
              MaxHealthyPercentage: 150,
              InstanceWarmup: opts.instanceWarmupSeconds ?? 180,
              CheckpointPercentages: [50, 100],
              CheckpointDelay: 300,
              BakeTime: 300,
              AlarmSpecification: { Alarms: ['Target5xx', 'Elb5xx', 'Unhealthy', 'Latency'].map((id) => ({ Ref: id })) },
            },
          },
        },
      },
      Target5xx: rateAlarm('HTTPCode_Target_5XX_Count', 5),
      Elb5xx: rateAlarm('HTTPCode_ELB_5XX_Count', 5),
      Unhealthy: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          Namespace: ALB,
          MetricName: 'UnHealthyHostCount',
          Dimensions: DIMENSIONS,
          Statistic: 'Maximum',
          Period: 60,
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          TreatMissingData: 'notBreaching',
        },
      },
      Latency: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          Metrics: [{ ...metric('m1', 'TargetResponseTime', 'p90'), ReturnData: true }, { Id: 'band', Expression: 'ANOMALY_DETECTION_BAND(m1, 3)', ReturnData: true }],
          ThresholdMetricId: 'band',
          ComparisonOperator: 'GreaterThanUpperThreshold',
          // 3 of 3: a noisy period or two (a machine-wide hiccup, which the short drill's 2 s periods magnify) is not a slow release.
          EvaluationPeriods: 3,
          DatapointsToAlarm: 3,
          TreatMissingData: 'notBreaching',
        },
      },
    },
  };
}

export type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; UpdatePolicy?: Record<string, any> }> };

/** The fixture, changed by `edit`. */
export function fixtureWith(edit: (t: Template) => void): Template {
  const t = releaseFixtureTemplate() as Template;
  edit(t);
  return t;
}
export const prefs = (t: Template) => t.Resources.WebGroup.UpdatePolicy!.AutoScalingInstanceRefresh.Preferences;

/** A request answered `status` `ms` after it was sent at `at`. */
export const req = (at: number, status: number, ms = 5): RequestRecord => ({ index: 0, sentAt: at, doneAt: at + ms, outcome: status });
