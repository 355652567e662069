import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { WebLoadBalancer, WebLoadBalancerProps, WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, newStack } from '../util';

const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';
const BELOW_THREE = Match.stringLikeRegexp('anomalyMitigation is on but webMinCapacity is');

/** A stack with the network and one load balancer, and nothing else. */
function loadBalancerAlone(props: Partial<WebLoadBalancerProps> = {}) {
  const stack = newStack();
  const network = new WebTierNetwork(stack, 'Network');
  new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc, ...props });
  return Template.fromStack(stack);
}

/** The target group's attributes as a map. */
function attributes(template: Template): Record<string, string> {
  const groups = Object.values(template.findResources(TG));
  expect(groups).toHaveLength(1);
  return Object.fromEntries((groups[0].Properties.TargetGroupAttributes ?? []).map((a: { Key: string; Value: string }) => [a.Key, a.Value]));
}

function tier(props: ZeroDowntimeWebTierProps) {
  const stack = newStack();
  new ZeroDowntimeWebTier(stack, 'Tier', props);
  return stack;
}

describe('target group routing', () => {
  test('with no props, the target group routes round robin, without anomaly mitigation or slow start', () => {
    // WHEN
    const a = attributes(loadBalancerAlone());

    // THEN
    expect(a['load_balancing.algorithm.type']).toBeUndefined();
    expect(a['load_balancing.algorithm.anomaly_mitigation']).toBeUndefined();
    expect(a['slow_start.duration_seconds']).toBeUndefined();
  });

  test('with anomalyMitigation, the target group uses weighted random with anomaly mitigation on', () => {
    // WHEN
    const a = attributes(loadBalancerAlone({ anomalyMitigation: true }));

    // THEN
    expect(a['load_balancing.algorithm.type']).toBe('weighted_random');
    expect(a['load_balancing.algorithm.anomaly_mitigation']).toBe('on');
  });

  test('with slowStart 60 seconds, a new target ramps up over 60 s', () => {
    // WHEN
    const a = attributes(loadBalancerAlone({ slowStart: Duration.seconds(60) }));

    // THEN
    expect(a['slow_start.duration_seconds']).toBe('60');
    expect(a['load_balancing.algorithm.type']).toBeUndefined();
  });

  test('with the tier\'s anomalyMitigation and slowStart props, they reach its target group', () => {
    // WHEN
    const withAnomaly = attributes(Template.fromStack(tier({ anomalyMitigation: true, webMinCapacity: 3 })));
    const withSlowStart = attributes(Template.fromStack(tier({ slowStart: Duration.seconds(30) })));

    // THEN
    expect(withAnomaly['load_balancing.algorithm.anomaly_mitigation']).toBe('on');
    expect(withSlowStart['slow_start.duration_seconds']).toBe('30');
  });

  test('with anomalyMitigation and fewer than 3 web servers, the tier warns that AWS does not apply it', () => {
    // WHEN
    const stack = tier({ anomalyMitigation: true });

    // THEN
    Annotations.fromStack(stack).hasWarning(`/${stack.stackName}/Tier`, BELOW_THREE);
  });

  test('with anomalyMitigation and 3 web servers, the tier does not warn', () => {
    // WHEN
    const stack = tier({ anomalyMitigation: true, webMinCapacity: 3 });

    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', BELOW_THREE);
  });

  test.each<[number, string]>([[29, '29 seconds'], [901, '15 minutes 1 second']])('fails with slowStart %i seconds (AWS takes 30 to 900)', (seconds, shown) => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    expectInvalidProp(() => new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc, slowStart: Duration.seconds(seconds) }),
      { prop: 'slowStart', received: shown, rule: /from 30 to 900 seconds/ });
  });

  test('fails with anomalyMitigation and slowStart together, which AWS refuses', () => {
    const stack = newStack();
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { anomalyMitigation: true, slowStart: Duration.seconds(60) }),
      { prop: 'slowStart', received: '1 minute', rule: /cannot be set with anomalyMitigation: AWS supports slow start only with/ });
  });
});
