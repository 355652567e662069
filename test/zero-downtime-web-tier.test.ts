import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../src';
import { securityGroupIds, tierOf } from './tier-of';
import { expectInvalidProp, logicalId, newStack, resourcesOfType, securityGroupRules, subnetByCidr, tutorialCidrs, userDataOf, variablesExportedBy } from './util';

describe('ZeroDowntimeWebTier', () => {
  // GIVEN a tier with no props, shared by the tests that only read it
  const { stack, tier, template } = tierOf();
  const sg = securityGroupIds(tier);

  describe('with no props (the tutorial)', () => {
    test('the VPC is 10.0.0.0/16 with the 15 subnets of the tutorial', () => {
      // THEN
      template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
      const cidrs = Object.values(resourcesOfType(template, 'AWS::EC2::Subnet')).map(s => s.Properties.CidrBlock);
      expect(cidrs.sort()).toEqual([10, 20, 30, 40, 50].flatMap(base => tutorialCidrs(base)).sort());
    });

    test('there is one NAT gateway per AZ and one Elastic IP each, plus the bastion\'s', () => {
      // THEN
      template.resourceCountIs('AWS::EC2::NatGateway', 3);
      template.resourceCountIs('AWS::EC2::EIP', 4);
    });

    test('the web servers (3: the 2 of webMinCapacity survive the loss of any AZ) register in the target group of the load balancer', () => {
      // THEN
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        MinSize: '3',
        MaxSize: '3',
        TargetGroupARNs: [{ Ref: logicalId(tier.targetGroup) }],
      });
    });

    test('the web servers read the Redis primary endpoint from their user-data', () => {
      // THEN
      const userData = userDataOf(template, logicalId(tier.webFleet.launchTemplate));
      expect(variablesExportedBy(userData).get('WEBTIER_REDIS_HOST')).toBe(`{{GetAtt:${logicalId(tier.cache.replicationGroup)}.PrimaryEndPoint.Address}}`);
    });

    test('in an environment-agnostic stack, synthesis needs no context look-up', () => {
      // GIVEN
      const app = new App();
      new ZeroDowntimeWebTier(new Stack(app, 'Stack'), 'Tier');
      // WHEN
      const assembly = app.synth();
      // THEN
      expect(assembly.manifest.missing ?? []).toEqual([]);
    });

    test('in an environment-aware stack, the subnets name the region\'s zones from the context look-up', () => {
      // GIVEN a region whose look-up returned four zones
      const zones = ['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d', 'ap-northeast-1e'];
      const app = new App({ context: { 'availability-zones:account=123456789012:region=ap-northeast-1': zones } });
      const aware = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'ap-northeast-1' } });
      // WHEN
      const awareTier = new ZeroDowntimeWebTier(aware, 'Tier');
      // THEN the first three, in order, with no Fn::GetAZs left
      expect(awareTier.network!.availabilityZones).toEqual(zones.slice(0, 3));
      const awareTemplate = Template.fromStack(aware);
      expect(tutorialCidrs(40).map(cidr => subnetByCidr(awareTemplate, cidr).availabilityZone)).toEqual(zones.slice(0, 3));
      expect(JSON.stringify(awareTemplate.toJSON())).not.toContain('Fn::GetAZs');
    });

    test('the failover window is 63 seconds', () => {
      // THEN
      expect(tier.failoverWindow.toSeconds()).toBe(63);
    });
  });

  describe('security groups', () => {
    test('the ALB admits only HTTP on port 80 from anywhere', () => {
      // THEN
      expect(securityGroupRules(template, sg.alb, 'ingress')).toEqual(['tcp/80 0.0.0.0/0']);
    });

    test('the ALB sends only to the web servers, on port 8000', () => {
      // THEN
      expect(securityGroupRules(template, sg.alb, 'egress')).toEqual([`tcp/8000 sg:${sg.web}`]);
    });

    test('the web servers admit port 8000 only from the ALB and SSH only from the bastion', () => {
      // THEN
      expect(securityGroupRules(template, sg.web, 'ingress')).toEqual([`tcp/22 sg:${sg.bastion}`, `tcp/8000 sg:${sg.alb}`]);
    });

    test('Redis admits port 6379 only from the web servers', () => {
      // THEN
      expect(securityGroupRules(template, sg.redis, 'ingress')).toEqual([`tcp/6379 sg:${sg.web}`]);
    });

    test('the bastion admits no SSH by default, least of all from 0.0.0.0/0', () => {
      // THEN
      expect(securityGroupRules(template, sg.bastion, 'ingress')).toEqual([]);
    });

    test('each part sits in its own security group', () => {
      // THEN
      template.resourceCountIs('AWS::EC2::SecurityGroup', 4);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { SecurityGroups: [{ 'Fn::GetAtt': [sg.alb, 'GroupId'] }] });
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { SecurityGroupIds: [{ 'Fn::GetAtt': [sg.redis, 'GroupId'] }] });
      for (const [launchTemplate, group] of [[tier.webFleet.launchTemplate, sg.web], [tier.bastion.launchTemplate, sg.bastion]] as const) {
        const data = resourcesOfType(template, 'AWS::EC2::LaunchTemplate')[logicalId(launchTemplate)].Properties.LaunchTemplateData;
        expect(data.NetworkInterfaces[0].Groups).toEqual([{ 'Fn::GetAtt': [group, 'GroupId'] }]);
      }
    });

    test('with sshAllowedCidrs, the bastion admits SSH from exactly those CIDRs', () => {
      // WHEN
      const custom = tierOf({ sshAllowedCidrs: ['203.0.113.7/32', '198.51.100.0/24'] });
      // THEN
      expect(securityGroupRules(custom.template, securityGroupIds(custom.tier).bastion, 'ingress'))
        .toEqual(['tcp/22 198.51.100.0/24', 'tcp/22 203.0.113.7/32']);
    });
  });

  describe('outputs', () => {
    const dnsName = { 'Fn::GetAtt': [logicalId(tier.loadBalancer), 'DNSName'] };
    test.each<[string, unknown]>([
      ['the ALB DNS name', dnsName],
      ['the URL of the hello page', { 'Fn::Join': ['', ['http://', dnsName, '/cgi-bin/hello.py']] }],
      ['the bastion Elastic IP', { Ref: logicalId(tier.bastion.elasticIp) }],
      ['the Redis endpoint', { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(tier.cache.replicationGroup), 'PrimaryEndPoint.Address'] }, ':6379']] }],
    ])('with no props, the stack outputs %s', (_output, value) => {
      // THEN
      template.hasOutput('*', { Value: value });
    });
  });

  describe('composable parts', () => {
    test.each<[string, (t: ZeroDowntimeWebTier) => IConstruct, (t: ZeroDowntimeWebTier) => IConstruct, string, Record<string, unknown>]>([
      ['vpc', t => t.vpc, t => t.network!.vpc, 'AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' }],
      ['loadBalancer', t => t.loadBalancer, t => t.webLoadBalancer.loadBalancer, 'AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' }],
      ['listener', t => t.listener, t => t.webLoadBalancer.listener, 'AWS::ElasticLoadBalancingV2::Listener', { Port: 80 }],
      ['targetGroup', t => t.targetGroup, t => t.webLoadBalancer.targetGroup, 'AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8000 }],
      ['webAutoScalingGroup', t => t.webAutoScalingGroup, t => t.webFleet.autoScalingGroup, 'AWS::AutoScaling::AutoScalingGroup', { MinSize: '3' }],
      ['bastionAutoScalingGroup', t => t.bastionAutoScalingGroup, t => t.bastion.autoScalingGroup, 'AWS::AutoScaling::AutoScalingGroup', { MinSize: '1' }],
    ])('%s is the part\'s own object and resolves to its resource', (_field, facade, part, type, properties) => {
      // THEN
      expect(facade(tier)).toBe(part(tier));
      const resource = template.toJSON().Resources[logicalId(facade(tier))];
      expect(resource.Type).toBe(type);
      expect(resource.Properties).toMatchObject(properties);
    });

    test('cacheEndpointAddress is the cache\'s endpoint, the replication group\'s primary address', () => {
      // THEN
      expect(tier.cacheEndpointAddress).toBe(tier.cache.endpointAddress);
      expect(stack.resolve(tier.cacheEndpointAddress)).toEqual({ 'Fn::GetAtt': [logicalId(tier.cache.replicationGroup), 'PrimaryEndPoint.Address'] });
    });
  });

  describe('user-data limit', () => {
    test('with about 20 KB of commands added to the web user-data, synthesis fails naming the 16 KB limit', () => {
      // GIVEN
      const app = new App();
      const custom = new ZeroDowntimeWebTier(new Stack(app, 'Stack'), 'Tier');
      // WHEN
      custom.webFleet.userData.addCommands(...Array.from({ length: 200 }, (_, i) => `echo ${i} ${'x'.repeat(100)}`));
      // THEN
      expect(() => app.synth()).toThrow(/16 KB|16384/);
    });
  });

  describe('bad input', () => {
    test.each<[string, ZeroDowntimeWebTierProps, string, string, RegExp]>([
      ['a negative webMinCapacity', { webMinCapacity: -1 }, 'webMinCapacity', '-1', /whole number of instances, 0 or more/],
      ['a negative webMaxCapacity', { webMaxCapacity: -2 }, 'webMaxCapacity', '-2', /whole number of instances, 0 or more/],
      ['a negative webDesiredCapacity', { webDesiredCapacity: -1 }, 'webDesiredCapacity', '-1', /whole number of instances, 0 or more/],
      ['webMinCapacity above webMaxCapacity', { webMinCapacity: 3, webMaxCapacity: 2 }, 'webMinCapacity', '3', /must not exceed webMaxCapacity \(2\)/],
      ['webDesiredCapacity below webMinCapacity', { webMinCapacity: 2, webMaxCapacity: 4, webDesiredCapacity: 1 }, 'webDesiredCapacity', '1',
        /between webMinCapacity \(2\) and webMaxCapacity \(4\)/],
      ['webDesiredCapacity above webMaxCapacity', { webMinCapacity: 2, webMaxCapacity: 4, webDesiredCapacity: 5 }, 'webDesiredCapacity', '5',
        /between webMinCapacity \(2\) and webMaxCapacity \(4\)/],
      ['an sshAllowedCidrs entry without a prefix', { sshAllowedCidrs: ['203.0.113.7/32', '198.51.100.7'] }, 'sshAllowedCidrs[1]', '"198.51.100.7"',
        /must be an IPv4 CIDR block/],
      ['an sshAllowedCidrs entry with host bits set', { sshAllowedCidrs: ['203.0.113.7/24'] }, 'sshAllowedCidrs[0]', '"203.0.113.7/24"', /host bits must be zero/],
      ['webPort 0', { webPort: 0 }, 'webPort', '0', /whole number from 1 to 65535/],
      ['a health check interval of 4 s', { healthCheck: { interval: Duration.seconds(4) } }, 'healthCheck.interval', '4 seconds', /from 5 to 300 seconds/],
      ['a subnet outside the VPC', { subnetLayout: { web: ['10.0.41.0/24', '10.0.42.0/24', '192.168.43.0/24'] } }, 'subnetLayout.web[2]', '"192.168.43.0/24"',
        /must lie inside subnetLayout\.vpcCidr/],
    ])('fails with %s', (_case, props, prop, received, rule) => {
      // GIVEN
      const other = newStack();
      // WHEN / THEN
      expectInvalidProp(() => new ZeroDowntimeWebTier(other, 'Tier', props), { prop, received, rule });
    });

    test.each<[string, ZeroDowntimeWebTierProps]>([
      ['webMinCapacity', { webMinCapacity: Lazy.number({ produce: () => 2 }) }],
      ['sshAllowedCidrs', { sshAllowedCidrs: [Lazy.string({ produce: () => 'not a CIDR' })] }],
    ])('with an unresolved %s, the check is skipped', (_prop, props) => {
      // GIVEN
      const other = newStack();
      // WHEN / THEN
      expect(() => new ZeroDowntimeWebTier(other, 'Tier', props)).not.toThrow();
    });
  });
});
