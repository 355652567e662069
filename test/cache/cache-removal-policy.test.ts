import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RedisCache, ZeroDowntimeWebTier } from '../../src';
import { expectInvalidProp, newStack, onlyResource } from '../util';

/** The RedisCache part alone in a VPC of isolated subnets, with `removalPolicy`. */
function cacheWith(removalPolicy?: RemovalPolicy): Template {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new RedisCache(stack, 'Cache', { vpc, vpcSubnets: { subnetGroupName: 'Data' }, removalPolicy });
  return Template.fromStack(stack);
}

/** The DeletionPolicy and UpdateReplacePolicy of the only resource of `type`. */
function policiesOf(template: Template, type: string) {
  const resource = onlyResource(template, type) as any;
  return { DeletionPolicy: resource.DeletionPolicy, UpdateReplacePolicy: resource.UpdateReplacePolicy };
}

describe('RedisCache removal policy', () => {
  test('with no props, a replacement, a removal or cdk destroy leaves a final snapshot (Snapshot for both policies)', () => {
    expect(policiesOf(cacheWith(), 'AWS::ElastiCache::ReplicationGroup')).toEqual({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    expect(policiesOf(cacheWith(), 'AWS::SecretsManager::Secret')).toEqual({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('with RETAIN, the cache and its AUTH token\'s secret stay when they leave the stack', () => {
    const template = cacheWith(RemovalPolicy.RETAIN);
    expect(policiesOf(template, 'AWS::ElastiCache::ReplicationGroup')).toEqual({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(policiesOf(template, 'AWS::SecretsManager::Secret')).toEqual({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('with DESTROY, the cache is deleted with its data', () => {
    expect(policiesOf(cacheWith(RemovalPolicy.DESTROY), 'AWS::ElastiCache::ReplicationGroup')).toEqual({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('the one-liner passes redisRemovalPolicy to the cache', () => {
    const stack = newStack();
    new ZeroDowntimeWebTier(stack, 'WebTier', { redisRemovalPolicy: RemovalPolicy.RETAIN });
    expect(policiesOf(Template.fromStack(stack), 'AWS::ElastiCache::ReplicationGroup')).toEqual({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('fails with RETAIN_ON_UPDATE_OR_DELETE, naming the prop as the caller spelled it', () => {
    const rule = /must be RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN or RemovalPolicy.DESTROY/;
    expectInvalidProp(() => cacheWith(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE), { prop: 'removalPolicy', received: 'retain-on-update-or-delete', rule });
    expectInvalidProp(() => new ZeroDowntimeWebTier(new Stack(), 'WebTier', { redisRemovalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE }),
      { prop: 'redisRemovalPolicy', received: 'retain-on-update-or-delete', rule });
  });
});
