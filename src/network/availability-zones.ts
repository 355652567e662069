import { Fn, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledge } from '../acknowledgements';
import { checkList, invalidProp } from '../validation';

/** A zone name: its region (group 1), then a letter, or a Local Zone suffix ("us-east-1-bos-1a"). */
const ZONE_NAME = /^([a-z]{2}(?:-[a-z]+)+-\d+)(?:[a-z]|-[a-z0-9-]*[a-z0-9])$/;

/** The values `Stack.availabilityZones` gives while the context look-up has not run yet. */
const PENDING_LOOKUP = /^dummy\d[a-z]$/;

/**
 * The zones a layout of `count` AZs uses:
 * - explicit zones, checked: a list of `count` distinct zone names, in the stack's region (and among its zones once
 *   looked up) when the stack is environment-aware;
 * - in an environment-aware stack, the region's first `count` zones from the context look-up (as `ec2.Vpc` does),
 *   refused when the region has fewer;
 * - in an environment-agnostic stack, `Fn::Select` over `Fn::GetAZs`, known only at deploy time.
 */
export function resolveAvailabilityZones(scope: IConstruct, explicit: string[] | undefined, count: number): string[] {
  const stack = Stack.of(scope);
  const agnostic = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region);
  const known = agnostic ? [] : stack.availabilityZones.filter(zone => !Token.isUnresolved(zone));
  const lookedUp = known.length > 0 && !known.some(zone => PENDING_LOOKUP.test(zone));
  if (explicit !== undefined && explicit !== null) {
    checkAvailabilityZones(explicit, count, agnostic ? undefined : stack.region, lookedUp ? known : undefined);
    return explicit;
  }
  if (agnostic) {
    return Array.from({ length: count }, (_, i) => Fn.select(i, Fn.getAzs()));
  }
  if (!lookedUp) {
    // The CLI runs the look-up and synthesizes again: until then, placeholders that ec2.Vpc recognises.
    return Array.from({ length: count }, (_, i) => known[i] ?? `dummy1${String.fromCharCode(97 + i)}`);
  }
  if (known.length < count) {
    throw invalidProp('subnetLayout', `${count} CIDRs per subnet group`,
      `needs ${count} Availability Zones, but region ${stack.region} has ${known.length} (${known.join(', ')}): ` +
      `give each subnet group ${known.length} CIDRs, or name the zones in availabilityZones`);
  }
  return known.slice(0, count);
}

function checkAvailabilityZones(zones: string[], count: number, region: string | undefined, regionZones: string[] | undefined): void {
  checkList('availabilityZones', zones, '["eu-west-3a", "eu-west-3b", "eu-west-3c"]');
  if (Token.isUnresolved(zones)) {
    return;
  }
  if (zones.length !== count) {
    throw invalidProp('availabilityZones', zones, `must name exactly as many zones as the subnet layout has CIDRs per group (${count})`);
  }
  zones.forEach((zone, index) => {
    const prop = `availabilityZones[${index}]`;
    if (zone !== undefined && zone !== null && Token.isUnresolved(zone)) {
      return;
    }
    const match = typeof zone === 'string' ? ZONE_NAME.exec(zone) : null;
    if (!match) {
      throw invalidProp(prop, zone, 'must be an Availability Zone name such as "eu-west-3a" (a zone id such as "euw3-az1" is not a name)');
    }
    if (region !== undefined && match[1] !== region) {
      throw invalidProp(prop, zone, `must be a zone of the stack's region (${region})`);
    }
    if (regionZones !== undefined && !regionZones.includes(zone)) {
      throw invalidProp(prop, zone, `must be one of the zones of region ${region}: ${regionZones.join(', ')}`);
    }
    const first = zones.indexOf(zone);
    if (first !== index) {
      throw invalidProp(prop, zone, `repeats availabilityZones[${first}]: the zones must be distinct, one per CIDR of each subnet group`);
    }
  });
}

/**
 * Acknowledges CloudFormation validation's W3010 ("avoid hardcoding availability zones") on `scope` when `zones`
 * are names rather than `Fn::GetAZs`: an environment-aware stack names its zones by design.
 */
export function acknowledgeNamedZones(scope: IConstruct, zones: string[]): void {
  if (zones.some(zone => !Token.isUnresolved(zone))) {
    acknowledge(scope, 'CloudFormation-Validate::W3010',
      'An environment-aware stack names its Availability Zones: they are the ones the account\'s look-up returned ' +
      '(kept in cdk.context.json, so every synth names the same) or the ones availabilityZones names. An ' +
      'environment-agnostic stack selects them with Fn::GetAZs instead.');
  }
}
