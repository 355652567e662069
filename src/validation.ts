import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

/**
 * The one shape every construction-time error of this library takes:
 * the prop, the value received, and the rule it broke.
 */
export function invalidProp(prop: string, received: unknown, rule: string): Error {
  return new Error(`Invalid ${prop}: received ${describe(received)}; ${rule}.`);
}

/**
 * The same error for a value that must not be echoed (a private key, a password): `what` says what was received
 * in words, the value itself never appears.
 */
export function invalidSecretProp(prop: string, what: string, rule: string): Error {
  return new Error(`Invalid ${prop}: received ${what} (not shown); ${rule}.`);
}

/** A value as an error message shows it; JavaScript callers' NaN, Infinity and undefined are named as such. */
function describe(value: unknown): string {
  if (value instanceof Duration) {
    return value.toHumanString();
  }
  if (value instanceof ec2.InstanceType) {
    return JSON.stringify(value.toString());
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value);
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Whether a value is an unresolved token; safe for any value a JavaScript caller may pass. */
function unresolved(value: unknown): boolean {
  return value !== null && value !== undefined && Token.isUnresolved(value);
}

/** Throws unless `value` is a whole number within [min, max]. Unresolved tokens and `undefined` pass. */
export function checkIntegerInRange(prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || unresolved(value)) {
    return;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidProp(prop, value, `must be a whole number from ${min} to ${max}`);
  }
}

/**
 * Throws unless `value` is a `Duration` (not a number or a string, as JavaScript callers may pass) of a whole
 * number of seconds: CloudFormation takes seconds, and CDK cannot convert `Duration.millis(1500)`.
 * Unresolved durations and `undefined` pass.
 */
export function checkWholeSeconds(prop: string, value: Duration | undefined): void {
  if (value === undefined) {
    return;
  }
  if (!(value instanceof Duration)) {
    throw invalidProp(prop, value, 'must be a Duration such as Duration.seconds(30)');
  }
  if (value.isUnresolved()) {
    return;
  }
  const millis = value.toMilliseconds();
  if (!Number.isFinite(millis) || millis % 1000 !== 0) {
    throw invalidProp(prop, value, 'must be a whole number of seconds: CloudFormation takes whole seconds');
  }
}

/** Throws unless `value` is a whole number of seconds within [min, max]. Unresolved tokens and `undefined` pass. */
export function checkSecondsInRange(prop: string, value: Duration | undefined, min: number, max: number): void {
  checkWholeSeconds(prop, value);
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const seconds = value.toSeconds();
  if (seconds < min || seconds > max) {
    throw invalidProp(prop, value, `must be from ${min} to ${max} seconds`);
  }
}

/**
 * Throws unless `value` is a list (JavaScript callers may pass one string where a list is expected).
 * `undefined`, `null` (the default applies) and unresolved lists pass.
 */
export function checkList(prop: string, value: unknown, example: string): void {
  if (value === undefined || value === null || unresolved(value)) {
    return;
  }
  if (!Array.isArray(value)) {
    throw invalidProp(prop, value, `must be a list, such as ${example}`);
  }
}

/** Throws unless the props object is an object; `undefined` and `null` pass (every prop optional, the defaults apply). */
export function checkPropsObject(prop: string, value: unknown): void {
  if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    throw invalidProp(prop, value, 'must be an object of props, or left out');
  }
}

/** Throws when a required prop is missing or null (JavaScript callers). */
export function checkRequired(prop: string, value: unknown): void {
  if (value === undefined || value === null) {
    throw invalidProp(prop, value, 'is required');
  }
}

/** Sizes of EC2 instance types: nano to xlarge, 2xlarge to 112xlarge, metal and metal-48xl. */
const INSTANCE_SIZE = /^(nano|micro|small|medium|large|([1-9]\d{0,2})?xlarge|metal(-[1-9]\d{0,2}xl)?)$/;
/** Families of EC2 instance types as CDK reads them: letters, a generation, then attributes (t3, m7g, c6gn, r5dn, x2iedn). */
const INSTANCE_FAMILY = /^[a-z]+\d{1,2}[a-z-]*$/;

/**
 * Throws unless `value` is an `ec2.InstanceType` shaped `<family>.<size>` (`t3.micro`, `m7g.2xlarge`):
 * CDK takes any string, EC2 refuses an unknown type only at deploy time.
 */
export function checkInstanceType(prop: string, value: ec2.InstanceType | undefined): void {
  if (value === undefined) {
    return;
  }
  if (!(value instanceof ec2.InstanceType)) {
    throw invalidProp(prop, value, 'must be an ec2.InstanceType, such as new ec2.InstanceType(\'t3.micro\')');
  }
  const text = value.toString();
  if (unresolved(text)) {
    return;
  }
  const [family, size, ...rest] = text.split('.');
  if (rest.length > 0 || size === undefined || !INSTANCE_FAMILY.test(family)) {
    throw invalidProp(prop, value, 'must be an EC2 instance type shaped <family>.<size>, such as "t3.micro" (no "ec2." or "cache." prefix; ' +
      'families whose architecture CDK cannot read, such as u-6tb1 or mac2-m2, are not supported)');
  }
  if (!INSTANCE_SIZE.test(size)) {
    throw invalidProp(prop, value,
      'must end in an EC2 instance size: nano, micro, small, medium, large, xlarge, <n>xlarge, metal or metal-<n>xl');
  }
}

/** The retention periods CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');

/** Throws unless `value` is one of the retention periods CloudWatch Logs accepts (`logs.RetentionDays`). */
export function checkRetentionDays(prop: string, value: logs.RetentionDays | undefined): void {
  if (value === undefined || unresolved(value)) {
    return;
  }
  if (!RETENTION_DAYS.includes(value)) {
    const allowed = RETENTION_DAYS.filter(days => days !== logs.RetentionDays.INFINITE).sort((a, b) => a - b);
    throw invalidProp(prop, value, `must be one of the retention periods CloudWatch Logs accepts (logs.RetentionDays): ${allowed.join(', ')} days, or INFINITE`);
  }
}

/** The prefix of every warning id of this library, so one can be acknowledged with `Annotations.acknowledgeWarning`. */
export const WARNING_PREFIX = 'cdk-zero-downtime-web-tier:';

/** Adds a warning (legal but risky set-ups) on `scope`, with an id a user can acknowledge. */
export function warn(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(`${WARNING_PREFIX}${id}`, message);
}

/**
 * Adds a validation to `scope` that runs when the template is written (`node.addValidation`), each problem one
 * message: for rules on parts that are exposed and may change after construction, so the template is the one checked.
 */
export function validateAtSynthesis(scope: IConstruct, problems: () => Array<string | undefined>): void {
  scope.node.addValidation({ validate: () => problems().filter((p): p is string => p !== undefined) });
}

/** The capacity of an Auto Scaling group, as its props give it. */
export interface CapacityInput {
  readonly min: number;
  readonly max: number;
  readonly desired?: number;
}

/** Throws unless 0 <= min <= desired <= max, naming the props with `prefix` (for example `web`). */
export function checkCapacity(props: { minName: string; maxName: string; desiredName: string }, capacity: CapacityInput): void {
  const { min, max, desired } = capacity;
  const named: Array<[string, number | undefined]> = [[props.minName, min], [props.maxName, max], [props.desiredName, desired]];
  for (const [name, value] of named) {
    if (value !== undefined && !unresolved(value) && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
      throw invalidProp(name, value, 'must be a whole number of instances, 0 or more');
    }
  }
  if ([min, max].some(v => Token.isUnresolved(v))) {
    return;
  }
  if (min > max) {
    throw invalidProp(props.minName, min, `must not exceed ${props.maxName} (${max})`);
  }
  if (desired !== undefined && !Token.isUnresolved(desired) && (desired < min || desired > max)) {
    throw invalidProp(props.desiredName, desired, `must lie between ${props.minName} (${min}) and ${props.maxName} (${max})`);
  }
}
