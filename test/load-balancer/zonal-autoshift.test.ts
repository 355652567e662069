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

/** The rule of the one composite alarm with this logical id. */
function onlyCompositeRule(template: Template, id: string): string {
  const composite = template.toJSON().Resources[id];
  expect(composite?.Type).toBe('AWS::CloudWatch::CompositeAlarm');
  return composite.Properties.AlarmRule;
}

/** The logical ids of the alarms a composite alarm's "any of" rule names, in order (its rule is a Fn::Join of ARNs). */
function anyOfRule(template: Template, id: string): string[] {
  const rule = onlyCompositeRule(template, id) as unknown as { 'Fn::Join': [string, unknown[]] };
  const parts = rule['Fn::Join'][1];
  const ids = parts.filter(p => typeof p !== 'string').map(p => (p as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]);
  expect(parts.filter(p => typeof p === 'string').join('')).toBe(`(${ids.map(() => 'ALARM("")').join(' OR ')})`);
  return ids;
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

  test('with zonalAutoshift {}, it is ENABLED for the load balancer, and practice runs end on one composite of the tier\'s 5XX and latency alarms', () => {
    const { template, webTier } = tier({ zonalAutoshift: {} });
    const config = onlyResource(template, AUTOSHIFT).Properties;
    expect(config.ZonalAutoshiftStatus).toBe('ENABLED');
    expect(config.ResourceIdentifier).toEqual({ Ref: logicalId(webTier.loadBalancer) });
    const outcome = webTier.zonalAutoshift!.outcomeAlarm;
    expect(config.PracticeRunConfiguration.OutcomeAlarms).toEqual([{ Type: 'CLOUDWATCH', AlarmIdentifier: { 'Fn::GetAtt': [logicalId(outcome), 'Arn'] } }]);
    const m = webTier.monitoring!;
    expect(anyOfRule(template, logicalId(outcome))).toEqual([m.elb5xxAlarm!, m.target5xxAlarm!, m.responseTimeAlarm!].map(logicalId));
    expect(config.PracticeRunConfiguration.BlockingAlarms).toBeUndefined();
    expect(config.PracticeRunConfiguration.BlockedWindows).toBeUndefined();
  });

  test('CloudFormation\'s limits hold: one outcome alarm and at most one blocking alarm, however many are given', () => {
    // AWS::ARCZonalShift::ZonalAutoshiftConfiguration's resource schema: OutcomeAlarms and BlockingAlarms take 1 item (minItems = maxItems = 1).
    const stack = newStack();
    const alarms = Array.from({ length: 10 }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `Blocker${i}`, `arn:aws:cloudwatch:eu-west-3:111122223333:alarm:b${i}`));
    new ZeroDowntimeWebTier(stack, 'WebTier', { zonalAutoshift: { blockingAlarms: alarms } });
    const template = Template.fromStack(stack);
    const practice = onlyResource(template, AUTOSHIFT).Properties.PracticeRunConfiguration;
    expect([practice.OutcomeAlarms.length, practice.BlockingAlarms.length]).toEqual([1, 1]);
    const rule = onlyCompositeRule(template, practice.BlockingAlarms[0].AlarmIdentifier['Fn::GetAtt'][0]);
    expect(rule).toBe(`(${alarms.map(a => `ALARM("${a.alarmArn}")`).join(' OR ')})`);
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

  test('used alone with one outcome alarm, it names that alarm and makes no composite alarm', () => {
    const template = autoshiftAlone({}, 1);
    const practice = onlyResource(template, AUTOSHIFT).Properties.PracticeRunConfiguration;
    expect(practice.OutcomeAlarms).toEqual([{ Type: 'CLOUDWATCH', AlarmIdentifier: { 'Fn::GetAtt': [expect.stringMatching(/^Alarm0/), 'Arn'] } }]);
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 0);
  });

  test('used alone with two outcome alarms, it names one composite alarm in ALARM when either is', () => {
    const template = autoshiftAlone({}, 2);
    const practice = onlyResource(template, AUTOSHIFT).Properties.PracticeRunConfiguration;
    expect(practice.OutcomeAlarms).toHaveLength(1);
    expect(anyOfRule(template, practice.OutcomeAlarms[0].AlarmIdentifier['Fn::GetAtt'][0])).toEqual([
      expect.stringMatching(/^Alarm0/), expect.stringMatching(/^Alarm1/),
    ]);
  });

  test('the configuration keeps its logical id (its construct id Resource)', () => {
    const { template, webTier } = tier({ zonalAutoshift: {} });
    expect(Object.keys(template.findResources(AUTOSHIFT))).toEqual([logicalId(webTier.zonalAutoshift!)]);
    expect(logicalId(webTier.zonalAutoshift!)).toMatch(/^WebTierZonalAutoshift[0-9A-F]{8}$/);
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

  test('fails with 11 blocking alarms, in the one-liner\'s names', () => {
    const stack = newStack();
    const alarms = Array.from({ length: 11 }, (_, i) => cloudwatch.Alarm.fromAlarmArn(stack, `Blocker${i}`, `arn:aws:cloudwatch:eu-west-3:111122223333:alarm:b${i}`));
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'WebTier', { zonalAutoshift: { blockingAlarms: alarms } }),
      { prop: 'zonalAutoshift.blockingAlarms', received: '11 alarms', rule: /must be 0 to 10 alarms: the tier combines them into the one blocking alarm/ });
  });

  test('fails with an alarm ARN string instead of an alarm (JavaScript callers)', () => {
    expectInvalidProp(() => tier({ zonalAutoshift: { blockingAlarms: ['arn:aws:cloudwatch:eu-west-3:111122223333:alarm:b' as never] } }),
      { prop: 'zonalAutoshift.blockingAlarms[0]', received: '"arn:aws:cloudwatch:eu-west-3:111122223333:alarm:b"', rule: /must be a CloudWatch alarm/ });
  });

  test('used alone, fails with an outcome alarm that is not an alarm', () => {
    const stack = newStack();
    const lb = new WebLoadBalancer(stack, 'LoadBalancer', { vpc: new WebTierNetwork(stack, 'Network').vpc });
    expectInvalidProp(() => new WebZonalAutoshift(stack, 'Autoshift', { loadBalancer: lb.loadBalancer, outcomeAlarms: [{} as never] }),
      { prop: 'outcomeAlarms[0]', received: '{}', rule: /must be a CloudWatch alarm/ });
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
