/**
 * Reads a release's settings out of a synthesized template: the web Auto Scaling group's
 * `UpdatePolicy.AutoScalingInstanceRefresh` and the CloudWatch alarms its `AlarmSpecification` names.
 *
 * Pure: template JSON in, plain values out, so the drill releases with the settings a user would deploy.
 * Key names are CloudFormation's:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html
 */
import { resourcesOf, TemplateResource } from './template-resources';
import { RELEASE_CHECKS_NAMESPACE } from '../../web-fleet/release-checks-alarm';
import { releaseChecksOfGroup } from '../../web-fleet/release-duration';
import { GateAlarm, GateExpression, MetricRef } from '../cloudwatch/alarm';

/** What the instance refresh of a release does, as the template says. */
export interface ReleasePolicy {
  /** Logical id of the web Auto Scaling group (the one with `TargetGroupARNs`). */
  readonly groupLogicalId: string;
  readonly minSize: number;
  readonly maxSize: number;
  /** `DesiredCapacity`; undefined when the template leaves it to the group (a fleet that can scale). */
  readonly desiredCapacity?: number;
  readonly minHealthyPercentage: number;
  readonly maxHealthyPercentage: number;
  readonly instanceWarmupSeconds: number;
  /** `CheckpointPercentages`; `[100]` when absent (no pause before the end). */
  readonly checkpointPercentages: number[];
  readonly checkpointDelaySeconds: number;
  readonly bakeTimeSeconds: number;
  /** The alarms of `AlarmSpecification`, read from their resources; empty when absent. */
  readonly alarms: GateAlarm[];
  /** The release checks each new server runs before it completes its launch (`WEBTIER_RELEASE_CHECKS`); empty: none. */
  readonly releaseChecks: string;
}

type Resource = TemplateResource;

const GROUP = 'AWS::AutoScaling::AutoScalingGroup';
const ALARM = 'AWS::CloudWatch::Alarm';

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

/** A literal number (CloudFormation also accepts numeric strings) in [min, max]. */
function num(where: string, name: string, value: unknown, min: number, max: number, fallback?: number): number {
  const v = value === undefined ? fallback : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    fail(where, `${name} is ${JSON.stringify(value)}, expected a literal number from ${min} to ${max}`);
  }
  return v;
}

/** The web group: the one Auto Scaling group with `TargetGroupARNs`. */
function webGroup(resources: Record<string, Resource>): [string, Resource] {
  const groups = Object.entries(resources).filter(([, r]) => r?.Type === GROUP && r.Properties?.TargetGroupARNs !== undefined);
  if (groups.length !== 1) {
    fail('template', `expected exactly one ${GROUP} with TargetGroupARNs, found ${groups.length}${groups.length ? ` (${groups.map(([id]) => id).join(', ')})` : ''}`);
  }
  return groups[0];
}

/** The release policy of the template's web group. Throws when it has no `AutoScalingInstanceRefresh`, or values the drill cannot model. */
export function readReleasePolicy(template: unknown): ReleasePolicy {
  const resources = resourcesOf(template);
  const [groupLogicalId, group] = webGroup(resources);
  const refresh = group.UpdatePolicy?.AutoScalingInstanceRefresh as { Strategy?: unknown; Preferences?: Record<string, unknown> } | undefined;
  const where = `${groupLogicalId}.UpdatePolicy.AutoScalingInstanceRefresh`;
  if (!refresh) fail(groupLogicalId, 'has no UpdatePolicy.AutoScalingInstanceRefresh; the release scenarios model an instance refresh');
  if (refresh.Strategy !== 'Rolling') fail(where, `Strategy is ${JSON.stringify(refresh.Strategy)}; the drill models "Rolling" only`);
  const p = refresh.Preferences ?? {};
  const props = group.Properties ?? {};
  const minHealthyPercentage = num(where, 'MinHealthyPercentage', p.MinHealthyPercentage, 0, 100, 100);
  const maxHealthyPercentage = num(where, 'MaxHealthyPercentage', p.MaxHealthyPercentage, 100, 200, 110);
  if (minHealthyPercentage !== 100) {
    fail(where, `MinHealthyPercentage is ${minHealthyPercentage}; the drill models launch-before-terminate (100) only`);
  }
  const checkpoints = p.CheckpointPercentages === undefined ? [100]
    : (Array.isArray(p.CheckpointPercentages) ? p.CheckpointPercentages : fail(where, 'CheckpointPercentages is not a list'))
      .map((c: unknown) => num(where, 'CheckpointPercentages[]', c, 1, 100));
  if (checkpoints[checkpoints.length - 1] !== 100 || checkpoints.some((c, i) => i > 0 && c <= checkpoints[i - 1])) {
    fail(where, `CheckpointPercentages ${JSON.stringify(checkpoints)} must rise and end with 100`);
  }
  const alarmRefs = ((p.AlarmSpecification as { Alarms?: unknown[] } | undefined)?.Alarms ?? []);
  return {
    groupLogicalId,
    minSize: num(groupLogicalId, 'MinSize', props.MinSize, 0, 10_000),
    maxSize: num(groupLogicalId, 'MaxSize', props.MaxSize, 0, 10_000),
    desiredCapacity: props.DesiredCapacity === undefined ? undefined : num(groupLogicalId, 'DesiredCapacity', props.DesiredCapacity, 0, 10_000),
    minHealthyPercentage,
    maxHealthyPercentage,
    // Without InstanceWarmup, AWS uses the group's DefaultInstanceWarmup, else its HealthCheckGracePeriod.
    instanceWarmupSeconds: num(where, 'InstanceWarmup', p.InstanceWarmup ?? props.DefaultInstanceWarmup ?? props.HealthCheckGracePeriod, 0, 86_400, 0),
    checkpointPercentages: checkpoints,
    // AWS's default CheckpointDelay is 3600 s (understand-instance-refresh-default-values.html).
    checkpointDelaySeconds: num(where, 'CheckpointDelay', p.CheckpointDelay, 0, 172_800, 3600),
    bakeTimeSeconds: num(where, 'BakeTime', p.BakeTime, 0, 172_800, 0),
    alarms: alarmRefs.map((ref) => readGateAlarm(resources, where, ref)),
    releaseChecks: releaseChecksOfGroup(group, resources),
  };
}

/** One alarm of `AlarmSpecification.Alarms` (a `{ Ref }` to an alarm of the template). */
function readGateAlarm(resources: Record<string, Resource>, where: string, ref: unknown): GateAlarm {
  const id = (ref as { Ref?: unknown })?.Ref;
  if (typeof id !== 'string') fail(where, `AlarmSpecification.Alarms has ${JSON.stringify(ref)}; the drill follows { Ref } to alarms of the template only`);
  const r = resources[id];
  if (r?.Type !== ALARM) fail(where, `AlarmSpecification.Alarms refers to ${id}, which is not an ${ALARM} of the template`);
  const a = r.Properties ?? {};
  const treat = String(a.TreatMissingData ?? 'missing');
  if (!['missing', 'notBreaching', 'breaching', 'ignore'].includes(treat)) fail(id, `TreatMissingData ${JSON.stringify(treat)} is not one CloudWatch knows`);
  const evaluationPeriods = num(id, 'EvaluationPeriods', a.EvaluationPeriods, 1, 100_000);
  const { expression, periodSeconds, stdDevs } = a.Metrics !== undefined ? readMetrics(id, a) : {
    expression: { kind: 'metric' as const, metric: metricRef(id, a) },
    periodSeconds: num(id, 'Period', a.Period, 10, 86_400),
    stdDevs: undefined,
  };
  const comparison = String(a.ComparisonOperator);
  const band = comparison === 'GreaterThanUpperThreshold' || comparison === 'LessThanLowerThreshold' || comparison === 'LessThanLowerOrGreaterThanUpperThreshold';
  if (band !== (stdDevs !== undefined)) fail(id, `ComparisonOperator ${comparison} does not fit ${band ? 'a static threshold' : 'an anomaly detection band'}`);
  if (!band && !['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'].includes(comparison)) {
    fail(id, `ComparisonOperator ${JSON.stringify(comparison)} is not one CloudWatch knows`);
  }
  return {
    logicalId: id,
    expression,
    periodSeconds,
    evaluationPeriods,
    datapointsToAlarm: num(id, 'DatapointsToAlarm', a.DatapointsToAlarm, 1, evaluationPeriods, evaluationPeriods),
    comparison: comparison as GateAlarm['comparison'],
    threshold: band ? undefined : num(id, 'Threshold', a.Threshold, -1e12, 1e12),
    stdDevs,
    treatMissingData: treat as GateAlarm['treatMissingData'],
  };
}

/**
 * A `MetricStat.Metric` or the alarm's own `Namespace`/`MetricName`/`Statistic`: ALB metrics, and the release checks'
 * metric that the servers publish (its dimensions name the one fleet the drill runs).
 */
function metricRef(id: string, m: Record<string, unknown>, stat?: unknown): MetricRef {
  if (m.Namespace !== 'AWS/ApplicationELB' && m.Namespace !== RELEASE_CHECKS_NAMESPACE) {
    fail(id, `namespace ${JSON.stringify(m.Namespace)}: the drill computes AWS/ApplicationELB metrics and ${RELEASE_CHECKS_NAMESPACE} only`);
  }
  const s = String(stat ?? m.ExtendedStatistic ?? m.Statistic);
  if (!/^(Sum|Average|Maximum|Minimum|SampleCount|p\d+(\.\d+)?)$/.test(s)) fail(id, `statistic ${JSON.stringify(s)} is not one the drill computes`);
  return { metricName: String(m.MetricName), stat: s, ...(m.Namespace === RELEASE_CHECKS_NAMESPACE ? { namespace: RELEASE_CHECKS_NAMESPACE } : {}) };
}

/** Metric math: the rate form `100 * FILL(errors, 0) / requests`, or `ANOMALY_DETECTION_BAND(m, k)` with `ThresholdMetricId`. */
function readMetrics(id: string, a: Record<string, unknown>): { expression: GateExpression; periodSeconds: number; stdDevs?: number } {
  const queries = (Array.isArray(a.Metrics) ? a.Metrics : []) as Array<Record<string, unknown>>;
  const byId = new Map(queries.map((q) => [String(q.Id), q]));
  const stat = (qid: string) => {
    const ms = byId.get(qid)?.MetricStat as { Metric?: Record<string, unknown>; Period?: unknown; Stat?: unknown } | undefined;
    if (!ms?.Metric) fail(id, `metric ${qid} has no MetricStat`);
    return { metric: metricRef(id, ms.Metric, ms.Stat), periodSeconds: num(id, `${qid}.MetricStat.Period`, ms.Period, 10, 86_400) };
  };
  const bandId = a.ThresholdMetricId;
  if (bandId !== undefined) {
    const m = /^\s*ANOMALY_DETECTION_BAND\(\s*(\w+)\s*,\s*([\d.]+)\s*\)\s*$/.exec(String(byId.get(String(bandId))?.Expression ?? ''));
    if (!m) fail(id, `ThresholdMetricId ${bandId} is not an ANOMALY_DETECTION_BAND(metric, stdDevs) expression`);
    const s = stat(m[1]);
    return { expression: { kind: 'metric', metric: s.metric }, periodSeconds: s.periodSeconds, stdDevs: Number(m[2]) };
  }
  const returned = queries.filter((q) => q.ReturnData !== false);
  if (returned.length !== 1 || typeof returned[0].Expression !== 'string') fail(id, 'expected one returned expression in Metrics');
  const rate = /^\s*100\s*\*\s*FILL\(\s*(\w+)\s*,\s*0\s*\)\s*\/\s*(\w+)\s*$/.exec(returned[0].Expression as string);
  if (!rate) fail(id, `expression ${JSON.stringify(returned[0].Expression)}: the drill evaluates "100 * FILL(errors, 0) / requests" only`);
  const [errors, requests] = [stat(rate[1]), stat(rate[2])];
  if (errors.periodSeconds !== requests.periodSeconds) fail(id, 'the rate\'s two metrics have different periods');
  return { expression: { kind: 'rate', errors: errors.metric, requests: requests.metric }, periodSeconds: errors.periodSeconds };
}
