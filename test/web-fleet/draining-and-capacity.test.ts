import { Duration } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { WebHealthCheck, WebHealthCheckPresets, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { logicalId, newStack, resourcesOfType } from '../util';
import { deployableTier, expectTierRefuses, ZERO_DOWNTIME_WARNING } from './deployable-tier';

describe('zero-downtime deploys of the web fleet', () => {
  // GIVEN a tier with no props, shared by the tests that only read it
  const { stack, tier, template } = deployableTier();

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
