import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SubnetLayout, WebTierNetwork } from '../../src';
import { expectInvalidProp, newStack, subnetByCidr, tutorialCidrs } from '../util';

const ACCOUNT = '123456789012';

/** An environment-aware stack whose region has these zones (as the CLI's context look-up records them). */
function stackInRegion(region: string, zones?: string[]): Stack {
  const context = zones ? { [`availability-zones:account=${ACCOUNT}:region=${region}`]: zones } : {};
  return new Stack(new App({ context }), 'Stack', { env: { account: ACCOUNT, region } });
}

const TWO_AZ: SubnetLayout = {
  alb: tutorialCidrs(10, 2), nat: tutorialCidrs(20, 2), bastion: tutorialCidrs(30, 2), web: tutorialCidrs(40, 2), redis: tutorialCidrs(50, 2),
};

describe('WebTierNetwork availability zones', () => {
  test('in an environment-aware stack, the subnets name the region\'s zones from the context look-up', () => {
    // GIVEN a region with three zones
    const stack = stackInRegion('eu-west-3', ['eu-west-3a', 'eu-west-3b', 'eu-west-3c']);
    // WHEN
    new WebTierNetwork(stack, 'Network');
    // THEN
    const template = Template.fromStack(stack);
    tutorialCidrs(40).forEach((cidr, i) => {
      expect(subnetByCidr(template, cidr).availabilityZone).toBe(`eu-west-3${'abc'[i]}`);
    });
  });

  test('fails in an environment-aware stack whose region has fewer zones than the layout needs', () => {
    // GIVEN a region with two zones and the three-zone default layout
    const stack = stackInRegion('us-west-1', ['us-west-1a', 'us-west-1c']);
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network'), {
      prop: 'subnetLayout',
      received: '"3 CIDRs per subnet group"',
      rule: /needs 3 Availability Zones, but region us-west-1 has 2 \(us-west-1a, us-west-1c\)/,
    });
  });

  test('with a two-zone layout in a two-zone region, the subnets name the region\'s two zones', () => {
    // GIVEN
    const stack = stackInRegion('us-west-1', ['us-west-1a', 'us-west-1c']);
    // WHEN
    new WebTierNetwork(stack, 'Network', { subnetLayout: TWO_AZ });
    // THEN
    const template = Template.fromStack(stack);
    expect(tutorialCidrs(10, 2).map(cidr => subnetByCidr(template, cidr).availabilityZone)).toEqual(['us-west-1a', 'us-west-1c']);
  });

  test('in an environment-aware stack before the look-up, synthesis asks for the zones instead of failing', () => {
    // GIVEN no zones in the context yet, and a layout of four zones (more than CDK's three placeholders)
    const stack = stackInRegion('eu-west-3');
    const four = (base: number) => tutorialCidrs(base, 4);
    // WHEN
    new WebTierNetwork(stack, 'Network', { subnetLayout: { alb: four(10), nat: four(20), bastion: four(30), web: four(40), redis: four(50) } });
    const assembly = (stack.node.root as App).synth();
    // THEN
    expect(assembly.manifest.missing?.map(m => m.provider)).toEqual(['availability-zones']);
  });

  test.each<[string, string[], string, string, RegExp]>([
    ['a repeated zone', ['eu-west-3a', 'eu-west-3b', 'eu-west-3a'], 'availabilityZones[2]', '"eu-west-3a"',
      /repeats availabilityZones\[0\]: the zones must be distinct/],
    ['a zone id instead of a name', ['euw3-az1', 'eu-west-3b', 'eu-west-3c'], 'availabilityZones[0]', '"euw3-az1"',
      /must be an Availability Zone name such as "eu-west-3a"/],
    ['a region instead of a zone', ['eu-west-3a', 'eu-west-3', 'eu-west-3c'], 'availabilityZones[1]', '"eu-west-3"',
      /must be an Availability Zone name/],
    ['an upper-case name', ['eu-west-3a', 'EU-WEST-3B', 'eu-west-3c'], 'availabilityZones[1]', '"EU-WEST-3B"',
      /must be an Availability Zone name/],
    ['a zone that is not a string', ['eu-west-3a', 'eu-west-3b', 3 as unknown as string], 'availabilityZones[2]', '3',
      /must be an Availability Zone name/],
    ['one string, not a list', 'eu-west-3a' as unknown as string[], 'availabilityZones', '"eu-west-3a"', /must be a list/],
  ])('fails with explicit availabilityZones holding %s', (_case, availabilityZones, prop, received, rule) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { availabilityZones }), { prop, received, rule });
  });

  test('fails with explicit availabilityZones of another region than the stack\'s', () => {
    // GIVEN
    const stack = stackInRegion('eu-west-3');
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { availabilityZones: ['eu-west-3a', 'eu-west-1b', 'eu-west-3c'] }), {
      prop: 'availabilityZones[1]', received: '"eu-west-1b"', rule: /must be a zone of the stack's region \(eu-west-3\)/,
    });
  });

  test('fails with explicit availabilityZones that the region, once looked up, does not have', () => {
    // GIVEN
    const stack = stackInRegion('us-west-1', ['us-west-1a', 'us-west-1c']);
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { subnetLayout: TWO_AZ, availabilityZones: ['us-west-1a', 'us-west-1b'] }), {
      prop: 'availabilityZones[1]', received: '"us-west-1b"', rule: /must be one of the zones of region us-west-1: us-west-1a, us-west-1c/,
    });
  });

  test('with explicit Local Zone names, the layout is accepted', () => {
    // GIVEN
    const stack = stackInRegion('us-east-1');
    // WHEN / THEN
    expect(() => new WebTierNetwork(stack, 'Network', {
      subnetLayout: TWO_AZ, availabilityZones: ['us-east-1a', 'us-east-1-bos-1a'],
    })).not.toThrow();
  });

  test('with an unresolved zone, the zone is not checked', () => {
    // GIVEN
    const stack = newStack();
    const zone = Token.asString({ Ref: 'Zone' });
    // WHEN / THEN
    expect(() => new WebTierNetwork(stack, 'Network', { availabilityZones: ['eu-west-3a', zone, 'eu-west-3c'] })).not.toThrow();
  });
});
