import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { NatGatewayPlacement, WebLoadBalancer, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, logicalId, newStack, onlyResource, resourcesOfType, securityGroupRules, subnetByCidr, tutorialCidrs } from '../util';

const PUBLIC = [...tutorialCidrs(10), ...tutorialCidrs(20), ...tutorialCidrs(30)];
const WEB = tutorialCidrs(40);
const REDIS = tutorialCidrs(50);

function tier(props: ZeroDowntimeWebTierProps): { tier: ZeroDowntimeWebTier; template: Template } {
  const stack = newStack();
  const made = new ZeroDowntimeWebTier(stack, 'WebTier', props);
  return { tier: made, template: Template.fromStack(stack) };
}

describe('ipProtocol DUAL_STACK', () => {
  // GIVEN the one-liner, dual-stack, shared by the tests that only read it
  const { tier: dual, template } = tier({ ipProtocol: ec2.IpProtocol.DUAL_STACK });
  const vpcId = logicalId(dual.vpc as ec2.Vpc);

  test('with DUAL_STACK, the VPC gets an Amazon-provided IPv6 block and every subnet a /64 of it', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::VPCCidrBlock', 1);
    template.hasResourceProperties('AWS::EC2::VPCCidrBlock', { AmazonProvidedIpv6CidrBlock: true, VpcId: { Ref: vpcId } });
    const subnets = Object.values(resourcesOfType(template, 'AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(15);
    const slots = subnets.map(subnet => {
      const [index, [from, count, bits]] = [subnet.Properties.Ipv6CidrBlock['Fn::Select'][0], subnet.Properties.Ipv6CidrBlock['Fn::Select'][1]['Fn::Cidr']];
      expect(from).toEqual({ 'Fn::Select': [0, { 'Fn::GetAtt': [vpcId, 'Ipv6CidrBlocks'] }] });
      expect([count, bits]).toEqual([15, '64']);
      return index;
    });
    expect(new Set(slots).size).toBe(15);
  });

  test('with DUAL_STACK, only the web subnets give new network interfaces an IPv6 address', () => {
    // THEN
    for (const cidr of WEB) {
      expect(subnetByCidr(template, cidr).assignIpv6AddressOnCreation).toBe(true);
    }
    for (const cidr of [...PUBLIC, ...REDIS]) {
      expect(subnetByCidr(template, cidr).assignIpv6AddressOnCreation).toBe(false);
    }
  });

  test('with DUAL_STACK, public subnets route ::/0 to the internet gateway, web subnets to the egress-only one, Redis nowhere', () => {
    // WHEN
    const [igw] = Object.keys(resourcesOfType(template, 'AWS::EC2::InternetGateway'));
    const [eigw] = Object.keys(resourcesOfType(template, 'AWS::EC2::EgressOnlyInternetGateway'));
    // THEN
    template.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 1);
    expect(onlyResource(template, 'AWS::EC2::EgressOnlyInternetGateway').Properties.VpcId).toEqual({ Ref: vpcId });
    expect(dual.network?.egressOnlyInternetGatewayId).toBeDefined();
    for (const cidr of PUBLIC) {
      expect(subnetByCidr(template, cidr).ipv6DefaultRoutes).toEqual([`igw:${igw}`]);
    }
    for (const cidr of WEB) {
      expect(subnetByCidr(template, cidr).ipv6DefaultRoutes).toEqual([`eigw:${eigw}`]);
      expect(subnetByCidr(template, cidr).defaultRoutes[0]).toMatch(/^nat:/);
    }
    for (const cidr of REDIS) {
      expect(subnetByCidr(template, cidr).ipv6DefaultRoutes).toEqual([]);
    }
  });

  test('with DUAL_STACK, the load balancer is dual-stack and its group alone admits ::/0, on the same port as 0.0.0.0/0', () => {
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { IpAddressType: 'dualstack' });
    const lbGroup = logicalId(dual.webLoadBalancer.securityGroup);
    expect(securityGroupRules(template, lbGroup, 'ingress').filter(rule => /(0\.0\.0\.0\/0|::\/0)/.test(rule))).toHaveLength(2);
    const rules = JSON.stringify(securityGroupRules(template, lbGroup, 'ingress'));
    expect(rules).toContain('::/0');
    for (const [id, group] of Object.entries(resourcesOfType(template, 'AWS::EC2::SecurityGroup'))) {
      const ingress = [...(group.Properties.SecurityGroupIngress ?? []),
        ...Object.values(resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress')).map(r => r.Properties)
          .filter(r => JSON.stringify(r.GroupId).includes(id))];
      const ipv6Open = ingress.filter((rule: any) => rule.CidrIpv6 === '::/0');
      expect([id, ipv6Open.map((rule: any) => rule.FromPort)]).toEqual([id, id === lbGroup ? [80] : []]);
    }
  });

  test('with DUAL_STACK, the web servers also send HTTPS out over IPv6; the bastion and the cache do not', () => {
    // THEN
    const webEgress = securityGroupRules(template, logicalId(dual.webFleet.securityGroup), 'egress').join('\n');
    expect(webEgress).toMatch(/::\/0.*443|443.*::\/0/);
    expect(securityGroupRules(template, logicalId(dual.bastion.securityGroup), 'egress').join('\n')).not.toContain('::/0');
    expect(JSON.stringify(onlyResource(template, 'AWS::ElastiCache::ReplicationGroup').Properties)).not.toMatch(/dual_stack|ipv6/);
  });

  test('with DUAL_STACK and a certificate, both listeners (443 and the redirect on 80) admit ::/0', () => {
    // WHEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { ipProtocol: ec2.IpProtocol.DUAL_STACK, maxAzs: 2 });
    const lb = new WebLoadBalancer(stack, 'Lb', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      ipAddressType: elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4,
      certificate: { certificateArn: 'arn:aws:acm:eu-west-3:123456789012:certificate/11111111-1111-1111-1111-111111111111' } as any,
    });
    // THEN
    const ingress = Template.fromStack(stack).toJSON().Resources[logicalId(lb.securityGroup)].Properties.SecurityGroupIngress;
    expect(ingress.filter((rule: any) => rule.CidrIpv6 === '::/0').map((rule: any) => rule.FromPort).sort()).toEqual([443, 80]);
  });

  test('with DUAL_STACK and a regional NAT gateway, the web subnets route 0.0.0.0/0 to it and ::/0 to the egress-only gateway', () => {
    // WHEN
    const { template: both } = tier({ ipProtocol: ec2.IpProtocol.DUAL_STACK, natGatewayPlacement: NatGatewayPlacement.REGIONAL });
    const [nat] = Object.keys(resourcesOfType(both, 'AWS::EC2::NatGateway'));
    const [eigw] = Object.keys(resourcesOfType(both, 'AWS::EC2::EgressOnlyInternetGateway'));
    // THEN
    for (const cidr of WEB) {
      const web = subnetByCidr(both, cidr);
      expect([web.defaultRoutes, web.ipv6DefaultRoutes]).toEqual([[`nat:${nat}`], [`eigw:${eigw}`]]);
    }
  });

  test('with DUAL_STACK, a domain in a hosted zone gets an AAAA alias beside the A', () => {
    // GIVEN
    const stack = newStack();
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
    // WHEN
    new ZeroDowntimeWebTier(stack, 'WebTier', { ipProtocol: ec2.IpProtocol.DUAL_STACK, domainName: 'shop.example.com', hostedZone });
    // THEN
    const types = Object.values(resourcesOfType(Template.fromStack(stack), 'AWS::Route53::RecordSet'))
      .filter(record => record.Properties.AliasTarget).map(record => record.Properties.Type);
    expect(types.sort()).toEqual(['A', 'AAAA']);
  });

  test('with no ipProtocol, nothing is IPv6 and the load balancer is IPv4 only', () => {
    // WHEN
    const { template: ipv4 } = tier({});
    // THEN
    ipv4.resourceCountIs('AWS::EC2::VPCCidrBlock', 0);
    ipv4.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 0);
    expect(onlyResource(ipv4, 'AWS::ElasticLoadBalancingV2::LoadBalancer').Properties.IpAddressType).toBeUndefined();
    expect(JSON.stringify(ipv4.toJSON())).not.toContain('::/0');
  });

  test('in a dual-stack VPC you bring, the load balancer is dual-stack; in an IPv4-only VPC of the app, it fails naming subnets.alb', () => {
    // GIVEN
    const stack = newStack();
    const dualVpc = new ec2.Vpc(stack, 'Dual', { ipProtocol: ec2.IpProtocol.DUAL_STACK, maxAzs: 2 });
    const ipv4Vpc = new ec2.Vpc(stack, 'Ipv4', { maxAzs: 2 });
    // WHEN
    const inDual = new ZeroDowntimeWebTier(stack, 'InDual', { vpc: dualVpc, ipProtocol: ec2.IpProtocol.DUAL_STACK });
    // THEN
    expect(Template.fromStack(stack).toJSON().Resources[logicalId(inDual.loadBalancer)].Properties.IpAddressType).toBe('dualstack');
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'InIpv4', { vpc: ipv4Vpc, ipProtocol: ec2.IpProtocol.DUAL_STACK }),
      { prop: 'subnets.alb', received: 'Ipv4/PublicSubnet1', rule: /must select subnets with an IPv6 CIDR block: ipProtocol is DUAL_STACK/ });
  });

  test.each([
    ['ipProtocol', { ipProtocol: 'ipv6_only' as ec2.IpProtocol }, 'ipv6_only', /must be ec2.IpProtocol.IPV4_ONLY or ec2.IpProtocol.DUAL_STACK/],
    ['natGatewayPlacement', { natGatewayPlacement: NatGatewayPlacement.REGIONAL, natGatewayPerAz: true }, 'true', /contradicts natGatewayPlacement/],
  ])('fails with a bad %s on the one-liner', (_prop, props, received, rule) => {
    expectInvalidProp(() => tier(props as ZeroDowntimeWebTierProps), { prop: _prop === 'ipProtocol' ? 'ipProtocol' : 'natGatewayPerAz', received, rule });
  });

  test('fails with a WebLoadBalancer ipAddressType that is not one of ELB\'s', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    expectInvalidProp(() => new WebLoadBalancer(stack, 'Lb', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC }, ipAddressType: 'ipv6' as any }),
      { prop: 'ipAddressType', received: 'ipv6', rule: /must be one of ipv4, dualstack, dualstack-without-public-ipv4/ });
  });

  test('fails with natGatewayPlacement and a VPC you bring: the tier makes no NAT gateway there', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Mine', { maxAzs: 2 });
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'WebTier', { vpc, natGatewayPlacement: NatGatewayPlacement.REGIONAL }),
      { prop: 'natGatewayPlacement', received: 'REGIONAL', rule: /must not be given with vpc/ });
  });

  test('in a VPC you bring with a regional NAT gateway, the web servers go in its private subnets, which route to it', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Mine', { maxAzs: 2, natGatewayProvider: ec2.NatProvider.regionalGateway() });
    // WHEN
    const inVpc = new ZeroDowntimeWebTier(stack, 'WebTier', { vpc });
    const synthesized = Template.fromStack(stack);
    // THEN
    synthesized.resourceCountIs('AWS::EC2::NatGateway', 1);
    const [nat] = Object.keys(resourcesOfType(synthesized, 'AWS::EC2::NatGateway'));
    const webSubnets = inVpc.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
    expect(webSubnets).toHaveLength(2);
    for (const subnet of webSubnets) {
      expect(subnetByCidr(synthesized, subnet.ipv4CidrBlock).defaultRoutes).toEqual([`nat:${nat}`]);
    }
    const groupSubnets = synthesized.toJSON().Resources[logicalId(inVpc.webFleet.autoScalingGroup)].Properties.VPCZoneIdentifier;
    expect(groupSubnets).toEqual(webSubnets.map(subnet => ({ Ref: logicalId(subnet as ec2.Subnet) })));
  });
});
