import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ImpairedZoneHealthCheckBehavior, WebLoadBalancer, WebTierNetwork, WebZonalAutoshift, WebZonalAutoshiftOptions, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, logicalId, newStack, onlyResource } from '../util';

const AUTOSHIFT = 'AWS::ARCZonalShift::ZonalAutoshiftConfiguration';

/** The load balancer's attributes as a map. */
function attributesOf(template: Template): Record<string, string> {
  const lb = onlyResource(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  return Object.fromEntries((lb.Properties.LoadBalancerAttributes as Array<{ Key: string; Value: string }>).map(a => [a.Key, a.Value]));
}

function tier(props: ZeroDowntimeWebTierProps = {}) {
  const stack = newStack();
  const webTier = new ZeroDowntimeWebTier(stack, 'WebTier', props);
  return { stack, webTier, template: Template.fromStack(stack) };
}

/** A load balancer alone, an alarm, and a zonal autoshift with these options. */
function autoshiftAlone(options: WebZonalAutoshiftOptions = {}, outcomeAlarmCount = 1) {
  const stack = newStack();
  const network = new WebTierNetwork(stack, 'Network');
  const lb = new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc });
  const alarms = Array.from({ length: outcomeAlarmCount }, (_, i) => new cloudwatch.Alarm(stack, `Alarm${i}`, {
    metric: lb.loadBalancer.metrics.httpCodeElb(cloudwatch.Stats.SUM as never), threshold: 1, evaluationPeriods: 1,
  }));
  new WebZonalAutoshift(stack, 'Autoshift', { loadBalancer: lb.loadBalancer, outcomeAlarms: alarms, ...options });
  return Template.fromStack(stack);
}

describe('load balancer zonal shift', () => {
  test('by default, the ALB has ARC zonal shift integration on (zonal_shift.config.enabled)', () => {
    const stack = newStack();
    new WebLoadBalancer(stack, 'LoadBalancer', { vpc: new WebTierNetwork(stack, 'Network').vpc });
    expect(attributesOf(Template.fromStack(stack))['zonal_shift.config.enabled']).toBe('true');
  });

  test('with zonalShift false, the attribute is false', () => {
    const stack = newStack();
    new WebLoadBalancer(stack, 'LoadBalancer', { vpc: new WebTierNetwork(stack, 'Network').vpc, zonalShift: false });
    expect(attributesOf(Template.fromStack(stack))['zonal_shift.config.enabled']).toBe('false');
  });

  test('the target group leaves cross-zone load balancing to the ALB (always on), as zonal shift with the group\'s impairment policy expects', () => {
    const stack = newStack();
    new WebLoadBalancer(stack, 'LoadBalancer', { vpc: new WebTierNetwork(stack, 'Network').vpc });
    const group = onlyResource(Template.fromStack(stack), 'AWS::ElasticLoadBalancingV2::TargetGroup');
    const attributes = (group.Properties.TargetGroupAttributes ?? []) as Array<{ Key: string; Value: string }>;
    expect(attributes.filter(a => a.Key === 'load_balancing.cross_zone.enabled' && a.Value === 'false')).toEqual([]);
  });

  test('the one-liner turns zonal shift on for both the load balancer and the web group by default', () => {
    const { template } = tier();
    expect(attributesOf(template)['zonal_shift.config.enabled']).toBe('true');
    const web = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup')).find(g => g.Properties.TargetGroupARNs)!;
    expect(web.Properties.AvailabilityZoneImpairmentPolicy).toEqual({ ZonalShiftEnabled: true, ImpairedZoneHealthCheckBehavior: 'ReplaceUnhealthy' });
  });

  test('the one-liner\'s host-count alarms watch the 3 servers static stability keeps: losing an AZ (2 left) is an alarm', () => {
    const { webTier } = tier();
    const monitoring = webTier.monitoring!;
    expect(webTier.webFleet.minCapacity).toBe(3);
    expect(monitoring.healthyHostsAlarm!.node.defaultChild).toBeDefined();
    const stack = newStack();
    const resolved = (alarm: typeof monitoring.healthyHostsAlarm) => stack.resolve((alarm!.node.defaultChild as cloudwatch.CfnAlarm).threshold);
    expect([resolved(monitoring.healthyHostsAlarm), resolved(monitoring.inServiceInstancesAlarm)]).toEqual([3, 3]);
  });

  test('the one-liner with zonalShift false turns it off for both', () => {
    const { template } = tier({ zonalShift: false });
    expect(attributesOf(template)['zonal_shift.config.enabled']).toBe('false');
    const web = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup')).find(g => g.Properties.TargetGroupARNs)!;
    expect(web.Properties.AvailabilityZoneImpairmentPolicy).toBeUndefined();
  });
});

describe('zonal autoshift', () => {
  test('by default, the one-liner makes no zonal autoshift configuration (no weekly practice runs)', () => {
    const { template, webTier } = tier();
    template.resourceCountIs(AUTOSHIFT, 0);
    expect(webTier.zonalAutoshift).toBeUndefined();
  });

  test('with zonalAutoshift {}, it is ENABLED for the load balancer, and practice runs end on the tier\'s 5XX and latency alarms', () => {
    const { template, webTier } = tier({ zonalAutoshift: {} });
    const config = onlyResource(template, AUTOSHIFT).Properties;
    expect(config.ZonalAutoshiftStatus).toBe('ENABLED');
    expect(config.ResourceIdentifier).toEqual({ Ref: logicalId(webTier.loadBalancer) });
    const m = webTier.monitoring!;
    expect(config.PracticeRunConfiguration.OutcomeAlarms).toEqual([m.elb5xxAlarm!, m.target5xxAlarm!, m.responseTimeAlarm!]
      .map(alarm => ({ Type: 'CLOUDWATCH', AlarmIdentifier: { 'Fn::GetAtt': [logicalId(alarm), 'Arn'] } })));
    expect(config.PracticeRunConfiguration.BlockingAlarms).toBeUndefined();
    expect(config.PracticeRunConfiguration.BlockedWindows).toBeUndefined();
  });

  test('with blocking alarms, windows and dates, they reach the practice-run configuration', () => {
    const stack = newStack();
    const blocker = cloudwatch.Alarm.fromAlarmArn(stack, 'Deploying', 'arn:aws:cloudwatch:eu-west-3:111122223333:alarm:deploying');
    new ZeroDowntimeWebTier(stack, 'WebTier', {
      zonalAutoshift: { blockingAlarms: [blocker], blockedWindows: ['Mon:09:00-Mon:10:30'], blockedDates: ['2026-12-24'] },
    });
    const practice = onlyResource(Template.fromStack(stack), AUTOSHIFT).Properties.PracticeRunConfiguration;
    expect(practice.BlockingAlarms).toEqual([{ Type: 'CLOUDWATCH', AlarmIdentifier: 'arn:aws:cloudwatch:eu-west-3:111122223333:alarm:deploying' }]);
    expect(practice.BlockedWindows).toEqual(['Mon:09:00-Mon:10:30']);
    expect(practice.BlockedDates).toEqual(['2026-12-24']);
  });

  test('used alone, it takes the outcome alarms it is given', () => {
    const practice = onlyResource(autoshiftAlone({}, 2), AUTOSHIFT).Properties.PracticeRunConfiguration;
    expect(practice.OutcomeAlarms).toHaveLength(2);
  });

  test('fails with zonalShift false', () => {
    expectInvalidProp(() => tier({ zonalAutoshift: {}, zonalShift: false }), { prop: 'zonalShift', received: 'false', rule: /zonal shift integration is on/ });
  });

  test('the one-liner fails with webImpairedZoneHealthCheckBehavior and zonalShift false, in its own names', () => {
    expectInvalidProp(() => tier({ zonalShift: false, webImpairedZoneHealthCheckBehavior: ImpairedZoneHealthCheckBehavior.REPLACE_UNHEALTHY }),
      { prop: 'webImpairedZoneHealthCheckBehavior', received: '"ReplaceUnhealthy"', rule: /only with zonalShift: true/ });
  });

  test('fails with monitoring false: AWS requires an outcome alarm', () => {
    expectInvalidProp(() => tier({ zonalAutoshift: {}, monitoring: false }), { prop: 'monitoring', received: 'false', rule: /requires an outcome alarm/ });
  });

  test.each([[0], [11]])('used alone, fails with %p outcome alarms', (n) => {
    expectInvalidProp(() => autoshiftAlone({}, n), { prop: 'outcomeAlarms', received: `${n} alarms`, rule: /must be 1 to 10 alarms/ });
  });

  const badOptions: Array<[string, WebZonalAutoshiftOptions, string, string, RegExp]> = [
    ['a window without days', { blockedWindows: ['09:00-10:30'] }, 'zonalAutoshift.blockedWindows[0]', '"09:00-10:30"', /DAY:HH:MM-DAY:HH:MM/],
    ['a window over two days', { blockedWindows: ['Mon:23:00-Tue:01:00'] }, 'zonalAutoshift.blockedWindows[0]', '"Mon:23:00-Tue:01:00"', /same day/],
    ['a window that ends before it starts', { blockedWindows: ['Mon:10:00-Mon:09:00'] }, 'zonalAutoshift.blockedWindows[0]', '"Mon:10:00-Mon:09:00"', /end after it starts/],
    ['an hour 24', { blockedWindows: ['Mon:09:00-Mon:24:00'] }, 'zonalAutoshift.blockedWindows[0]', '"Mon:09:00-Mon:24:00"', /DAY:HH:MM-DAY:HH:MM/],
    ['a date that does not exist', { blockedDates: ['2026-02-30'] }, 'zonalAutoshift.blockedDates[0]', '"2026-02-30"', /calendar date YYYY-MM-DD/],
    ['a date written the US way', { blockedDates: ['12/24/2026'] }, 'zonalAutoshift.blockedDates[0]', '"12/24/2026"', /calendar date/],
    ['16 blocked dates', { blockedDates: Array.from({ length: 16 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`) },
      'zonalAutoshift.blockedDates', '16 entries', /at most 15/],
    ['one window as a string', { blockedWindows: 'Mon:09:00-Mon:10:30' as never }, 'zonalAutoshift.blockedWindows', '"Mon:09:00-Mon:10:30"', /must be a list/],
  ];
  test.each(badOptions)('fails with %s', (_, options, prop, received, rule) => {
    expectInvalidProp(() => tier({ zonalAutoshift: options }), { prop, received, rule });
  });
});
