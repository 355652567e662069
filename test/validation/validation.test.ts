import { Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { checkInstanceType, checkRetentionDays, checkSecondsInRange, invalidProp, invalidSecretProp } from '../../src/validation';

describe('invalidProp', () => {
  test.each<[string, unknown, string]>([
    ['NaN', NaN, 'received NaN;'],
    ['Infinity', Infinity, 'received Infinity;'],
    ['-Infinity', -Infinity, 'received -Infinity;'],
    ['undefined', undefined, 'received undefined;'],
    ['null', null, 'received null;'],
    ['a Duration', Duration.minutes(90), 'received 1 hour 30 minutes;'],
    ['an InstanceType', new ec2.InstanceType('t3.micro'), 'received "t3.micro";'],
    ['a string', 'x', 'received "x";'],
  ])('with %s, the message shows the value as such', (_case, value, expected) => {
    // WHEN
    const message = invalidProp('prop', value, 'rule').message;
    // THEN
    expect(message).toContain(expected);
  });

  test('with a value that cannot be written as JSON, the message still shows it, and no TypeError escapes', () => {
    // GIVEN
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    // WHEN
    const error = invalidProp('prop', circular, 'rule');
    // THEN
    expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
    expect(error.message).toBe('Invalid prop: received [object Object]; rule.');
  });

  test('invalidSecretProp says what was received in words, never the value', () => {
    // WHEN
    const message = invalidSecretProp('sshPublicKey', 'a private key', 'must be a public key').message;
    // THEN
    expect(message).toBe('Invalid sshPublicKey: received a private key (not shown); must be a public key.');
  });
});

describe('checkRetentionDays', () => {
  test.each(Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number'))('with %i days (a logs.RetentionDays value), it passes', days => {
    // WHEN / THEN
    expect(() => checkRetentionDays('retention', days)).not.toThrow();
  });

  test.each([0, 2, 31, 366, 4000, -1, 1.5])('fails with %p days, which CloudWatch Logs refuses', days => {
    // WHEN / THEN
    expect(() => checkRetentionDays('retention', days)).toThrow(new RegExp(`^Invalid retention: received ${days}; must be one of the retention periods`));
  });
});

describe('checkInstanceType', () => {
  test.each(Object.values(ec2.InstanceSize))('with every size CDK knows (%s), an m7g type passes', size => {
    // WHEN / THEN
    expect(() => checkInstanceType('instanceType', new ec2.InstanceType(`m7g.${size}`))).not.toThrow();
  });

  test('with an unresolved instance type, it passes', () => {
    // WHEN / THEN
    expect(() => checkInstanceType('instanceType', new ec2.InstanceType(Token.asString({ Ref: 'Type' })))).not.toThrow();
  });
});

describe('checkSecondsInRange', () => {
  test('with an unresolved Duration, it passes', () => {
    // WHEN / THEN
    expect(() => checkSecondsInRange('timeout', Duration.seconds(Token.asNumber({ Ref: 'Seconds' })), 1, 2)).not.toThrow();
  });

  test('fails with Duration.millis(1500), naming the prop instead of CDK\'s conversion error', () => {
    // WHEN / THEN
    expect(() => checkSecondsInRange('timeout', Duration.millis(1500), 1, 2))
      .toThrow('Invalid timeout: received 1 second 500 millis; must be a whole number of seconds: CloudFormation takes whole seconds.');
  });
});
