import { ZeroDowntimeWebTierBastionProps } from './tier-props/bastion-props';
import { ZeroDowntimeWebTierCacheProps } from './tier-props/cache-props';
import { ZeroDowntimeWebTierLoadBalancerProps } from './tier-props/load-balancer-props';
import { ZeroDowntimeWebTierMonitoringProps } from './tier-props/monitoring-props';
import { ZeroDowntimeWebTierNetworkProps } from './tier-props/network-props';
import { ZeroDowntimeWebTierReleaseProps } from './tier-props/release-props';
import { ZeroDowntimeWebTierFleetProps } from './tier-props/web-fleet-props';

/**
 * Properties of a `ZeroDowntimeWebTier`. Every one is optional: the defaults build the tutorial's architecture.
 *
 * They come in one group per part the tier builds: the network (`ZeroDowntimeWebTierNetworkProps`), the web fleet
 * (`ZeroDowntimeWebTierFleetProps`) and its releases (`ZeroDowntimeWebTierReleaseProps`), the load balancer
 * (`ZeroDowntimeWebTierLoadBalancerProps`), the bastion, the cache and the monitoring; every language takes them as
 * one flat set of properties.
 */
export interface ZeroDowntimeWebTierProps extends
  ZeroDowntimeWebTierNetworkProps,
  ZeroDowntimeWebTierFleetProps,
  ZeroDowntimeWebTierReleaseProps,
  ZeroDowntimeWebTierLoadBalancerProps,
  ZeroDowntimeWebTierBastionProps,
  ZeroDowntimeWebTierCacheProps,
  ZeroDowntimeWebTierMonitoringProps {
}
