import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { checkAlbSubnetSizes, checkInternetFacing, checkIpv6Subnets, checkWebReach } from './existing-vpc-checks';
import { SubnetGroup } from './subnet-layout';
import { WebTierNetwork } from './web-tier-network';
import { invalidProp } from '../validation';
import type { ZeroDowntimeWebTierProps } from '../zero-downtime-web-tier-props';

/**
 * Where each part of the tier runs in a VPC you bring (`ZeroDowntimeWebTierProps.vpc`).
 * Every selection must reach 2 or more Availability Zones; web and Redis must not select public subnets.
 */
export interface WebTierSubnets {
  /**
   * The subnets of the internet-facing load balancer.
   *
   * @default - the VPC's public subnets
   */
  readonly alb?: ec2.SubnetSelection;

  /**
   * The subnets the bastion may run in; it needs a route to the internet gateway to claim its Elastic IP.
   *
   * @default - the VPC's public subnets
   */
  readonly bastion?: ec2.SubnetSelection;

  /**
   * The subnets of the web servers: private, with a route out (NAT) for packages and AWS APIs.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly web?: ec2.SubnetSelection;

  /**
   * The subnets of ElastiCache Redis: private.
   *
   * @default - the VPC's isolated subnets, or its private subnets with egress when it has no isolated ones
   */
  readonly redis?: ec2.SubnetSelection;
}

/** The four placements of the tier's parts, each one given. */
export interface WebTierPlacement {
  readonly alb: ec2.SubnetSelection;
  readonly bastion: ec2.SubnetSelection;
  readonly web: ec2.SubnetSelection;
  readonly redis: ec2.SubnetSelection;
}

/** Where each part goes in the network the tier builds: its own subnet group. */
export function placeInNetwork(network: WebTierNetwork): WebTierPlacement {
  return {
    alb: network.subnets(SubnetGroup.ALB),
    bastion: network.subnets(SubnetGroup.BASTION),
    web: network.subnets(SubnetGroup.WEB),
    redis: network.subnets(SubnetGroup.REDIS),
  };
}

/** The parts that must not sit in public subnets. */
const PRIVATE_PARTS: Array<keyof WebTierPlacement> = ['web', 'redis'];

/**
 * Where each part goes in a VPC the user brings: the given selections, the defaults for the rest,
 * each checked to reach 2 or more AZs and, for web and Redis, to select no public subnet.
 */
export function placeInVpc(scope: Construct, vpc: ec2.IVpc, subnets: WebTierSubnets = {},
  options: { applicationLogs?: boolean; dualStack?: boolean } = {}): WebTierPlacement {
  const placement: WebTierPlacement = {
    alb: subnets.alb ?? { subnetType: ec2.SubnetType.PUBLIC },
    bastion: subnets.bastion ?? { subnetType: ec2.SubnetType.PUBLIC },
    web: subnets.web ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    redis: subnets.redis ?? {
      subnetType: vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS,
    },
  };
  for (const part of Object.keys(placement) as Array<keyof WebTierPlacement>) {
    checkSelection(scope, vpc, `subnets.${part}`, placement[part], PRIVATE_PARTS.includes(part), subnets[part] === undefined);
  }
  checkReach(scope, vpc, placement, options.applicationLogs ?? true);
  if (options.dualStack) {
    checkIpv6Subnets('subnets.alb', vpc.selectSubnets(placement.alb).subnets,
      'ipProtocol is DUAL_STACK: a dual-stack load balancer needs an IPv6 CIDR in each of its subnets');
  }
  return placement;
}

/** What each part must reach through its subnets' routes, where they can be known (`existing-vpc-checks.ts`). */
function checkReach(scope: Construct, vpc: ec2.IVpc, placement: WebTierPlacement, applicationLogs: boolean): void {
  const alb = vpc.selectSubnets(placement.alb).subnets;
  checkInternetFacing(vpc, 'subnets.alb', alb, 'the load balancer faces the internet, and is unreachable from it otherwise');
  checkAlbSubnetSizes('subnets.alb', alb);
  checkInternetFacing(vpc, 'subnets.bastion', vpc.selectSubnets(placement.bastion).subnets,
    'the bastion reaches the EC2 API to claim its Elastic IP, and is reached over that address');
  checkWebReach(scope, vpc, 'subnets.web', vpc.selectSubnets(placement.web).subnets, applicationLogs);
}

function checkSelection(
  scope: Construct, vpc: ec2.IVpc, prop: string, selection: ec2.SubnetSelection, mustBePrivate: boolean, isDefault: boolean,
): void {
  const received = isDefault ? `the default, ${selection.subnetType} subnets` : describeSelection(selection);
  let selected: ec2.SelectedSubnets;
  try {
    selected = vpc.selectSubnets(selection);
  } catch (e) {
    throw invalidProp(prop, received, `must select subnets of the VPC: ${(e as Error).message}`);
  }
  const zones = distinctZones(scope, selected.subnets);
  if (zones < 2) {
    throw invalidProp(prop, received,
      `must select subnets in 2 or more Availability Zones, so the tier survives the loss of one; it selects ${selected.subnets.length} subnet(s) in ${zones} zone(s)`);
  }
  if (mustBePrivate) {
    const publicIds = new Set(vpc.publicSubnets.map(subnet => subnet.subnetId));
    const publicOnes = selected.subnets.filter(subnet => vpc.publicSubnets.includes(subnet) || publicIds.has(subnet.subnetId));
    if (selection.subnetType === ec2.SubnetType.PUBLIC || publicOnes.length > 0) {
      throw invalidProp(prop, received, 'must not select public subnets: only the load balancer and the bastion face the internet');
    }
  }
}

/**
 * How many different AZs the subnets are in. A zone not known at synthesis (a token, as in an environment-agnostic
 * stack) counts by its CloudFormation expression: `Fn::Select` 0 and 1 of `Fn::GetAZs` are two zones.
 */
function distinctZones(scope: Construct, subnets: ec2.ISubnet[]): number {
  const stack = Stack.of(scope);
  return new Set(subnets.map(subnet => {
    const zone = subnet.availabilityZone;
    return Token.isUnresolved(zone) ? JSON.stringify(stack.resolve(zone)) : zone;
  })).size;
}

/** A selection as plain data for an error message (subnets by id): a selection may hold constructs. */
function describeSelection(selection: ec2.SubnetSelection): Record<string, unknown> {
  return {
    ...(selection.subnetType !== undefined ? { subnetType: selection.subnetType } : {}),
    ...(selection.subnetGroupName !== undefined ? { subnetGroupName: selection.subnetGroupName } : {}),
    ...(selection.availabilityZones !== undefined ? { availabilityZones: selection.availabilityZones } : {}),
    ...(selection.subnets !== undefined ? { subnets: selection.subnets.map(subnet => subnet.subnetId) } : {}),
    ...(selection.onePerAz !== undefined ? { onePerAz: selection.onePerAz } : {}),
  };
}

/** The facade's props that shape the network, for `checkNetworkChoice`. */
export type NetworkChoice = Pick<ZeroDowntimeWebTierProps,
'vpc' | 'subnets' | 'subnetLayout' | 'natGatewayPerAz' | 'natGatewayPlacement' | 'availabilityZones' | 'flowLogs' | 'flowLogRetention' | 's3GatewayEndpoint'>;

/**
 * Throws when props that shape the network the tier builds come with `vpc` (the tier builds none then),
 * or when `subnets` comes without `vpc`.
 */
export function checkNetworkChoice(props: NetworkChoice): void {
  if (props.vpc === undefined) {
    if (props.subnets !== undefined) {
      throw invalidProp('subnets', Object.keys(props.subnets),
        'must come with vpc: without it the tier builds its own network and places each part in its own subnet group');
    }
    return;
  }
  const buildOnly = ['subnetLayout', 'natGatewayPerAz', 'natGatewayPlacement', 'availabilityZones', 'flowLogs', 'flowLogRetention', 's3GatewayEndpoint'] as const;
  for (const prop of buildOnly) {
    if (props[prop] !== undefined && props[prop] !== null) {
      throw invalidProp(prop, props[prop],
        'must not be given with vpc: in a VPC you bring the tier makes no VPC, subnets, NAT gateways or flow log, so it has nothing to apply it to');
    }
  }
}
