import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ZeroDowntimeWebTier } from '../../src';

/**
 * The logical IDs of the monitoring's resources in the default one-liner. A refactor that changes one makes
 * CloudFormation replace it in every user's stack (a new topic loses its subscriptions, a new key its grants):
 * if this test fails, keep the old construct ids and scopes instead of updating the list.
 */
const PINNED = {
  'AWS::KMS::Key': ['WebTierMonitoringAlarmTopicKeyD971BAB1'],
  'AWS::SNS::Topic': ['WebTierMonitoringAlarmTopicFC8B59B9'],
  'AWS::SNS::TopicPolicy': ['WebTierMonitoringAlarmTopicPolicyEF8E55F4'],
  'AWS::CloudWatch::Dashboard': ['WebTierMonitoringDashboard7A6CB5F4'],
  'AWS::CloudWatch::Alarm': [
    'WebTierMonitoringHealthyHostsAlarm8996FBEB',
    'WebTierMonitoringElb5xxAlarmBB45DA01',
    'WebTierMonitoringTarget5xxAlarm63194C65',
    'WebTierMonitoringResponseTimeAlarm438C70B6',
    'WebTierMonitoringInServiceInstancesAlarm38857868',
    'WebTierMonitoringRedisCpuAlarm00193F4455C',
    'WebTierMonitoringRedisCpuAlarm002A1DAA15C',
    'WebTierMonitoringRedisMemoryAlarm0015DDEE1B5',
    'WebTierMonitoringRedisMemoryAlarm0022ECFD719',
    'WebTierMonitoringRedisEvictionsAlarm00140EA8418',
    'WebTierMonitoringRedisEvictionsAlarm0026CA84E78',
    'WebTierMonitoringRedisReplicationLagAlarm001BCFF27FE',
    'WebTierMonitoringRedisReplicationLagAlarm002BB1C3C9B',
    'WebTierMonitoringNatPacketsDropAlarm1072C9782',
    'WebTierMonitoringNatPacketsDropAlarm2F7227255',
    'WebTierMonitoringNatPacketsDropAlarm317EBAFCF',
    'WebTierMonitoringNatPortAllocationErrorsAlarm1124FDF87',
    'WebTierMonitoringNatPortAllocationErrorsAlarm278C3420D',
    'WebTierMonitoringNatPortAllocationErrorsAlarm337E112AA',
    // The web fleet's release gate: the instance refresh names these alarms.
    'WebTierWebFleetReleaseGateTarget5xxRateAlarm1F74B243',
    'WebTierWebFleetReleaseGateElb5xxRateAlarmCCB5D844',
    'WebTierWebFleetReleaseGateResponseTimeAlarm3645D2B5',
    'WebTierWebFleetReleaseGateUnhealthyHostsAlarm3CA037B7',
    // The release checks alarm (issue #33), watched by the instance refresh too.
    'WebTierWebFleetReleaseChecksAlarm60A19544',
  ],
};

describe('WebTierMonitoring logical IDs', () => {
  // GIVEN / WHEN the default one-liner
  const stack = new Stack(new App(), 'Stack');
  new ZeroDowntimeWebTier(stack, 'WebTier');
  const template = Template.fromStack(stack);

  test.each(Object.entries(PINNED))('with the default one-liner, the %s resources keep their logical IDs', (type, ids) => {
    expect(Object.keys(template.findResources(type)).sort()).toEqual([...ids].sort());
  });
});
