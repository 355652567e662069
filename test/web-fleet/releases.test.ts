import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { WebApplication, WebFleet, WebHealthCheckPresets, WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { logicalId, newStack } from '../util';
import { alarmRefs, appFolder, expectTierRefuses, tierWith } from './release-tier';

describe('releases of the web fleet', () => {
  const { tier, group, preferences } = tierWith();
  const gate = tier.webFleet.releaseGate!;

  describe('the instance refresh', () => {
    test('with no props, a release launches before it terminates: 100% stay healthy, up to 200% run at once (the rest of the fleet together)', () => {
      expect(preferences.MinHealthyPercentage).toBe(100);
      expect(preferences.MaxHealthyPercentage).toBe(200);
    });

    test('with no props (3 servers, static stability), the release replaces one server (the canary), bakes 30 s after its warmup, then the others together, then bakes again', () => {
      expect(group.Properties.MaxSize).toBe('3');
      expect(preferences.CheckpointPercentages).toEqual([33, 100]);
      expect(preferences.CheckpointDelay).toBe(30);
      expect(preferences.BakeTime).toBe(30);
    });

    test.each<[number, number[]]>([[3, [33, 100]], [4, [25, 100]], [6, [16, 100]], [10, [10, 100]]])(
      'with webMaxCapacity %d, the canary is one server of the largest fleet: checkpoints %j', (max, checkpoints) => {
        const custom = tierWith({ webMaxCapacity: max, webCpuTargetUtilization: 60 });
        expect(custom.preferences.CheckpointPercentages).toEqual(checkpoints);
      });

    test('with 2 servers (no static stability), the canary is one of them: checkpoints [50, 100]', () => {
      expect(tierWith({ webStaticStability: false }).preferences.CheckpointPercentages).toEqual([50, 100]);
    });

    test('with a fleet of one server, there is no canary: one checkpoint at 100%', () => {
      const custom = tierWith({ webMinCapacity: 1, webMaxCapacity: 1, webStaticStability: false });
      expect(custom.preferences.CheckpointPercentages).toEqual([100]);
    });

    test('with no props, the tier synthesizes without a warning (the creation signals and the refresh are meant together)', () => {
      Annotations.fromStack(tierWith().stack).hasNoWarning('*', Match.anyValue());
    });

    test('with no props, a new server counts only after the target group reported it healthy (2 x 30 s) and the gate judged it (4 min)', () => {
      expect(preferences.InstanceWarmup).toBe(60 + 240);
      expect(preferences.InstanceWarmup).toBe(tier.webLoadBalancer.healthyAfter.toSeconds() + gate.detectionTime.toSeconds());
    });

    test('with the fast health check, the warmup follows it (2 x 5 s + 4 min)', () => {
      expect(tierWith({ healthCheck: WebHealthCheckPresets.fast() }).preferences.InstanceWarmup).toBe(10 + 240);
    });

    test('with webInstanceWarmup 5 minutes, the warmup is 300 s', () => {
      expect(tierWith({ webInstanceWarmup: Duration.minutes(5) }).preferences.InstanceWarmup).toBe(300);
    });

    test('warns with webInstanceWarmup 2 minutes: a canary would count before the gate can judge it', () => {
      const custom = tierWith({ webInstanceWarmup: Duration.minutes(2) });
      expect(custom.preferences.InstanceWarmup).toBe(120);
      Annotations.fromStack(custom.stack).hasWarning('*', Match.stringLikeRegexp('^webInstanceWarmup is 2 minutes: a new server counts'));
    });

    test('with releaseBakeTime 48 hours, AWS\'s longest, each step bakes 172800 s', () => {
      const custom = tierWith({ releaseBakeTime: Duration.hours(48) });
      expect(custom.preferences).toEqual(expect.objectContaining({ CheckpointDelay: 172800, BakeTime: 172800 }));
    });

    test('with releaseBakeTime 10 minutes and releaseCheckpoints [20, 50, 100], each step bakes 10 minutes', () => {
      const custom = tierWith({ releaseBakeTime: Duration.minutes(10), releaseCheckpoints: [20, 50, 100] });
      expect(custom.preferences).toEqual(expect.objectContaining({ CheckpointPercentages: [20, 50, 100], CheckpointDelay: 600, BakeTime: 600 }));
    });

    test('warns with releaseBakeTime 1 minute and a warmup that watches the canary 1 minute, shorter than the gate needs to see a bad release', () => {
      // GIVEN: the health checks need 60 s, the warmup 120 s: the gate watches the canary 60 s of the warmup, then the bake
      const custom = tierWith({ releaseBakeTime: Duration.minutes(1), webInstanceWarmup: Duration.minutes(2) });
      Annotations.fromStack(custom.stack).hasWarning('*', Match.stringLikeRegexp('releaseBakeTime is 1 minute: with the 60 s of the warmup .* shorter than the 4 minutes'));
    });

    test('with releaseBakeTime 0 and the default warmup (the health checks plus the gate\'s 4 minutes), there is no bake-time warning', () => {
      const custom = tierWith({ releaseBakeTime: Duration.seconds(0) });
      Annotations.fromStack(custom.stack).hasNoWarning('*', Match.stringLikeRegexp('releaseBakeTime'));
    });

    test('with no props, there is no bake-time warning', () => {
      Annotations.fromStack(tierWith().stack).hasNoWarning('*', Match.stringLikeRegexp('releaseBakeTime'));
    });

    test.each<[string, ZeroDowntimeWebTierProps, string, string, RegExp]>([
      ['releaseBakeTime 49 hours', { releaseBakeTime: Duration.hours(49) }, 'releaseBakeTime', '2 days 1 hour', /from 0 to 172800 seconds/],
      ['releaseBakeTime 1.5 s', { releaseBakeTime: Duration.millis(1500) }, 'releaseBakeTime', '1 second 500 millis', /whole number of seconds/],
      ['releaseCheckpoints []', { releaseCheckpoints: [] }, 'releaseCheckpoints', '[]', /list of percentages/],
      ['releaseCheckpoints [50]', { releaseCheckpoints: [50] }, 'releaseCheckpoints', '[50]', /must end with 100/],
      ['releaseCheckpoints [0, 100]', { releaseCheckpoints: [0, 100] }, 'releaseCheckpoints', '[0,100]', /whole percentages from 1 to 100 \(element 0 is 0\)/],
      ['releaseCheckpoints [50, 150]', { releaseCheckpoints: [50, 150] }, 'releaseCheckpoints', '[50,150]', /element 1 is 150/],
      ['releaseCheckpoints [12.5, 100]', { releaseCheckpoints: [12.5, 100] }, 'releaseCheckpoints', '[12.5,100]', /whole percentages/],
      ['releaseCheckpoints [50, 20, 100]', { releaseCheckpoints: [50, 20, 100] }, 'releaseCheckpoints', '[50,20,100]', /ascending with no repeats/],
      ['releaseCheckpoints [50, 50, 100]', { releaseCheckpoints: [50, 50, 100] }, 'releaseCheckpoints', '[50,50,100]', /ascending with no repeats/],
      ['releaseCheckpoints "50,100" (a JavaScript caller)', { releaseCheckpoints: '50,100' as any }, 'releaseCheckpoints', '"50,100"', /list of percentages/],
      ['webInstanceWarmup 30 s with a health check healthy after 60 s', { webInstanceWarmup: Duration.seconds(30) }, 'webInstanceWarmup', '30 seconds',
        /at least 60 seconds, the time the load balancer needs to report a new server healthy/],
      ['webInstanceWarmup 49 hours', { webInstanceWarmup: Duration.hours(49) }, 'webInstanceWarmup', '2 days 1 hour', /from 0 to 172800 seconds/],
    ])('fails with %s', (_case, props, prop, received, rule) => {
      expectTierRefuses(props, { prop, received, rule });
    });
  });

  describe('continuity: a new version of the application changes the launch template and nothing of the group', () => {
    function synthWith(version: string) {
      const app = new App();
      const stack = new Stack(app, 'Shop', { env: { region: 'eu-west-3' } });
      const t = new ZeroDowntimeWebTier(stack, 'WebTier', {
        application: WebApplication.fromDirectory(appFolder(version), { startCommand: 'node server.js' }),
      });
      return { tier: t, template: app.synth().getStackByName('Shop').template };
    }
    const v1 = synthWith('v1');
    const v2 = synthWith('v2');
    const groupId = logicalId(v1.tier.webAutoScalingGroup);

    test('the group keeps its logical id; only its launch template version changes', () => {
      expect(logicalId(v2.tier.webAutoScalingGroup)).toBe(groupId);
      const [a, b] = [v1, v2].map(v => v.template.Resources[groupId]);
      const without = (r: any) => ({ ...r, Properties: { ...r.Properties, LaunchTemplate: undefined } });
      expect(without(b)).toEqual(without(a));
      expect(b.Properties.LaunchTemplate.Version).toEqual({ 'Fn::GetAtt': [logicalId(v2.tier.webFleet.launchTemplate), 'LatestVersionNumber'] });
    });

    test('the launch template changes (the application asset), keeping its logical id', () => {
      const ltId = logicalId(v1.tier.webFleet.launchTemplate);
      expect(logicalId(v2.tier.webFleet.launchTemplate)).toBe(ltId);
      expect(JSON.stringify(v2.template.Resources[ltId])).not.toEqual(JSON.stringify(v1.template.Resources[ltId]));
    });

    test('the group names no name of its own (CloudFormation keeps the one it gave) and every alarm is the same', () => {
      expect(v1.template.Resources[groupId].Properties.AutoScalingGroupName).toBeUndefined();
      const alarmsOf = (t: any) => Object.fromEntries(Object.entries<any>(t.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm'));
      expect(alarmsOf(v2.template)).toEqual(alarmsOf(v1.template));
      expect(Object.keys(alarmsOf(v1.template)).length).toBeGreaterThan(4);
    });
  });

  describe('a web fleet with a target group of its own', () => {
    function fleetWithGroup(attach: boolean) {
      const stack = newStack();
      const network = new WebTierNetwork(stack, 'Network');
      const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Group', { vpc: network.vpc, port: 8000, protocol: elbv2.ApplicationProtocol.HTTP });
      const fleet = new WebFleet(stack, 'WebFleet', { vpc: network.vpc, targetGroup });
      if (attach) {
        const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc: network.vpc, internetFacing: true });
        lb.addListener('Http', { port: 80, defaultTargetGroups: [targetGroup] });
      }
      return { stack, fleet, listenerId: attach ? logicalId(stack.node.findChild('Lb').node.findChild('Http')) : '' };
    }

    test('attached to its load balancer after the fleet is built, the gate watches that load balancer', () => {
      const { stack, fleet, listenerId } = fleetWithGroup(true);
      const alarm = Template.fromStack(stack).toJSON().Resources[logicalId(fleet.releaseGate!.unhealthyHostsAlarm)];
      // (CDK names the load balancer's full name through its listener's ARN)
      expect(JSON.stringify(alarm.Properties.Dimensions)).toContain(listenerId);
    });

    test('fails at synthesis when the target group is attached to no load balancer, naming targetGroup', () => {
      const { stack } = fleetWithGroup(false);
      expect(() => Template.fromStack(stack)).toThrow(/Invalid targetGroup: .* attached to no load balancer/);
    });
  });

  describe('a web fleet used alone', () => {
    test('without a target group, it has no gate and no warmup; the refresh watches the release checks\' alarm only', () => {
      const stack = newStack();
      const network = new WebTierNetwork(stack, 'Network');
      const fleet = new WebFleet(stack, 'WebFleet', { vpc: network.vpc });
      const t = Template.fromStack(stack);
      const refresh = t.toJSON().Resources[logicalId(fleet.autoScalingGroup)].UpdatePolicy.AutoScalingInstanceRefresh;
      expect(fleet.releaseGate).toBeUndefined();
      expect(alarmRefs(refresh.Preferences)).toEqual([logicalId(fleet.releaseChecksAlarm!)]);
      expect(refresh.Preferences.InstanceWarmup).toBe(0);
      t.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    });

    test('without a target group and with releaseChecks [], it has no alarm at all and no warmup', () => {
      const stack = newStack();
      const network = new WebTierNetwork(stack, 'Network');
      const fleet = new WebFleet(stack, 'WebFleet', { vpc: network.vpc, releaseChecks: [] });
      const t = Template.fromStack(stack);
      const refresh = t.toJSON().Resources[logicalId(fleet.autoScalingGroup)].UpdatePolicy.AutoScalingInstanceRefresh;
      expect(refresh.Preferences.AlarmSpecification).toBeUndefined();
      t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    });
  });
});
