import { Lazy } from 'aws-cdk-lib';
import { SubnetLayout, WebTierNetwork } from '../../src';
import { expectInvalidProp, newStack, tutorialCidrs } from '../util';

/** The tutorial's layout with some groups replaced. */
function layout(overrides: SubnetLayout): SubnetLayout {
  return {
    alb: tutorialCidrs(10),
    nat: tutorialCidrs(20),
    bastion: tutorialCidrs(30),
    web: tutorialCidrs(40),
    redis: tutorialCidrs(50),
    ...overrides,
  };
}

const ONE_AZ: SubnetLayout = {
  alb: ['10.0.11.0/24'], nat: ['10.0.21.0/24'], bastion: ['10.0.31.0/24'], web: ['10.0.41.0/24'], redis: ['10.0.51.0/24'],
};

describe('WebTierNetwork subnetLayout', () => {
  test.each<[string, SubnetLayout, string, string, RegExp]>([
    ['a malformed CIDR', layout({ alb: ['10.0.11.0', '10.0.12.0/24', '10.0.13.0/24'] }),
      'subnetLayout.alb[0]', '"10.0.11.0"', /must be an IPv4 CIDR block such as "10\.0\.11\.0\/24"/],
    ['an octet above 255', layout({ web: ['10.0.41.0/24', '10.0.420.0/24', '10.0.43.0/24'] }),
      'subnetLayout.web[1]', '"10.0.420.0/24"', /octets 0-255/],
    ['host bits set', layout({ alb: ['10.0.11.0/24', '10.0.12.5/24', '10.0.13.0/24'] }),
      'subnetLayout.alb[1]', '"10.0.12.5/24"', /host bits must be zero/],
    ['a subnet outside the VPC CIDR', layout({ redis: ['10.0.51.0/24', '10.0.52.0/24', '10.1.53.0/24'] }),
      'subnetLayout.redis[2]', '"10.1.53.0/24"', /must lie inside subnetLayout\.vpcCidr \(10\.0\.0\.0\/16\)/],
    ['two overlapping subnets', layout({ nat: ['10.0.11.128/25', '10.0.22.0/24', '10.0.23.0/24'] }),
      'subnetLayout.nat[0]', '"10.0.11.128/25"', /overlaps subnetLayout\.alb\[0\] \(10\.0\.11\.0\/24\)/],
    ['groups of different lengths', layout({ web: ['10.0.41.0/24', '10.0.42.0/24'] }),
      'subnetLayout.web', '["10.0.41.0/24","10.0.42.0/24"]', /same number in each group \(got alb: 3, nat: 3, bastion: 3, web: 2, redis: 3\)/],
    ['fewer than 2 AZs', ONE_AZ,
      'subnetLayout.alb', '["10.0.11.0/24"]', /at least 2 CIDRs, one per AZ/],
    ['a VPC prefix of /15', layout({ vpcCidr: '10.0.0.0/15' }),
      'subnetLayout.vpcCidr', '"10.0.0.0/15"', /prefix from \/16 to \/28/],
    ['a VPC prefix of /29', layout({ vpcCidr: '10.0.0.0/29' }),
      'subnetLayout.vpcCidr', '"10.0.0.0/29"', /prefix from \/16 to \/28/],
    ['a malformed VPC CIDR', layout({ vpcCidr: 'ten.0.0.0/16' }),
      'subnetLayout.vpcCidr', '"ten.0.0.0/16"', /must be an IPv4 CIDR block/],
    ['a subnet prefix of /29', layout({ bastion: ['10.0.31.0/29', '10.0.32.0/24', '10.0.33.0/24'] }),
      'subnetLayout.bastion[0]', '"10.0.31.0/29"', /prefix from \/16 to \/28/],
    ['an ALB subnet of /28, smaller than an ALB needs', layout({ alb: ['10.0.11.0/24', '10.0.12.0/28', '10.0.13.0/24'] }),
      'subnetLayout.alb[1]', '"10.0.12.0/28"', /must be a \/27 or larger: an Application Load Balancer needs at least 8 free addresses/],
    ['an octet with a leading zero', layout({ web: ['10.0.41.0/24', '10.0.042.0/24', '10.0.43.0/24'] }),
      'subnetLayout.web[1]', '"10.0.042.0/24"', /without leading zeros/],
    ['a prefix with a leading zero', layout({ vpcCidr: '10.0.0.0/016' }),
      'subnetLayout.vpcCidr', '"10.0.0.0/016"', /without leading zeros/],
    ['a group given as one string, not a list', layout({ redis: '10.0.51.0/24' as unknown as string[] }),
      'subnetLayout.redis', '"10.0.51.0/24"', /must be a list, such as/],
    ['a CIDR that is not a string', layout({ nat: ['10.0.21.0/24', 42 as unknown as string, '10.0.23.0/24'] }),
      'subnetLayout.nat[1]', '42', /must be an IPv4 CIDR block/],
    ['a CIDR that is null', layout({ nat: ['10.0.21.0/24', null as unknown as string, '10.0.23.0/24'] }),
      'subnetLayout.nat[1]', 'null', /must be an IPv4 CIDR block/],
  ])('fails with %s', (_case, subnetLayout, prop, received, rule) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { subnetLayout }), { prop, received, rule });
  });

  // AWS refuses these as VPC blocks; each is a /16 (the smallest VPC prefix allowed) inside or over the range.
  test.each<[string, string, string]>([
    ['0.0.0.0/16', '0.0.0.0/8', 'this network'],
    ['127.0.0.0/16', '127.0.0.0/8', 'loopback'],
    ['169.254.0.0/16', '169.254.0.0/16', 'link-local'],
    ['224.0.0.0/16', '224.0.0.0/4', 'multicast'],
    ['239.255.0.0/16', '224.0.0.0/4', 'multicast'],
    ['255.255.0.0/16', '240.0.0.0/4', 'broadcast'],
  ])('fails with vpcCidr %s, in %s (%s), which AWS refuses', (vpcCidr, range, purpose) => {
    // GIVEN
    const stack = newStack();
    const [a, b] = vpcCidr.split('.');
    const subnets = (third: number) => [`${a}.${b}.${third}.0/24`, `${a}.${b}.${third + 1}.0/24`];
    const subnetLayout = { vpcCidr, alb: subnets(10), nat: subnets(20), bastion: subnets(30), web: subnets(40), redis: subnets(50) };
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { subnetLayout }), {
      prop: 'subnetLayout.vpcCidr', received: `"${vpcCidr}"`, rule: new RegExp(`must not overlap ${range.replace(/\./g, '\\.')} \\(.*${purpose}`),
    });
  });

  test('with a null subnetLayout from JavaScript, the default layout is used', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const network = new WebTierNetwork(stack, 'Network', { subnetLayout: null as unknown as SubnetLayout });
    // THEN
    expect(network.vpc.vpcCidrBlock).toBeDefined();
    expect(network.availabilityZones).toHaveLength(3);
  });

  test('fails with a subnetLayout that is not an object', () => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { subnetLayout: '10.0.0.0/16' as unknown as SubnetLayout }), {
      prop: 'subnetLayout', received: '"10.0.0.0/16"', rule: /must be an object of props/,
    });
  });

  test('fails with an unresolved vpcCidr, which cannot be checked against the subnets', () => {
    // GIVEN
    const stack = newStack();
    const vpcCidr = Lazy.string({ produce: () => '10.0.0.0/16' });
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { subnetLayout: { vpcCidr } }), {
      prop: 'subnetLayout.vpcCidr', received: '${Token[', rule: /must be a literal CIDR block/,
    });
  });

  test('with /28 subnets, the smallest AWS allows (and /27 for the ALB), the layout is accepted', () => {
    // GIVEN a /24 VPC split into 8 /28 subnets, the smallest subnet size, and 2 /27 for the ALB
    const stack = newStack();
    const slice = (i: number) => `10.9.8.${16 * i}/28`;
    const subnetLayout: SubnetLayout = {
      vpcCidr: '10.9.8.0/24',
      alb: ['10.9.8.0/27', '10.9.8.32/27'],
      nat: [slice(4), slice(5)],
      bastion: [slice(6), slice(7)],
      web: [slice(8), slice(9)],
      redis: [slice(10), slice(11)],
    };
    // WHEN / THEN
    expect(() => new WebTierNetwork(stack, 'Network', { subnetLayout })).not.toThrow();
  });
});
