import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ReleaseGate, ZeroDowntimeWebTier } from '../../src';
import { expectInvalidProp, logicalId, newStack, resourcesOfType, statementsGrantedTo, userDataOf, variablesExportedBy } from '../util';
import { alarmRefs, tierWith } from './release-tier';

describe('releases of the web fleet', () => {
  const { tier, template, group, preferences } = tierWith();
  const gate = tier.webFleet.releaseGate!;

  describe('the release gate', () => {
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    const gateIds = gate.alarms.map(alarm => logicalId(alarm));

    test('with no props, the refresh watches the gate\'s 4 alarms and the release checks\' alarm', () => {
      expect(alarmRefs(preferences)).toEqual([...gateIds, logicalId(tier.webFleet.releaseChecksAlarm!)]);
      const named = [gate.target5xxRateAlarm, gate.elb5xxRateAlarm, gate.responseTimeAlarm, gate.unhealthyHostsAlarm];
      expect(gateIds).toEqual(named.map(a => logicalId(a)));
    });

    test('the 5XX alarms fire on more than 1% of a minute\'s requests, at the first such minute', () => {
      for (const [alarm, metricName, dimensions] of [
        [gate.target5xxRateAlarm, 'HTTPCode_Target_5XX_Count', ['LoadBalancer', 'TargetGroup']],
        [gate.elb5xxRateAlarm, 'HTTPCode_ELB_5XX_Count', ['LoadBalancer']],
      ] as const) {
        const p = alarms[logicalId(alarm)].Properties;
        expect(p).toEqual(expect.objectContaining({
          Threshold: 1,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        }));
        const byId = Object.fromEntries(p.Metrics.map((m: any) => [m.Id, m]));
        expect(p.Metrics.find((m: any) => m.Expression).Expression).toBe('100 * FILL(errors, 0) / requests');
        expect(byId.errors.MetricStat).toEqual(expect.objectContaining({ Period: 60, Stat: 'Sum' }));
        expect(byId.errors.MetricStat.Metric.MetricName).toBe(metricName);
        expect(byId.requests.MetricStat.Metric.MetricName).toBe('RequestCount');
        for (const m of [byId.errors, byId.requests]) {
          expect(m.MetricStat.Metric.Dimensions.map((d: any) => d.Name)).toEqual(dimensions);
        }
      }
    });

    test('the latency alarm compares the p90 response time with CloudWatch\'s anomaly band (3 standard deviations), 2 minutes in a row', () => {
      const p = alarms[logicalId(gate.responseTimeAlarm)].Properties;
      expect(p).toEqual(expect.objectContaining({ ComparisonOperator: 'GreaterThanUpperThreshold', EvaluationPeriods: 2, DatapointsToAlarm: 2 }));
      const band = p.Metrics.find((m: any) => m.Id === p.ThresholdMetricId);
      expect(band.Expression).toMatch(/^ANOMALY_DETECTION_BAND\((\w+), 3\)$/);
      const measured = p.Metrics.find((m: any) => m.Id === /\((\w+),/.exec(band.Expression)![1]);
      expect(measured.MetricStat).toEqual(expect.objectContaining({ Period: 60, Stat: 'p90' }));
      expect(measured.MetricStat.Metric.MetricName).toBe('TargetResponseTime');
    });

    test('the unhealthy-hosts alarm fires when any server failed its health checks in the last minute', () => {
      expect(alarms[logicalId(gate.unhealthyHostsAlarm)].Properties).toEqual(expect.objectContaining({
        MetricName: 'UnHealthyHostCount',
        Statistic: 'Maximum',
        Period: 60,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
      }));
    });

    test('the gate\'s alarms notify nobody (the monitoring alarms do) and do not name the Auto Scaling group', () => {
      for (const id of gateIds) {
        expect(alarms[id].Properties.AlarmActions).toBeUndefined();
        expect(JSON.stringify(alarms[id].Properties)).not.toContain(logicalId(tier.webAutoScalingGroup));
      }
    });

    test('the gate sees a bad release within 4 minutes, less than it watches the canary before the rest follow (warmup after the health checks, then the bake)', () => {
      expect(gate.detectionTime.toMinutes()).toBe(4);
      const healthyAfter = 2 * 30; // the tier's health check: healthy after 2 passes 30 s apart
      expect(preferences.InstanceWarmup - healthyAfter + preferences.CheckpointDelay).toBeGreaterThan(gate.detectionTime.toSeconds());
    });

    test('with releaseAlarms, the refresh also watches the user\'s alarms, after the gate\'s', () => {
      const stack = newStack();
      const mine = new cloudwatch.Alarm(stack, 'CheckoutErrors', {
        metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'CheckoutErrors' }), threshold: 1, evaluationPeriods: 1,
      });
      const custom = tierWith({ releaseAlarms: [mine] }, stack);
      expect(alarmRefs(custom.preferences)).toEqual([...custom.tier.webFleet.releaseGate!.alarms.map(a => logicalId(a)),
        logicalId(custom.tier.webFleet.releaseChecksAlarm!), logicalId(mine)]);
    });

    test('fails with 6 releaseAlarms: with the gate\'s 4 and the release checks\' alarm, more than the 10 AWS allows', () => {
      const stack = newStack();
      const many = Array.from({ length: 6 }, (_, i) => cloudwatch.Alarm.fromAlarmName(stack, `A${i}`, `alarm-${i}`));
      expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier', { releaseAlarms: many }),
        { prop: 'releaseAlarms', received: '6 alarms', rule: /at most 10 alarms .* has 5: give at most 5/ });
    });

    test('with releaseChecks [] (no release checks alarm), 6 releaseAlarms fit beside the gate\'s 4', () => {
      const stack = newStack();
      const many = Array.from({ length: 6 }, (_, i) => cloudwatch.Alarm.fromAlarmName(stack, `A${i}`, `alarm-${i}`));
      expect(tierWith({ releaseAlarms: many, releaseChecks: [] }, stack).preferences.AlarmSpecification.Alarms).toHaveLength(10);
    });

    test('with the gate\'s errorRatePercent refused out of range', () => {
      const stack = newStack();
      const tg = tierWith({}, stack).tier.targetGroup;
      for (const bad of [0, -1, 101, Number.NaN]) {
        expectInvalidProp(() => new ReleaseGate(stack, `Gate${bad}`, { targetGroup: tg, errorRatePercent: bad }),
          { prop: 'errorRatePercent', received: String(bad), rule: /above 0 and at most 100/ });
      }
    });
  });

  describe('the launch lifecycle hook: a server that cannot boot is reported at once', () => {
    test('with no props, new servers wait in Pending:Wait for their boot, abandoned after the deploy timeout', () => {
      expect(group.Properties.LifecycleHookSpecificationList).toEqual([{
        LifecycleHookName: 'webtier-launching',
        LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
        DefaultResult: 'ABANDON',
        HeartbeatTimeout: 900,
      }]);
    });

    test('with deployTimeout 3 hours, the hook waits at most the 2 hours AWS allows', () => {
      const custom = tierWith({ deployTimeout: Duration.hours(3) });
      expect(custom.group.Properties.LifecycleHookSpecificationList[0].HeartbeatTimeout).toBe(7200);
    });

    test('with no props, the user-data names the hook to complete', () => {
      const userData = userDataOf(template, logicalId(tier.webFleet.launchTemplate));
      expect(variablesExportedBy(userData).get('WEBTIER_LIFECYCLE_HOOK')).toBe('webtier-launching');
      expect(userData).toContain('--lifecycle-action-result ABANDON');
    });

    test('the web role may complete lifecycle actions only on the group tagged with this stack and the web group\'s logical id', () => {
      const statements = statementsGrantedTo(template, logicalId(tier.webFleet.role));
      const complete = statements.find(s => s.Action === 'autoscaling:CompleteLifecycleAction');
      expect(complete.Condition).toEqual({
        StringEquals: {
          'aws:ResourceTag/aws:cloudformation:stack-id': { Ref: 'AWS::StackId' },
          'aws:ResourceTag/aws:cloudformation:logical-id': logicalId(tier.webAutoScalingGroup),
        },
      });
      expect(JSON.stringify(complete.Resource)).toContain(':autoScalingGroup:*:autoScalingGroupName/*');
      const find = statements.find(s => s.Action === 'autoscaling:DescribeAutoScalingInstances');
      expect(find.Resource).toBe('*');
      expect(statements.filter(s => [s.Action].flat().some((a: string) => a.startsWith('autoscaling:')))).toHaveLength(2);
    });
  });
});
