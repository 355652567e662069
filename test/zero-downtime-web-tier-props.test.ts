import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { WebHealthCheckPresets } from '../src';
import { securityGroupIds, SSH_PUBLIC_KEY, tierOf } from './tier-of';
import { logicalId, resourcesOfType, securityGroupRules, subnetByCidr, tutorialCidrs, userDataOf, variablesExportedBy } from './util';

describe('ZeroDowntimeWebTier', () => {
  // GIVEN a tier with no props, shared by the tests that only read it
  const { template } = tierOf();

  describe('props', () => {
    test('with webMinCapacity, webMaxCapacity and webDesiredCapacity, the web group has those sizes', () => {
      // WHEN
      const custom = tierOf({ webMinCapacity: 3, webMaxCapacity: 5, webDesiredCapacity: 4, webStaticStability: false });
      // THEN
      custom.template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        MinSize: '3', MaxSize: '5', DesiredCapacity: '4', TargetGroupARNs: Match.anyValue(),
      });
    });

    test('with webMinCapacity 3 and webMaxCapacity 8 (static stability on), the web group keeps 5 servers so that any AZ can be lost', () => {
      // WHEN
      const custom = tierOf({ webMinCapacity: 3, webMaxCapacity: 8 });
      // THEN
      custom.template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        MinSize: '5', MaxSize: '8', TargetGroupARNs: Match.anyValue(),
      });
    });

    test('with webInstanceType and bastionInstanceType, each launch template has its own', () => {
      // WHEN
      const custom = tierOf({
        webInstanceType: ec2.InstanceType.of(ec2.InstanceClass.C7I, ec2.InstanceSize.LARGE),
        bastionInstanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.SMALL),
      });
      // THEN
      const launchTemplates = resourcesOfType(custom.template, 'AWS::EC2::LaunchTemplate');
      expect(launchTemplates[logicalId(custom.tier.webFleet.launchTemplate)].Properties.LaunchTemplateData.InstanceType).toBe('c7i.large');
      expect(launchTemplates[logicalId(custom.tier.bastion.launchTemplate)].Properties.LaunchTemplateData.InstanceType).toBe('t3.small');
    });

    test('with sshPublicKey, one key pair is imported and both launch templates use it', () => {
      // WHEN
      const custom = tierOf({ sshPublicKey: SSH_PUBLIC_KEY });
      // THEN
      custom.template.resourceCountIs('AWS::EC2::KeyPair', 1);
      custom.template.hasResourceProperties('AWS::EC2::KeyPair', { PublicKeyMaterial: SSH_PUBLIC_KEY });
      const [keyPair] = Object.keys(resourcesOfType(custom.template, 'AWS::EC2::KeyPair'));
      const keyNames = Object.values(resourcesOfType(custom.template, 'AWS::EC2::LaunchTemplate')).map(lt => lt.Properties.LaunchTemplateData.KeyName);
      expect(keyNames).toEqual([{ Ref: keyPair }, { Ref: keyPair }]);
    });

    test('with no sshPublicKey, there is no key pair and no launch template names one', () => {
      // THEN
      template.resourceCountIs('AWS::EC2::KeyPair', 0);
      template.allResourcesProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ KeyName: Match.absent() }) });
    });

    test('with redisNodeType, the replication group uses it', () => {
      // WHEN
      const custom = tierOf({ redisNodeType: 'cache.t4g.small' });
      // THEN
      custom.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheNodeType: 'cache.t4g.small', Port: 6379 });
    });

    test('with healthCheck WebHealthCheckPresets.fast(), the target group checks every 5 s and failover takes 14 s', () => {
      // WHEN
      const custom = tierOf({ healthCheck: WebHealthCheckPresets.fast() });
      // THEN
      custom.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 4, UnhealthyThresholdCount: 2,
      });
      expect(custom.tier.failoverWindow.toSeconds()).toBe(14);
    });

    describe('with webPort 8080', () => {
      // WHEN
      const custom = tierOf({ webPort: 8080 });
      const ids = securityGroupIds(custom.tier);

      test('the target group forwards to port 8080', () => {
        // THEN
        custom.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080 });
      });

      test('the ALB reaches the web servers on port 8080 and on nothing else', () => {
        // THEN
        expect(securityGroupRules(custom.template, ids.alb, 'egress')).toEqual([`tcp/8080 sg:${ids.web}`]);
        expect(securityGroupRules(custom.template, ids.web, 'ingress')).toEqual([`tcp/22 sg:${ids.bastion}`, `tcp/8080 sg:${ids.alb}`]);
      });

      test('the user-data exports WEBTIER_WEB_PORT 8080', () => {
        // THEN
        const userData = userDataOf(custom.template, logicalId(custom.tier.webFleet.launchTemplate));
        expect(variablesExportedBy(userData).get('WEBTIER_WEB_PORT')).toBe('8080');
      });
    });

    test('with natGatewayPerAz false, every web subnet routes through the single NAT gateway', () => {
      // WHEN
      const custom = tierOf({ natGatewayPerAz: false });
      // THEN
      const [nat] = Object.keys(resourcesOfType(custom.template, 'AWS::EC2::NatGateway'));
      expect(tutorialCidrs(40).map(cidr => subnetByCidr(custom.template, cidr).defaultRoutes)).toEqual([[`nat:${nat}`], [`nat:${nat}`], [`nat:${nat}`]]);
    });
  });
});
