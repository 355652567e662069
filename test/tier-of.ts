import { Template } from 'aws-cdk-lib/assertions';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../src';
import { logicalId, newStack } from './util';

// What the tests of the one-liner (its defaults and wiring, its props) share.

/** A stack with one web tier and nothing else. */
export function tierOf(props?: ZeroDowntimeWebTierProps) {
  const stack = newStack();
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', props);
  return { stack, tier, template: Template.fromStack(stack) };
}

/** The logical ids of the tier's four security groups. */
export function securityGroupIds(tier: ZeroDowntimeWebTier) {
  return {
    alb: logicalId(tier.webLoadBalancer.securityGroup),
    web: logicalId(tier.webFleet.securityGroup),
    bastion: logicalId(tier.bastion.securityGroup),
    redis: logicalId(tier.cache.securityGroup),
  };
}

export const SSH_PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHrOQjQz8dXVv0b7Uq0Xq3a9rKjN1kq3cY4Kx7sQk7mT test@example';
