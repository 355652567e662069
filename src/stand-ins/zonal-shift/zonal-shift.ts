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


/** What a zonal shift acts on: the load balancer's nodes (the Auto Scaling side reads `awayFrom`). */
export interface ShiftableLoadBalancer {
  shiftAway(zone: string): void;
  endShift(zone: string): void;
}

/**
 * One zonal shift of the load balancer, as ARC starts and ends it: one customer shift at a time for a resource (a
 * second `StartZonalShift` for it fails with ConflictException, reason ZonalShiftAlreadyExists), acting at once, and
 * undone by its end (CancelZonalShift, or its expiry).
 * https://docs.aws.amazon.com/arc-zonal-shift/latest/api/API_StartZonalShift.html
 */
export class ZonalShift {
  private zone?: string;

  constructor(private readonly loadBalancer: ShiftableLoadBalancer) {}

  /** The AZ traffic is shifted away from, while the shift is active. */
  public get awayFrom(): string | undefined {
    return this.zone;
  }

  /** Starts the shift away from `zone`: the load balancer sends the zone's targets no new request. */
  public start(zone: string): void {
    if (this.zone !== undefined) throw new Error(`a zonal shift away from ${this.zone} is already active: ARC allows one per resource`);
    this.loadBalancer.shiftAway(zone);
    this.zone = zone;
  }

  /** Ends the shift: the zone's healthy targets get requests again. */
  public end(): void {
    if (this.zone === undefined) return;
    this.loadBalancer.endShift(this.zone);
    this.zone = undefined;
  }
}
