import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { WebApplication } from './application/web-application';
import { Bastion } from './bastion/bastion';
import { RedisCache } from './cache/redis-cache';
import { nameCallerProps } from './caller-names';
import { WebLoadBalancer } from './load-balancer/web-load-balancer';
import { WebZonalAutoshift } from './load-balancer/zonal-autoshift';
import { WebTierMonitoring } from './monitoring/web-tier-monitoring';
import { WebTierNetwork } from './network/web-tier-network';
import { placeInNetwork, placeInVpc, WebTierPlacement } from './network/web-tier-subnets';
import { checkPropsObject } from './validation';
import { WebFleet } from './web-fleet/web-fleet';
import { checkTierProps, TIER_PART_NAMES, webFleetSettingsOf } from './zero-downtime-web-tier-checks';
import { ZeroDowntimeWebTierProps } from './zero-downtime-web-tier-props';

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

  /** Zonal autoshift of the load balancer, with `zonalAutoshift`; its practice runs end on one composite of the 5XX and latency alarms. */
  public readonly zonalAutoshift?: WebZonalAutoshift;

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
    nameCallerProps(this, TIER_PART_NAMES);

    const dualStack = props.ipProtocol === ec2.IpProtocol.DUAL_STACK;
    let subnets: WebTierPlacement;
    if (props.vpc) {
      this.vpc = props.vpc;
      subnets = placeInVpc(this, props.vpc, props.subnets, { applicationLogs: props.applicationLogs, dualStack });
    } else {
      const network = new WebTierNetwork(this, 'Network', {
        subnetLayout: props.subnetLayout,
        natGatewayPerAz: props.natGatewayPerAz,
        natGatewayPlacement: props.natGatewayPlacement,
        ipProtocol: props.ipProtocol,
        availabilityZones: props.availabilityZones,
        flowLogs: props.flowLogs,
        flowLogRetention: props.flowLogRetention,
        s3GatewayEndpoint: props.s3GatewayEndpoint,
      });
      this.network = network;
      this.vpc = network.vpc;
      subnets = placeInNetwork(network);
    }

    const application = props.application ?? WebApplication.helloCounter();
    this.webLoadBalancer = new WebLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      vpcSubnets: subnets.alb,
      ipAddressType: dualStack ? elbv2.IpAddressType.DUAL_STACK : undefined,
      webPort: props.webPort ?? application.port,
      healthCheck: { ...props.healthCheck, path: props.healthCheck?.path ?? application.healthCheckPath },
      deregistrationDelay: props.deregistrationDelay,
      anomalyMitigation: props.anomalyMitigation,
      slowStart: props.slowStart,
      zonalShift: props.zonalShift,
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
      engine: props.redisEngine,
      engineVersion: props.redisEngineVersion,
      nodeType: props.redisNodeType,
      replicas: props.redisReplicas,
      multiAz: props.redisMultiAz,
      snapshotRetentionDays: props.redisSnapshotRetentionDays,
      removalPolicy: props.redisRemovalPolicy,
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
      machineImage: props.machineImage,
      staticStability: props.webStaticStability,
      zonalShift: props.zonalShift,
      impairedZoneHealthCheckBehavior: props.webImpairedZoneHealthCheckBehavior,
      deployTimeout: props.deployTimeout ?? defaultDeployTimeout(healthyAfter),
      releaseBakeTime: props.releaseBakeTime,
      releaseCheckpoints: props.releaseCheckpoints,
      releaseAlarms: props.releaseAlarms,
      releaseChecks: props.releaseChecks,
      instanceWarmup: props.webInstanceWarmup,
      targetGroup: this.webLoadBalancer.targetGroup,
      keyPair,
    });

    this.bastion = new Bastion(this, 'Bastion', {
      vpc: this.vpc,
      vpcSubnets: subnets.bastion,
      instanceType: props.bastionInstanceType,
      machineImage: props.bastionMachineImage ?? props.machineImage,
      keyPair,
    });

    // The tutorial's paths, and no others: ALB -> web (registering in the target group opened it),
    // bastion -> web (SSH), web -> Redis, you -> bastion (SSH).
    this.webFleet.connections.allowFrom(this.bastion, ec2.Port.tcp(22), 'SSH from the bastion');
    this.webFleet.connections.allowToDefaultPort(this.cache, 'Redis from the web servers');
    this.bastion.allowSshAccessFrom(...(props.sshAllowedCidrs ?? []).map(cidr => ec2.Peer.ipv4(cidr)));
    if (dualStack) {
      // Dual-stack, the web servers' IPv6 traffic goes out through the egress-only internet gateway (no NAT charge).
      this.webFleet.securityGroup.addEgressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443),
        'HTTPS out over IPv6: packages, SSM and AWS APIs through the egress-only internet gateway');
    }

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

    if (props.zonalAutoshift && this.monitoring) {
      const m = this.monitoring;
      this.zonalAutoshift = new WebZonalAutoshift(this, 'ZonalAutoshift', {
        ...props.zonalAutoshift,
        loadBalancer: this.webLoadBalancer.loadBalancer,
        outcomeAlarms: [m.elb5xxAlarm, m.target5xxAlarm, m.responseTimeAlarm].filter((a): a is cloudwatch.Alarm => a !== undefined),
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
