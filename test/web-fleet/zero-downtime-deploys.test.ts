import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { literalRedis } from './fleet-helpers';
import { ZeroDowntimeWebTierProps } from '../../src';
import { logicalId, userDataOf, variablesExportedBy } from '../util';
import { deployableTier, fleetAlone, SIGNAL_READY, statementsWithActions } from './deployable-tier';

describe('zero-downtime deploys of the web fleet', () => {
  // GIVEN a tier with no props, shared by the tests that only read it
  const { tier, template, group, userData } = deployableTier();
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
});
