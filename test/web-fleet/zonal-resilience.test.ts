import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ImpairedZoneHealthCheckBehavior, WebFleet, WebFleetProps, WebTierNetwork } from '../../src';
import { expectInvalidProp, expectSynthRefuses, newStack, onlyResource, tutorialCidrs } from '../util';

/** A web fleet alone in the tier's network (three AZs unless `azs` says otherwise). */
function fleet(props: Partial<WebFleetProps> = {}, azs = 3) {
  const stack = newStack();
  const [alb, nat, bastion, web, redis] = [10, 20, 30, 40, 50].map(base => tutorialCidrs(base, azs));
  const network = new WebTierNetwork(stack, 'Network', { subnetLayout: { alb, nat, bastion, web, redis } });
  const webFleet = new WebFleet(stack, 'WebFleet', { vpc: network.vpc, ...props });
  const template = Template.fromStack(stack);
  return { stack, webFleet, template, group: onlyResource(template, 'AWS::AutoScaling::AutoScalingGroup').Properties };
}

const warnings = (stack: ReturnType<typeof newStack>, id: string) =>
  Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`${id}`));

describe('WebFleet zonal resilience', () => {
  test('by default, launches that fail in an AZ go to another healthy AZ (balanced-best-effort)', () => {
    const { group } = fleet();
    expect(group.AvailabilityZoneDistribution).toEqual({ CapacityDistributionStrategy: 'balanced-best-effort' });
  });

  test('by default, the group is registered with ARC zonal shift and replaces unhealthy servers (in the healthy AZs) during a shift', () => {
    const { group } = fleet();
    expect(group.AvailabilityZoneImpairmentPolicy).toEqual({ ZonalShiftEnabled: true, ImpairedZoneHealthCheckBehavior: 'ReplaceUnhealthy' });
  });

  test('with IGNORE_UNHEALTHY, servers of the shifted AZ are left alone', () => {
    const { group } = fleet({ impairedZoneHealthCheckBehavior: ImpairedZoneHealthCheckBehavior.IGNORE_UNHEALTHY });
    expect(group.AvailabilityZoneImpairmentPolicy).toEqual({ ZonalShiftEnabled: true, ImpairedZoneHealthCheckBehavior: 'IgnoreUnhealthy' });
  });

  test('with zonalShift false, the group has no impairment policy but keeps balanced-best-effort', () => {
    const { group } = fleet({ zonalShift: false });
    expect(group.AvailabilityZoneImpairmentPolicy).toBeUndefined();
    expect(group.AvailabilityZoneDistribution).toEqual({ CapacityDistributionStrategy: 'balanced-best-effort' });
  });

  test('the group keeps the ELB health check, so a server that dies with its AZ is found and replaced', () => {
    const { group } = fleet();
    expect(group.HealthCheckType).toBe('ELB');
  });

  test('fails with an impaired-zone behaviour and zonalShift false', () => {
    expectInvalidProp(() => fleet({ zonalShift: false, impairedZoneHealthCheckBehavior: ImpairedZoneHealthCheckBehavior.IGNORE_UNHEALTHY }),
      { prop: 'impairedZoneHealthCheckBehavior', received: '"IgnoreUnhealthy"', rule: /only with zonalShift: true/ });
  });

  test('fails at synthesis with a target group that turns cross-zone load balancing off, as Auto Scaling refuses zonal shift then', () => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Group', { vpc: network.vpc, port: 8000, crossZoneEnabled: false });
    new WebFleet(stack, 'WebFleet', { vpc: network.vpc, targetGroup });
    new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc: network.vpc }).addListener('Http', { port: 80, defaultTargetGroups: [targetGroup] });
    expectSynthRefuses(stack, { prop: 'zonalShift', received: 'true', rule: /cross_zone.enabled is false/ });
  });

  test('with cross-zone load balancing off and zonalShift false, the fleet is built without the policy', () => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Group', { vpc: network.vpc, port: 8000, crossZoneEnabled: false });
    new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc: network.vpc }).addListener('Http', { port: 80, defaultTargetGroups: [targetGroup] });
    new WebFleet(stack, 'WebFleet', { vpc: network.vpc, targetGroup, zonalShift: false });
    expect(onlyResource(Template.fromStack(stack), 'AWS::AutoScaling::AutoScalingGroup').Properties.AvailabilityZoneImpairmentPolicy).toBeUndefined();
  });

  test('fails with an impaired-zone behaviour AWS does not know', () => {
    expectInvalidProp(() => fleet({ impairedZoneHealthCheckBehavior: 'replace-unhealthy' as ImpairedZoneHealthCheckBehavior }),
      { prop: 'impairedZoneHealthCheckBehavior', received: '"replace-unhealthy"', rule: /REPLACE_UNHEALTHY or IGNORE_UNHEALTHY/ });
  });
});

describe('WebFleet static stability', () => {
  // [minCapacity, maxCapacity, AZs, MinSize, MaxSize]: min + ceil(min / (AZs - 1)).
  const cases: Array<[number, number | undefined, number, number, number]> = [
    [2, undefined, 3, 3, 3],
    [3, undefined, 3, 5, 5],
    [4, 8, 3, 6, 8],
    [1, undefined, 3, 2, 2],
    [2, undefined, 2, 4, 4],
    [0, 2, 3, 0, 2],
  ];
  test.each(cases)('with minCapacity %p (max %p) over %p AZs, the group keeps %p servers (max %p)', (min, max, azs, minSize, maxSize) => {
    const { group, webFleet } = fleet({ minCapacity: min, maxCapacity: max }, azs);
    expect([group.MinSize, group.MaxSize]).toEqual([String(minSize), String(maxSize)]);
    expect(webFleet.minCapacity).toBe(minSize);
  });

  test.each([[1, 3], [2, 3], [3, 3], [5, 3], [7, 3], [2, 2], [9, 2]])('with minCapacity %p over %p AZs, the fewest servers that survive any AZ, balanced', (min, azs) => {
    const { group } = fleet({ minCapacity: min }, azs);
    const total = Number(group.MinSize);
    const n = azs;
    // Balanced over n AZs, the fullest holds ceil(total / n): losing it leaves at least min; one server fewer would not.
    expect(total - Math.ceil(total / n)).toBeGreaterThanOrEqual(min);
    expect(total - 1 - Math.ceil((total - 1) / n)).toBeLessThan(min);
  });

  test('with the defaults over three AZs, one server per AZ: losing any one AZ leaves the 2 servers asked for', () => {
    const { group } = fleet();
    expect(group.MinSize).toBe('3');
    expect(group.AvailabilityZones).toHaveLength(3);
  });

  test('with a desiredCapacity below the statically stable minimum, it is raised to it', () => {
    const { group } = fleet({ minCapacity: 2, maxCapacity: 6, desiredCapacity: 2 });
    expect([group.MinSize, group.MaxSize, group.DesiredCapacity]).toEqual(['3', '6', '3']);
  });

  test('with staticStability false, the group keeps what was asked for', () => {
    const { group } = fleet({ staticStability: false });
    expect([group.MinSize, group.MaxSize]).toEqual(['2', '2']);
  });

  test('warns with staticStability false that an AZ outage leaves fewer servers than minCapacity', () => {
    const { stack } = fleet({ staticStability: false, minCapacity: 3 });
    const found = warnings(stack, '^staticStability is false: 3 web servers over 3 AZs leave 2 ');
    expect(found).toHaveLength(1);
    expect(found[0].entry.data).toMatch(/; 5 would survive the loss of any AZ/);
  });

  test('with static stability on, there is no such warning', () => {
    const { stack } = fleet();
    expect(warnings(stack, 'staticStability is false')).toHaveLength(0);
  });
});
