import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { WebApplication } from './application/web-application';
import { Bastion } from './bastion/bastion';
import { RedisCache } from './cache/redis-cache';
import { WebTierFirewall } from './firewall/web-tier-firewall';
import { WebHealthCheck } from './load-balancer/web-health-check';
import { WebLoadBalancer } from './load-balancer/web-load-balancer';
import { WebTierMonitoring } from './monitoring/web-tier-monitoring';
import { SubnetLayout } from './network/subnet-layout';
import { WebTierNetwork } from './network/web-tier-network';
import { placeInNetwork, placeInVpc, WebTierPlacement, WebTierSubnets } from './network/web-tier-subnets';
import { checkPropsObject } from './validation';
import { WebFleet } from './web-fleet/web-fleet';
import { checkTierProps, webFleetSettingsOf } from './zero-downtime-web-tier-checks';

/**
 * Properties of a `ZeroDowntimeWebTier`. Every one is optional: the defaults build the tutorial's architecture.
 */
export interface ZeroDowntimeWebTierProps {
  /**
   * A VPC you already have, to run the tier in: the tier then makes no VPC, subnets, NAT gateways or flow log
   * (and so no NAT alarms), and `subnetLayout`, `natGatewayPerAz`, `availabilityZones`, `flowLogs` and
   * `flowLogRetention` must not be given.
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
   * that every AZ routes through.
   *
   * @default true
   */
  readonly natGatewayPerAz?: boolean;

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
   * The fewest web servers.
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
   * How many web servers to run; CloudFormation resets the group to it on every deploy.
   *
   * @default - `webMinCapacity` when the fleet cannot scale (`webMinCapacity` = `webMaxCapacity`), else
   * `webMaxCapacity`, so that a deploy never starts the new group below what the old one had scaled out to
   */
  readonly webDesiredCapacity?: number;

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
   * Average CPU utilization, in percent, that target-tracking scaling keeps the web fleet at,
   * between `webMinCapacity` (2 or more) and `webMaxCapacity`.
   *
   * @default - no scaling policy
   */
  readonly webCpuTargetUtilization?: number;

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
   * The Redis node type, `cache.<family>.<size>` of a current-generation family (encryption in transit and at rest).
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
}

/**
 * 15 minutes, or 10 minutes of boot time past the earliest moment a new server can be reported healthy
 * when a slow health check needs longer.
 */
function defaultDeployTimeout(healthyAfter: Duration): Duration {
  const fifteenMinutes = Duration.minutes(15);
  if (healthyAfter.isUnresolved() || healthyAfter.toSeconds() + 600 <= fifteenMinutes.toSeconds()) {
    return fifteenMinutes;
  }
  return Duration.seconds(healthyAfter.toSeconds() + 600);
}

/**
 * A web tier on EC2 that keeps serving when a web server dies, in one line:
 *
 * a VPC with five subnet groups over three AZs and a NAT gateway per AZ (`WebTierNetwork`),
 * an internet-facing Application Load Balancer (`WebLoadBalancer`) in front of an Auto Scaling group
 * of web servers in private subnets (`WebFleet`), a bastion with a stable Elastic IP (`Bastion`)
 * and ElastiCache Redis (`RedisCache`), with security groups that open only the tutorial's paths.
 * Given `vpc`, it runs in that VPC instead and builds no network of its own.
 */
export class ZeroDowntimeWebTier extends Construct {
  /** The network: VPC, subnets, internet and NAT gateways; none when `vpc` is given. */
  public readonly network?: WebTierNetwork;

  /** The VPC: the one the tier built, or the one given as `vpc`. */
  public readonly vpc: ec2.IVpc;

  /** The load balancer part: ALB, listener, target group. */
  public readonly webLoadBalancer: WebLoadBalancer;

  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;

  /** The listener that forwards to the web servers: HTTPS on 443 with a certificate, else HTTP on 80. */
  public readonly listener: elbv2.ApplicationListener;

  /** The target group of the web servers. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The web servers part: Auto Scaling group, launch template, user-data. */
  public readonly webFleet: WebFleet;

  /** The web servers' Auto Scaling group. */
  public readonly webAutoScalingGroup: autoscaling.AutoScalingGroup;

  /** The bastion part: Auto Scaling group and Elastic IP. */
  public readonly bastion: Bastion;

  /** The bastion's Auto Scaling group. */
  public readonly bastionAutoScalingGroup: autoscaling.AutoScalingGroup;

  /** The Redis part: replication group, subnet group, security group. */
  public readonly cache: RedisCache;

  /** The Redis primary endpoint's address. */
  public readonly cacheEndpointAddress: string;

  /** The Redis port. */
  public readonly cachePort: number;

  /** The web ACL made by `firewall`; undefined without it. */
  public readonly webAcl?: wafv2.CfnWebACL;

  /** Alarms and dashboard, unless `monitoring` is false. */
  public readonly monitoring?: WebTierMonitoring;

  /**
   * The worst-case time from a web server's death until the load balancer stops routing to it,
   * `interval x unhealthyThreshold + timeout` of the health check.
   */
  public readonly failoverWindow: Duration;

  constructor(scope: Construct, id: string, props: ZeroDowntimeWebTierProps = {}) {
    super(scope, id);
    checkPropsObject('props', props);
    props = props ?? {};
    checkTierProps(this, props);

    let subnets: WebTierPlacement;
    if (props.vpc) {
      this.vpc = props.vpc;
      subnets = placeInVpc(this, props.vpc, props.subnets);
    } else {
      const network = new WebTierNetwork(this, 'Network', {
        subnetLayout: props.subnetLayout,
        natGatewayPerAz: props.natGatewayPerAz,
        availabilityZones: props.availabilityZones,
        flowLogs: props.flowLogs,
        flowLogRetention: props.flowLogRetention,
      });
      this.network = network;
      this.vpc = network.vpc;
      subnets = placeInNetwork(network);
    }

    const application = props.application ?? WebApplication.helloCounter();
    this.webLoadBalancer = new WebLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      vpcSubnets: subnets.alb,
      webPort: props.webPort ?? application.port,
      healthCheck: { ...props.healthCheck, path: props.healthCheck?.path ?? application.healthCheckPath },
      deregistrationDelay: props.deregistrationDelay,
      anomalyMitigation: props.anomalyMitigation,
      slowStart: props.slowStart,
      certificate: props.certificate,
      accessLogs: props.accessLogs,
      accessLogsRetention: props.accessLogsRetention,
      deletionProtection: props.loadBalancerDeletionProtection,
      webAclArn: props.webAclArn,
      firewall: props.firewall,
      domainName: props.domainName,
      hostedZone: props.hostedZone,
    });
    const healthyAfter = this.webLoadBalancer.healthyAfter;

    this.cache = new RedisCache(this, 'Cache', {
      vpc: this.vpc,
      vpcSubnets: subnets.redis,
      nodeType: props.redisNodeType,
      replicas: props.redisReplicas,
      multiAz: props.redisMultiAz,
      snapshotRetentionDays: props.redisSnapshotRetentionDays,
    });

    const keyPair = props.sshPublicKey === undefined ? undefined
      : new ec2.KeyPair(this, 'KeyPair', { publicKeyMaterial: props.sshPublicKey });

    this.webFleet = new WebFleet(this, 'WebFleet', {
      vpc: this.vpc,
      vpcSubnets: subnets.web,
      redis: this.cache,
      application,
      applicationLogs: props.applicationLogs,
      applicationLogRetention: props.applicationLogRetention,
      ...webFleetSettingsOf(props),
      deployTimeout: props.deployTimeout ?? defaultDeployTimeout(healthyAfter),
      targetGroup: this.webLoadBalancer.targetGroup,
      keyPair,
    });

    this.bastion = new Bastion(this, 'Bastion', {
      vpc: this.vpc,
      vpcSubnets: subnets.bastion,
      instanceType: props.bastionInstanceType,
      keyPair,
    });

    // The tutorial's paths, and no others: ALB -> web (registering in the target group opened it),
    // bastion -> web (SSH), web -> Redis, you -> bastion (SSH).
    this.webFleet.connections.allowFrom(this.bastion, ec2.Port.tcp(22), 'SSH from the bastion');
    this.webFleet.connections.allowToDefaultPort(this.cache, 'Redis from the web servers');
    this.bastion.allowSshAccessFrom(...(props.sshAllowedCidrs ?? []).map(cidr => ec2.Peer.ipv4(cidr)));

    if (props.monitoring ?? true) {
      this.monitoring = new WebTierMonitoring(this, 'Monitoring', {
        loadBalancer: this.webLoadBalancer.loadBalancer,
        targetGroup: this.webLoadBalancer.targetGroup,
        autoScalingGroup: this.webFleet.autoScalingGroup,
        minCapacity: this.webFleet.minCapacity,
        replicationGroupId: this.cache.replicationGroup.ref,
        redisNodeCount: this.cache.nodeCount,
        natGatewayIds: this.network?.natGatewayIds ?? [],
        availabilityZones: this.network?.availabilityZones ?? this.vpc.selectSubnets(subnets.web).availabilityZones,
        alarmTopic: props.alarmTopic,
        createAlarmTopic: props.alarmTopic === undefined,
        webAcl: this.webLoadBalancer.webAcl,
      });
    }

    this.loadBalancer = this.webLoadBalancer.loadBalancer;
    this.listener = this.webLoadBalancer.listener;
    this.targetGroup = this.webLoadBalancer.targetGroup;
    this.webAutoScalingGroup = this.webFleet.autoScalingGroup;
    this.bastionAutoScalingGroup = this.bastion.autoScalingGroup;
    this.cacheEndpointAddress = this.cache.endpointAddress;
    this.cachePort = this.cache.port;
    this.failoverWindow = this.webLoadBalancer.failoverWindow;
    this.webAcl = this.webLoadBalancer.webAcl;

    new CfnOutput(this, 'LoadBalancerDnsName', {
      description: 'DNS name of the Application Load Balancer',
      value: this.loadBalancer.loadBalancerDnsName,
    });
    const host = props.domainName ?? this.loadBalancer.loadBalancerDnsName;
    const https = props.certificate !== undefined || props.domainName !== undefined;
    new CfnOutput(this, 'LoadBalancerUrl', {
      description: `${props.application ? 'The application' : 'The hello page'}, ${props.domainName !== undefined ? 'at your domain' : 'through the load balancer'}`,
      value: `${https ? 'https' : 'http'}://${host}${props.application ? '/' : '/cgi-bin/hello.py'}`,
    });
    new CfnOutput(this, 'BastionElasticIp', {
      description: 'The Elastic IP the bastion keeps across replacements',
      value: this.bastion.elasticIp.ref,
    });
    new CfnOutput(this, 'RedisEndpoint', {
      description: 'Redis primary endpoint (address:port)',
      value: `${this.cache.endpointAddress}:${this.cache.port}`,
    });
  }
}
