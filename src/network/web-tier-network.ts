import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeNamedZones, resolveAvailabilityZones } from './availability-zones';
import { checkElasticIpQuota } from './elastic-ip-quota';
import { FixedSubnetCidrs } from './fixed-subnet-cidrs';
import { NatGatewayPlacement, resolveNatGatewayPlacement } from './nat-gateway-placement';
import { addS3GatewayEndpoint } from './s3-gateway-endpoint';
import { resolveSubnetLayout, ResolvedSubnetLayout, SubnetGroup, SubnetLayout } from './subnet-layout';
import { acknowledge } from '../acknowledgements';
import { checkPropsObject, checkRetentionDays, invalidProp, warn } from '../validation';

/**
 * Properties of a `WebTierNetwork`.
 */
export interface WebTierNetworkProps {
  /**
   * The VPC block and the five subnet groups, one CIDR per AZ in each.
   *
   * @default - the tutorial's layout: VPC 10.0.0.0/16, ALB 10.0.11-13.0/24, NAT 10.0.21-23.0/24,
   * bastion 10.0.31-33.0/24, web 10.0.41-43.0/24, Redis 10.0.51-53.0/24
   */
  readonly subnetLayout?: SubnetLayout;

  /**
   * One NAT gateway in each AZ, each web subnet routing through the one in its own AZ.
   * With `false`, a single NAT gateway in the first AZ serves every AZ: cheaper, but an outage of that AZ
   * cuts every web server off the internet. Superseded by `natGatewayPlacement` (`true` is PER_AZ, `false` SINGLE).
   *
   * @default true
   */
  readonly natGatewayPerAz?: boolean;

  /**
   * Where the NAT gateways are: one per AZ, a single one, or one regional NAT gateway in no subnet (then the layout's
   * `nat` CIDRs stay reserved, with no subnets in them). Given with `natGatewayPerAz`, the two must agree.
   *
   * @default NatGatewayPlacement.PER_AZ
   */
  readonly natGatewayPlacement?: NatGatewayPlacement;

  /**
   * IPv4 only, or dual-stack: an Amazon-provided IPv6 block on the VPC, a /64 in every subnet, `::/0` routed to the
   * internet gateway from the public subnets and to an egress-only internet gateway from the web subnets. Only web
   * subnets give new network interfaces an IPv6 address (the bastion and Redis stay IPv4; the load balancer takes its
   * own).
   *
   * @default ec2.IpProtocol.IPV4_ONLY
   */
  readonly ipProtocol?: ec2.IpProtocol;

  /**
   * The Availability Zones to use, as many as the subnet layout has CIDRs per group: distinct zone names
   * of the stack's region.
   *
   * @default - the region's first N zones, N the number of CIDRs per group: from the context look-up in an
   * environment-aware stack (refused when the region has fewer than N), else `Fn::GetAZs` at deploy time
   */
  readonly availabilityZones?: string[];

  /**
   * Record the VPC's traffic (accepted and rejected) in VPC flow logs, sent to CloudWatch Logs.
   *
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * How long CloudWatch Logs keeps the flow logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * An S3 gateway endpoint (free) routed from the web and bastion subnets, whose policy lets through only the stack's
   * CDK assets and the Region's Amazon Linux 2023 repositories: the boot downloads skip the NAT gateways' data charge.
   * Other S3 buckets are refused through it: add them with `s3Endpoint.addToPolicy`.
   *
   * @default true
   */
  readonly s3GatewayEndpoint?: boolean;
}

/**
 * The web tier's network: a VPC with an internet gateway, five subnet groups over N AZs
 * (ALB, NAT and bastion public; web private with egress; Redis isolated), and NAT gateways in the NAT subnets
 * (or one regional NAT gateway in no subnet, the NAT group then reserved).
 *
 * Public subnets route `0.0.0.0/0` to the internet gateway; each web subnet routes `0.0.0.0/0` to the NAT gateway
 * of its own AZ (or to the single or regional one); Redis subnets have no route out. No subnet assigns public IPs on
 * launch. Dual-stack, public subnets also route `::/0` to the internet gateway and web subnets to an egress-only one.
 */
export class WebTierNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;


  /** The Availability Zones the subnets are in, in layout order. */
  public readonly availabilityZones: string[];

  /** How many NAT gateways the VPC has. */
  public readonly natGatewayCount: number;

  /** Where the NAT gateways are. */
  public readonly natGatewayPlacement: NatGatewayPlacement;

  /** IPv4 only or dual-stack. */
  public readonly ipProtocol: ec2.IpProtocol;

  /** The egress-only internet gateway the web subnets route `::/0` to; only when dual-stack. */
  public readonly egressOnlyInternetGatewayId?: string;

  /** The NAT gateways' ids, in AZ order. */
  public readonly natGatewayIds: string[];

  /** The VPC flow log, unless `flowLogs` is false. */
  public readonly flowLog?: ec2.FlowLog;

  /** The log group the flow logs go to, unless `flowLogs` is false. */
  public readonly flowLogGroup?: logs.LogGroup;

  /** The S3 gateway endpoint, unless `s3GatewayEndpoint` is false; add your own buckets with `addToPolicy`. */
  public readonly s3Endpoint?: ec2.GatewayVpcEndpoint;

  constructor(scope: Construct, id: string, props: WebTierNetworkProps = {}) {
    super(scope, id);

    checkPropsObject('props', props);
    props = props ?? {};
    const layout: ResolvedSubnetLayout = resolveSubnetLayout(props.subnetLayout);
    const azCount = layout.azCount;
    this.availabilityZones = resolveAvailabilityZones(this, props.availabilityZones, azCount);
    checkRetentionDays('flowLogRetention', props.flowLogRetention);
    this.natGatewayPlacement = resolveNatGatewayPlacement(props.natGatewayPlacement, props.natGatewayPerAz);
    this.ipProtocol = resolveIpProtocol(props.ipProtocol);
    const regional = this.natGatewayPlacement === NatGatewayPlacement.REGIONAL;
    this.natGatewayCount = this.natGatewayPlacement === NatGatewayPlacement.PER_AZ ? azCount : 1;
    if (this.natGatewayPlacement === NatGatewayPlacement.SINGLE) {
      warn(this, 'singleNatGateway', `${props.natGatewayPlacement ? 'natGatewayPlacement is SINGLE' : 'natGatewayPerAz is false'}: ` +
        'one NAT gateway serves every AZ, so an outage of its AZ cuts every web server off the internet (packages, AWS ' +
        'APIs); the README promises a way out in every AZ (PER_AZ or REGIONAL)');
    }
    if (!(props.flowLogs ?? true)) {
      warn(this, 'flowLogsOff', 'flowLogs is false: the VPC\'s traffic is not recorded, so accepted and rejected ' +
        'connections cannot be investigated later; the README promises VPC flow logs');
    }
    checkElasticIpQuota(this);

    const groups = layout.groups;
    const dualStack = this.ipProtocol === ec2.IpProtocol.DUAL_STACK;
    const group = (name: SubnetGroup, subnetType: ec2.SubnetType): ec2.SubnetConfiguration => ({
      name,
      subnetType,
      cidrMask: Number(groups[name][0].split('/')[1]),
      mapPublicIpOnLaunch: subnetType === ec2.SubnetType.PUBLIC ? false : undefined,
      // With a regional NAT gateway the NAT group's CIDRs stay reserved: no subnets, and nothing else moves.
      reserved: name === SubnetGroup.NAT && regional ? true : undefined,
      // Only the web servers take an IPv6 address (their egress goes out through the egress-only gateway).
      ipv6AssignAddressOnCreation: dualStack ? name === SubnetGroup.WEB : undefined,
    });

    const natProvider = regional ? ec2.NatProvider.regionalGateway() : ec2.NatProvider.gateway();
    this.vpc = new ec2.Vpc(this, 'Resource', {
      ipAddresses: new FixedSubnetCidrs(layout, this.availabilityZones),
      availabilityZones: this.availabilityZones,
      // A regional gateway is made by its provider at the VPC's level: CDK warns when it is given either.
      natGateways: regional ? undefined : this.natGatewayCount,
      natGatewaySubnets: regional ? undefined : { subnetGroupName: SubnetGroup.NAT },
      natGatewayProvider: natProvider,
      ...(dualStack ? { ipProtocol: ec2.IpProtocol.DUAL_STACK, ipv6Addresses: ec2.Ipv6Addresses.amazonProvided() } : {}),
      subnetConfiguration: [
        group(SubnetGroup.ALB, ec2.SubnetType.PUBLIC),
        group(SubnetGroup.NAT, ec2.SubnetType.PUBLIC),
        group(SubnetGroup.BASTION, ec2.SubnetType.PUBLIC),
        group(SubnetGroup.WEB, ec2.SubnetType.PRIVATE_WITH_EGRESS),
        group(SubnetGroup.REDIS, ec2.SubnetType.PRIVATE_ISOLATED),
      ],
      // The default security group admits nothing: every part of the tier has its own.
      restrictDefaultSecurityGroup: true,
    });
    acknowledgeNamedZones(this.vpc, this.availabilityZones);
    // CDK removes the default group's rules with a stack-wide custom resource; it is created with this VPC.
    const restrictProvider = Stack.of(this).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    const restrictHandler = restrictProvider?.node.tryFindChild('Handler');
    if (restrictHandler) {
      acknowledge(restrictHandler, 'CT.LAMBDA.PR.3',
        'CDK\'s function that strips the default security group\'s rules runs only during deployments and calls only the ' +
        'EC2 API; placing it in the VPC would give it a network path it does not need.');
    }
    for (const subnet of this.vpc.publicSubnets) {
      acknowledge(subnet, 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        'The ALB, NAT and bastion subnets are public by design: their 0.0.0.0/0 route to the internet gateway is what makes ' +
        'the load balancer reachable and gives the NAT gateways their way out. Web and Redis subnets have no such route.');
    }
    if (dualStack) {
      for (const subnet of this.vpc.selectSubnets({ subnetGroupName: SubnetGroup.WEB }).subnets) {
        acknowledge(subnet, 'NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled',
          'Dual-stack, the web servers take an IPv6 address so that they reach IPv6 destinations without the NAT charge. ' +
          'The subnet routes ::/0 only to an egress-only internet gateway, which lets no connection in from the ' +
          'internet, and the servers\' security group admits only the load balancer and the bastion. No IPv4 is public.');
      }
    }
    // CDK makes the egress-only internet gateway of a dual-stack VPC with private subnets, and routes ::/0 to it.
    const egressOnly = this.vpc.node.tryFindChild('EIGW6') as ec2.CfnEgressOnlyInternetGateway | undefined;
    this.egressOnlyInternetGatewayId = egressOnly?.ref;
    if (props.flowLogs ?? true) {
      [this.flowLog, this.flowLogGroup] = this.addFlowLog(props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR);
    }
    this.natGatewayIds = natProvider.configuredGateways.map(gateway => gateway.gatewayId);
    if (props.s3GatewayEndpoint ?? true) {
      this.s3Endpoint = addS3GatewayEndpoint(this, this.vpc, [this.subnets(SubnetGroup.WEB), this.subnets(SubnetGroup.BASTION)]);
    }
  }

  private addFlowLog(retention: logs.RetentionDays): [ec2.FlowLog, logs.LogGroup] {
    const logGroup = new logs.LogGroup(this, 'FlowLogGroup', { retention });
    const encryptionReason = 'CloudWatch Logs encrypts every log group at rest with keys it manages; flow logs hold ' +
      'addresses and ports, not payloads, so a customer managed KMS key (and its monthly cost) is left to the user.';
    acknowledge(logGroup, 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', encryptionReason);
    acknowledge(logGroup, 'CT.CLOUDWATCH.PR.3', encryptionReason);
    // A managed policy rather than CDK's inline grant, scoped to this one log group.
    // Only flow logs of this account, in this region, may use the role (no confused deputy).
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'ec2', resource: 'vpc-flow-log', resourceName: '*' }) },
        },
      }),
    });
    new iam.ManagedPolicy(this, 'FlowLogPolicy', {
      roles: [role],
      statements: [new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logGroup.logGroupArn],
      })],
    });
    const flowLog = this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup, role.withoutPolicyUpdates()),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    return [flowLog, logGroup];
  }

  /** The subnets of one group, for placing a part of the tier. */
  public subnets(group: SubnetGroup): ec2.SubnetSelection {
    return { subnetGroupName: group };
  }
}

/** `ipProtocol` checked: one of `ec2.IpProtocol`'s two values, IPv4 only when not given. */
export function resolveIpProtocol(ipProtocol: ec2.IpProtocol | undefined, prop = 'ipProtocol'): ec2.IpProtocol {
  ipProtocol = ipProtocol ?? undefined;
  if (ipProtocol !== undefined && !Object.values(ec2.IpProtocol).includes(ipProtocol)) {
    throw invalidProp(prop, ipProtocol, 'must be ec2.IpProtocol.IPV4_ONLY or ec2.IpProtocol.DUAL_STACK');
  }
  return ipProtocol ?? ec2.IpProtocol.IPV4_ONLY;
}
