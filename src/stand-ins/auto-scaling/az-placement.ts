/**
 * Stand-in for where the web Auto Scaling group launches a replacement when an AZ is impaired: its AZ distribution
 * strategy and its AZ impairment policy, read out of the synthesized template. Pure: values in, a decision out.
 *
 * AWS rules:
 * - Balanced: the group launches in the AZ with the fewest of its instances. With `balanced-best-effort`, a launch that
 *   fails in an AZ is tried in another healthy AZ; with `balanced-only`, it keeps retrying the same AZ.
 *   https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-availability-zone-balanced.html
 * - Zonal shift (`AvailabilityZoneImpairmentPolicy.ZonalShiftEnabled`): while a shift is active, every new launch
 *   goes to the healthy AZs. `ReplaceUnhealthy` replaces unhealthy instances in every AZ (the replacements in the
 *   healthy AZs); `IgnoreUnhealthy` leaves the shifted AZ's unhealthy instances alone until the shift ends.
 *   https://docs.aws.amazon.com/r53recovery/latest/dg/arc-zonal-shift.resource-types.ec2-auto-scaling-groups.html
 *
 * In a dark AZ every launch fails (the instances would never become healthy): that is the drill's impaired AZ.
 */
import type { WebGroupZonalSettings } from '../synthesized-tier/zonal-settings';

export type { WebGroupZonalSettings } from '../synthesized-tier/zonal-settings';

/** How `total` instances spread over `azCount` AZs, balanced: the first AZs get one more when it does not divide. */
export function balancedSpread(total: number, azCount: number): number[] {
  return Array.from({ length: azCount }, (_, i) => Math.floor(total / azCount) + (i < total % azCount ? 1 : 0));
}

export interface PlacementInput {
  readonly settings: WebGroupZonalSettings;
  /** Instances per AZ now (the lost ones already terminated). */
  readonly instancesPerAz: number[];
  /** The AZ of an active zonal shift, if any. */
  readonly shiftedAz?: number;
  /** AZs where every launch fails. */
  readonly darkAzs: number[];
}

export interface Placement {
  /** The AZ the instance was launched in; null when the strategy keeps retrying a dark AZ. */
  readonly az: number | null;
  /** Every AZ a launch was tried in, in order. */
  readonly attempts: number[];
}

/** Where the group launches one replacement. */
export function placeLaunch(input: PlacementInput): Placement {
  const { settings, instancesPerAz, shiftedAz, darkAzs } = input;
  const candidates = instancesPerAz.map((n, az) => ({ n, az }))
    .filter(({ az }) => !(settings.zonalShiftEnabled && shiftedAz === az))
    .sort((x, y) => x.n - y.n || x.az - y.az);
  const attempts: number[] = [];
  for (const { az } of candidates) {
    attempts.push(az);
    if (!darkAzs.includes(az)) return { az, attempts };
    if (settings.strategy === 'balanced-only') return { az: null, attempts };
  }
  return { az: null, attempts };
}

/** Whether the group replaces an unhealthy instance of `az` now. */
export function replacesUnhealthy(settings: WebGroupZonalSettings, az: number, shiftedAz?: number): boolean {
  const shifted = settings.zonalShiftEnabled && shiftedAz === az;
  return !(shifted && settings.impairedZoneHealthCheckBehavior === 'IgnoreUnhealthy');
}
