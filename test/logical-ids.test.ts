import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ZeroDowntimeWebTier } from '../src';

/**
 * The logical ids of the stateful resources of `new ZeroDowntimeWebTier(stack, 'WebTier')`, as released.
 *
 * CloudFormation replaces a resource whose logical id changes: for these that means a new VPC and subnets (every
 * instance relaunched), new public addresses, an empty Redis, a new AUTH token, and the old logs and log bucket
 * orphaned or deleted. A refactor that renames a construct id on the path to one of them must not ship.
 */
const PINNED: Record<string, string[]> = {
  'AWS::EC2::VPC': ['WebTierNetwork83B54576'],
  'AWS::EC2::Subnet': [
    'WebTierNetworkALBSubnet1Subnet6A6B3FE5', 'WebTierNetworkALBSubnet2Subnet2E4D91B7', 'WebTierNetworkALBSubnet3Subnet0C5DED03',
    'WebTierNetworkNATSubnet1Subnet7A060AC9', 'WebTierNetworkNATSubnet2Subnet3906EDFC', 'WebTierNetworkNATSubnet3Subnet8B86F807',
    'WebTierNetworkBastionSubnet1SubnetA34E38F6', 'WebTierNetworkBastionSubnet2Subnet9198CF6D', 'WebTierNetworkBastionSubnet3SubnetE2B71F52',
    'WebTierNetworkWebSubnet1SubnetBE077CC8', 'WebTierNetworkWebSubnet2SubnetFA98FAFC', 'WebTierNetworkWebSubnet3SubnetF3D37E6B',
    'WebTierNetworkRedisSubnet1Subnet7FB96683', 'WebTierNetworkRedisSubnet2SubnetAACD3ADA', 'WebTierNetworkRedisSubnet3Subnet8ABF3192',
  ],
  'AWS::EC2::EIP': [
    'WebTierBastionElasticIp2E395962',
    'WebTierNetworkNATSubnet1EIPD949F3FB', 'WebTierNetworkNATSubnet2EIPE2E197A3', 'WebTierNetworkNATSubnet3EIPC70E6032',
  ],
  'AWS::ElastiCache::ReplicationGroup': ['WebTierCacheEB8C236E'],
  'AWS::ElastiCache::SubnetGroup': ['WebTierCacheSubnetGroup936A3CB1'],
  'AWS::SecretsManager::Secret': ['WebTierCacheAuthToken455C7151'],
  'AWS::S3::Bucket': ['WebTierLoadBalancerAccessLogsE9BD229D'],
  'AWS::Logs::LogGroup': ['WebTierNetworkFlowLogGroup190F8AFE'],
  'AWS::KMS::Key': ['WebTierMonitoringAlarmTopicKeyD971BAB1'],
};

describe('logical ids of the default stack', () => {
  // GIVEN the default one-liner, as the README's quick start builds it
  const app = new App();
  const stack = new Stack(app, 'Stack');
  new ZeroDowntimeWebTier(stack, 'WebTier');
  const resources: Record<string, { Type: string }> = app.synth().getStackByName('Stack').template.Resources;

  test.each(Object.entries(PINNED))('with no props, every %s keeps its released logical id', (type, ids) => {
    // WHEN
    const problems = ids
      .filter(id => resources[id]?.Type !== type)
      .map(id => `${id} (${type}) is ${resources[id] ? `now a ${resources[id].Type}` : 'gone'}`);
    // THEN
    if (problems.length > 0) {
      const now = Object.keys(resources).filter(id => resources[id].Type === type).sort();
      throw new Error(`A stateful resource of the default stack changed its logical id: ${problems.join('; ')}. ` +
        'CloudFormation would replace it in every user\'s stack on their next deploy (data, addresses or logs lost). ' +
        `Keep the construct ids on its path unchanged. Logical ids of this type now: ${now.join(', ')}.`);
    }
    expect(ids.every(id => resources[id].Type === type)).toBe(true);
  });
});

describe('logical ids of every resource of the default stack', () => {
  test('with no props, every resource keeps the logical id and type it had (a change would replace it in users\' stacks)', () => {
    // GIVEN
    const pinned: Record<string, string> = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'default-logical-ids.json'), 'utf8'));
    const app = new App();
    const stack = new Stack(app, 'Stack');
    // WHEN
    new ZeroDowntimeWebTier(stack, 'WebTier');
    // THEN
    const resources: Record<string, { Type: string }> = app.synth().getStackByName('Stack').template.Resources;
    const now = Object.fromEntries(Object.keys(pinned).map(id => [id, resources[id]?.Type]));
    expect(now).toEqual(pinned);
  });
});
