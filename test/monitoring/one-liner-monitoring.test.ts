import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';

/** The alarms of the template but the release gate's (which notify nobody: test/web-fleet/releases.test.ts). */
function monitoringAlarms(template: Template): any[] {
  return Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => !/ReleaseGate|ReleaseChecks/.test(id)).map(([, alarm]) => alarm);
}

function synth(props: ZeroDowntimeWebTierProps = {}, extra?: (stack: Stack) => Partial<ZeroDowntimeWebTierProps>) {
  const stack = new Stack();
  const tier = new ZeroDowntimeWebTier(stack, 'WebTier', { ...props, ...extra?.(stack) });
  return { stack, tier, template: Template.fromStack(stack) };
}

describe('ZeroDowntimeWebTier monitoring', () => {
  // GIVEN / WHEN
  const defaults = synth();

  test('with no props, the alarms, a dashboard and an encrypted alarm topic are created', () => {
    const alarms = defaults.tier.monitoring!.alarms;
    // 5 tier alarms, 4 per Redis node (2 nodes), 2 per NAT gateway (3 gateways).
    expect(alarms.length).toBe(5 + 4 * 2 + 2 * 3);
    expect(monitoringAlarms(defaults.template)).toHaveLength(alarms.length);
    // and the release gate's 4 and the release checks alarm
    defaults.template.resourceCountIs('AWS::CloudWatch::Alarm', alarms.length + 5);
    defaults.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    defaults.template.resourceCountIs('AWS::SNS::Topic', 1);
    defaults.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  test('with no props, every alarm notifies the topic on ALARM and on OK', () => {
    const topic = defaults.stack.resolve((defaults.tier.monitoring!.alarmTopic as sns.Topic).topicArn);
    for (const alarm of monitoringAlarms(defaults.template)) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
    }
  });

  test('with no props, the web group publishes its group metrics for the in-service alarm', () => {
    defaults.template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '3',
      MetricsCollection: [{ Granularity: '1Minute' }],
    });
  });

  test('with monitoring: false, no alarm but the release gate\'s and the release checks\', no dashboard or topic is created', () => {
    const { tier, template } = synth({ monitoring: false });
    expect(tier.monitoring).toBeUndefined();
    expect(monitoringAlarms(template)).toEqual([]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', tier.webFleet.releaseGate!.alarms.length + 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  test('with an alarmTopic, the alarms notify it and no topic is created', () => {
    const { template } = synth({}, s => ({ alarmTopic: sns.Topic.fromTopicArn(s, 'Pager', 'arn:aws:sns:eu-west-3:111111111111:pager') }));
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of monitoringAlarms(template)) {
      expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:eu-west-3:111111111111:pager']);
    }
  });

  test('with redisReplicas: 0, there are no replication-lag alarms', () => {
    const { tier } = synth({ redisReplicas: 0 });
    expect(tier.monitoring!.redisReplicationLagAlarms).toEqual([]);
    expect(tier.monitoring!.redisCpuAlarms.length).toBe(1);
  });
});
