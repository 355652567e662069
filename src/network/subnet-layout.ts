import { Token } from 'aws-cdk-lib';
import { checkVpcRange, contains, Ipv4Block, overlaps, parseCidr } from './cidr';
import { checkList, checkPropsObject, invalidProp } from '../validation';

/**
 * The address plan of the web tier's VPC: the VPC block and five subnet groups,
 * each a list of CIDR blocks with one block per Availability Zone.
 *
 * The number of AZs is the length of the lists; every group must have the same length, at least 2.
 */
export interface SubnetLayout {
  /**
   * The VPC's IPv4 CIDR block, from /16 to /28.
   *
   * @default "10.0.0.0/16"
   */
  readonly vpcCidr?: string;

  /**
   * Public subnets of the Application Load Balancer, one per AZ, each /27 or larger (the ALB needs 8 free addresses per subnet).
   *
   * @default ["10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"]
   */
  readonly alb?: string[];

  /**
   * Public subnets of the NAT gateways, one per AZ; reserved (no subnets made) with a regional NAT gateway.
   *
   * @default ["10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"]
   */
  readonly nat?: string[];

  /**
   * Public subnets of the bastion host, one per AZ.
   *
   * @default ["10.0.31.0/24", "10.0.32.0/24", "10.0.33.0/24"]
   */
  readonly bastion?: string[];

  /**
   * Private subnets of the web servers, one per AZ; each routes to the internet through a NAT gateway.
   *
   * @default ["10.0.41.0/24", "10.0.42.0/24", "10.0.43.0/24"]
   */
  readonly web?: string[];

  /**
   * Private subnets of ElastiCache Redis, one per AZ; they have no route to the internet.
   *
   * @default ["10.0.51.0/24", "10.0.52.0/24", "10.0.53.0/24"]
   */
  readonly redis?: string[];
}

/** The names of the subnet groups that `WebTierNetwork` creates; the parts select their subnets by these names. */
export enum SubnetGroup {
  /** Public subnets of the Application Load Balancer. */
  ALB = 'ALB',
  /** Public subnets of the zonal NAT gateways (none with a regional NAT gateway). */
  NAT = 'NAT',
  /** Public subnets of the bastion host. */
  BASTION = 'Bastion',
  /** Private subnets (egress through NAT) of the web servers. */
  WEB = 'Web',
  /** Isolated subnets of ElastiCache Redis. */
  REDIS = 'Redis',
}

/** A subnet layout with every field filled in and checked. */
export interface ResolvedSubnetLayout {
  readonly vpcCidr: string;
  /** Subnet CIDRs per group, in AZ order. */
  readonly groups: Record<SubnetGroup, string[]>;
  readonly azCount: number;
}

const GROUP_FIELDS: Array<[keyof SubnetLayout, SubnetGroup]> = [
  ['alb', SubnetGroup.ALB],
  ['nat', SubnetGroup.NAT],
  ['bastion', SubnetGroup.BASTION],
  ['web', SubnetGroup.WEB],
  ['redis', SubnetGroup.REDIS],
];

const TUTORIAL_THIRD_OCTETS: Record<SubnetGroup, number> = {
  [SubnetGroup.ALB]: 10,
  [SubnetGroup.NAT]: 20,
  [SubnetGroup.BASTION]: 30,
  [SubnetGroup.WEB]: 40,
  [SubnetGroup.REDIS]: 50,
};

/** The tutorial's CIDRs of one group over three AZs: 10.0.G1.0/24, 10.0.G2.0/24, 10.0.G3.0/24. */
function tutorialGroup(group: SubnetGroup): string[] {
  return [1, 2, 3].map(az => `10.0.${TUTORIAL_THIRD_OCTETS[group] + az}.0/24`);
}

/**
 * Fills in the tutorial's defaults and checks the layout: every block a valid CIDR inside the VPC,
 * no two subnets overlapping, every group the same length, at least 2 AZs, a VPC prefix from /16 to /28.
 */
export function resolveSubnetLayout(layout: SubnetLayout | undefined): ResolvedSubnetLayout {
  checkPropsObject('subnetLayout', layout);
  layout = layout ?? {};
  const vpcCidr = layout.vpcCidr ?? '10.0.0.0/16';
  const groups = {} as Record<SubnetGroup, string[]>;
  for (const [field, group] of GROUP_FIELDS) {
    const cidrs = layout[field] ?? undefined;
    checkList(`subnetLayout.${field}`, cidrs, '["10.0.11.0/24", "10.0.12.0/24"]');
    groups[group] = (cidrs as string[] | undefined) ?? tutorialGroup(group);
  }
  if (Token.isUnresolved(vpcCidr)) {
    throw invalidProp('subnetLayout.vpcCidr', vpcCidr, 'must be a literal CIDR block: the subnets are checked against it at synth time');
  }
  const vpc = parseCidr('subnetLayout.vpcCidr', vpcCidr);
  if (vpc.prefix < 16 || vpc.prefix > 28) {
    throw invalidProp('subnetLayout.vpcCidr', vpcCidr, 'must have a prefix from /16 to /28 (the VPC sizes AWS allows)');
  }
  checkVpcRange('subnetLayout.vpcCidr', vpc);

  const lengths = GROUP_FIELDS.map(([field, group]) => `${field}: ${groups[group].length}`);
  const azCount = groups[SubnetGroup.ALB].length;
  for (const [field, group] of GROUP_FIELDS) {
    if (groups[group].length !== azCount) {
      throw invalidProp(`subnetLayout.${field}`, groups[group], `every subnet group must list one CIDR per AZ, the same number in each group (got ${lengths.join(', ')})`);
    }
  }
  if (azCount < 2) {
    throw invalidProp('subnetLayout.alb', groups[SubnetGroup.ALB], 'every subnet group needs at least 2 CIDRs, one per AZ: an ALB and a zero-downtime fleet need 2 AZs or more');
  }

  const seen: Array<{ name: string; block: Ipv4Block }> = [];
  for (const [field, group] of GROUP_FIELDS) {
    groups[group].forEach((cidr, index) => {
      const name = `subnetLayout.${field}[${index}]`;
      if (Token.isUnresolved(cidr)) {
        throw invalidProp(name, cidr, 'must be a literal CIDR block: subnets are checked for overlap at synth time');
      }
      const block = parseCidr(name, cidr);
      if (block.prefix < 16 || block.prefix > 28) {
        throw invalidProp(name, cidr, 'must have a prefix from /16 to /28 (the subnet sizes AWS allows)');
      }
      if (group === SubnetGroup.ALB && block.prefix > 27) {
        throw invalidProp(name, cidr, 'must be a /27 or larger: an Application Load Balancer needs at least 8 free addresses in each of its subnets');
      }
      if (!contains(vpc, block)) {
        throw invalidProp(name, cidr, `must lie inside subnetLayout.vpcCidr (${vpcCidr})`);
      }
      const clash = seen.find(other => overlaps(other.block, block));
      if (clash) {
        throw invalidProp(name, cidr, `overlaps ${clash.name} (${clash.block.text}); subnets must not overlap`);
      }
      seen.push({ name, block });
    });
  }
  return { vpcCidr, groups, azCount };
}
