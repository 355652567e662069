/**
 * The stand-in for CloudWatch: per-period ALB metrics computed from the requests the drill observed through the
 * stand-in load balancer, and alarms evaluated on them as CloudWatch evaluates alarms.
 *
 * AWS rules followed (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html):
 * - a datapoint per `Period`; the alarm looks at the last `EvaluationPeriods` datapoints and goes to ALARM when at
 *   least `DatapointsToAlarm` of them breach ("M out of N"), to OK otherwise;
 * - `TreatMissingData`: notBreaching counts a missing datapoint as good, breaching as bad, ignore keeps the state
 *   when there is nothing to judge, missing turns INSUFFICIENT_DATA when every datapoint is missing;
 * - ALB metrics have one-minute resolution and a count metric has no datapoint in a period without such requests
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
 *   a period's datapoint exists only once the period is over, so detection takes at least one full period.
 * - a metric a server publishes itself (the release checks' `FailedReleaseChecks`, at a one-second storage
 *   resolution) has a datapoint in each period where it published, the statistic of what it published; a 10-second
 *   alarm on it is a high-resolution alarm, evaluated every 10 seconds
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#high-resolution-alarms).
 * Not modelled: CloudWatch's ingestion delay (seconds to a minute more on AWS) and its alignment of periods to the
 * clock (here periods start with the drill's load).
 */
import { RequestRecord } from './observed-requests';

/** A metric of AWS/ApplicationELB (no `namespace`), or one the servers publish, and its statistic (`Sum`, `Maximum`, `p90` ...). */
export interface MetricRef {
  readonly metricName: string;
  readonly stat: string;
  /** The namespace of a metric the servers publish (PutMetricData); absent for AWS/ApplicationELB. */
  readonly namespace?: string;
}

/** A value a server published (PutMetricData), on the drill's clock. */
export interface PublishedDatapoint {
  readonly atMs: number;
  readonly namespace: string;
  readonly metricName: string;
  readonly value: number;
}

/** What an alarm watches: one metric, or the rate `100 * FILL(errors, 0) / requests`. */
export type GateExpression =
  | { readonly kind: 'metric'; readonly metric: MetricRef }
  | { readonly kind: 'rate'; readonly errors: MetricRef; readonly requests: MetricRef };

/** An `AWS::CloudWatch::Alarm` as the drill evaluates it. */
export interface GateAlarm {
  readonly logicalId: string;
  readonly expression: GateExpression;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold'
  | 'GreaterThanUpperThreshold' | 'LessThanLowerThreshold' | 'LessThanLowerOrGreaterThanUpperThreshold';
  /** Static threshold; undefined for an anomaly detection band. */
  readonly threshold?: number;
  /** `ANOMALY_DETECTION_BAND(m, stdDevs)`: the band's width in standard deviations. */
  readonly stdDevs?: number;
  readonly treatMissingData: 'missing' | 'notBreaching' | 'breaching' | 'ignore';
}

/** How many registered targets were healthy and unhealthy at one moment (the target group's host counts). */
export interface HostSample {
  readonly at: number;
  readonly healthy: number;
  readonly unhealthy: number;
}

/**
 * The band CloudWatch's anomaly detection draws around a metric: the expected value +- stdDevs standard deviations.
 * APPROXIMATION: CloudWatch trains a model on up to two weeks of the metric's history, with daily and weekly
 * patterns (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Anomaly_Detection.html);
 * the drill takes the mean and the standard deviation of the datapoints it observed from the old version before
 * the release, a flat band without seasonality. A few seconds of loopback history know nothing of the noise two
 * weeks hold (a busy neighbour, a slow minute), and a band drawn from them alone is narrower than any CloudWatch
 * would draw: the drill's standard deviation is at least `MIN_RELATIVE_STD_DEV` of the expected value, and at
 * least `MIN_STD_DEV_SECONDS` for a metric in seconds (a p90 of 3 ms on loopback moves by tens of milliseconds
 * whenever a busy 2-core machine boots a server: noise two weeks of history would have put inside the band).
 */
export interface AnomalyModel {
  readonly expected: number;
  readonly stdDev: number;
  readonly trainedOn: number;
}

/** The status the drill's load generator saw for a request answered by a target, not by the load balancer itself. */
const ELB_STATUSES = new Set([502, 503, 504]);

/** The value of `stat` over `values` (nearest-rank percentiles, as CloudWatch's pNN); undefined when empty. */
export function statistic(values: number[], stat: string): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((x, y) => x - y);
  const p = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (p) return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((Number(p[1]) / 100) * sorted.length) - 1))];
  switch (stat) {
    case 'Sum': return sorted.reduce((s, v) => s + v, 0);
    case 'Average': return sorted.reduce((s, v) => s + v, 0) / sorted.length;
    case 'Maximum': return sorted[sorted.length - 1];
    case 'Minimum': return sorted[0];
    case 'SampleCount': return sorted.length;
    default: throw new Error(`statistic ${stat} is not one the drill computes`);
  }
}

/**
 * One metric's datapoint for the period [startMs, endMs), from the requests answered in it and the host samples
 * taken in it. Counts: RequestCount (every HTTP answer), HTTPCode_Target_5XX_Count (500s: the web server's error
 * answer), HTTPCode_ELB_5XX_Count (502/503/504: what the stand-in ALB answers itself); TargetResponseTime in
 * seconds, of the requests a target answered; UnHealthyHostCount and HealthyHostCount from the samples.
 */
export function datapoint(metric: MetricRef, records: RequestRecord[], samples: HostSample[], startMs: number,
  endMs: number, published: PublishedDatapoint[] = []): number | undefined {
  if (metric.namespace !== undefined) {
    return statistic(published.filter((d) => d.namespace === metric.namespace && d.metricName === metric.metricName &&
      d.atMs >= startMs && d.atMs < endMs).map((d) => d.value), metric.stat);
  }
  const answered = records.filter((r) => typeof r.outcome === 'number' && r.doneAt >= startMs && r.doneAt < endMs);
  const count = (keep: (status: number) => boolean) => {
    const n = answered.filter((r) => keep(r.outcome as number)).length;
    // A count metric has no datapoint in a period without such requests: the alarm sees it as missing.
    return n === 0 ? undefined : statistic(Array(n).fill(1), metric.stat === 'Sum' ? 'Sum' : 'SampleCount');
  };
  const hosts = (key: 'healthy' | 'unhealthy') => statistic(samples.filter((s) => s.at >= startMs && s.at < endMs).map((s) => s[key]), metric.stat);
  switch (metric.metricName) {
    case 'RequestCount': return count(() => true);
    case 'HTTPCode_Target_5XX_Count': return count((s) => s >= 500 && s <= 599 && !ELB_STATUSES.has(s));
    case 'HTTPCode_ELB_5XX_Count': return count((s) => ELB_STATUSES.has(s));
    case 'TargetResponseTime':
      return statistic(answered.filter((r) => !ELB_STATUSES.has(r.outcome as number)).map((r) => (r.doneAt - r.sentAt) / 1000), metric.stat);
    case 'UnHealthyHostCount': return hosts('unhealthy');
    case 'HealthyHostCount': return hosts('healthy');
    default: throw new Error(`metric ${metric.metricName} is not one the drill computes from its observations`);
  }
}

/** The alarm's value for a period: its metric, or the rate (missing when there were no requests). */
export function expressionValue(e: GateExpression, records: RequestRecord[], samples: HostSample[], startMs: number,
  endMs: number, published: PublishedDatapoint[] = []): number | undefined {
  if (e.kind === 'metric') return datapoint(e.metric, records, samples, startMs, endMs, published);
  const requests = datapoint(e.requests, records, samples, startMs, endMs);
  if (requests === undefined || requests === 0) return undefined;
  return (100 * (datapoint(e.errors, records, samples, startMs, endMs) ?? 0)) / requests;
}

/** The least standard deviation of the drill's band, as a share of the expected value (see `AnomalyModel`). */
export const MIN_RELATIVE_STD_DEV = 0.5;

/**
 * The least standard deviation of the drill's band for `TargetResponseTime` (seconds; see `AnomalyModel`). The slow
 * version the drill releases answers at least `10 x MIN_STD_DEV_SECONDS` later (`release-scenarios.ts`), well above
 * a 3-sigma band drawn with this floor.
 */
export const MIN_STD_DEV_SECONDS = 0.01;

/** The flat band from the datapoints observed before the release (see `AnomalyModel`). */
export function trainAnomalyModel(values: Array<number | undefined>, minRelativeStdDev = MIN_RELATIVE_STD_DEV,
  minStdDev = 0): AnomalyModel {
  const xs = values.filter((v): v is number => v !== undefined);
  if (xs.length < 2) throw new Error(`an anomaly detection band needs at least 2 datapoints of history, got ${xs.length}`);
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const variance = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1);
  return { expected: mean, stdDev: Math.max(Math.sqrt(variance), minRelativeStdDev * Math.abs(mean), minStdDev), trainedOn: xs.length };
}

/** Whether one datapoint breaches the alarm's threshold or band. */
export function breaches(alarm: GateAlarm, value: number, model?: AnomalyModel): boolean {
  if (alarm.stdDevs !== undefined) {
    if (!model) throw new Error(`${alarm.logicalId}: an anomaly detection band needs a trained model`);
    const upper = model.expected + alarm.stdDevs * model.stdDev;
    const lower = model.expected - alarm.stdDevs * model.stdDev;
    if (alarm.comparison === 'GreaterThanUpperThreshold') return value > upper;
    if (alarm.comparison === 'LessThanLowerThreshold') return value < lower;
    return value > upper || value < lower;
  }
  const t = alarm.threshold!;
  switch (alarm.comparison) {
    case 'GreaterThanThreshold': return value > t;
    case 'GreaterThanOrEqualToThreshold': return value >= t;
    case 'LessThanThreshold': return value < t;
    case 'LessThanOrEqualToThreshold': return value <= t;
    default: throw new Error(`${alarm.logicalId}: ${alarm.comparison} needs an anomaly detection band`);
  }
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** The state after evaluating the last `EvaluationPeriods` datapoints (oldest first; undefined: missing). */
export function evaluate(alarm: GateAlarm, window: Array<number | undefined>, previous: AlarmState, model?: AnomalyModel): AlarmState {
  const last = window.slice(-alarm.evaluationPeriods);
  const present = last.filter((v): v is number => v !== undefined);
  const missing = last.length - present.length;
  let breaching = present.filter((v) => breaches(alarm, v, model)).length;
  if (alarm.treatMissingData === 'breaching') breaching += missing;
  if (present.length === 0 && alarm.treatMissingData === 'ignore') return previous;
  if (present.length === 0 && alarm.treatMissingData === 'missing') return 'INSUFFICIENT_DATA';
  return breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK';
}

/** A change of an alarm's state, on the drill's clock. */
export interface AlarmTransition {
  readonly atMs: number;
  readonly alarm: string;
  readonly from: AlarmState;
  readonly to: AlarmState;
  /** The datapoint of the period that made the change, and when that period started. */
  readonly value: number | undefined;
  readonly periodStartMs: number;
}

/**
 * The gate alarms, evaluated once per period as each period ends (as CloudWatch evaluates an alarm whose period
 * is a minute or more once a minute), from `originMs` on. Band alarms start once `train` has given them a model.
 */
export class CloudWatchAlarms {
  public readonly transitions: AlarmTransition[] = [];
  public readonly models = new Map<string, AnomalyModel>();
  /** Every datapoint evaluated, by alarm. */
  public readonly datapoints = new Map<string, Array<{ readonly startMs: number; readonly value: number | undefined }>>();
  /** What the servers published (PutMetricData). */
  public readonly published: PublishedDatapoint[] = [];
  private readonly states = new Map<string, AlarmState>();
  private readonly next = new Map<string, number>();

  constructor(
    public readonly alarms: GateAlarm[],
    private readonly records: () => RequestRecord[],
    private readonly samples: () => HostSample[],
    private readonly originMs: number,
  ) {
    for (const a of alarms) {
      this.states.set(a.logicalId, 'INSUFFICIENT_DATA');
      this.datapoints.set(a.logicalId, []);
      this.next.set(a.logicalId, 0);
    }
  }

  /** Trains each band alarm on the complete periods before `untilMs`, except the first (the load's start). */
  public train(untilMs: number): void {
    for (const a of this.alarms.filter((x) => x.stdDevs !== undefined)) {
      const p = a.periodSeconds * 1000;
      const complete = Math.floor((untilMs - this.originMs) / p);
      const values = Array.from({ length: Math.max(0, complete - 1) }, (_, i) => this.value(a, i + 1));
      const inSeconds = a.expression.kind === 'metric' && a.expression.metric.metricName === 'TargetResponseTime';
      this.models.set(a.logicalId, trainAnomalyModel(values, MIN_RELATIVE_STD_DEV, inSeconds ? MIN_STD_DEV_SECONDS : 0));
      // Evaluation starts with the periods after the history.
      this.next.set(a.logicalId, Math.max(this.next.get(a.logicalId)!, complete));
    }
  }

  /** Evaluates every period that ended by `nowMs`; returns the alarms in ALARM now. */
  public tick(nowMs: number): string[] {
    for (const a of this.alarms) {
      if (a.stdDevs !== undefined && !this.models.has(a.logicalId)) continue;
      const p = a.periodSeconds * 1000;
      for (let k = this.next.get(a.logicalId)!; this.originMs + (k + 1) * p <= nowMs; k++) {
        const value = this.value(a, k);
        const points = this.datapoints.get(a.logicalId)!;
        points.push({ startMs: this.originMs + k * p, value });
        const from = this.states.get(a.logicalId)!;
        const to = evaluate(a, points.map((x) => x.value), from, this.models.get(a.logicalId));
        if (to !== from) this.transitions.push({ atMs: nowMs, alarm: a.logicalId, from, to, value, periodStartMs: this.originMs + k * p });
        this.states.set(a.logicalId, to);
        this.next.set(a.logicalId, k + 1);
      }
    }
    return this.inAlarm();
  }

  /** A server's PutMetricData. */
  public publish(point: PublishedDatapoint): void {
    this.published.push(point);
  }

  public inAlarm(): string[] {
    return this.alarms.filter((a) => this.states.get(a.logicalId) === 'ALARM').map((a) => a.logicalId);
  }

  private value(a: GateAlarm, k: number): number | undefined {
    const p = a.periodSeconds * 1000;
    return expressionValue(a.expression, this.records(), this.samples(), this.originMs + k * p, this.originMs + (k + 1) * p, this.published);
  }
}
