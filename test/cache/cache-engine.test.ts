// The cache engine (Valkey or Redis OSS), its versions and parameter group families, and the node types of each
// family, checked against AWS's lists (src/cache/cache-engine.ts, src/cache/cache-node-types.ts).
import { Template } from 'aws-cdk-lib/assertions';
import { CacheEngine, RedisCache, RedisCacheProps, WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { NODE_FAMILIES } from '../../src/cache/cache-node-types';
import { expectInvalidProp, newStack, onlyResource } from '../util';

function replicationGroup(props: Partial<RedisCacheProps> = {}): any {
  const stack = newStack();
  const vpc = new WebTierNetwork(stack, 'Network').vpc;
  new RedisCache(stack, 'Cache', { vpc, ...props });
  return onlyResource(Template.fromStack(stack), 'AWS::ElastiCache::ReplicationGroup').Properties;
}

function oneLinerGroup(props: ZeroDowntimeWebTierProps): any {
  const stack = newStack();
  new ZeroDowntimeWebTier(stack, 'WebTier', props);
  return onlyResource(Template.fromStack(stack), 'AWS::ElastiCache::ReplicationGroup').Properties;
}

describe('cache engine', () => {
  test('with no props, the engine is Valkey 8.2 with the default valkey8 parameter group (needed for the in-place upgrade from Redis OSS)', () => {
    const group = replicationGroup();
    expect([group.Engine, group.EngineVersion, group.CacheParameterGroupName]).toEqual(['valkey', '8.2', 'default.valkey8']);
  });

  test('with engine REDIS_OSS, the replication group is Redis OSS 7.1 with exactly the properties the tier wrote before (no parameter group)', () => {
    const group = replicationGroup({ engine: CacheEngine.REDIS_OSS });
    expect([group.Engine, group.EngineVersion, group.CacheParameterGroupName]).toEqual(['redis', '7.1', undefined]);
  });

  test.each<[CacheEngine, string, string]>([
    [CacheEngine.VALKEY, '7.2', 'default.valkey7'],
    [CacheEngine.VALKEY, '8.0', 'default.valkey8'],
    [CacheEngine.VALKEY, '8.1', 'default.valkey8'],
    [CacheEngine.VALKEY, '9.0', 'default.valkey9'],
  ])('with engine %s %s, the parameter group is %s', (engine, engineVersion, parameterGroup) => {
    const group = replicationGroup({ engine, engineVersion });
    expect([group.Engine, group.EngineVersion, group.CacheParameterGroupName]).toEqual([engine, engineVersion, parameterGroup]);
  });

  test.each(['4.0.10', '5.0.6', '6.0', '6.2', '6.x', '7.0', '7.1'])('with engine REDIS_OSS and engineVersion %s, the replication group runs it', engineVersion => {
    expect(replicationGroup({ engine: CacheEngine.REDIS_OSS, engineVersion }).EngineVersion).toBe(engineVersion);
  });

  test('on the one-liner, redisEngine and redisEngineVersion reach the replication group', () => {
    const group = oneLinerGroup({ redisEngine: CacheEngine.REDIS_OSS, redisEngineVersion: '6.2' });
    expect([group.Engine, group.EngineVersion]).toEqual(['redis', '6.2']);
  });

  test('the replication group and its secret keep their logical ids whatever the engine (CloudFormation changes the engine in place)', () => {
    const ids = (props: ZeroDowntimeWebTierProps) => {
      const stack = newStack();
      new ZeroDowntimeWebTier(stack, 'WebTier', props);
      const template = Template.fromStack(stack);
      return [...Object.keys(template.findResources('AWS::ElastiCache::ReplicationGroup')), ...Object.keys(template.findResources('AWS::SecretsManager::Secret'))];
    };
    expect(ids({ redisEngine: CacheEngine.VALKEY })).toEqual(ids({ redisEngine: CacheEngine.REDIS_OSS }));
    expect(ids({})).toEqual(['WebTierCacheEB8C236E', 'WebTierCacheAuthToken455C7151']);
  });

  // Each engine's own versions; the other engine's versions are named as such.
  test.each<[string, Partial<RedisCacheProps>, string, RegExp]>([
    ['a Redis OSS version with Valkey', { engineVersion: '7.1' }, '"7.1"', /Valkey version ElastiCache offers \(7\.2, 8\.0, 8\.1, 8\.2, 9\.0.*7\.1 is a Redis OSS version: set engine to match/],
    ['a Valkey version with Redis OSS', { engine: CacheEngine.REDIS_OSS, engineVersion: '8.0' }, '"8.0"', /Redis OSS version ElastiCache offers.*8\.0 is a Valkey version/],
    ['Valkey 7.1, which never existed', { engineVersion: '7.1.0' }, '"7.1.0"', /Valkey version ElastiCache offers/],
    ['Valkey 10.0, not offered yet', { engineVersion: '10.0' }, '"10.0"', /Valkey version ElastiCache offers/],
    ['Redis OSS 7.2 (ElastiCache went to Valkey instead)', { engine: CacheEngine.REDIS_OSS, engineVersion: '7.2' }, '"7.2"', /7\.2 is a Valkey version/],
    ['Redis OSS 4.0 without its patch (4.0.10 is the first with AUTH and encryption at rest)', { engine: CacheEngine.REDIS_OSS, engineVersion: '4.0' }, '"4.0"', /4\.0\.10 or later/],
    ['Redis OSS 2.8', { engine: CacheEngine.REDIS_OSS, engineVersion: '2.8.24' }, '"2.8.24"', /Redis OSS version ElastiCache offers/],
  ])('fails with %s', (_case, props, received, rule) => {
    const stack = newStack();
    const vpc = new WebTierNetwork(stack, 'Network').vpc;
    expectInvalidProp(() => new RedisCache(stack, 'Cache', { vpc, ...props }), { prop: 'engineVersion', received, rule });
  });

  test.each<[string, unknown]>([['memcached', 'memcached'], ['Valkey in capitals', 'VALKEY'], ['a number', 7]])('fails with engine %s (JavaScript callers)', (_case, engine) => {
    const stack = newStack();
    const vpc = new WebTierNetwork(stack, 'Network').vpc;
    expectInvalidProp(() => new RedisCache(stack, 'Cache', { vpc, engine: engine as CacheEngine }),
      { prop: 'engine', received: JSON.stringify(engine), rule: /must be a CacheEngine: "valkey" or "redis"/ });
  });

  test('fails on the one-liner in its own names', () => {
    expectInvalidProp(() => new ZeroDowntimeWebTier(newStack(), 'WebTier', { redisEngine: CacheEngine.REDIS_OSS, redisEngineVersion: '8.2' }),
      { prop: 'redisEngineVersion', received: '"8.2"', rule: /8\.2 is a Valkey version: set redisEngine to match/ });
  });
});

describe('cache node types', () => {
  // Every size AWS lists for a family is accepted, with either engine.
  const everyNodeType = Object.entries(NODE_FAMILIES).flatMap(([family, rules]) => rules.sizes.map(size => `cache.${family}.${size}`));
  test('with each node type of the list, the replication group uses it', () => {
    // GIVEN one network, and a cache per node type
    const stack = newStack();
    const vpc = new WebTierNetwork(stack, 'Network').vpc;
    // WHEN
    everyNodeType.forEach((nodeType, index) => new RedisCache(stack, `Cache${index}`, { vpc, nodeType }));
    // THEN
    const groups = Object.values(Template.fromStack(stack).findResources('AWS::ElastiCache::ReplicationGroup'));
    expect(groups.map(group => group.Properties.CacheNodeType)).toEqual(everyNodeType);
  });

  test('the list covers the families AWS documents, with their sizes', () => {
    expect(Object.keys(NODE_FAMILIES).sort()).toEqual(['c7gn', 'm4', 'm5', 'm6g', 'm7g', 'r4', 'r5', 'r6g', 'r6gd', 'r7g', 't3', 't4g']);
    expect(everyNodeType).toHaveLength(70);
  });

  test('with an r6gd node, data tiering is on (CloudFormation requires it for r6gd)', () => {
    expect(replicationGroup({ nodeType: 'cache.r6gd.xlarge' }).DataTieringEnabled).toBe(true);
    expect(replicationGroup({ nodeType: 'cache.r6g.xlarge' }).DataTieringEnabled).toBeUndefined();
  });

  test.each<[string, Partial<RedisCacheProps>, string, RegExp]>([
    ['a size the family does not have (t3 has no large)', { nodeType: 'cache.t3.large' }, '"cache.t3.large"', /size that exists for the t3 family: micro, small, medium/],
    ['a size the family does not have (m7g has no micro)', { nodeType: 'cache.m7g.micro' }, '"cache.m7g.micro"', /size that exists for the m7g family: large/],
    ['r6gd large (data tiering starts at xlarge)', { nodeType: 'cache.r6gd.large' }, '"cache.r6gd.large"', /size that exists for the r6gd family: xlarge/],
    ['m5 8xlarge (m5 jumps from 4xlarge to 12xlarge)', { nodeType: 'cache.m5.8xlarge' }, '"cache.m5.8xlarge"', /m5 family: .*4xlarge, 12xlarge, 24xlarge/],
    ['an unknown family', { nodeType: 'cache.x2gd.large' }, '"cache.x2gd.large"', /node family ElastiCache offers: m7g.*read on 2026-12-03/],
    ['an EC2 family ElastiCache does not offer', { nodeType: 'cache.c5.large' }, '"cache.c5.large"', /node family ElastiCache offers/],
    ['r6gd with Redis OSS 6.0 (data tiering needs 6.2)', { nodeType: 'cache.r6gd.xlarge', engine: CacheEngine.REDIS_OSS, engineVersion: '6.0' },
      '"cache.r6gd.xlarge"', /needs Redis OSS 6\.2 or later \(or Valkey\) for its data tiering: engineVersion is 6\.0/],
    ['t4g with Redis OSS 5.0.5 (Graviton nodes need 5.0.6)', { nodeType: 'cache.t4g.micro', engine: CacheEngine.REDIS_OSS, engineVersion: '5.0.5' },
      '"cache.t4g.micro"', /needs Redis OSS 5\.0\.6 or later/],
  ])('fails with %s', (_case, props, received, rule) => {
    const stack = newStack();
    const vpc = new WebTierNetwork(stack, 'Network').vpc;
    expectInvalidProp(() => new RedisCache(stack, 'Cache', { vpc, ...props }), { prop: 'nodeType', received, rule });
  });

  test('with r6gd and Redis OSS 6.2, or any Valkey, data tiering is accepted', () => {
    expect(replicationGroup({ nodeType: 'cache.r6gd.2xlarge', engine: CacheEngine.REDIS_OSS, engineVersion: '6.2' }).DataTieringEnabled).toBe(true);
    expect(replicationGroup({ nodeType: 'cache.r6gd.2xlarge', engineVersion: '7.2' }).DataTieringEnabled).toBe(true);
  });

  test('fails on the one-liner naming redisNodeType and redisEngineVersion', () => {
    expectInvalidProp(() => new ZeroDowntimeWebTier(newStack(), 'WebTier', {
      redisNodeType: 'cache.r6gd.xlarge', redisEngine: CacheEngine.REDIS_OSS, redisEngineVersion: '5.0.6',
    }), { prop: 'redisNodeType', received: '"cache.r6gd.xlarge"', rule: /needs Redis OSS 6\.2 or later .*redisEngineVersion is 5\.0\.6/ });
  });
});

describe('monitoring of the cache engine', () => {
  // ElastiCache publishes the same host- and engine-level metrics (AWS/ElastiCache, dimension CacheClusterId) for
  // Valkey and Redis OSS: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html
  function cacheAlarms(props: ZeroDowntimeWebTierProps): string[] {
    const stack = newStack();
    new ZeroDowntimeWebTier(stack, 'WebTier', props);
    return Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
      .map(alarm => alarm.Properties)
      .filter(alarm => alarm.Namespace === 'AWS/ElastiCache')
      .map(alarm => `${alarm.MetricName} by ${alarm.Dimensions.map((d: any) => d.Name).join(',')}`)
      .sort();
  }

  test('the cache alarms watch the same metrics, per node, whichever the engine', () => {
    const valkey = cacheAlarms({ redisEngine: CacheEngine.VALKEY });
    expect(valkey).toEqual(expect.arrayContaining([
      'DatabaseMemoryUsagePercentage by CacheClusterId', 'EngineCPUUtilization by CacheClusterId', 'Evictions by CacheClusterId',
      'ReplicationLag by CacheClusterId',
    ]));
    expect(cacheAlarms({ redisEngine: CacheEngine.REDIS_OSS })).toEqual(valkey);
  });
});
