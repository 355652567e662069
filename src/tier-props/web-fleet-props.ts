import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { WebApplication } from '../application/web-application';
import { ImpairedZoneHealthCheckBehavior } from '../web-fleet/zonal-resilience';

/**
 * The one-liner's web fleet props: what the web servers run and how many (`WebFleet`), and how they ride out the loss of an AZ.
 */
export interface ZeroDowntimeWebTierFleetProps {
  /**
   * The web application the web servers run: your own with `WebApplication.fromDirectory('./app', { startCommand })`.
   *
   * @default WebApplication.helloCounter() - the tutorial's `/cgi-bin/hello.py` and `/cgi-bin/ping.py`
   */
  readonly application?: WebApplication;

  /**
   * Ship the application's standard output and error to a CloudWatch Logs group (`webFleet.logGroup`).
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
   * The port the web servers listen on, from 1024 to 65535: the app runs unprivileged (clients still reach the load
   * balancer on 80 and 443).
   *
   * @default - the application's `port`, else 8000
   */
  readonly webPort?: number;

  /**
   * The web servers' instance type, `<family>.<size>`.
   *
   * @default t3.micro
   */
  readonly webInstanceType?: ec2.InstanceType;

  /**
   * The fewest web servers that must keep serving, even while one AZ is lost; with `webStaticStability` the group runs
   * enough for that (2 over three AZs: 3).
   *
   * @default 2
   */
  readonly webMinCapacity?: number;

  /**
   * The most web servers.
   *
   * @default - 2, or `webMinCapacity` when that is larger
   */
  readonly webMaxCapacity?: number;

  /**
   * How many web servers to run; CloudFormation sets the group to it on every deploy that changes it, even after the
   * fleet has scaled (a warning says so when the fleet can scale).
   *
   * @default - none: the group starts at `webMinCapacity`, and a deploy keeps the capacity the fleet has scaled to
   */
  readonly webDesiredCapacity?: number;

  /**
   * Average CPU utilization, in percent, that target-tracking scaling keeps the web fleet at,
   * between `webMinCapacity` (2 or more) and `webMaxCapacity`.
   *
   * @default - no scaling policy
   */
  readonly webCpuTargetUtilization?: number;

  /**
   * The image of the web servers and the bastion: a Linux AMI of their instance types' architecture. Patch on
   * purpose by giving a newer one, or, with the default, by refreshing the pinned image (docs/configuration.md, "Images and patching").
   *
   * @default - Amazon Linux 2023 of each instance type's architecture: pinned in `cdk.context.json` when the stack
   * names its account and region (no deploy replaces a server unasked), else read by CloudFormation at every deploy
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * Run enough web servers that losing any one AZ still leaves `webMinCapacity` (static stability): 2 over three AZs
   * becomes 3, one per AZ. See docs/cost.md for what it adds.
   *
   * @default - true with the `WebTierFeatureFlags.WEB_STATIC_STABILITY` flag (new apps), false without it
   */
  readonly webStaticStability?: boolean;

  /**
   * ARC zonal shift for the load balancer and the web Auto Scaling group: a shift you (or zonal autoshift) start moves
   * both the traffic and the group's launches out of the impaired AZ.
   *
   * @default true
   */
  readonly zonalShift?: boolean;

  /**
   * What the web group does with servers that fail health checks in the AZ of an active zonal shift; needs `zonalShift`.
   *
   * @default ImpairedZoneHealthCheckBehavior.REPLACE_UNHEALTHY - replaced, in the healthy AZs
   */
  readonly webImpairedZoneHealthCheckBehavior?: ImpairedZoneHealthCheckBehavior;
}
