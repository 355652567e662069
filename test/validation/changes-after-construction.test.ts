import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { WebFleet, WebLoadBalancer, WebTierNetwork, WebZonalAutoshift, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectSynthRefuses, newStack, onlyResource } from '../util';

/** A tier in a fresh stack, changed after construction by `change`. */
function tierChanged(props: ZeroDowntimeWebTierProps, change: (tier: ZeroDowntimeWebTier) => void): Stack {
  const stack = newStack();
  change(new ZeroDowntimeWebTier(stack, 'Tier', props));
  return stack;
}

describe('rules on exposed parts are checked on the synthesized template', () => {
  test('fails when cross-zone load balancing is turned off on the one-liner\'s target group after construction, with zonal shift on', () => {
    const stack = tierChanged({}, tier => tier.targetGroup.setAttribute('load_balancing.cross_zone.enabled', 'false'));
    expectSynthRefuses(stack, { prop: 'zonalShift', received: 'true', rule: /cross_zone.enabled is false: Auto Scaling refuses zonal shift/ });
  });

  test('with zonalShift false, the same change is accepted and reaches the template', () => {
    const stack = tierChanged({ zonalShift: false }, tier => tier.targetGroup.setAttribute('load_balancing.cross_zone.enabled', 'false'));
    const group = onlyResource(Template.fromStack(stack), 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(group.Properties.TargetGroupAttributes).toContainEqual({ Key: 'load_balancing.cross_zone.enabled', Value: 'false' });
  });

  test('WebFleet alone fails when cross-zone is turned off on its target group after it was made', () => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    const lb = new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc });
    new WebFleet(stack, 'WebFleet', { vpc: network.vpc, targetGroup: lb.targetGroup });
    lb.targetGroup.setAttribute('load_balancing.cross_zone.enabled', 'false');
    expectSynthRefuses(stack, { prop: 'zonalShift', received: 'true', rule: /cross_zone.enabled is false/ });
  });

  test('fails when slow start is set on the one-liner\'s target group after construction, with anomalyMitigation', () => {
    const stack = tierChanged({ anomalyMitigation: true, webMinCapacity: 3 }, tier => tier.targetGroup.setAttribute('slow_start.duration_seconds', '60'));
    expectSynthRefuses(stack, { prop: 'slowStart', received: '"60 seconds"', rule: /algorithm.type is weighted_random: AWS supports slow start only/ });
  });

  test('with slow start and the default algorithm, the target group is accepted', () => {
    const stack = tierChanged({ slowStart: Duration.seconds(60) }, () => undefined);
    const group = onlyResource(Template.fromStack(stack), 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(group.Properties.TargetGroupAttributes).toContainEqual({ Key: 'slow_start.duration_seconds', Value: '60' });
  });

  test('fails when zonal shift is turned off on the one-liner\'s load balancer after construction, with zonalAutoshift', () => {
    const stack = tierChanged({ zonalAutoshift: {} }, tier => tier.loadBalancer.setAttribute('zonal_shift.config.enabled', 'false'));
    expectSynthRefuses(stack, { prop: 'loadBalancer', received: 'zonal_shift.config.enabled false', rule: /ARC autoshifts only load balancers registered with zonal shift/ });
  });

  test('WebZonalAutoshift alone fails with a load balancer that never turned zonal shift on (AWS\'s default is off)', () => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc: network.vpc });
    const alarm = new cloudwatch.Alarm(stack, 'Alarm', { metric: lb.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT), threshold: 1, evaluationPeriods: 1 });
    new WebZonalAutoshift(stack, 'Autoshift', { loadBalancer: lb, outcomeAlarms: [alarm] });
    expectSynthRefuses(stack, { prop: 'loadBalancer', received: 'false (AWS\'s default)', rule: /zonal shift on/ });
  });
});

describe('the deploy timeout against the health check in the template', () => {
  test('fails when the one-liner\'s target group gets a slower health check after construction than deployTimeout covers', () => {
    const stack = tierChanged({ deployTimeout: Duration.minutes(6) },
      tier => tier.targetGroup.configureHealthCheck({ ...tier.targetGroup.healthCheck, interval: Duration.seconds(60), healthyThresholdCount: 5 }));
    expectSynthRefuses(stack, { prop: 'deployTimeout', received: '6 minutes', rule: /healthyThreshold x interval \(300 seconds\) plus 210 seconds/ });
  });

  test('with a health check that still fits, the change is accepted', () => {
    const stack = tierChanged({ deployTimeout: Duration.minutes(6) },
      tier => tier.targetGroup.configureHealthCheck({ ...tier.targetGroup.healthCheck, interval: Duration.seconds(30), healthyThresholdCount: 4 }));
    expect(onlyResource(Template.fromStack(stack), 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties.HealthyThresholdCount).toBe(4);
  });
});
