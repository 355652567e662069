import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { SubnetGroup, WebTierNetwork, WebTierNetworkProps } from '../../src';
import { expectInvalidProp, newStack, resourcesOfType, subnetByCidr, tutorialCidrs } from '../util';

const ALB = tutorialCidrs(10);
const NAT = tutorialCidrs(20);
const BASTION = tutorialCidrs(30);
const WEB = tutorialCidrs(40);
const REDIS = tutorialCidrs(50);
const PUBLIC = [...ALB, ...NAT, ...BASTION];

function networkTemplate(props?: WebTierNetworkProps): Template {
  const stack = newStack();
  new WebTierNetwork(stack, 'Network', props);
  return Template.fromStack(stack);
}

/** The logical ids of the NAT gateways, by the CIDR of the subnet each sits in. */
function natGatewaysBySubnetCidr(template: Template): Map<string, string> {
  const subnetCidrs = new Map(Object.entries(resourcesOfType(template, 'AWS::EC2::Subnet')).map(([id, s]) => [id, s.Properties.CidrBlock]));
  return new Map(Object.entries(resourcesOfType(template, 'AWS::EC2::NatGateway'))
    .map(([id, nat]) => [subnetCidrs.get(nat.Properties.SubnetId.Ref), id]));
}

describe('WebTierNetwork', () => {
  // GIVEN a network with no props, shared by the tests that only read it
  const template = networkTemplate();

  test('with no props, the VPC is 10.0.0.0/16', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
  });

  test('with no props, there are exactly the 15 subnets of the tutorial', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::Subnet', 15);
    const cidrs = Object.values(resourcesOfType(template, 'AWS::EC2::Subnet')).map(s => s.Properties.CidrBlock);
    expect(cidrs.sort()).toEqual([...PUBLIC, ...WEB, ...REDIS].sort());
  });

  test.each([
    ['ALB', ALB],
    ['NAT', NAT],
    ['bastion', BASTION],
    ['web', WEB],
    ['Redis', REDIS],
  ])('with no props, the %s subnets span the first three AZs in order', (_group, cidrs) => {
    // THEN
    cidrs.forEach((cidr, i) => {
      expect(subnetByCidr(template, cidr).availabilityZone).toEqual({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] });
    });
  });

  test('with no props, no subnet maps public IPs on launch', () => {
    // THEN
    const subnets = Object.values(resourcesOfType(template, 'AWS::EC2::Subnet'));
    expect(subnets.map(s => s.Properties.MapPublicIpOnLaunch)).toEqual(subnets.map(() => false));
  });

  test('with no props, the ALB, NAT and bastion subnets route 0.0.0.0/0 to the internet gateway', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::InternetGateway', 1);
    const [igw] = Object.keys(resourcesOfType(template, 'AWS::EC2::InternetGateway'));
    template.hasResourceProperties('AWS::EC2::VPCGatewayAttachment', { InternetGatewayId: { Ref: igw } });
    for (const cidr of PUBLIC) {
      expect(subnetByCidr(template, cidr).defaultRoutes).toEqual([`igw:${igw}`]);
    }
  });

  test('with no props, there is one NAT gateway in each NAT subnet and nowhere else', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    expect([...natGatewaysBySubnetCidr(template).keys()].sort()).toEqual(NAT);
  });

  test('with no props, each web subnet routes 0.0.0.0/0 to the NAT gateway of its own AZ', () => {
    // WHEN
    const natBySubnet = natGatewaysBySubnetCidr(template);
    // THEN
    WEB.forEach((webCidr, i) => {
      const web = subnetByCidr(template, webCidr);
      const nat = subnetByCidr(template, NAT[i]);
      expect(web.defaultRoutes).toEqual([`nat:${natBySubnet.get(NAT[i])}`]);
      expect(web.availabilityZone).toEqual(nat.availabilityZone);
    });
  });

  test('with no props, the Redis subnets have no 0.0.0.0/0 route at all', () => {
    // THEN
    for (const cidr of REDIS) {
      expect(subnetByCidr(template, cidr).defaultRoutes).toEqual([]);
    }
  });

  test('with natGatewayPerAz false, one NAT gateway serves every web subnet', () => {
    // WHEN
    const single = networkTemplate({ natGatewayPerAz: false });
    // THEN
    single.resourceCountIs('AWS::EC2::NatGateway', 1);
    const [nat] = Object.keys(resourcesOfType(single, 'AWS::EC2::NatGateway'));
    for (const cidr of WEB) {
      expect(subnetByCidr(single, cidr).defaultRoutes).toEqual([`nat:${nat}`]);
    }
  });

  test('with natGatewayPerAz false, natGatewayCount is 1; by default it is one per AZ', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const perAz = new WebTierNetwork(stack, 'PerAz');
    const single = new WebTierNetwork(stack, 'Single', { natGatewayPerAz: false });
    // THEN
    expect(perAz.natGatewayCount).toBe(3);
    expect(single.natGatewayCount).toBe(1);
  });

  test('in an environment-agnostic stack, synthesis needs no context look-up', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new WebTierNetwork(stack, 'Network');
    // WHEN
    const assembly = app.synth();
    // THEN
    expect(assembly.manifest.missing ?? []).toEqual([]);
  });

  test('with explicit availabilityZones, the subnets use them verbatim, in order', () => {
    // GIVEN
    const zones = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];
    // WHEN
    const explicit = networkTemplate({ availabilityZones: zones });
    // THEN
    [ALB, NAT, BASTION, WEB, REDIS].forEach(group => group.forEach((cidr, i) => {
      expect(subnetByCidr(explicit, cidr).availabilityZone).toBe(zones[i]);
    }));
  });

  test('with a custom two-AZ subnetLayout, there are 10 subnets with exactly those CIDRs', () => {
    // GIVEN
    const subnetLayout = {
      vpcCidr: '172.16.0.0/20',
      alb: ['172.16.0.0/24', '172.16.1.0/24'],
      nat: ['172.16.2.0/26', '172.16.2.64/26'],
      bastion: ['172.16.3.0/27', '172.16.3.32/27'],
      web: ['172.16.4.0/23', '172.16.6.0/23'],
      redis: ['172.16.8.0/25', '172.16.8.128/25'],
    };
    // WHEN
    const custom = networkTemplate({ subnetLayout });
    // THEN
    custom.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '172.16.0.0/20' });
    custom.resourceCountIs('AWS::EC2::Subnet', 10);
    custom.resourceCountIs('AWS::EC2::NatGateway', 2);
    const expected = [subnetLayout.alb, subnetLayout.nat, subnetLayout.bastion, subnetLayout.web, subnetLayout.redis].flat();
    const cidrs = Object.values(resourcesOfType(custom, 'AWS::EC2::Subnet')).map(s => s.Properties.CidrBlock);
    expect(cidrs.sort()).toEqual(expected.sort());
  });

  test('with a subnet group name, subnets() selects that group of the VPC', () => {
    // GIVEN
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    // WHEN
    const selected = network.vpc.selectSubnets(network.subnets(SubnetGroup.WEB));
    // THEN
    expect(selected.subnets.map(s => s.ipv4CidrBlock)).toEqual(WEB);
  });

  test.each([
    [['eu-west-3a', 'eu-west-3b'], '["eu-west-3a","eu-west-3b"]'],
    [['eu-west-3a', 'eu-west-3b', 'eu-west-3c', 'eu-west-3d'], '["eu-west-3a","eu-west-3b","eu-west-3c","eu-west-3d"]'],
  ])('fails with availabilityZones %j, not one zone per CIDR of a group', (availabilityZones, received) => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { availabilityZones }), {
      prop: 'availabilityZones',
      received,
      rule: /exactly as many zones as the subnet layout has CIDRs per group \(3\)/,
    });
  });

  test('with no props, the only routes are the 0.0.0.0/0 routes of the 9 public and 3 web subnets', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::RouteTable', 15);
    template.resourceCountIs('AWS::EC2::Route', 12);
    template.allResourcesProperties('AWS::EC2::Route', Match.objectLike({ DestinationCidrBlock: '0.0.0.0/0' }));
  });
});

describe('WebTierNetwork hardening and warnings', () => {
  test('the flow-logs role trusts VPC flow logs of this account only (no confused deputy)', () => {
    // GIVEN
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-3' } });
    // WHEN
    new WebTierNetwork(stack, 'Network', { availabilityZones: ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'] });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:eu-west-3:123456789012:vpc-flow-log/*']] } },
          },
        }],
      },
    });
  });

  test.each<[string, WebTierNetworkProps, string, RegExp]>([
    ['flowLogs false', { flowLogs: false }, 'flowLogsOff', /flowLogs is false: the VPC's traffic is not recorded/],
    ['natGatewayPerAz false', { natGatewayPerAz: false }, 'singleNatGateway', /natGatewayPerAz is false: one NAT gateway serves every AZ/],
  ])('warns with %s, which turns off a protection the README promises', (_case, props, id, message) => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new WebTierNetwork(stack, 'Network', props);
    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Network', Match.stringLikeRegexp(message.source));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain(`[ack: cdk-zero-downtime-web-tier:${id}]`);
  });

  test('with no props, there is no warning', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new WebTierNetwork(stack, 'Network');
    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('fails with a flowLogRetention that CloudWatch Logs does not accept', () => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expectInvalidProp(() => new WebTierNetwork(stack, 'Network', { flowLogRetention: 42 as logs.RetentionDays }), {
      prop: 'flowLogRetention', received: '42', rule: /must be one of the retention periods CloudWatch Logs accepts \(logs\.RetentionDays\): 1, 3, 5, 7/,
    });
  });

  test('warns when one stack holds more Elastic IPs than the default quota of 5', () => {
    // GIVEN two networks of 3 NAT gateways each: 6 Elastic IPs
    const stack = newStack();
    new WebTierNetwork(stack, 'One');
    new WebTierNetwork(stack, 'Two', { subnetLayout: { vpcCidr: '10.1.0.0/16', ...otherVpcLayout() } });
    // WHEN
    const warnings = Annotations.fromStack(stack).findWarning('/Stack', Match.stringLikeRegexp('allocates 6 Elastic IPs, more than the default quota of 5'));
    // THEN
    expect(warnings).toHaveLength(1);
  });

  test('with 5 Elastic IPs or fewer in the stack, there is no quota warning', () => {
    // GIVEN one network of 3 NAT gateways and one of a single NAT gateway: 4 Elastic IPs
    const stack = newStack();
    new WebTierNetwork(stack, 'One');
    new WebTierNetwork(stack, 'Two', { natGatewayPerAz: false, subnetLayout: { vpcCidr: '10.1.0.0/16', ...otherVpcLayout() } });
    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('Elastic IPs'));
  });
});

/** The tutorial's subnets, moved into 10.1.0.0/16. */
function otherVpcLayout() {
  const moved = (base: number) => tutorialCidrs(base).map(cidr => cidr.replace(/^10\.0\./, '10.1.'));
  return { alb: moved(10), nat: moved(20), bastion: moved(30), web: moved(40), redis: moved(50) };
}
