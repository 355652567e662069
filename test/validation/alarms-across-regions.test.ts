import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { WebFleet, WebLoadBalancer, WebTierNetwork, WebZonalAutoshift, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, onlyResource } from '../util';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const arn = (region: string, account: string, name = 'deploy-alarm') => `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;

function envStack(env: { account?: string; region?: string } | undefined = ENV): Stack {
  const app = new App({ context: { [`availability-zones:account=${ENV.account}:region=${ENV.region}`]: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] } });
  return new Stack(app, 'Stack', { env });
}

function tierWithAlarm(alarmArn: string, props: (alarm: cloudwatch.IAlarm) => ZeroDowntimeWebTierProps, env = ENV): Stack {
  const stack = envStack(env);
  const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', alarmArn);
  new ZeroDowntimeWebTier(stack, 'Tier', { machineImage: undefined, ...props(alarm) });
  return stack;
}

describe('alarms of another Region or account', () => {
  test.each([
    ['another Region', arn('us-east-1', ENV.account), /Region eu-west-1, not us-east-1: an instance refresh takes alarm names/],
    ['another account', arn('eu-west-1', '210987654321'), /account 123456789012, not 210987654321: an instance refresh takes alarm names/],
  ])('the one-liner fails with releaseAlarms of %s', (_case, alarmArn, rule) => {
    expectInvalidProp(() => tierWithAlarm(alarmArn, alarm => ({ releaseAlarms: [alarm] })), { prop: 'releaseAlarms[0]', received: alarmArn, rule });
  });

  test('the one-liner refuses them before it builds any part', () => {
    const stack = envStack();
    const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', arn('us-east-1', ENV.account));
    expect(() => new ZeroDowntimeWebTier(stack, 'Tier', { releaseAlarms: [alarm] })).toThrow(/releaseAlarms\[0\]/);
    expect(stack.node.findChild('Tier').node.children).toEqual([]);
  });

  test('with releaseAlarms of the stack\'s Region and account, as many as the refresh\'s 10 alarms leave room for (5), the tier is accepted', () => {
    const stack = envStack();
    const alarms = Array.from({ length: 5 }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `A${i}`, arn(ENV.region, ENV.account, `a${i}`)));
    new ZeroDowntimeWebTier(stack, 'Tier', { releaseAlarms: alarms });
    const group = Template.fromStack(stack).toJSON().Resources;
    const refresh = Object.values(group).find((r: any) => r.Type === 'AWS::AutoScaling::AutoScalingGroup' && r.UpdatePolicy?.AutoScalingRollingUpdate === undefined
      && r.UpdatePolicy) as any;
    expect(JSON.stringify(refresh.UpdatePolicy)).toContain('a4');
  });

  test('WebFleet alone fails with releaseAlarms of another Region, in its own name', () => {
    const stack = envStack();
    const network = new WebTierNetwork(stack, 'Network');
    const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', arn('us-east-1', ENV.account));
    expectInvalidProp(() => new WebFleet(stack, 'WebFleet', { vpc: network.vpc, releaseAlarms: [alarm] }),
      { prop: 'releaseAlarms[0]', received: arn('us-east-1', ENV.account), rule: /Region eu-west-1, not us-east-1/ });
  });

  test('in a stack whose Region is known only at deploy, an imported alarm is accepted with a warning', () => {
    const stack = new Stack(new App(), 'Stack');
    new ZeroDowntimeWebTier(stack, 'Tier', { releaseAlarms: [cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', arn('us-east-1', ENV.account))] });
    Annotations.fromStack(stack).hasWarning('/Stack/Tier/WebFleet',
      Match.stringLikeRegexp('releaseAlarms\\[0\\].*known only at deploy.*own Region and account'));
  });

  test('the one-liner fails with zonalAutoshift.blockingAlarms of another Region', () => {
    expectInvalidProp(() => tierWithAlarm(arn('us-east-1', ENV.account), alarm => ({ zonalAutoshift: { blockingAlarms: [alarm] } })),
      { prop: 'zonalAutoshift.blockingAlarms[0]', received: arn('us-east-1', ENV.account), rule: /ARC requires the alarms of a practice run to be in the Region/ });
  });

  test('with a blocking alarm of another account in the stack\'s Region, the tier is accepted (ARC asks only the Region)', () => {
    const stack = tierWithAlarm(arn(ENV.region, '210987654321'), alarm => ({ zonalAutoshift: { blockingAlarms: [alarm] } }));
    const config = onlyResource(Template.fromStack(stack), 'AWS::ARCZonalShift::ZonalAutoshiftConfiguration');
    expect(config.Properties.PracticeRunConfiguration.BlockingAlarms).toEqual([{ Type: 'CLOUDWATCH', AlarmIdentifier: arn(ENV.region, '210987654321') }]);
  });

  test('WebZonalAutoshift alone fails with outcomeAlarms of another Region, in its own name', () => {
    const stack = envStack();
    const network = new WebTierNetwork(stack, 'Network');
    const lb = new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc });
    const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'Alarm', arn('us-east-1', ENV.account));
    expectInvalidProp(() => new WebZonalAutoshift(stack, 'Autoshift', { loadBalancer: lb.loadBalancer, outcomeAlarms: [alarm] }),
      { prop: 'outcomeAlarms[0]', received: arn('us-east-1', ENV.account), rule: /Region eu-west-1, not us-east-1/ });
  });
});
