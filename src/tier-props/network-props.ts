import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NatGatewayPlacement } from '../network/nat-gateway-placement';
import { SubnetLayout } from '../network/subnet-layout';
import { WebTierSubnets } from '../network/web-tier-subnets';

/**
 * The one-liner's network props: the VPC the tier builds (`WebTierNetwork`) or the one it runs in.
 */
export interface ZeroDowntimeWebTierNetworkProps {
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
   * the stack's CDK assets and the Region's Amazon Linux 2023 repositories; not with `vpc` (docs/configuration.md, "S3 gateway endpoint").
   *
   * @default true
   */
  readonly s3GatewayEndpoint?: boolean;
}
