import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledgementFor, appWithPolicyPlugins, controlTowerId, synthWithPolicies } from './security/policy-harness';
import { expectInvalidProp, logicalId, newStack, resourcesOfType } from './util';
import { SubnetLayout, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../src';

/** A VPC of the user's own, over 2 AZs, with public, private-with-egress and (unless `isolated` is false) isolated subnets. */
function usersVpc(stack: Stack, options: { isolated?: boolean; maxAzs?: number } = {}): ec2.Vpc {
  return new ec2.Vpc(stack, 'Mine', {
    maxAzs: options.maxAzs ?? 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ...(options.isolated === false ? [] : [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }]),
    ],
  });
}

/** A stack with the user's VPC and a tier in it. */
function tierIn(props: (vpc: ec2.IVpc) => ZeroDowntimeWebTierProps = vpc => ({ vpc }), vpcOptions?: { isolated?: boolean }) {
  const stack = newStack();
  const vpc = usersVpc(stack, vpcOptions);
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', props(vpc));
  return { stack, vpc, tier, template: Template.fromStack(stack) };
}

/** The logical ids of the subnets a list of `{ Ref }`s points at, sorted. */
function refs(list: unknown[]): string[] {
  return (list as Array<{ Ref: string }>).map(ref => ref.Ref).sort();
}

/** The logical ids of subnets, sorted. */
function idsOf(subnets: ec2.ISubnet[]): string[] {
  return subnets.map(subnet => logicalId(subnet.node.defaultChild as any)).sort();
}

describe('ZeroDowntimeWebTier in an existing VPC', () => {
  // GIVEN a tier placed in the user's VPC with the default subnets
  const { vpc, tier, template } = tierIn();

  test('with vpc, the stack holds only the user\'s VPC, NAT gateway and no flow log of the tier', () => {
    // THEN
    expect(Object.keys(resourcesOfType(template, 'AWS::EC2::VPC'))).toEqual([logicalId(vpc)]);
    expect(Object.keys(resourcesOfType(template, 'AWS::EC2::NatGateway'))).toHaveLength(1);
    expect(Object.keys(resourcesOfType(template, 'AWS::EC2::FlowLog'))).toEqual([]);
    expect(tier.network).toBeUndefined();
    expect(tier.vpc).toBe(vpc);
  });

  test('with vpc and no subnets, the load balancer and the bastion run in the public subnets', () => {
    // THEN
    const alb = resourcesOfType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[logicalId(tier.loadBalancer)];
    expect(refs(alb.Properties.Subnets)).toEqual(idsOf(vpc.publicSubnets));
    const bastion = resourcesOfType(template, 'AWS::AutoScaling::AutoScalingGroup')[logicalId(tier.bastionAutoScalingGroup)];
    expect(refs(bastion.Properties.VPCZoneIdentifier)).toEqual(idsOf(vpc.publicSubnets));
  });

  test('with vpc and no subnets, the web servers run in the private subnets with egress', () => {
    // THEN
    const web = resourcesOfType(template, 'AWS::AutoScaling::AutoScalingGroup')[logicalId(tier.webAutoScalingGroup)];
    expect(refs(web.Properties.VPCZoneIdentifier)).toEqual(idsOf(vpc.privateSubnets));
  });

  test('with vpc and no subnets, Redis runs in the isolated subnets', () => {
    // THEN
    const group = Object.values(resourcesOfType(template, 'AWS::ElastiCache::SubnetGroup'))[0];
    expect(refs(group.Properties.SubnetIds)).toEqual(idsOf(vpc.isolatedSubnets));
  });

  test('with vpc, the web servers still reach Redis and only the load balancer reaches them on the web port', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [logicalId(tier.cache.securityGroup), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(tier.webFleet.securityGroup), 'GroupId'] },
      FromPort: tier.cachePort,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [logicalId(tier.webFleet.securityGroup), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(tier.webLoadBalancer.securityGroup), 'GroupId'] },
      FromPort: 8000,
    });
  });

  test('with vpc, monitoring makes no NAT alarms but keeps the others', () => {
    // THEN
    expect(tier.monitoring!.natPacketsDropAlarms).toEqual([]);
    expect(tier.monitoring!.natPortAllocationErrorsAlarms).toEqual([]);
    expect(Object.keys(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).length).toBeGreaterThan(0);
  });

  test('with vpc and a VPC without isolated subnets, Redis runs in the private subnets with egress', () => {
    // GIVEN / WHEN
    const noIsolated = tierIn(undefined, { isolated: false });
    // THEN
    const group = Object.values(resourcesOfType(noIsolated.template, 'AWS::ElastiCache::SubnetGroup'))[0];
    expect(refs(group.Properties.SubnetIds)).toEqual(idsOf(noIsolated.vpc.privateSubnets));
  });

  test('with vpc and subnets, each part runs where its selection says', () => {
    // GIVEN / WHEN
    const custom = tierIn(v => {
      // Web servers in isolated subnets reach AWS through endpoints (test/network/existing-vpc-checks.test.ts).
      const own = v as ec2.Vpc;
      own.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
      for (const [id, service] of [['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
        ['CloudFormation', ec2.InterfaceVpcEndpointAwsService.CLOUDFORMATION], ['Elb', ec2.InterfaceVpcEndpointAwsService.ELASTIC_LOAD_BALANCING],
        ['Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS]] as const) {
        own.addInterfaceEndpoint(id, { service });
      }
      return {
        vpc: v,
        subnets: {
          alb: { subnetGroupName: 'Public' },
          bastion: { subnetGroupName: 'Public' },
          web: { subnetGroupName: 'Data' },
          redis: { subnetGroupName: 'App' },
        },
      };
    });
    // THEN
    const web = resourcesOfType(custom.template, 'AWS::AutoScaling::AutoScalingGroup')[logicalId(custom.tier.webAutoScalingGroup)];
    expect(refs(web.Properties.VPCZoneIdentifier)).toEqual(idsOf(custom.vpc.isolatedSubnets));
    const group = Object.values(resourcesOfType(custom.template, 'AWS::ElastiCache::SubnetGroup'))[0];
    expect(refs(group.Properties.SubnetIds)).toEqual(idsOf(custom.vpc.privateSubnets));
  });

  test('with an imported VPC whose zones are known, the tier is placed in its subnets', () => {
    // GIVEN
    const stack = newStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-3a', 'eu-west-3b'],
      publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'],
      privateSubnetIds: ['subnet-app-a', 'subnet-app-b'],
    });
    // WHEN
    const importedTier = new ZeroDowntimeWebTier(stack, 'Tier', { vpc: imported });
    // THEN
    const importedTemplate = Template.fromStack(stack);
    const web = resourcesOfType(importedTemplate, 'AWS::AutoScaling::AutoScalingGroup')[logicalId(importedTier.webAutoScalingGroup)];
    expect(web.Properties.VPCZoneIdentifier).toEqual(['subnet-app-a', 'subnet-app-b']);
    expect(web.Properties.AvailabilityZones).toEqual(['eu-west-3a', 'eu-west-3b']);
    expect(Object.keys(resourcesOfType(importedTemplate, 'AWS::EC2::VPC'))).toEqual([]);
  });
});

describe('ZeroDowntimeWebTier in an existing VPC, refused', () => {
  const buildOnly: Array<[string, ZeroDowntimeWebTierProps, string]> = [
    ['subnetLayout', { subnetLayout: { vpcCidr: '10.1.0.0/16' } as SubnetLayout }, '10.1.0.0/16'],
    ['natGatewayPerAz', { natGatewayPerAz: false }, 'false'],
    ['availabilityZones', { availabilityZones: ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'] }, 'eu-west-3a'],
    ['flowLogs', { flowLogs: false }, 'false'],
    ['flowLogRetention', { flowLogRetention: logs.RetentionDays.ONE_WEEK }, '7'],
  ];
  test.each(buildOnly)('fails with vpc and %s', (prop, extra, received) => {
    // GIVEN
    const stack = newStack();
    const vpc = usersVpc(stack);
    // WHEN / THEN
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { vpc, ...extra }), { prop, received, rule: /must not be given with vpc/ });
  });

  test('fails with subnets but no vpc, before building a network', () => {
    // GIVEN
    const stack = newStack();
    // WHEN / THEN
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { subnets: { web: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } } }),
      { prop: 'subnets', received: 'web', rule: /must come with vpc/ });
    expect(stack.node.tryFindChild('Tier')?.node.tryFindChild('Network')).toBeUndefined();
  });

  test.each(['web', 'redis'])('fails with a public selection for %s', part => {
    // GIVEN
    const stack = newStack();
    const vpc = usersVpc(stack);
    // WHEN / THEN
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { vpc, subnets: { [part]: { subnetGroupName: 'Public' } } }),
      { prop: `subnets.${part}`, received: 'Public', rule: /must not select public subnets/ });
  });

  test.each(['alb', 'bastion', 'web', 'redis'])('fails when subnets.%s reaches a single AZ', part => {
    // GIVEN
    const stack = newStack();
    const vpc = usersVpc(stack);
    const group = { alb: 'Public', bastion: 'Public', web: 'App', redis: 'Data' }[part];
    const oneZone = { subnetGroupName: group, availabilityZones: [vpc.availabilityZones[0]] };
    // WHEN / THEN
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { vpc, subnets: { [part]: oneZone } }),
      { prop: `subnets.${part}`, received: group!, rule: /2 or more Availability Zones.*it selects 1 subnet\(s\) in 1 zone/ });
  });

  test('fails when an imported VPC\'s two web subnets sit in the same zone', () => {
    // GIVEN
    const stack = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-3a', 'eu-west-3b'],
      publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'],
      privateSubnetIds: ['subnet-app-a', 'subnet-app-b'],
    });
    const sameZone = [
      ec2.Subnet.fromSubnetAttributes(stack, 'A1', { subnetId: 'subnet-a1', availabilityZone: 'eu-west-3a' }),
      ec2.Subnet.fromSubnetAttributes(stack, 'A2', { subnetId: 'subnet-a2', availabilityZone: 'eu-west-3a' }),
    ];
    // WHEN / THEN
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { vpc, subnets: { web: { subnets: sameZone } } }),
      { prop: 'subnets.web', received: 'subnet-a2', rule: /it selects 2 subnet\(s\) in 1 zone/ });
  });

  test('fails when the VPC spans one AZ, naming the default it could not place', () => {
    // GIVEN
    const stack = newStack();
    const vpc = usersVpc(stack, { maxAzs: 1 });
    // WHEN / THEN
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { vpc }),
      { prop: 'subnets.alb', received: 'the default, Public subnets', rule: /2 or more Availability Zones/ });
  });

  test('fails when the VPC has no private subnets with egress for the web servers', () => {
    // GIVEN
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Mine', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    // WHEN / THEN
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { vpc }),
      { prop: 'subnets.web', received: 'Private', rule: /must select subnets of the VPC/ });
  });
});

describe('ZeroDowntimeWebTier in an existing VPC, policy rules', () => {
  test('with cdk-nag and the Control Tower rules, the tier\'s own resources have no unacknowledged finding', () => {
    // GIVEN
    const app = appWithPolicyPlugins();
    const stack = new Stack(app, 'ExistingVpc');
    const vpc = usersVpc(stack);
    new ZeroDowntimeWebTier(stack, 'WebTier', { vpc });
    // WHEN
    const report = synthWithPolicies(app);
    // THEN the user's VPC is the user's to harden; the tier's resources must come out clean
    expect(report.errors).toEqual([]);
    const onTier = report.findings.filter(f => f.constructPath.startsWith('ExistingVpc/WebTier/'));
    const nag = onTier.filter(f => /^(AwsSolutions|NIST\.800\.53\.R5)-/.test(f.rule));
    expect(nag).toEqual([]);
    const guard = onTier.filter(f => !/^(AwsSolutions|NIST\.800\.53\.R5)-/.test(f.rule));
    expect(guard.filter(f => !controlTowerId(f) || !acknowledgementFor(app, f.constructPath, controlTowerId(f)!))).toEqual([]);
    // and the packs did look at the stack: the user's VPC has no flow log, which they report
    expect(report.findings.some(f => f.constructPath.startsWith('ExistingVpc/Mine'))).toBe(true);
  });
});
