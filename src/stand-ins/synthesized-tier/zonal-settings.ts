/**
 * The settings of the tier that decide what happens when an AZ is lost, read out of a synthesized template: the web
 * group's AZ distribution and impairment policy, the AZs of the cache's nodes, and whether the load balancer takes
 * zonal shifts. Pure: template JSON in, plain values out; the stand-ins of Auto Scaling (`auto-scaling/az-placement.ts`),
 * ElastiCache (`elasticache/failover.ts`) and ARC (`zonal-shift/zonal-shift.ts`) act on them.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-autoscaling-autoscalinggroup.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticache-replicationgroup.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-elasticloadbalancingv2-loadbalancer-loadbalancerattribute.html
 */
import { resourcesOf } from './template-resources';

/** The web group's AZ settings, as CloudFormation has them. */
export interface WebGroupZonalSettings {
  /** `MinSize`: the servers the drill starts. */
  readonly minSize: number;
  /** How many AZs the group spans (`AvailabilityZones` or `VPCZoneIdentifier`). */
  readonly azCount: number;
  /** `AvailabilityZoneDistribution.CapacityDistributionStrategy` (AWS default: balanced-best-effort). */
  readonly strategy: 'balanced-best-effort' | 'balanced-only';
  /** `AvailabilityZoneImpairmentPolicy.ZonalShiftEnabled` (AWS default: false). */
  readonly zonalShiftEnabled: boolean;
  /** `AvailabilityZoneImpairmentPolicy.ImpairedZoneHealthCheckBehavior`. */
  readonly impairedZoneHealthCheckBehavior: 'ReplaceUnhealthy' | 'IgnoreUnhealthy';
}

/** The one Auto Scaling group with a target group: the web servers. */
export function readWebGroupZonalSettings(template: unknown): WebGroupZonalSettings {
  const resources = resourcesOf(template);
  const groups = Object.values(resources).filter((r) => r?.Type === 'AWS::AutoScaling::AutoScalingGroup' && r.Properties?.TargetGroupARNs);
  if (groups.length !== 1) throw new Error(`expected exactly one web Auto Scaling group (with TargetGroupARNs), found ${groups.length}`);
  const p = groups[0].Properties!;
  const minSize = Number(p.MinSize);
  const azCount = (p.AvailabilityZones ?? p.VPCZoneIdentifier ?? []).length;
  if (!Number.isInteger(minSize) || azCount < 2) throw new Error(`web group: MinSize ${JSON.stringify(p.MinSize)} over ${azCount} AZs; the drill needs a literal MinSize and 2 or more AZs`);
  const strategy = p.AvailabilityZoneDistribution?.CapacityDistributionStrategy ?? 'balanced-best-effort';
  const policy = p.AvailabilityZoneImpairmentPolicy;
  return {
    minSize,
    azCount,
    strategy,
    zonalShiftEnabled: policy?.ZonalShiftEnabled === true,
    impairedZoneHealthCheckBehavior: policy?.ImpairedZoneHealthCheckBehavior ?? 'ReplaceUnhealthy',
  };
}

/** Index, in the replication group's `PreferredCacheClusterAZs`, of the AZ of the primary and of its first replica. */
export function readRedisNodeAzs(template: unknown): { primary: string; replica: string } | undefined {
  const resources = resourcesOf(template);
  const group = Object.values(resources).find((r) => r?.Type === 'AWS::ElastiCache::ReplicationGroup');
  const azs = group?.Properties?.PreferredCacheClusterAZs as unknown[] | undefined;
  if (!azs || azs.length < 2) return undefined;
  return { primary: JSON.stringify(azs[0]), replica: JSON.stringify(azs[1]) };
}

/** The ALB's `zonal_shift.config.enabled` attribute, read out of a synthesized template (AWS default: false). */
export function zonalShiftEnabledOnLoadBalancer(template: unknown): boolean {
  const resources = resourcesOf(template);
  const lbs = Object.values(resources).filter((r) => r?.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  if (lbs.length !== 1) throw new Error(`expected exactly one load balancer in the template, found ${lbs.length}`);
  const attributes = (lbs[0].Properties?.LoadBalancerAttributes ?? []) as Array<{ Key?: string; Value?: unknown }>;
  return attributes.some((a) => a.Key === 'zonal_shift.config.enabled' && String(a.Value) === 'true');
}
