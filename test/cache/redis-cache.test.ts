import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RedisCache, RedisCacheProps, WebTierNetwork } from '../../src';
import { acknowledgementsOn } from '../security/policy-harness';
import { cidrsOfSubnets, expectInvalidProp, logicalId, newStack, onlyResource, securityGroupRules, tutorialCidrs } from '../util';

/** A stack with the network and Redis, and nothing else. */
function cacheAlone(props: Partial<RedisCacheProps> = {}) {
  const stack = newStack();
  const vpc = new WebTierNetwork(stack, 'Network').vpc;
  const cache = new RedisCache(stack, 'Cache', { vpc, ...props });
  return { stack, vpc, cache };
}

describe('RedisCache', () => {
  // GIVEN Redis with no optional props, shared by the tests that only read it
  const { stack, cache } = cacheAlone();
  const template = Template.fromStack(stack);

  test('used alone in a stack, it synthesizes one replication group in one subnet group', () => {
    // THEN
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.resourceCountIs('AWS::ElastiCache::SubnetGroup', 1);
  });

  test('with no props, the subnet group spans the three Redis subnets', () => {
    // THEN
    const subnetGroup = onlyResource(template, 'AWS::ElastiCache::SubnetGroup');
    expect(cidrsOfSubnets(template, subnetGroup.Properties.SubnetIds)).toEqual(tutorialCidrs(50));
  });

  test('with no props, the replication group is Redis on port 6379, in that subnet group and the Redis security group', () => {
    // THEN
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      Port: 6379,
      CacheNodeType: 'cache.t3.micro',
      CacheSubnetGroupName: { Ref: logicalId(cache.subnetGroup) },
      SecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(cache.securityGroup), 'GroupId'] }],
    });
  });

  test('with no props, endpointAddress is the primary endpoint address of the replication group', () => {
    // THEN
    expect(stack.resolve(cache.endpointAddress)).toEqual({ 'Fn::GetAtt': [logicalId(cache.replicationGroup), 'PrimaryEndPoint.Address'] });
  });

  test('used alone, its security group admits nobody and sends nothing', () => {
    // THEN
    const groupId = logicalId(cache.securityGroup);
    expect(securityGroupRules(template, groupId, 'ingress')).toEqual([]);
    expect(securityGroupRules(template, groupId, 'egress')).toEqual([]);
  });

  test('with nodeType, the replication group uses it', () => {
    // WHEN
    const custom = cacheAlone({ nodeType: 'cache.r7g.large' });
    // THEN
    Template.fromStack(custom.stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheNodeType: 'cache.r7g.large' });
  });

  test('with allowDefaultPortFrom a peer, that peer may reach the Redis port and nothing else', () => {
    // GIVEN
    const custom = cacheAlone();
    const client = new ec2.SecurityGroup(custom.stack, 'Client', { vpc: custom.vpc });
    // WHEN
    custom.cache.connections.allowDefaultPortFrom(client);
    // THEN
    expect(securityGroupRules(Template.fromStack(custom.stack), logicalId(custom.cache.securityGroup), 'ingress'))
      .toEqual([`tcp/6379 sg:${logicalId(client)}`]);
  });

  test.each([0, 65536, 6379.5])('fails with port %p', port => {
    // GIVEN
    const other = newStack();
    const vpc = ec2.Vpc.fromVpcAttributes(other, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['az-a'], isolatedSubnetIds: ['subnet-1'] });
    // WHEN / THEN
    expectInvalidProp(() => new RedisCache(other, 'Cache', { vpc, port }), { prop: 'redisPort', received: `${port}`, rule: /whole number from 1 to 65535/ });
  });

  describe('with replicas 0', () => {
    // WHEN
    const single = cacheAlone({ replicas: 0 });
    const singleTemplate = Template.fromStack(single.stack);

    test('there is one node, without failover or Multi-AZ', () => {
      // THEN
      singleTemplate.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
      singleTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        NumCacheClusters: 1, AutomaticFailoverEnabled: false, MultiAZEnabled: false,
      });
    });

    test('the single node is acknowledged as the tutorial\'s choice, unlike the default', () => {
      // THEN
      const acknowledged = (c: RedisCache) => [...acknowledgementsOn(c.replicationGroup).keys()]
        .filter(id => ['AwsSolutions-AEC4', 'CT.ELASTICACHE.PR.3'].includes(id)).sort();
      expect(acknowledged(single.cache)).toEqual(['AwsSolutions-AEC4', 'CT.ELASTICACHE.PR.3']);
      expect(acknowledged(cache)).toEqual([]);
    });
  });

  test('with replicas 5, there are 6 nodes with automatic failover across AZs', () => {
    // WHEN
    const custom = cacheAlone({ replicas: 5 });
    // THEN
    Template.fromStack(custom.stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumCacheClusters: 6, AutomaticFailoverEnabled: true, MultiAZEnabled: true,
    });
  });
});
