import { Duration, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { GATE_DETECTION_MINUTES } from './release-gate';
import { checkSecondsInRange, invalidProp, warn } from '../validation';

/**
 * How a release (a change of the launch template: a new version of the application, of the boot files or of the
 * image) rolls through the web fleet: CloudFormation's AutoScalingInstanceRefresh update policy.
 *
 * What AWS does with it (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html):
 * - CloudFormation updates the group in place (same group, name, metrics and alarms) and starts an instance refresh
 *   to the new launch template version; the stack update waits for the refresh and its bake time.
 * - MinHealthyPercentage 100 and MaxHealthyPercentage 200: a new server is launched before an old one is terminated,
 *   and up to the whole fleet at once; the percentages are of the group's current desired capacity, so a fleet
 *   that has scaled out keeps its size (the template names no DesiredCapacity when the fleet can scale).
 * - A new server counts once it is in service (its release checks passed: see release-checks-alarm.ts), the target
 *   group reports it healthy (with ELB health checks on, the refresh waits for them) and InstanceWarmup (at least
 *   healthyThreshold x interval) has passed.
 * - Checkpoints (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-adding-checkpoints-instance-refresh.html):
 *   "Amazon EC2 Auto Scaling paces instance replacements to honor the specified checkpoint percentages while
 *   maintaining the group's minimum healthy percentage": the first batch stops at the first checkpoint's share (one
 *   server: the canary) although MaxHealthyPercentage would allow the whole fleet, then waits CheckpointDelay (the
 *   bake time); the rest of the fleet is then launched together, beside the servers it replaces; BakeTime waits once
 *   more at the end. A rollback at any point replaces only the new servers: the old ones not yet replaced serve on.
 * - Alarms: while the refresh runs, one of them in ALARM fails it; so does a replacement that never becomes healthy.
 * - A failed refresh fails the stack update, and CloudFormation rolls the stack back: the group returns to the
 *   previous launch template version (a numbered version: rollback needs one,
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html) and its servers of the new
 *   version are replaced by servers of the previous one, again launched before the others are terminated. The servers
 *   of the previous version that were never replaced keep serving throughout. The stack ends in UPDATE_ROLLBACK_COMPLETE.
 */
export interface ReleaseSettings {
  /** The web fleet's `maxCapacity`: the canary is one server of the largest fleet. */
  readonly maxCapacity: number;
  /** `releaseBakeTime`. */
  readonly bakeTime?: Duration;
  /** `releaseCheckpoints`. */
  readonly checkpoints?: number[];
  /** The release gate's alarms. */
  readonly gateAlarms: cloudwatch.IAlarm[];
  /** `releaseAlarms`. */
  readonly userAlarms?: cloudwatch.IAlarm[];
  /** `instanceWarmup`. */
  readonly instanceWarmup?: Duration;
  /** How long the load balancer needs to report a new server healthy (healthyThreshold x interval), when known. */
  readonly healthyAfter?: Duration;
}

/**
 * The default `releaseBakeTime`. The warmup already holds every old server until the gate has watched its
 * replacement's traffic for its detection time, and outright failures never reach the traffic (release checks), so
 * the bake only adds a last look with the new servers at their full share: 30 s keeps a release of 3 servers
 * under 20 minutes (`releaseDurations`). After the canary, the next batch's boot and warmup keep the gate watching
 * it for 8 more minutes before any further old server stops.
 */
export const DEFAULT_BAKE_TIME = Duration.seconds(30);

/** The instance refresh's MaxHealthyPercentage: after the canary, the rest of the fleet is replaced at once. */
export const MAX_HEALTHY_PERCENTAGE = 200;

/** AWS's limit on the alarms of one instance refresh (AlarmSpecification). */
export const MAX_RELEASE_ALARMS = 10;

/** AWS's limit on CheckpointDelay and BakeTime: 172800 seconds. */
const MAX_REFRESH_SECONDS = 172800;

/** The first checkpoint: one server of a fleet of `maxCapacity` (at most, the percentage that one server is of it). */
export function canaryPercentage(maxCapacity: number): number {
  return Math.max(1, Math.floor(100 / Math.max(1, maxCapacity)));
}

/** The names the caller's API gives the release settings: `WebFleet`'s, or the one-liner's (`webInstanceWarmup`). */
export interface ReleaseSettingNames {
  readonly instanceWarmup: string;
}

/** The release settings, checked and with their defaults. */
interface ResolvedReleaseSettings {
  readonly bakeTime: Duration;
  readonly checkpoints: number[];
  readonly alarms: cloudwatch.IAlarm[];
  readonly instanceWarmup: Duration;
}

/**
 * Checks the release settings against AWS's rules and fills in their defaults, naming the props as the caller's API
 * does; unresolved values pass.
 */
export function resolveReleaseSettings(settings: ReleaseSettings, names: ReleaseSettingNames = { instanceWarmup: 'instanceWarmup' }): ResolvedReleaseSettings {
  const bakeTime = settings.bakeTime ?? DEFAULT_BAKE_TIME;
  checkSecondsInRange('releaseBakeTime', bakeTime, 0, MAX_REFRESH_SECONDS);
  const checkpoints = settings.checkpoints ?? defaultCheckpoints(settings.maxCapacity);
  checkCheckpoints(checkpoints);
  const userAlarms = settings.userAlarms ?? [];
  if (!Array.isArray(userAlarms)) {
    throw invalidProp('releaseAlarms', userAlarms, 'must be a list of alarms');
  }
  const alarms = [...settings.gateAlarms, ...userAlarms];
  if (alarms.length > MAX_RELEASE_ALARMS) {
    throw invalidProp('releaseAlarms', `${userAlarms.length} alarms`, `an instance refresh watches at most ${MAX_RELEASE_ALARMS} alarms ` +
      `(AWS's limit) and the release gate (with the release checks' alarm) has ${settings.gateAlarms.length}: give at most ` +
      `${MAX_RELEASE_ALARMS - settings.gateAlarms.length}`);
  }
  const instanceWarmup = settings.instanceWarmup ?? defaultWarmup(settings.healthyAfter);
  checkSecondsInRange(names.instanceWarmup, instanceWarmup, 0, MAX_REFRESH_SECONDS);
  const healthyAfter = settings.healthyAfter;
  if (healthyAfter && !healthyAfter.isUnresolved() && !instanceWarmup.isUnresolved() && instanceWarmup.toSeconds() < healthyAfter.toSeconds()) {
    throw invalidProp(names.instanceWarmup, instanceWarmup, `must be at least ${healthyAfter.toSeconds()} seconds, the time the load balancer ` +
      'needs to report a new server healthy (healthyThreshold x interval): a release must not count a server before it serves');
  }
  return { bakeTime, checkpoints, alarms, instanceWarmup };
}

/**
 * How long a new server waits before it counts: the time the load balancer needs to report it healthy, plus the time the
 * gate needs to judge the traffic it then serves. A canary that counts replaces an old server; waiting this long,
 * a bad canary is caught while every server of the previous version still serves, so the rollback only removes it.
 */
function defaultWarmup(healthyAfter: Duration | undefined): Duration {
  if (healthyAfter === undefined || healthyAfter.isUnresolved()) {
    return healthyAfter ?? Duration.seconds(0);
  }
  return Duration.seconds(healthyAfter.toSeconds() + GATE_DETECTION_MINUTES * 60);
}

/** The release's instance refresh, its settings checked; `scope` takes the warnings. */
export function releaseUpdatePolicy(scope: IConstruct, settings: ReleaseSettings,
  names: ReleaseSettingNames = { instanceWarmup: 'instanceWarmup' }): autoscaling.UpdatePolicy {
  const { bakeTime, checkpoints, alarms, instanceWarmup } = resolveReleaseSettings(settings, names);
  const judged = settings.healthyAfter && settings.gateAlarms.length > 0 ? defaultWarmup(settings.healthyAfter) : undefined;
  if (judged && !judged.isUnresolved() && !instanceWarmup.isUnresolved() && instanceWarmup.toSeconds() < judged.toSeconds()) {
    warn(scope, 'instanceWarmupShorterThanGate', `${names.instanceWarmup} is ${instanceWarmup.toHumanString()}: a new server counts (and an old one ` +
      `stops) before the release gate can judge its traffic (${judged.toSeconds()} s: the health checks and ${GATE_DETECTION_MINUTES} minutes), ` +
      'so a bad canary leaves the previous version one server short until the rollback');
  }
  // The gate watches the canary during the part of its warmup after it is healthy, and during the bake.
  const watched = settings.healthyAfter && !settings.healthyAfter.isUnresolved() && !instanceWarmup.isUnresolved()
    ? Math.max(0, instanceWarmup.toSeconds() - settings.healthyAfter.toSeconds()) : 0;
  if (!bakeTime.isUnresolved() && watched + bakeTime.toSeconds() < GATE_DETECTION_MINUTES * 60) {
    warn(scope, 'releaseBakeTimeShorterThanGate',
      `releaseBakeTime is ${bakeTime.toHumanString()}: with the ${watched} s of the warmup after the canary is healthy, shorter than the ` +
      `${GATE_DETECTION_MINUTES} minutes the release gate's alarms need to see a bad release, so a bad canary may be followed by the rest ` +
      'of the fleet before it is caught');
  }
  return autoscaling.UpdatePolicy.instanceRefresh({
    strategy: autoscaling.InstanceRefreshStrategy.ROLLING,
    minHealthyPercentage: 100,
    maxHealthyPercentage: MAX_HEALTHY_PERCENTAGE,
    instanceWarmup,
    checkpointPercentages: checkpoints,
    checkpointDelay: bakeTime,
    bakeTime,
    alarms: alarms.length > 0 ? alarms : undefined,
  });
}

/** One server first (the canary), then the rest; a fleet of one has no canary. */
function defaultCheckpoints(maxCapacity: number): number[] {
  const canary = canaryPercentage(maxCapacity);
  return canary >= 100 ? [100] : [canary, 100];
}

/** Throws unless the checkpoints are whole percentages from 1 to 100, ascending, unique, the last one 100. */
function checkCheckpoints(checkpoints: number[]): void {
  if (!Array.isArray(checkpoints) || checkpoints.length === 0) {
    throw invalidProp('releaseCheckpoints', checkpoints, 'must be a list of percentages of the fleet, such as [50, 100]');
  }
  for (const [index, value] of checkpoints.entries()) {
    if (Token.isUnresolved(value)) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
      throw invalidProp('releaseCheckpoints', checkpoints, `must hold whole percentages from 1 to 100 (element ${index} is ${JSON.stringify(value)})`);
    }
    const previous = checkpoints[index - 1];
    if (index > 0 && !Token.isUnresolved(previous) && value <= previous) {
      throw invalidProp('releaseCheckpoints', checkpoints, 'must be ascending with no repeats (AWS refuses others)');
    }
  }
  const last = checkpoints[checkpoints.length - 1];
  if (!Token.isUnresolved(last) && last !== 100) {
    throw invalidProp('releaseCheckpoints', checkpoints, 'must end with 100: otherwise the release never replaces the whole fleet');
  }
}
