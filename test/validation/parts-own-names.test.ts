import { Duration } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Bastion, BastionProps, WebFleet, WebFleetProps, WebTierNetwork } from '../../src';
import { expectInvalidProp, newStack } from '../util';

/** A stack with a network, for one part used alone. */
function networkStack() {
  const stack = newStack();
  return { stack, vpc: new WebTierNetwork(stack, 'Network').vpc };
}

describe('WebFleet used alone names its own props', () => {
  test.each<[string, Partial<WebFleetProps>, string, string, RegExp]>([
    ['minCapacity above maxCapacity', { minCapacity: 3, maxCapacity: 2 }, 'minCapacity', '3', /must not exceed maxCapacity \(2\)/],
    ['maxCapacity -1', { maxCapacity: -1 }, 'maxCapacity', '-1', /whole number of instances/],
    ['desiredCapacity 5 above maxCapacity', { desiredCapacity: 5 }, 'desiredCapacity', '5', /between minCapacity \(2\) and maxCapacity \(2\)/],
    ['cpuTargetUtilizationPercent 101', { cpuTargetUtilizationPercent: 101, maxCapacity: 4 }, 'cpuTargetUtilizationPercent', '101', /whole number from 1 to 100/],
    ['CPU scaling with minCapacity 1', { cpuTargetUtilizationPercent: 50, minCapacity: 1, maxCapacity: 4 }, 'minCapacity', '1', /2 or more with CPU scaling/],
    ['webPort 443', { webPort: 443 }, 'webPort', '443', /from 1024 to 65535/],
    ['instanceType "t3micro"', { instanceType: new ec2.InstanceType('t3micro') }, 'instanceType', '"t3micro"', /shaped <family>\.<size>/],
    ['deployTimeout 3 minutes, shorter than a boot', { deployTimeout: Duration.minutes(3) }, 'deployTimeout', '3 minutes',
      /must be longer than 210 seconds for a new server to launch \(90 s\) and install and start the app \(120 s\)/],
    ['healthCheckGracePeriod of 2.5 seconds', { healthCheckGracePeriod: Duration.millis(2500) }, 'healthCheckGracePeriod', '2 seconds 500 millis',
      /whole number of seconds/],
  ])('fails with %s', (_case, props, prop, received, rule) => {
    // GIVEN
    const { stack, vpc } = networkStack();
    // WHEN / THEN
    expectInvalidProp(() => new WebFleet(stack, 'WebFleet', { vpc, ...props }), { prop, received, rule });
  });

  test('fails without a vpc (JavaScript callers)', () => {
    // GIVEN
    const { stack } = networkStack();
    // WHEN / THEN
    expectInvalidProp(() => new WebFleet(stack, 'WebFleet', {} as unknown as WebFleetProps), { prop: 'vpc', received: 'undefined', rule: /is required/ });
  });

  test('with minCapacity 4 and no maxCapacity, maxCapacity follows it, as its @default says', () => {
    // GIVEN
    const { stack, vpc } = networkStack();
    // WHEN
    const fleet = new WebFleet(stack, 'WebFleet', { vpc, minCapacity: 4, staticStability: false });
    // THEN
    const group = fleet.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    expect(group.maxSize).toBe('4');
  });

  test('warns with minCapacity 1, in its own name', () => {
    // GIVEN
    const { stack, vpc } = networkStack();
    // WHEN
    new WebFleet(stack, 'WebFleet', { vpc, minCapacity: 1, staticStability: false });
    // THEN
    expect(Annotations.fromStack(stack).findWarning('/Stack/WebFleet', Match.stringLikeRegexp('^minCapacity is 1: '))).toHaveLength(1);
  });
});

describe('Bastion used alone names its own props', () => {
  test.each<[string, Partial<BastionProps>, string, string, RegExp]>([
    ['instanceType "nano"', { instanceType: new ec2.InstanceType('nano') }, 'instanceType', '"nano"', /shaped <family>\.<size>/],
    ['instanceType "t3.nano.x"', { instanceType: new ec2.InstanceType('t3.nano.x') }, 'instanceType', '"t3.nano.x"', /shaped <family>\.<size>/],
    ['instanceType given as a string', { instanceType: 't3.nano' as unknown as ec2.InstanceType }, 'instanceType', '"t3.nano"', /must be an ec2\.InstanceType/],
  ])('fails with %s', (_case, props, prop, received, rule) => {
    // GIVEN
    const { stack, vpc } = networkStack();
    // WHEN / THEN
    expectInvalidProp(() => new Bastion(stack, 'Bastion', { vpc, ...props }), { prop, received, rule });
  });

  test('fails without a vpc (JavaScript callers)', () => {
    // WHEN / THEN
    expectInvalidProp(() => new Bastion(newStack(), 'Bastion', {} as BastionProps), { prop: 'vpc', received: 'undefined', rule: /is required/ });
  });

  test.each(['m7g.metal-48xl', 'c6gn.16xlarge', 't4g.nano'])('with instanceType %s, the launch template uses it', instanceType => {
    // GIVEN
    const { stack, vpc } = networkStack();
    // WHEN
    const bastion = new Bastion(stack, 'Bastion', { vpc, instanceType: new ec2.InstanceType(instanceType) });
    // THEN
    expect(stack.resolve((bastion.launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate).launchTemplateData)).toMatchObject({ instanceType });
  });
});
