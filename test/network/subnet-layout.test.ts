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
  ])('fails with %s', (_case, subnetLayout, prop, received, rule) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { subnetLayout }), { prop, received, rule });
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

  test('with /28 subnets, the smallest AWS allows, the layout is accepted', () => {
    // GIVEN a /24 VPC split into 10 /28 subnets, the smallest subnet size
    const stack = newStack();
    const slice = (i: number) => `10.9.8.${16 * i}/28`;
    const subnetLayout: SubnetLayout = {
      vpcCidr: '10.9.8.0/24',
      alb: [slice(0), slice(1)],
      nat: [slice(2), slice(3)],
      bastion: [slice(4), slice(5)],
      web: [slice(6), slice(7)],
      redis: [slice(8), slice(9)],
    };
    // WHEN / THEN
    expect(() => new WebTierNetwork(stack, 'Network', { subnetLayout })).not.toThrow();
  });
});
