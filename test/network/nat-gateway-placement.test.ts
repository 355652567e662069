import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NatGatewayPlacement, WebTierNetwork, WebTierNetworkProps } from '../../src';
import { resolveNatGatewayPlacement } from '../../src/network/nat-gateway-placement';
import { expectInvalidProp, newStack, resourcesOfType, subnetByCidr, tutorialCidrs } from '../util';

const NAT = tutorialCidrs(20);
const WEB = tutorialCidrs(40);
const REDIS = tutorialCidrs(50);

function network(props?: WebTierNetworkProps): { network: WebTierNetwork; template: Template } {
  const stack = newStack();
  const made = new WebTierNetwork(stack, 'Network', props);
  return { network: made, template: Template.fromStack(stack) };
}

describe('WebTierNetwork natGatewayPlacement', () => {
  describe('REGIONAL', () => {
    // GIVEN a network with a regional NAT gateway, shared by the tests that only read it
    const { network: regional, template } = network({ natGatewayPlacement: NatGatewayPlacement.REGIONAL });

    test('with REGIONAL, there is one NAT gateway, regional, public, in no subnet and with no Elastic IP of the stack', () => {
      // THEN
      template.resourceCountIs('AWS::EC2::NatGateway', 1);
      const [gateway] = Object.values(resourcesOfType(template, 'AWS::EC2::NatGateway'));
      expect(gateway.Properties).toMatchObject({ AvailabilityMode: 'regional', ConnectivityType: 'public' });
      expect(gateway.Properties.SubnetId).toBeUndefined();
      expect(gateway.Properties.AllocationId).toBeUndefined();
      template.resourceCountIs('AWS::EC2::EIP', 0);
    });

    test('with REGIONAL, no NAT subnets are made and the NAT CIDRs stay free; the other 12 subnets keep theirs', () => {
      // THEN
      const cidrs = Object.values(resourcesOfType(template, 'AWS::EC2::Subnet')).map(s => s.Properties.CidrBlock);
      expect(cidrs).toHaveLength(12);
      for (const cidr of NAT) {
        expect(cidrs).not.toContain(cidr);
      }
      expect(cidrs).toEqual(expect.arrayContaining([...tutorialCidrs(10), ...tutorialCidrs(30), ...WEB, ...REDIS]));
    });

    test('with REGIONAL, every web subnet routes 0.0.0.0/0 to the regional gateway, and Redis still has no route', () => {
      // WHEN
      const [gateway] = Object.keys(resourcesOfType(template, 'AWS::EC2::NatGateway'));
      // THEN
      for (const cidr of WEB) {
        expect(subnetByCidr(template, cidr).defaultRoutes).toEqual([`nat:${gateway}`]);
      }
      for (const cidr of REDIS) {
        expect(subnetByCidr(template, cidr).defaultRoutes).toEqual([]);
      }
    });

    test('with REGIONAL, the part reports one gateway, its id and its placement, and no warning', () => {
      // THEN
      expect(regional.natGatewayCount).toBe(1);
      expect(regional.natGatewayIds).toHaveLength(1);
      expect(regional.natGatewayPlacement).toBe(NatGatewayPlacement.REGIONAL);
      expect(Annotations.fromStack(regional.vpc.stack).findWarning('*', Match.anyValue())).toEqual([]);
    });
  });

  test('with SINGLE, one zonal NAT gateway in the first NAT subnet serves every web subnet, with the singleNatGateway warning', () => {
    // WHEN
    const { network: single, template } = network({ natGatewayPlacement: NatGatewayPlacement.SINGLE });
    // THEN
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const [id, gateway] = Object.entries(resourcesOfType(template, 'AWS::EC2::NatGateway'))[0];
    expect(gateway.Properties.SubnetId).toEqual({ Ref: subnetByCidr(template, NAT[0]).id });
    for (const cidr of WEB) {
      expect(subnetByCidr(template, cidr).defaultRoutes).toEqual([`nat:${id}`]);
    }
    const warnings = Annotations.fromStack(single.vpc.stack).findWarning('/Stack/Network',
      Match.stringLikeRegexp('natGatewayPlacement is SINGLE: one NAT gateway serves every AZ'));
    expect(warnings).toHaveLength(1);
  });

  test('with PER_AZ, the template is the one of no props at all', () => {
    // WHEN
    const explicit = network({ natGatewayPlacement: NatGatewayPlacement.PER_AZ }).template.toJSON();
    const perAzTrue = network({ natGatewayPerAz: true, natGatewayPlacement: NatGatewayPlacement.PER_AZ }).template.toJSON();
    // THEN
    expect(explicit).toEqual(network().template.toJSON());
    expect(perAzTrue).toEqual(explicit);
  });

  test('with natGatewayPerAz false and SINGLE together, they agree', () => {
    // WHEN
    const { network: both } = network({ natGatewayPerAz: false, natGatewayPlacement: NatGatewayPlacement.SINGLE });
    // THEN
    expect(both.natGatewayPlacement).toBe(NatGatewayPlacement.SINGLE);
  });

  test.each([
    [true, NatGatewayPlacement.SINGLE],
    [true, NatGatewayPlacement.REGIONAL],
    [false, NatGatewayPlacement.PER_AZ],
    [false, NatGatewayPlacement.REGIONAL],
  ])('fails with natGatewayPerAz %s and natGatewayPlacement %s, naming both', (perAz, placement) => {
    expectInvalidProp(() => network({ natGatewayPerAz: perAz, natGatewayPlacement: placement }),
      { prop: 'natGatewayPerAz', received: String(perAz), rule: new RegExp(`contradicts natGatewayPlacement \\(${placement}\\)`) });
  });

  test('fails with a natGatewayPlacement that is not one of the enum', () => {
    expectInvalidProp(() => network({ natGatewayPlacement: 'ZONAL' as NatGatewayPlacement }),
      { prop: 'natGatewayPlacement', received: 'ZONAL', rule: /must be one of NatGatewayPlacement.PER_AZ, .SINGLE, .REGIONAL/ });
  });

  test('resolveNatGatewayPlacement: PER_AZ by default, natGatewayPerAz mapped, null as not given', () => {
    expect(resolveNatGatewayPlacement(undefined, undefined)).toBe(NatGatewayPlacement.PER_AZ);
    expect(resolveNatGatewayPlacement(undefined, false)).toBe(NatGatewayPlacement.SINGLE);
    expect(resolveNatGatewayPlacement(null as any, true)).toBe(NatGatewayPlacement.PER_AZ);
    expect(resolveNatGatewayPlacement(NatGatewayPlacement.REGIONAL, null as any)).toBe(NatGatewayPlacement.REGIONAL);
  });

  test('with REGIONAL in a VPC of two AZs, the web subnets of both route through the one gateway', () => {
    // WHEN
    const layout = {
      alb: ['10.0.11.0/24', '10.0.12.0/24'],
      nat: ['10.0.21.0/24', '10.0.22.0/24'],
      bastion: ['10.0.31.0/24', '10.0.32.0/24'],
      web: ['10.0.41.0/24', '10.0.42.0/24'],
      redis: ['10.0.51.0/24', '10.0.52.0/24'],
    };
    const { template } = network({ natGatewayPlacement: NatGatewayPlacement.REGIONAL, subnetLayout: layout });
    // THEN
    const [gateway] = Object.keys(resourcesOfType(template, 'AWS::EC2::NatGateway'));
    expect(layout.web.map(cidr => subnetByCidr(template, cidr).defaultRoutes)).toEqual([[`nat:${gateway}`], [`nat:${gateway}`]]);
    template.resourceCountIs('AWS::EC2::Subnet', 8);
  });

  test('with REGIONAL, the IPv4-only VPC has no IPv6 resource', () => {
    // WHEN
    const { network: regional, template } = network({ natGatewayPlacement: NatGatewayPlacement.REGIONAL });
    // THEN
    template.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 0);
    template.resourceCountIs('AWS::EC2::VPCCidrBlock', 0);
    expect(regional.ipProtocol).toBe(ec2.IpProtocol.IPV4_ONLY);
  });
});
