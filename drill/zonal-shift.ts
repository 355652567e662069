/**
 * Stand-in for an ARC zonal shift of the load balancer: what the ALB does when a shift away from one AZ starts.
 *
 * AWS rule: an ALB has cross-zone load balancing on; a zonal shift then takes the AZ's load balancer node out of DNS
 * and makes the other nodes stop routing to the targets registered in that AZ, as if they were drained; requests in
 * flight finish. The shift acts at once, without waiting for health checks: that is what it is for.
 * https://docs.aws.amazon.com/r53recovery/latest/dg/arc-zonal-shift.resource-types.app-load-balancers.html
 * https://aws.amazon.com/blogs/networking-and-content-delivery/using-cross-zone-load-balancing-with-zonal-shift/
 *
 * The load balancer stand-in plays every node at once: `LoadBalancerStandIn.shiftAway(zone)` sends the zone's targets
 * no new request (the ones in flight go on), whatever their health.
 */

/** The ALB's `zonal_shift.config.enabled` attribute, read out of a synthesized template (AWS default: false). */
export function zonalShiftEnabledOnLoadBalancer(template: unknown): boolean {
  const resources = (template as { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> })?.Resources ?? {};
  const lbs = Object.values(resources).filter((r) => r?.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  if (lbs.length !== 1) throw new Error(`expected exactly one load balancer in the template, found ${lbs.length}`);
  const attributes = (lbs[0].Properties?.LoadBalancerAttributes ?? []) as Array<{ Key?: string; Value?: unknown }>;
  return attributes.some((a) => a.Key === 'zonal_shift.config.enabled' && String(a.Value) === 'true');
}
