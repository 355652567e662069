import { invalidProp } from '../validation';

/**
 * Where the web tier's NAT gateways are, and so how the web servers reach the internet over IPv4.
 *
 * Prices in us-east-1 (https://aws.amazon.com/vpc/pricing/): each NAT gateway $0.045 an hour and $0.045 per GB it
 * processes, and each public IPv4 address $0.005 an hour. What an Availability Zone outage does to each:
 * https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html (zonal) and
 * https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html (regional).
 */
export enum NatGatewayPlacement {
  /**
   * One zonal NAT gateway in each AZ, in that AZ's NAT subnet, and each web subnet routing through its own AZ's:
   * an AZ outage takes out that AZ's way out only (the tutorial's layout).
   */
  PER_AZ = 'PER_AZ',

  /**
   * One zonal NAT gateway, in the first AZ's NAT subnet, that every web subnet routes through: cheaper, but an
   * outage of that AZ cuts every web server off the internet.
   */
  SINGLE = 'SINGLE',

  /**
   * One regional NAT gateway in no subnet (`AvailabilityMode: regional`), that follows the web servers into every AZ
   * they run in and that every web subnet routes through: no NAT subnets; AWS picks and adds its public addresses.
   */
  REGIONAL = 'REGIONAL',
}

/**
 * The placement that `natGatewayPlacement` and the older `natGatewayPerAz` ask for together: the first when given, the
 * second's mapping (`true` PER_AZ, `false` SINGLE) otherwise, PER_AZ when neither is. Both given and contradictory is
 * an Error naming both.
 *
 * @param names how the caller spelled the two props
 */
export function resolveNatGatewayPlacement(
  placement: NatGatewayPlacement | undefined,
  perAz: boolean | undefined,
  names: { placement: string; perAz: string } = { placement: 'natGatewayPlacement', perAz: 'natGatewayPerAz' },
): NatGatewayPlacement {
  placement = placement ?? undefined;
  perAz = perAz ?? undefined;
  if (placement !== undefined && !Object.values(NatGatewayPlacement).includes(placement)) {
    throw invalidProp(names.placement, placement, `must be one of NatGatewayPlacement.${Object.values(NatGatewayPlacement).join(', .')}`);
  }
  if (perAz !== undefined && typeof perAz !== 'boolean') {
    throw invalidProp(names.perAz, perAz, 'must be true or false');
  }
  const fromPerAz = perAz === undefined ? undefined : (perAz ? NatGatewayPlacement.PER_AZ : NatGatewayPlacement.SINGLE);
  if (placement !== undefined && fromPerAz !== undefined && placement !== fromPerAz) {
    throw invalidProp(names.perAz, perAz, `contradicts ${names.placement} (${placement}): ${names.perAz} ${perAz} means ` +
      `${fromPerAz}; give only ${names.placement}, which replaces ${names.perAz}`);
  }
  return placement ?? fromPerAz ?? NatGatewayPlacement.PER_AZ;
}
