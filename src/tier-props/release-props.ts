import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ReleaseCheck } from '../application/release-check';

/**
 * The one-liner's release props: how a deploy replaces the web servers (the instance refresh, its canary, bake, alarms and checks).
 */
export interface ZeroDowntimeWebTierReleaseProps {
  /**
   * How long a deploy waits for each new web server to be reported healthy by the load balancer
   * before it fails and rolls back; longer than `healthyThreshold x interval` of the health check plus 210 seconds
   * to launch and boot, at most 12 hours.
   *
   * @default - 15 minutes, or `healthyThreshold x interval` plus 10 minutes when that is longer
   */
  readonly deployTimeout?: Duration;

  /**
   * How long each step of a release (the canary server, then the rest of the fleet) serves under the release gate's
   * watch, after its warmup, before the release goes on or counts as done, up to 48 hours; with the warmup's share of
   * the gate's 4 minutes, less than those 4 minutes warns.
   *
   * @default Duration.seconds(30)
   */
  readonly releaseBakeTime?: Duration;

  /**
   * The shares of the web fleet, in percent, at which a release pauses for `releaseBakeTime`: whole numbers from 1 to
   * 100, ascending, the last one 100.
   *
   * @default - one server first (the canary), then the rest: [50, 100] for 2 servers
   */
  readonly releaseCheckpoints?: number[];

  /**
   * More alarms that stop a release and roll it back while it runs (your application's own), beside the release
   * gate's 4 and the release checks' alarm: at most 10 in all, AWS's limit.
   *
   * @default - the release gate's alarms only
   */
  readonly releaseAlarms?: cloudwatch.IAlarm[];

  /**
   * Requests each new web server must answer correctly (on 127.0.0.1, before it joins the target group) for a release
   * to go on: any failure stops the release and rolls it back at once, before a user request reaches the new version.
   * At most 10; an empty list checks nothing beyond the health page.
   *
   * @default - the application's `releaseChecks` (its main page answers 200)
   */
  readonly releaseChecks?: ReleaseCheck[];

  /**
   * How long a release waits after a new web server is in service before it counts: at least
   * `healthCheck.healthyThreshold x healthCheck.interval`, up to 48 hours.
   *
   * @default - `healthCheck.healthyThreshold x healthCheck.interval` plus the release gate's 4 minutes, so that a bad canary is
   * caught before it replaces an old server
   */
  readonly webInstanceWarmup?: Duration;
}
