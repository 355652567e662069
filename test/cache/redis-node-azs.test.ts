import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RedisCache, RedisCacheProps, WebTierNetwork } from '../../src';
import { newStack, onlyResource } from '../util';

/** Redis alone in the tier's network, in a stack of a known region (so the AZ names are literals). */
function cache(props: Partial<RedisCacheProps> = {}) {
  const stack = newStack({ env: { account: '111122223333', region: 'eu-west-3' } });
  const network = new WebTierNetwork(stack, 'Network', { availabilityZones: ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'] });
  const redis = new RedisCache(stack, 'Cache', { vpc: network.vpc, ...props });
  return { redis, group: onlyResource(Template.fromStack(stack), 'AWS::ElastiCache::ReplicationGroup').Properties };
}

describe('RedisCache node placement', () => {
  test('by default, the primary and its replica are placed in two different AZs of the subnet group (PreferredCacheClusterAZs)', () => {
    const { group, redis } = cache();
    expect(group.PreferredCacheClusterAZs).toEqual(['eu-west-3a', 'eu-west-3b']);
    expect(new Set(group.PreferredCacheClusterAZs).size).toBe(group.NumCacheClusters);
    expect(group.MultiAZEnabled).toBe(true);
    expect(group.AutomaticFailoverEnabled).toBe(true);
    expect(redis.nodeAvailabilityZones).toEqual(group.PreferredCacheClusterAZs);
  });

  test('with 3 replicas over three AZs, the nodes go round the AZs: the primary shares its AZ with no first replica', () => {
    const { group } = cache({ replicas: 3 });
    expect(group.PreferredCacheClusterAZs).toEqual(['eu-west-3a', 'eu-west-3b', 'eu-west-3c', 'eu-west-3a']);
    expect(group.NumCacheClusters).toBe(4);
  });

  test('with a single node, no AZ is named: ElastiCache picks one', () => {
    const { group } = cache({ replicas: 0 });
    expect(group.PreferredCacheClusterAZs).toBeUndefined();
  });

  test('in an environment-agnostic stack, the AZs are the network\'s, one per node, in order', () => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    new RedisCache(stack, 'Cache', { vpc: network.vpc });
    const group = onlyResource(Template.fromStack(stack), 'AWS::ElastiCache::ReplicationGroup').Properties;
    expect(group.PreferredCacheClusterAZs).toHaveLength(2);
    expect(group.PreferredCacheClusterAZs[0]).not.toEqual(group.PreferredCacheClusterAZs[1]);
  });

  test('in a VPC of yours with two subnets per AZ, the primary and its replica still get two different AZs', () => {
    const stack = newStack({ env: { account: '111122223333', region: 'eu-west-3' } });
    const vpc = new ec2.Vpc(stack, 'Mine', {
      availabilityZones: ['eu-west-3a', 'eu-west-3b'],
      subnetConfiguration: [
        { name: 'one', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        { name: 'two', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
    });
    new RedisCache(stack, 'Cache', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    const group = onlyResource(Template.fromStack(stack), 'AWS::ElastiCache::ReplicationGroup').Properties;
    expect(group.PreferredCacheClusterAZs).toEqual(['eu-west-3a', 'eu-west-3b']);
  });
});
