import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { ReleaseCheck } from './application/release-check';
import { WebApplication } from './application/web-application';
import { CacheEngine } from './cache/cache-engine';
import { WebTierFirewall } from './firewall/web-tier-firewall';
import { WebHealthCheck } from './load-balancer/web-health-check';
import { WebZonalAutoshiftOptions } from './load-balancer/zonal-autoshift';
import { NatGatewayPlacement } from './network/nat-gateway-placement';
import { SubnetLayout } from './network/subnet-layout';
import { WebTierSubnets } from './network/web-tier-subnets';
import { ImpairedZoneHealthCheckBehavior } from './web-fleet/zonal-resilience';

/**
 * Properties of a `ZeroDowntimeWebTier`. Every one is optional: the defaults build the tutorial's architecture.
 */
export interface ZeroDowntimeWebTierProps {
  /**
   * A VPC you already have, to run the tier in: the tier then makes no VPC, subnets, NAT gateways, flow log or S3
   * endpoint (and so no NAT alarms), and `subnetLayout`, `natGatewayPerAz`, `natGatewayPlacement`, `availabilityZones`, `flowLogs`,
   * `flowLogRetention` and `s3GatewayEndpoint` must not be given.
   *
   * @default - a new VPC, laid out by `subnetLayout` (`WebTierNetwork`)
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where each part runs in `vpc`; only with `vpc`. Each selection must reach 2 or more AZs, and web and Redis
   * must not select public subnets.
   *
   * @default - load balancer and bastion in the public subnets, web servers in the private subnets with egress,
   * Redis in the isolated subnets (or the private ones with egress when there are no isolated subnets)
   */
  readonly subnets?: WebTierSubnets;

  /**
   * The VPC block and the five subnet groups (ALB, NAT, bastion, web, Redis), one CIDR per AZ in each.
   *
   * @default - VPC 10.0.0.0/16, ALB 10.0.11-13.0/24, NAT 10.0.21-23.0/24, bastion 10.0.31-33.0/24,
   * web 10.0.41-43.0/24, Redis 10.0.51-53.0/24
   */
  readonly subnetLayout?: SubnetLayout;

  /**
   * One NAT gateway per AZ, each web subnet routing through its own AZ's; `false` gives a single NAT gateway
   * that every AZ routes through. Superseded by `natGatewayPlacement` (`true` is PER_AZ, `false` SINGLE).
   *
   * @default true
   */
  readonly natGatewayPerAz?: boolean;

  /**
   * Where the NAT gateways are: one per AZ (the tutorial's), a single one, or one regional NAT gateway in no subnet
   * (then no NAT subnets are made and the layout's `nat` CIDRs stay reserved). Given with `natGatewayPerAz`, the two
   * must agree; not with `vpc`.
   *
   * @default NatGatewayPlacement.PER_AZ
   */
  readonly natGatewayPlacement?: NatGatewayPlacement;

  /**
   * IPv4 only, or dual-stack: IPv6 clients reach the load balancer (dual-stack, its ports open to `::/0`) and the web
   * servers reach IPv6 destinations through an egress-only internet gateway, with no NAT charge. In a VPC the tier
   * builds it is also dual-stack (an Amazon-provided /56, a /64 per subnet); with `vpc`, the load balancer's subnets
   * must have IPv6 CIDRs. The bastion and the cache stay IPv4.
   *
   * @default ec2.IpProtocol.IPV4_ONLY
   */
  readonly ipProtocol?: ec2.IpProtocol;

  /**
   * The Availability Zones, as many as the subnet layout has CIDRs per group: distinct zone names of the stack's region.
   *
   * @default - the region's first N zones: from the context look-up in an environment-aware stack (refused when the
   * region has fewer), else `Fn::GetAZs` at deploy time
   */
  readonly availabilityZones?: string[];

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
   * How the load balancer checks the web servers.
   *
   * @default - the application's `healthCheckPath` (`/cgi-bin/ping.py` for the hello counter) every 30 s, timeout 3 s, healthy after 2 passes, unhealthy after 2 failures
   */
  readonly healthCheck?: WebHealthCheck;

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
   * Run enough web servers that losing any one AZ still leaves `webMinCapacity` (static stability): 2 over three AZs
   * becomes 3, one per AZ. See the README's Cost table for what it adds.
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

  /**
   * Zonal autoshift for the load balancer (`{}` for the defaults): AWS shifts traffic out of an AZ it sees impaired, and
   * runs a weekly practice shift that the tier's 5XX and latency alarms end early. Needs `zonalShift` and `monitoring`.
   *
   * @default - off: no autoshift, no practice runs; you can still start a zonal shift yourself
   */
  readonly zonalAutoshift?: WebZonalAutoshiftOptions;

  /**
   * How long a web server leaving the target group keeps its open requests.
   *
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * Route around a target that fails more requests than the others before its health checks catch up: the target
   * group's weighted random algorithm with anomaly mitigation. AWS applies it with 3 or more healthy targets only.
   *
   * @default false
   */
  readonly anomalyMitigation?: boolean;

  /**
   * Ramp a new target's share of requests up over this time (30 to 900 seconds) instead of sending it a full share at
   * once; AWS refuses it together with `anomalyMitigation`.
   *
   * @default - no slow start: a new target gets its full share once healthy
   */
  readonly slowStart?: Duration;

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

  /**
   * Average CPU utilization, in percent, that target-tracking scaling keeps the web fleet at,
   * between `webMinCapacity` (2 or more) and `webMaxCapacity`.
   *
   * @default - no scaling policy
   */
  readonly webCpuTargetUtilization?: number;

  /**
   * The image of the web servers and the bastion: a Linux AMI of their instance types' architecture. Patch on
   * purpose by giving a newer one, or, with the default, by refreshing the pinned image (README, "Patching").
   *
   * @default - Amazon Linux 2023 of each instance type's architecture: pinned in `cdk.context.json` when the stack
   * names its account and region (no deploy replaces a server unasked), else read by CloudFormation at every deploy
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * The bastion's image, when it differs from `machineImage` (for example an x86_64 bastion beside Graviton web servers).
   *
   * @default - `machineImage`, else Amazon Linux 2023 as for the web servers
   */
  readonly bastionMachineImage?: ec2.IMachineImage;

  /**
   * The bastion's instance type, `<family>.<size>`.
   *
   * @default t3.nano
   */
  readonly bastionInstanceType?: ec2.InstanceType;

  /**
   * An SSH public key, the one line of an OpenSSH `.pub` file (RSA or ED25519, the types EC2 imports), installed on the
   * bastion and the web servers, for SSH through the bastion. A private key is refused.
   *
   * @default - no key pair: reach the instances with SSM Session Manager
   */
  readonly sshPublicKey?: string;

  /**
   * CIDR blocks allowed to SSH into the bastion, such as your own address as `203.0.113.7/32`.
   *
   * @default - none: the bastion admits no SSH until you name a CIDR or call `bastion.allowSshAccessFrom`
   */
  readonly sshAllowedCidrs?: string[];

  /**
   * The cache engine, Valkey or Redis OSS (the same protocol). Moving a deployed stack from Redis OSS to Valkey
   * upgrades it in place and keeps its endpoint; there is no way back (README, "Cache engine").
   *
   * @default - CacheEngine.VALKEY with the `WebTierFeatureFlags.CACHE_ENGINE_VALKEY` flag (new apps), else REDIS_OSS
   */
  readonly redisEngine?: CacheEngine;

  /**
   * The cache engine version: for Valkey 7.2, 8.0, 8.1, 8.2 or 9.0; for Redis OSS 4.0.10 to 7.1.
   *
   * @default - "8.2" for Valkey, "7.1" for Redis OSS
   */
  readonly redisEngineVersion?: string;

  /**
   * The Redis node type, `cache.<family>.<size>`, of a current-generation family (encryption in transit and at rest)
   * and a size that exists for it.
   *
   * @default "cache.t3.micro"
   */
  readonly redisNodeType?: string;

  /**
   * Redis read replicas beside the primary, from 0 to 5; 0 gives the tutorial's single node, without failover.
   *
   * @default 1
   */
  readonly redisReplicas?: number;

  /**
   * Keep the Redis primary and replicas in different AZs with automatic failover; needs a replica.
   *
   * @default - true with replicas, false for a single node
   */
  readonly redisMultiAz?: boolean;

  /**
   * Days to keep Redis's daily automatic snapshots, from 0 to 35.
   *
   * @default 15
   */
  readonly redisSnapshotRetentionDays?: number;

  /**
   * What CloudFormation does with the cache when it leaves the stack (`cdk destroy`) or is replaced: `SNAPSHOT`
   * deletes it after a final snapshot, `RETAIN` keeps it running outside the stack, `DESTROY` deletes its data.
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly redisRemovalPolicy?: RemovalPolicy;

  /**
   * An ACM certificate: adds HTTPS on 443 with a recommended TLS policy and redirects port 80 to it.
   *
   * @default - HTTP only on port 80, as in the tutorial
   */
  readonly certificate?: acm.ICertificate;

  /**
   * Write the load balancer's access logs to an encrypted, SSL-only, private S3 bucket.
   *
   * @default true
   */
  readonly accessLogs?: boolean;

  /**
   * How long the access-log bucket keeps each log.
   *
   * @default Duration.days(90)
   */
  readonly accessLogsRetention?: Duration;

  /**
   * Protect the load balancer from deletion (then `cdk destroy` fails until you turn it off).
   *
   * @default false
   */
  readonly loadBalancerDeletionProtection?: boolean;

  /**
   * The ARN of a regional AWS WAFv2 web ACL (in the stack's region) to associate with the load balancer; not with `firewall`.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * An AWS WAF firewall for the load balancer, such as `WebTierFirewall.managedRules({ rateLimit: 2000 })`;
   * adds a blocked-requests alarm and graph to the monitoring. Not with `webAclArn`.
   *
   * @default - no firewall
   */
  readonly firewall?: WebTierFirewall;

  /**
   * The domain the tier is served at over HTTPS, such as `shop.example.com`; needs `hostedZone` or `certificate`.
   *
   * @default - the load balancer's own DNS name, over HTTP unless `certificate` is given
   */
  readonly domainName?: string;

  /**
   * The Route 53 hosted zone of `domainName`: gets the alias record and validates the certificate made for the domain.
   *
   * @default - no DNS records
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * Alarms (lost redundancy, 5XX rates, latency, Redis, and NAT when the tier builds its VPC) and a CloudWatch
   * dashboard for the tier.
   *
   * @default true
   */
  readonly monitoring?: boolean;

  /**
   * The SNS topic every alarm notifies, on alarm and on OK; it must let CloudWatch publish to it.
   *
   * @default - a topic encrypted with a KMS key that CloudWatch may use; subscribe to `monitoring.alarmTopic`
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Record the VPC's traffic in flow logs sent to CloudWatch Logs.
   *
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * How long CloudWatch Logs keeps the flow logs, one of `logs.RetentionDays`.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * An S3 gateway endpoint (free) in the tier's VPC, routed from the web and bastion subnets, that lets through only
   * the stack's CDK assets and the Region's Amazon Linux 2023 repositories; not with `vpc` (README, "S3 gateway endpoint").
   *
   * @default true
   */
  readonly s3GatewayEndpoint?: boolean;
}
