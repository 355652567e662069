import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { literalRedis } from './fleet-helpers';
import { WebFleet, WebFleetProps, WebHealthCheck, WebHealthCheckPresets, WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, logicalId, newStack, resourcesOfType, statementsGrantedTo, userDataOf, variablesExportedBy } from '../util';

/** A stack with one web tier and nothing else. */
function deployableTier(props?: ZeroDowntimeWebTierProps) {
  const stack = newStack();
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', props);
  const template = Template.fromStack(stack);
  const group = template.toJSON().Resources[logicalId(tier.webAutoScalingGroup)];
  expect(group.Type).toBe('AWS::AutoScaling::AutoScalingGroup');
  return { stack, tier, template, group, userData: userDataOf(template, logicalId(tier.webFleet.launchTemplate)) };
}

/** A web fleet on its own (no load balancer) beside the network; `extra` gives props made in its stack. */
function fleetAlone(extra: (stack: Stack, vpc: ec2.IVpc) => Partial<WebFleetProps> = () => ({})) {
  const stack = newStack();
  const network = new WebTierNetwork(stack, 'Network');
  const fleet = new WebFleet(stack, 'WebFleet', { vpc: network.vpc, ...extra(stack, network.vpc) });
  return { stack, fleet };
}

/** The statements granted to a role whose actions include one starting with `prefix`. */
function statementsWithActions(template: Template, roleId: string, prefix: string): any[] {
  return statementsGrantedTo(template, roleId).filter(s => [s.Action].flat().some((action: string) => action.startsWith(prefix)));
}

/** Builds a tier with `props` and expects the named prop to be refused. */
function expectTierRefuses(props: ZeroDowntimeWebTierProps, expected: { prop: string; received: string; rule: RegExp }): void {
  const other = newStack();
  expectInvalidProp(() => new ZeroDowntimeWebTier(other, 'Tier', props), expected);
}

const SIGNAL_READY = '/opt/webtier/signal-ready.sh';
const ZERO_DOWNTIME_WARNING = Match.stringLikeRegexp('no longer zero-downtime');

describe('zero-downtime deploys of the web fleet', () => {
  // GIVEN a tier with no props, shared by the tests that only read it
  const { stack, tier, template, group, userData } = deployableTier();
  const lines = userData.split('\n');
  const variables = variablesExportedBy(userData);

  describe('update and creation policies', () => {
    test('with no props, a release updates the same group in place with an instance refresh (no replacing or rolling update)', () => {
      // THEN
      expect(Object.keys(group.UpdatePolicy).sort()).toEqual(['AutoScalingInstanceRefresh', 'AutoScalingScheduledAction']);
      expect(group.UpdatePolicy.AutoScalingInstanceRefresh.Strategy).toBe('Rolling');
    });

    test('with no props, the stack\'s creation waits 15 minutes for a signal from each of its 3 first servers (static stability)', () => {
      // THEN
      expect(group.CreationPolicy).toEqual({ ResourceSignal: { Count: 3, Timeout: 'PT15M' } });
    });

    test('with deployTimeout 20 minutes, the creation waits 20 minutes for the signals', () => {
      // WHEN
      const custom = deployableTier({ deployTimeout: Duration.minutes(20) });
      // THEN
      expect(custom.group.CreationPolicy).toEqual({ ResourceSignal: { Count: 3, Timeout: 'PT20M' } });
    });

    test('with webMinCapacity 3, the creation waits for 3 signals', () => {
      // WHEN
      const custom = deployableTier({ webMinCapacity: 3, webStaticStability: false });
      // THEN
      expect(custom.group.CreationPolicy.ResourceSignal.Count).toBe(3);
    });

    describe('a deploy never lowers capacity', () => {
      test('with a fleet that can scale from 3 to 6, the template names no desired capacity: a deploy keeps the current one', () => {
        // WHEN: the group may have scaled out to anything from 3 (webMinCapacity 2, statically stable) to 6
        const custom = deployableTier({ webCpuTargetUtilization: 60, webMaxCapacity: 6 });

        // THEN: CloudFormation leaves DesiredCapacity alone, and the refresh launches before it terminates
        expect(custom.group.Properties).toEqual(expect.objectContaining({ MinSize: '3', MaxSize: '6' }));
        expect(custom.group.Properties.DesiredCapacity).toBeUndefined();
        expect(custom.group.UpdatePolicy.AutoScalingInstanceRefresh.Preferences).toEqual(expect.objectContaining({
          MinHealthyPercentage: 100, MaxHealthyPercentage: 200,
        }));
      });

      test('with a fleet that cannot scale (min = max = 3), the group names no desired capacity and waits for its 3 servers', () => {
        // THEN
        expect(group.Properties.DesiredCapacity).toBeUndefined();
        expect(group.CreationPolicy.ResourceSignal.Count).toBe(3);
      });

      test('with webDesiredCapacity 3 of 2 to 6, the user\'s capacity wins, with a warning that deploys reset it', () => {
        // WHEN
        const custom = deployableTier({ webMaxCapacity: 6, webDesiredCapacity: 3 });

        // THEN
        expect(custom.group.Properties.DesiredCapacity).toBe('3');
        expect(custom.group.CreationPolicy.ResourceSignal.Count).toBe(3);
        Annotations.fromStack(custom.stack).hasWarning('*', Match.stringLikeRegexp('^webDesiredCapacity is 3 on a fleet that can scale'));
      });
    });

    test('with no props (min = max = 3), a health replacement launches the new server before terminating the old one', () => {
      // THEN
      expect(group.Properties).toEqual(expect.objectContaining({
        MinSize: '3',
        MaxSize: '3',
        InstanceMaintenancePolicy: { MinHealthyPercentage: 100, MaxHealthyPercentage: 200 },
      }));
    });
  });

  describe('readiness signals', () => {
    test('with no props, the user-data ends by running signal-ready.sh, after the bootstrap', () => {
      // THEN
      const bootstrap = lines.findIndex(line => line.startsWith('if ! /opt/webtier/bootstrap-web.sh;'));
      expect(bootstrap).toBeGreaterThan(0);
      expect(lines.slice(bootstrap + 1).filter(line => line.trim() !== '')).toEqual([SIGNAL_READY]);
    });

    test('with no props, a failed bootstrap signals FAILURE at once and stops', () => {
      // THEN
      expect(lines).toContain(`if ! /opt/webtier/bootstrap-web.sh; then WEBTIER_SIGNAL_STATUS=FAILURE ${SIGNAL_READY} || true; exit 1; fi`);
    });

    test('with no props, the user-data names the stack (as deployed, AWS::StackName) and the group\'s logical id to signal', () => {
      // THEN
      expect(variables.get('WEBTIER_STACK_NAME')).toBe('{{Ref:AWS::StackName}}');
      expect(variables.get('WEBTIER_LOGICAL_ID')).toBe(logicalId(tier.webAutoScalingGroup));
    });

    test('with no props, the user-data names the target group whose health report makes a server ready', () => {
      // THEN
      expect(variables.get('WEBTIER_TARGET_GROUP_ARN')).toBe(`{{Ref:${logicalId(tier.targetGroup)}}}`);
    });

    test.each<[string, ZeroDowntimeWebTierProps, string]>([
      ['no props', {}, '900'],
      ['deployTimeout 20 minutes', { deployTimeout: Duration.minutes(20) }, '1200'],
    ])('with %s, the user-data waits for readiness as long as the deploy timeout', (_case, props, seconds) => {
      // WHEN
      const custom = deployableTier(props);
      // THEN
      expect(variablesExportedBy(custom.userData).get('WEBTIER_READY_TIMEOUT')).toBe(seconds);
    });
  });

  describe('permissions', () => {
    const roleId = logicalId(tier.webFleet.role);

    test('with no props, the web role may signal only this stack', () => {
      // THEN
      expect(statementsWithActions(template, roleId, 'cloudformation:'))
        .toEqual([{ Action: 'cloudformation:SignalResource', Effect: 'Allow', Resource: { Ref: 'AWS::StackId' } }]);
    });

    test('with a target group, the web role may read target health (which supports no resource-level permission)', () => {
      // THEN
      expect(statementsWithActions(template, roleId, 'elasticloadbalancing:'))
        .toEqual([{ Sid: 'ReadOwnTargetHealth', Action: 'elasticloadbalancing:DescribeTargetHealth', Effect: 'Allow', Resource: '*' }]);
    });

    test('used alone without a target group, the fleet may not read target health and names no target group', () => {
      // GIVEN
      const alone = fleetAlone((own, vpc) => ({ redis: literalRedis(own, vpc) }));
      // WHEN
      const custom = Template.fromStack(alone.stack);
      // THEN
      expect(statementsWithActions(custom, logicalId(alone.fleet.role), 'elasticloadbalancing:')).toEqual([]);
      expect(variablesExportedBy(userDataOf(custom, logicalId(alone.fleet.launchTemplate))).has('WEBTIER_TARGET_GROUP_ARN')).toBe(false);
    });

    // Without a target group or a Redis, the policy still reads the boot files and the application.
    test('used alone without a target group or a Redis, the fleet synthesizes', () => {
      // GIVEN
      const alone = fleetAlone();
      // WHEN / THEN
      expect(() => Template.fromStack(alone.stack)).not.toThrow();
    });
  });

  describe('deregistration delay', () => {
    const delayOf = (t: Template) => Object.values(resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup'))
      .flatMap(tg => tg.Properties.TargetGroupAttributes)
      .filter(attribute => attribute.Key === 'deregistration_delay.timeout_seconds')
      .map(attribute => attribute.Value);

    test('with no props, a leaving server keeps its open requests for 30 seconds', () => {
      // THEN
      expect(delayOf(template)).toEqual(['30']);
    });

    test('with deregistrationDelay 2 minutes, it keeps them for 120 seconds', () => {
      // WHEN
      const custom = deployableTier({ deregistrationDelay: Duration.minutes(2) }).template;
      // THEN
      expect(delayOf(custom)).toEqual(['120']);
    });

    test('fails with deregistrationDelay 3601 seconds', () => {
      // WHEN / THEN
      expectTierRefuses({ deregistrationDelay: Duration.seconds(3601) },
        { prop: 'deregistrationDelay', received: '1 hour 1 second', rule: /from 0 to 3600 seconds/ });
    });
  });

  describe('CPU scaling', () => {
    test('with no props, there is no scaling policy', () => {
      // THEN
      template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 0);
    });

    test('with webCpuTargetUtilization 60 and webMaxCapacity 6, target tracking keeps average CPU at 60% between 3 and 6 servers', () => {
      // WHEN
      const custom = deployableTier({ webCpuTargetUtilization: 60, webMaxCapacity: 6 });
      // THEN
      const policies = Object.values(resourcesOfType(custom.template, 'AWS::AutoScaling::ScalingPolicy')).map(p => p.Properties);
      expect(policies).toEqual([{
        AutoScalingGroupName: { Ref: logicalId(custom.tier.webAutoScalingGroup) },
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 60 },
      }]);
      expect(custom.group.Properties).toEqual(expect.objectContaining({ MinSize: '3', MaxSize: '6' }));
    });

    test.each<[string, ZeroDowntimeWebTierProps, string, string, RegExp]>([
      ['webCpuTargetUtilization 0', { webCpuTargetUtilization: 0 }, 'webCpuTargetUtilization', '0', /whole number from 1 to 100/],
      ['webCpuTargetUtilization 101', { webCpuTargetUtilization: 101, webMaxCapacity: 6 }, 'webCpuTargetUtilization', '101', /whole number from 1 to 100/],
      ['webMinCapacity 1 and CPU scaling', { webMinCapacity: 1, webMaxCapacity: 6, webCpuTargetUtilization: 60 }, 'webMinCapacity', '1',
        /must be 2 or more with CPU scaling/],
    ])('fails with %s', (_case, props, prop, received, rule) => {
      // WHEN / THEN
      expectTierRefuses(props, { prop, received, rule });
    });
  });

  describe('failover window', () => {
    test('with no props, a dead server leaves rotation within 63 seconds', () => {
      // THEN
      expect(tier.failoverWindow.toSeconds()).toBe(63);
    });

    test.each<[string, number, WebHealthCheck]>([
      ['WebHealthCheckPresets.fast()', 14, WebHealthCheckPresets.fast()],
      ['interval 10 s, 3 failures, timeout 5 s', 35, { interval: Duration.seconds(10), unhealthyThreshold: 3, timeout: Duration.seconds(5) }],
      ['interval 60 s, 10 failures, timeout 30 s', 630, { interval: Duration.seconds(60), unhealthyThreshold: 10, timeout: Duration.seconds(30) }],
      ['interval 5 s, 2 failures, timeout 2 s', 12, { interval: Duration.seconds(5), timeout: Duration.seconds(2) }],
      ['interval 300 s, 2 failures, timeout 120 s', 720, { interval: Duration.seconds(300), timeout: Duration.seconds(120) }],
    ])('with healthCheck %s, it is interval x unhealthyThreshold + timeout = %d seconds', (_case, seconds, healthCheck) => {
      // WHEN
      const custom = new ZeroDowntimeWebTier(newStack(), 'Tier', { healthCheck });
      // THEN
      expect(custom.failoverWindow.toSeconds()).toBe(seconds);
    });

    test.each<[string, ZeroDowntimeWebTierProps, string, RegExp]>([
      ['deployTimeout 60 s and the default health check (healthy after 60 s)', { deployTimeout: Duration.seconds(60) }, '1 minute',
        /must be longer than healthCheck\.healthyThreshold x healthCheck\.interval \(60 seconds\)/],
      ['deployTimeout 50 minutes and a health check healthy after 10 x 300 s', {
        deployTimeout: Duration.minutes(50),
        healthCheck: { interval: Duration.seconds(300), healthyThreshold: 10 },
      }, '50 minutes', /must be longer than healthCheck\.healthyThreshold x healthCheck\.interval \(3000 seconds\)/],
      ['deployTimeout 59 s (below 60 s) with the fast health check', { deployTimeout: Duration.seconds(59), healthCheck: WebHealthCheckPresets.fast() },
        '59 seconds', /must be from 60 to 43200 seconds/],
      ['deployTimeout 13 hours', { deployTimeout: Duration.hours(13) }, '13 hours', /must be from 60 to 43200 seconds/],
    ])('fails with %s', (_case, props, received, rule) => {
      // WHEN / THEN
      expectTierRefuses(props, { prop: 'deployTimeout', received, rule });
    });

    // The default deployTimeout (15 minutes) is never compared with the health check: a health check that needs
    // 3000 s to report a new server healthy builds a group whose every deploy times out, with no error.
    test('with a health check healthy after 3000 s and no deployTimeout, the tier refuses it or waits longer than 3000 s', () => {
      // GIVEN
      const props = { healthCheck: { interval: Duration.seconds(300), healthyThreshold: 10 } };
      let timeout: string | undefined;
      // WHEN
      try {
        timeout = deployableTier(props).group.CreationPolicy.ResourceSignal.Timeout;
      } catch (error) {
        // THEN either it is refused, naming deployTimeout...
        expect((error as Error).message).toContain('deployTimeout');
        return;
      }
      // ...or the group waits longer than the health check needs
      expect(Duration.parse(timeout!).toSeconds()).toBeGreaterThan(3000);
    });
  });

  describe('fewer than two web servers', () => {
    test('with webMinCapacity 1 and webStaticStability false, the fleet warns that the tier is no longer zero-downtime', () => {
      // WHEN (static stability would run 2 servers for it)
      const custom = deployableTier({ webMinCapacity: 1, webStaticStability: false });
      // THEN
      Annotations.fromStack(custom.stack).hasWarning(`/${custom.stack.stackName}/Tier/WebFleet`, ZERO_DOWNTIME_WARNING);
    });

    test('with webMinCapacity 2, there is no such warning', () => {
      // THEN
      Annotations.fromStack(stack).hasNoWarning('*', ZERO_DOWNTIME_WARNING);
    });
  });
});
