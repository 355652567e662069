import { Duration, Token } from 'aws-cdk-lib';

/**
 * The one shape every construction-time error of this library takes:
 * the prop, the value received, and the rule it broke.
 */
export function invalidProp(prop: string, received: unknown, rule: string): Error {
  return new Error(`Invalid ${prop}: received ${describe(received)}; ${rule}.`);
}

function describe(value: unknown): string {
  if (value instanceof Duration) {
    return value.toHumanString();
  }
  return JSON.stringify(value);
}

/** Throws unless `value` is a whole number within [min, max]. Unresolved tokens and `undefined` pass. */
export function checkIntegerInRange(prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidProp(prop, value, `must be a whole number from ${min} to ${max}`);
  }
}

/** Throws unless `value` lies within [min, max] seconds. Unresolved tokens and `undefined` pass. */
export function checkSecondsInRange(prop: string, value: Duration | undefined, min: number, max: number): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const seconds = value.toSeconds();
  if (seconds < min || seconds > max) {
    throw invalidProp(prop, value, `must be from ${min} to ${max} seconds`);
  }
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
    if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < 0)) {
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
