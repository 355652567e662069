import { Duration, Token } from 'aws-cdk-lib';
import { checkIntegerInRange, invalidProp } from '../validation';

/**
 * How one alarm of `WebTierMonitoring` behaves. Every alarm has one prop of this type: leave it out to get
 * the alarm with its defaults, set a field to change just that, or set `enabled: false` to have no alarm.
 *
 * The unit of `threshold` is the alarm's own: a number of instances, a percentage, seconds or a count,
 * as the prop that takes these options says.
 */
export interface WebTierAlarmOptions {
  /**
   * Whether to create the alarm at all.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The value the alarm compares its metric with, in the alarm's unit; 0 or more, and 100 at most for a percentage.
   *
   * @default - the alarm's own, given on its prop
   */
  readonly threshold?: number;

  /**
   * How many of the most recent periods the alarm looks at, 1 or more
   * (at most one day's worth of the alarm's period).
   *
   * @default - the alarm's own, given on its prop
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of those periods must breach the threshold to go to ALARM, from 1 to `evaluationPeriods`.
   *
   * @default - the alarm's own, given on its prop, or `evaluationPeriods` when that is fewer
   */
  readonly datapointsToAlarm?: number;
}

/** What an alarm uses when its options leave a field out. */
export interface AlarmDefaults {
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** The length of one period; fixed, part of the alarm's design. */
  readonly period: Duration;
  /** The threshold is a percentage: it may not exceed 100. */
  readonly percentage?: boolean;
}

/** An enabled alarm's settings, every field filled in and checked. */
export interface ResolvedAlarmOptions {
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly period: Duration;
}

/**
 * Fills in the options of one alarm from its defaults and checks them, naming the fields `<prop>.<field>`.
 * Returns `undefined` when the alarm is turned off. Unresolved tokens pass unchecked.
 */
export function resolveAlarmOptions(
  prop: string, options: WebTierAlarmOptions | undefined, defaults: AlarmDefaults,
): ResolvedAlarmOptions | undefined {
  const given = options ?? {};
  const threshold = given.threshold ?? defaults.threshold;
  if (!Token.isUnresolved(threshold)) {
    if (!Number.isFinite(threshold) || threshold < 0) {
      throw invalidProp(`${prop}.threshold`, threshold, 'must be a number, 0 or more');
    }
    if (defaults.percentage && threshold > 100) {
      throw invalidProp(`${prop}.threshold`, threshold, 'is a percentage: must be from 0 to 100');
    }
  }

  const periodsPerDay = Math.floor(Duration.days(1).toSeconds() / defaults.period.toSeconds());
  const evaluationPeriods = given.evaluationPeriods ?? defaults.evaluationPeriods;
  checkIntegerInRange(`${prop}.evaluationPeriods`, evaluationPeriods, 1, periodsPerDay);

  const datapointsToAlarm = given.datapointsToAlarm
    ?? (Token.isUnresolved(evaluationPeriods) ? defaults.datapointsToAlarm : Math.min(defaults.datapointsToAlarm, evaluationPeriods));
  if (!Token.isUnresolved(evaluationPeriods)) {
    checkIntegerInRange(`${prop}.datapointsToAlarm`, datapointsToAlarm, 1, evaluationPeriods);
  }

  if (given.enabled === false) {
    return undefined;
  }
  return { threshold, evaluationPeriods, datapointsToAlarm, period: defaults.period };
}
