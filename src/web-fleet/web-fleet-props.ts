import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ImpairedZoneHealthCheckBehavior } from './zonal-resilience';
import type { ReleaseCheck } from '../application/release-check';
import { WebApplication } from '../application/web-application';
import { IRedisConnection } from '../cache/redis-cache';

/**
 * Properties of a `WebFleet`.
 */
export interface WebFleetProps {
  /** The VPC to run the web servers in. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the web servers run: private subnets with a route to a NAT gateway.
   *
   * @default - the subnets of the `Web` group
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The load balancer's target group: the servers register in it, and a new server counts as ready
   * (signals CloudFormation) only once this target group reports it healthy.
   *
   * @default - not registered anywhere; a new server counts as ready once its own health page answers
   */
  readonly targetGroup?: elbv2.IApplicationTargetGroup;

  /**
   * How long a deploy waits for each new server to become ready before it fails and rolls back, up to 12 hours;
   * longer than the 210 seconds a server needs to launch and boot (plus the time the target group needs to report it healthy).
   * A server whose boot has not finished by then (up to 2 hours) is abandoned.
   *
   * @default Duration.minutes(15)
   */
  readonly deployTimeout?: Duration;

  /**
   * How long each step of a release (the canary, then each further checkpoint, and the whole fleet at the end) serves
   * under the release gate's watch, after its warmup, before the release goes on or counts as done, up to 48 hours
   * (AWS's limit); with the warmup's share of the gate's 4 minutes, less than those 4 minutes warns.
   *
   * @default Duration.seconds(30)
   */
  readonly releaseBakeTime?: Duration;

  /**
   * The shares of the fleet, in percent, at which a release pauses for `releaseBakeTime`: whole numbers from 1 to 100,
   * ascending, the last one 100.
   *
   * @default - one server first (the canary: 100 / maxCapacity percent, rounded down), then the rest: [50, 100] for 2 servers
   */
  readonly releaseCheckpoints?: number[];

  /**
   * More alarms that stop a release and roll it back while it runs (your application's own error or latency alarms),
   * beside the release gate's 4 (`releaseGate`) and the release checks' alarm: at most 10 in all, AWS's limit.
   *
   * @default - the release gate's alarms only
   */
  readonly releaseAlarms?: cloudwatch.IAlarm[];

  /**
   * Requests each new server must answer correctly (on 127.0.0.1, before it joins the target group) for a release to
   * go on: any failure stops the release and rolls it back at once, before a user request reaches the new version.
   * At most 10; an empty list checks nothing beyond the health page.
   *
   * @default - the application's `releaseChecks` (its main page answers 200)
   */
  readonly releaseChecks?: ReleaseCheck[];

  /**
   * How long a release waits after a new server is in service before it counts and the next one is replaced: at least
   * the time the target group needs to report it healthy (`healthyThreshold x interval`), up to 48 hours.
   *
   * @default - `healthyThreshold x interval` of the target group's health check plus the release gate's 4 minutes, so that a bad
   * canary is caught before it replaces an old server; 0 without a target group
   */
  readonly instanceWarmup?: Duration;

  /**
   * Average CPU utilization, in percent from 1 to 100, that target-tracking scaling keeps the fleet at,
   * between `minCapacity` (2 or more) and `maxCapacity`.
   *
   * @default - no scaling policy: the fleet stays at its capacity
   */
  readonly cpuTargetUtilizationPercent?: number;

  /**
   * The Redis the application talks to (a `RedisCache`, or anything that implements `IRedisConnection`):
   * its endpoint, port, TLS flag and AUTH token reach the application's environment file, the servers may read
   * that one secret at boot, and may connect to it.
   *
   * @default - no Redis: the `REDIS_*` variables are empty
   */
  readonly redis?: IRedisConnection;

  /**
   * The web application the servers run.
   *
   * @default WebApplication.helloCounter()
   */
  readonly application?: WebApplication;

  /**
   * Ship the application's standard output and error to a CloudWatch Logs log group of the fleet
   * (`logGroup`), through the CloudWatch agent.
   *
   * @default true
   */
  readonly applicationLogs?: boolean;

  /**
   * How long CloudWatch Logs keeps the application's logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly applicationLogRetention?: logs.RetentionDays;

  /**
   * The port the web servers listen on, from 1024 to 65535 (the app runs unprivileged); when the application names
   * its own `port`, the two must agree.
   *
   * @default - the application's `port`, else 8000
   */
  readonly webPort?: number;

  /**
   * The web servers' instance type, `<family>.<size>`.
   *
   * @default t3.micro
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * The servers' image: a Linux AMI of the instance type's architecture. Patch by changing it (or, for the default,
   * by refreshing the pinned image: see docs/configuration.md, "Images and patching").
   *
   * @default - Amazon Linux 2023 of the instance type's architecture: pinned in `cdk.context.json` when the stack
   * names its account and region (no deploy replaces a server unasked), else read by CloudFormation at every deploy
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * The fewest web servers; 2 or more keeps serving while one is lost. With `staticStability` the group runs enough
   * that losing any one AZ still leaves this many.
   *
   * @default 2
   */
  readonly minCapacity?: number;

  /**
   * The most web servers.
   *
   * @default - 2, or `minCapacity` when that is larger
   */
  readonly maxCapacity?: number;

  /**
   * How many web servers to run; CloudFormation sets the group to it on every deploy that changes it, even after the
   * fleet has scaled.
   *
   * @default - none: the group starts at `minCapacity`, and a deploy keeps the capacity the fleet has scaled to
   */
  readonly desiredCapacity?: number;

  /**
   * The key pair for SSH through the bastion.
   *
   * @default - no key: reach the servers with SSM Session Manager
   */
  readonly keyPair?: ec2.IKeyPair;

  /**
   * Time after launch before failed load-balancer health checks make the group replace a server,
   * from 0 to 7200 seconds; covers the boot script installing packages.
   *
   * @default Duration.minutes(5)
   */
  readonly healthCheckGracePeriod?: Duration;

  /**
   * Keep enough servers that losing any one AZ still leaves `minCapacity` (static stability): `minCapacity +
   * ceil(minCapacity / (AZs - 1))`, so 2 over three AZs becomes 3, one per AZ; `maxCapacity` and `desiredCapacity` rise
   * to it when lower.
   *
   * @default - true with the `WebTierFeatureFlags.WEB_STATIC_STABILITY` flag (new apps), false without it
   */
  readonly staticStability?: boolean;

  /**
   * Register the group with ARC zonal shift: during a zonal shift (started by you, or by zonal autoshift and its practice
   * runs), the group launches only in the other AZs and does not scale in.
   *
   * @default true
   */
  readonly zonalShift?: boolean;

  /**
   * What the group does with servers that fail health checks in the AZ of an active zonal shift; only with `zonalShift`.
   *
   * @default ImpairedZoneHealthCheckBehavior.REPLACE_UNHEALTHY - replaced, in the healthy AZs
   */
  readonly impairedZoneHealthCheckBehavior?: ImpairedZoneHealthCheckBehavior;
}
