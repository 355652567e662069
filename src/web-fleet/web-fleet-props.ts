import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ImpairedZoneHealthCheckBehavior } from './zonal-resilience';
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
   *
   * @default Duration.minutes(15)
   */
  readonly deployTimeout?: Duration;

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
   * How many web servers to run; CloudFormation resets the group to it on every deploy.
   *
   * @default - `minCapacity` when the fleet cannot scale (`minCapacity` = `maxCapacity`), else `maxCapacity`, so
   * that a deploy never starts the new group below what the old one had scaled out to
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
   * @default true
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
