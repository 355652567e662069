import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CacheEngine, RedisCache, RedisCacheProps, WebTierNetwork } from '../../src';
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

  test('with no props, the replication group is Valkey 8.2 on port 6379, in that subnet group and the Redis security group', () => {
    // THEN
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '8.2',
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
    expectInvalidProp(() => new RedisCache(other, 'Cache', { vpc, port }), { prop: 'port', received: `${port}`, rule: /whole number from 1 to 65535/ });
  });

  // Used alone, the part names its own props (port, replicas...), not the one-liner's (redisPort, redisReplicas...).
  test.each<[string, Partial<RedisCacheProps>, string, string, RegExp]>([
    ['port NaN', { port: NaN }, 'port', 'NaN', /whole number from 1 to 65535/],
    ['replicas 6', { replicas: 6 }, 'replicas', '6', /whole number from 0 to 5/],
    ['replicas Infinity', { replicas: Infinity }, 'replicas', 'Infinity', /whole number from 0 to 5/],
    ['multiAz without a replica', { replicas: 0, multiAz: true }, 'multiAz', 'true', /needs at least one replica \(replicas >= 1\)/],
    ['snapshotRetentionDays 36', { snapshotRetentionDays: 36 }, 'snapshotRetentionDays', '36', /whole number from 0 to 35/],
    ['a node type without the cache. prefix', { nodeType: 't3.micro' }, 'nodeType', '"t3.micro"', /shaped cache\.<family>\.<size>/],
    ['a node type with an unknown size', { nodeType: 'cache.t3.huge' }, 'nodeType', '"cache.t3.huge"', /shaped cache\.<family>\.<size>/],
    ['a node type in upper case', { nodeType: 'cache.T3.MICRO' }, 'nodeType', '"cache.T3.MICRO"', /shaped cache\.<family>\.<size>/],
    ['a node type that is not a string', { nodeType: 3 as unknown as string }, 'nodeType', '3', /shaped cache\.<family>\.<size>/],
    ['a previous-generation node type', { nodeType: 'cache.m3.medium' }, 'nodeType', '"cache.m3.medium"',
      /current-generation node family: m3 offers no encryption in transit and at rest/],
    ['a T2 node type', { nodeType: 'cache.t2.micro' }, 'nodeType', '"cache.t2.micro"', /current-generation node family: t2/],
    ['a T1 node type with Multi-AZ', { nodeType: 'cache.t1.micro' }, 'nodeType', '"cache.t1.micro"', /node family with Multi-AZ: t1 has none/],
    ['a T1 node type without replicas', { nodeType: 'cache.t1.micro', replicas: 0 }, 'nodeType', '"cache.t1.micro"', /current-generation node family: t1/],
    ['Redis OSS engine version 3.2.6', { engine: CacheEngine.REDIS_OSS, engineVersion: '3.2.6' }, 'engineVersion', '"3.2.6"', /Redis OSS version ElastiCache offers/],
    ['Redis OSS engine version 4.0.9', { engine: CacheEngine.REDIS_OSS, engineVersion: '4.0.9' }, 'engineVersion', '"4.0.9"', /4\.0\.10 or later/],
    ['engine version "latest"', { engineVersion: 'latest' }, 'engineVersion', '"latest"', /Valkey engine version such as "8\.2"/],
  ])('fails with %s', (_case, props, prop, received, rule) => {
    // GIVEN
    const other = newStack();
    const vpc = new WebTierNetwork(other, 'Network').vpc;
    // WHEN / THEN
    expectInvalidProp(() => new RedisCache(other, 'Cache', { vpc, ...props }), { prop, received, rule });
  });

  test.each(['cache.t4g.micro', 'cache.r7g.12xlarge', 'cache.m5.large', 'cache.r6gd.xlarge'])('with node type %s, the replication group uses it', nodeType => {
    // WHEN
    const custom = cacheAlone({ nodeType });
    // THEN
    Template.fromStack(custom.stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheNodeType: nodeType });
  });

  test('fails without a vpc (JavaScript callers)', () => {
    // GIVEN
    const other = newStack();
    // WHEN / THEN
    expectInvalidProp(() => new RedisCache(other, 'Cache', {} as RedisCacheProps), { prop: 'vpc', received: 'undefined', rule: /is required/ });
  });

  test.each<[string, Partial<RedisCacheProps>, string, string]>([
    ['replicas 0', { replicas: 0 }, 'redisSingleNode', 'replicas is 0: a single Redis node has no automatic failover'],
    ['multiAz false with a replica', { multiAz: false }, 'redisMultiAzOff', 'multiAz is false: the primary and its replicas may share an AZ'],
    ['snapshotRetentionDays 0', { snapshotRetentionDays: 0 }, 'redisSnapshotsOff', 'snapshotRetentionDays is 0: Redis takes no automatic snapshot'],
  ])('warns with %s, which gives up a protection the README promises', (_case, props, id, message) => {
    // WHEN
    const custom = cacheAlone(props);
    // THEN
    const warnings = Annotations.fromStack(custom.stack).findWarning('/Stack/Cache',
      Match.stringLikeRegexp(`${message}.*\\[ack: cdk-zero-downtime-web-tier:${id}\\]`));
    expect(warnings).toHaveLength(1);
  });

  test('with no optional props, there is no warning', () => {
    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
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
