import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { WebFleet, WebFleetProps, WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, logicalId, newStack, statementsGrantedTo, userDataOf } from '../util';

// What the tests of zero-downtime deploys (policies, signals and permissions; draining, scaling and capacity) share.

/** A stack with one web tier and nothing else. */
export function deployableTier(props?: ZeroDowntimeWebTierProps) {
  const stack = newStack();
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', props);
  const template = Template.fromStack(stack);
  const group = template.toJSON().Resources[logicalId(tier.webAutoScalingGroup)];
  expect(group.Type).toBe('AWS::AutoScaling::AutoScalingGroup');
  return { stack, tier, template, group, userData: userDataOf(template, logicalId(tier.webFleet.launchTemplate)) };
}

/** A web fleet on its own (no load balancer) beside the network; `extra` gives props made in its stack. */
export function fleetAlone(extra: (stack: Stack, vpc: ec2.IVpc) => Partial<WebFleetProps> = () => ({})) {
  const stack = newStack();
  const network = new WebTierNetwork(stack, 'Network');
  const fleet = new WebFleet(stack, 'WebFleet', { vpc: network.vpc, ...extra(stack, network.vpc) });
  return { stack, fleet };
}

/** The statements granted to a role whose actions include one starting with `prefix`. */
export function statementsWithActions(template: Template, roleId: string, prefix: string): any[] {
  return statementsGrantedTo(template, roleId).filter(s => [s.Action].flat().some((action: string) => action.startsWith(prefix)));
}

/** Builds a tier with `props` and expects the named prop to be refused. */
export function expectTierRefuses(props: ZeroDowntimeWebTierProps, expected: { prop: string; received: string; rule: RegExp }): void {
  const other = newStack();
  expectInvalidProp(() => new ZeroDowntimeWebTier(other, 'Tier', props), expected);
}

export const SIGNAL_READY = '/opt/webtier/signal-ready.sh';
export const ZERO_DOWNTIME_WARNING = Match.stringLikeRegexp('no longer zero-downtime');
