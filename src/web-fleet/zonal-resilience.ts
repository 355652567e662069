import { Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IConstruct } from 'constructs';
import { synthesizedAttributes } from '../load-balancer/synthesized-attributes';
import { invalidProp, validateAtSynthesis, warn } from '../validation';

/**
 * What the web Auto Scaling group does with an instance that fails its health checks in the Availability Zone of an
 * active zonal shift (`ImpairedZoneHealthCheckBehavior` of its `AvailabilityZoneImpairmentPolicy`).
 *
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-zonal-shift.html
 */
export enum ImpairedZoneHealthCheckBehavior {
  /**
   * Replace it, like an unhealthy instance anywhere else: while the shift is active, Auto Scaling launches every new
   * instance in the healthy AZs, so the group gets its full capacity back there.
   */
  REPLACE_UNHEALTHY = 'ReplaceUnhealthy',

  /**
   * Leave it alone until the shift ends: for impairments that make instances look unhealthy without killing them.
   * The group then runs short by the instances of that AZ for as long as the shift lasts.
   */
  IGNORE_UNHEALTHY = 'IgnoreUnhealthy',
}

/** The capacities a fleet asks for, and the names its API gives them. */
export interface RequestedCapacity {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity?: number;
}

/**
 * The web servers to run so that losing any one of `azCount` Availability Zones still leaves `minCapacity` (static
 * stability, Well-Architected REL11-BP05 "Use static stability to prevent bimodal behavior":
 * https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_withstand_component_failures_static_stability.html).
 * The group balances its instances over its AZs, so the AZ with the most holds `ceil(total / azCount)`; the fewest
 * servers that leave `min` after losing it are `min + ceil(min / (azCount - 1))`: `webMinCapacity: 2` over three AZs
 * becomes three servers, one per AZ; 3 becomes 5 (2, 2, 1); 4 becomes 6.
 *
 * Without static stability, warns that an AZ outage leaves fewer servers than asked for until replacements boot.
 */
export function zonalCapacity(scope: IConstruct, requested: RequestedCapacity, azCount: number, staticStability: boolean,
  names: { minCapacity: string; staticStability: string }): RequestedCapacity {
  const { minCapacity, maxCapacity, desiredCapacity } = requested;
  if (azCount < 2 || minCapacity === 0 || [minCapacity, maxCapacity, desiredCapacity ?? 0].some(v => Token.isUnresolved(v))) {
    return requested;
  }
  const stableMin = minCapacity + Math.ceil(minCapacity / (azCount - 1));
  if (!staticStability) {
    const left = minCapacity - Math.ceil(minCapacity / azCount);
    warn(scope, 'webFleetNotStaticallyStable', `${names.staticStability} is false: ${minCapacity} web servers over ${azCount} AZs ` +
      `leave ${left} when the AZ with the most of them is lost, fewer than ${names.minCapacity} (${minCapacity}), until replacements ` +
      `have booted in the other AZs; ${stableMin} would survive the loss of any AZ`);
    return requested;
  }
  return {
    minCapacity: stableMin,
    maxCapacity: Math.max(maxCapacity, stableMin),
    desiredCapacity: desiredCapacity === undefined ? undefined : Math.max(desiredCapacity, stableMin),
  };
}

/** How the web group behaves when an AZ is impaired. */
export interface ZonalResilienceOptions {
  /** Register the group with ARC zonal shift (`ZonalShiftEnabled`). */
  readonly zonalShift?: boolean;
  /** The impaired-zone health-check behaviour; only with zonal shift. */
  readonly impairedZoneHealthCheckBehavior?: ImpairedZoneHealthCheckBehavior;
  /** The target group the servers register in: its cross-zone setting is checked. */
  readonly targetGroup?: elbv2.IApplicationTargetGroup;
}

/**
 * Why the target group may not turn cross-zone load balancing off (`load_balancing.cross_zone.enabled: false`) while
 * zonal shift is on: Auto Scaling refuses zonal shift on a group attached to such a target group unless its
 * validation is skipped, since capacity could become imbalanced across AZs (`SkipZonalShiftValidation`,
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AttachTrafficSources.html). Checked on the template
 * (the target group is exposed, and its attributes may change after the fleet is made), else `undefined`.
 */
function crossZoneProblem(targetGroup: elbv2.IApplicationTargetGroup | undefined, zonalShiftProp: string): string | undefined {
  const crossZone = synthesizedAttributes(targetGroup)?.get('load_balancing.cross_zone.enabled');
  if (crossZone !== 'false') {
    return undefined;
  }
  return invalidProp(zonalShiftProp, true, 'cannot be used with a target group whose load_balancing.cross_zone.enabled is false: ' +
    'Auto Scaling refuses zonal shift with cross-zone load balancing off (capacity could become imbalanced across AZs); ' +
    `turn cross-zone back on or set ${zonalShiftProp}: false`).message;
}

/** The names the caller's API gives the zonal resilience options. */
export interface ZonalResilienceNames {
  readonly zonalShift: string;
  readonly impairedZoneHealthCheckBehavior: string;
}

/**
 * Sets the web group's AZ behaviour on its `AWS::AutoScaling::AutoScalingGroup`:
 *
 * - `AvailabilityZoneDistribution.CapacityDistributionStrategy: balanced-best-effort`: when launches fail in an AZ,
 *   Auto Scaling launches in another healthy AZ instead of retrying the failing one (balanced-only) while the fleet
 *   runs short (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-availability-zone-balanced.html).
 * - `AvailabilityZoneImpairmentPolicy`: with zonal shift on (the default), a zonal shift started by an operator or by
 *   ARC (autoshift, practice runs) makes the group launch only in the other AZs and not lower its desired capacity
 *   (https://docs.aws.amazon.com/r53recovery/latest/dg/arc-zonal-shift.resource-types.ec2-auto-scaling-groups.html).
 *   The default behaviour is ReplaceUnhealthy: a server that died with its AZ is replaced in a healthy AZ, so the
 *   fleet gets back to full capacity during the shift; IgnoreUnhealthy would keep the dead servers counted.
 */
export function applyZonalResilience(group: autoscaling.AutoScalingGroup, options: ZonalResilienceOptions,
  names: ZonalResilienceNames = { zonalShift: 'zonalShift', impairedZoneHealthCheckBehavior: 'impairedZoneHealthCheckBehavior' }): void {
  const zonalShift = options.zonalShift ?? true;
  const behavior = options.impairedZoneHealthCheckBehavior;
  if (behavior !== undefined && !Object.values(ImpairedZoneHealthCheckBehavior).includes(behavior)) {
    throw invalidProp(names.impairedZoneHealthCheckBehavior, behavior, 'must be ImpairedZoneHealthCheckBehavior.REPLACE_UNHEALTHY or IGNORE_UNHEALTHY');
  }
  if (!zonalShift && options.impairedZoneHealthCheckBehavior !== undefined) {
    throw invalidProp(names.impairedZoneHealthCheckBehavior, options.impairedZoneHealthCheckBehavior,
      `applies only with ${names.zonalShift}: true (AWS applies the impaired-zone behaviour during an active zonal shift only)`);
  }
  if (zonalShift) {
    validateAtSynthesis(group, () => [crossZoneProblem(options.targetGroup, names.zonalShift)]);
  }
  const cfn = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
  cfn.availabilityZoneDistribution = { capacityDistributionStrategy: autoscaling.CapacityDistributionStrategy.BALANCED_BEST_EFFORT };
  if (zonalShift) {
    cfn.availabilityZoneImpairmentPolicy = {
      zonalShiftEnabled: true,
      impairedZoneHealthCheckBehavior: options.impairedZoneHealthCheckBehavior ?? ImpairedZoneHealthCheckBehavior.REPLACE_UNHEALTHY,
    };
  }
}
