// Issue #20, family 10 (alarms): an alarm topic of another Region than the stack's (CloudWatch refuses it at
// deploy), and an alarm topic with monitoring off (it would have no effect).
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { WebTierMonitoring, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, monitoringPropsOf, newStack, pinnedImageContext } from '../util';

const ENV = { account: '111111111111', region: 'eu-west-3' };

function envStack(): Stack {
  return new Stack(new App({ context: pinnedImageContext(ENV.account, ENV.region) }), 'Stack', { env: ENV });
}

const topic = (stack: Stack, region: string) => sns.Topic.fromTopicArn(stack, 'Topic', `arn:aws:sns:${region}:111111111111:alarms`);

describe('alarm topic checks', () => {
  test.each<[string, (stack: Stack) => ZeroDowntimeWebTierProps, { prop: string; received: string; rule: RegExp }]>([
    ['an alarmTopic of another Region', stack => ({ alarmTopic: topic(stack, 'us-east-1') }),
      { prop: 'alarmTopic', received: 'arn:aws:sns:us-east-1:111111111111:alarms', rule: /SNS topic of the stack's Region eu-west-3: CloudWatch alarms notify only/ }],
    ['an alarmTopic with monitoring false', stack => ({ monitoring: false, alarmTopic: topic(stack, 'eu-west-3') }),
      { prop: 'alarmTopic', received: 'arn:aws:sns:eu-west-3:111111111111:alarms', rule: /has no effect with monitoring: false/ }],
    ['an alarmTopic that is not a topic (JavaScript callers)', () => ({ alarmTopic: 'arn:aws:sns:eu-west-3:111111111111:alarms' as unknown as sns.ITopic }),
      { prop: 'alarmTopic', received: '"arn:aws:sns:eu-west-3:111111111111:alarms"', rule: /must be an sns\.ITopic/ }],
  ])('fails on the one-liner with %s', (_case, props, expected) => {
    const stack = envStack();
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'WebTier', props(stack)), expected);
  });

  test('fails on the part, WebTierMonitoring, with an alarmTopic of another Region', () => {
    const stack = envStack();
    const tier = new ZeroDowntimeWebTier(stack, 'WebTier', { monitoring: false });
    expectInvalidProp(() => new WebTierMonitoring(stack, 'Monitoring', { ...monitoringPropsOf(tier), alarmTopic: topic(stack, 'eu-central-1') }),
      { prop: 'alarmTopic', received: 'eu-central-1', rule: /stack's Region eu-west-3/ });
  });

  test('with an alarmTopic of the stack\'s Region, or a Region unknown at synth, every alarm notifies it', () => {
    for (const stack of [envStack(), newStack()]) {
      new ZeroDowntimeWebTier(stack, 'WebTier', { alarmTopic: topic(stack, 'eu-west-3') });
      // (the web fleet's release gate and release checks alarm notify nobody: test/web-fleet/releases.test.ts)
      const alarms = Object.entries(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))
        .filter(([id]) => !/ReleaseGate|ReleaseChecks/.test(id)).map(([, alarm]) => alarm);
      expect(alarms.length).toBeGreaterThan(0);
      expect(alarms.every(alarm => JSON.stringify(alarm.Properties.AlarmActions) === '["arn:aws:sns:eu-west-3:111111111111:alarms"]')).toBe(true);
    }
  });
});
