import { Fn, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ZeroDowntimeWebTier } from '../../src';
import { WebTierMonitoring, WebTierMonitoringProps } from '../../src/monitoring/web-tier-monitoring';
import { expectInvalidProp, monitoringPropsOf, newStack } from '../util';
import { alarmProps, ENV, monitoredTier, monitoringAlarms } from './monitored-tier';

describe('WebTierMonitoring', () => {
  // GIVEN the tier with its monitoring at the defaults, two Redis nodes; shared by the tests that only read it
  const m = monitoredTier({ redisNodeCount: 2 });

  describe('turning alarms off', () => {
    const ids = (monitoring: WebTierMonitoring) => monitoring.alarms.map(alarm => alarm.node.id);

    test.each([
      ['healthyHostsAlarm', 'HealthyHostsAlarm', 1],
      ['elb5xxAlarm', 'Elb5xxAlarm', 1],
      ['target5xxAlarm', 'Target5xxAlarm', 1],
      ['responseTimeAlarm', 'ResponseTimeAlarm', 1],
      ['inServiceInstancesAlarm', 'InServiceInstancesAlarm', 1],
      ['redisCpuAlarm', 'RedisCpuAlarm', 2],
      ['redisMemoryAlarm', 'RedisMemoryAlarm', 2],
      ['redisEvictionsAlarm', 'RedisEvictionsAlarm', 2],
      ['redisReplicationLagAlarm', 'RedisReplicationLagAlarm', 2],
      ['natPacketsDropAlarm', 'NatPacketsDropAlarm', 3],
      ['natPortAllocationErrorsAlarm', 'NatPortAllocationErrorsAlarm', 3],
    ])('with %s: { enabled: false }, exactly its alarms are gone', (prop, idPrefix, count) => {
      // WHEN
      const off = monitoredTier({ redisNodeCount: 2, [prop]: { enabled: false } });

      // THEN
      const removed = ids(m.monitoring).filter(id => id.startsWith(idPrefix));
      expect(removed).toHaveLength(count);
      expect(ids(off.monitoring)).toEqual(ids(m.monitoring).filter(id => !removed.includes(id)));
      expect(Object.keys(monitoringAlarms(off.template))).toHaveLength(19 - count);
      const field = (off.monitoring as any)[prop];
      const fields = (off.monitoring as any)[`${prop}s`];
      expect(field === undefined && (fields === undefined || fields.length === 0)).toBe(true);
    });
  });

  describe('changing alarms', () => {
    test('with a threshold, evaluation periods and datapoints given, the alarm uses them', () => {
      // WHEN
      const monitored = monitoredTier({ elb5xxAlarm: { threshold: 1.5, evaluationPeriods: 10, datapointsToAlarm: 4 } });

      // THEN
      expect(alarmProps(monitored, monitored.monitoring.elb5xxAlarm)).toMatchObject({ Threshold: 1.5, EvaluationPeriods: 10, DatapointsToAlarm: 4 });
      expect(alarmProps(monitored, monitored.monitoring.elb5xxAlarm).AlarmDescription).toMatch(/More than 1.5% .* in 4 of the last 10 minutes/);
    });

    test('with fewer evaluation periods than the default datapoints, the datapoints follow the evaluation periods', () => {
      // WHEN
      const monitored = monitoredTier({ healthyHostsAlarm: { evaluationPeriods: 3 } });

      // THEN
      expect(alarmProps(monitored, monitored.monitoring.healthyHostsAlarm)).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 3 });
    });

    test('with another fleet minimum, the host-count alarms fire below it', () => {
      // WHEN
      const monitored = monitoredTier({ minCapacity: 4 });

      // THEN
      expect(alarmProps(monitored, monitored.monitoring.healthyHostsAlarm).Threshold).toBe(4);
      expect(alarmProps(monitored, monitored.monitoring.inServiceInstancesAlarm).Threshold).toBe(4);
    });

    test('with minCapacity 0, a warning says the host-count alarms can never fire', () => {
      // WHEN
      const monitored = monitoredTier({ minCapacity: 0 });

      // THEN
      Annotations.fromStack(monitored.stack).hasWarning('/Stack/Monitoring', Match.stringLikeRegexp('healthyHostsAlarm .* never fires'));
      Annotations.fromStack(monitored.stack).hasWarning('/Stack/Monitoring', Match.stringLikeRegexp('inServiceInstancesAlarm .* never fires'));
    });

    test('with minCapacity 2, there is no never-fires warning', () => {
      // THEN
      Annotations.fromStack(m.stack).hasNoWarning('/Stack/Monitoring', Match.stringLikeRegexp('never fires'));
    });
  });

  describe('bad input', () => {
    test.each<[string, Partial<WebTierMonitoringProps>, { prop: string; received: string; rule: RegExp }]>([
      ['a negative threshold', { elb5xxAlarm: { threshold: -1 } }, { prop: 'elb5xxAlarm.threshold', received: '-1', rule: /0 or more/ }],
      ['a negative count threshold', { healthyHostsAlarm: { threshold: -2 } }, { prop: 'healthyHostsAlarm.threshold', received: '-2', rule: /0 or more/ }],
      ['a negative time threshold', { responseTimeAlarm: { threshold: -0.5 } }, { prop: 'responseTimeAlarm.threshold', received: '-0.5', rule: /0 or more/ }],
      ['a threshold that is not a number', { redisEvictionsAlarm: { threshold: NaN } }, { prop: 'redisEvictionsAlarm.threshold', received: 'NaN', rule: /a number/ }],
      ['a 5XX rate above 100%', { target5xxAlarm: { threshold: 101 } }, { prop: 'target5xxAlarm.threshold', received: '101', rule: /percentage: must be from 0 to 100/ }],
      ['a Redis CPU above 100%', { redisCpuAlarm: { threshold: 150 } }, { prop: 'redisCpuAlarm.threshold', received: '150', rule: /from 0 to 100/ }],
      ['a Redis memory above 100%', { redisMemoryAlarm: { threshold: 100.5 } }, { prop: 'redisMemoryAlarm.threshold', received: '100.5', rule: /from 0 to 100/ }],
      ['a NAT drop rate above 100%', { natPacketsDropAlarm: { threshold: 200 } }, { prop: 'natPacketsDropAlarm.threshold', received: '200', rule: /from 0 to 100/ }],
      ['0 evaluation periods', { healthyHostsAlarm: { evaluationPeriods: 0 } }, { prop: 'healthyHostsAlarm.evaluationPeriods', received: '0', rule: /from 1 to 1440/ }],
      ['negative evaluation periods', { redisReplicationLagAlarm: { evaluationPeriods: -3 } },
        { prop: 'redisReplicationLagAlarm.evaluationPeriods', received: '-3', rule: /from 1 to 1440/ }],
      ['fractional evaluation periods', { inServiceInstancesAlarm: { evaluationPeriods: 1.5 } },
        { prop: 'inServiceInstancesAlarm.evaluationPeriods', received: '1.5', rule: /whole number/ }],
      ['more than a day of five-minute periods', { responseTimeAlarm: { evaluationPeriods: 289 } },
        { prop: 'responseTimeAlarm.evaluationPeriods', received: '289', rule: /from 1 to 288/ }],
      ['more datapoints than evaluation periods', { natPortAllocationErrorsAlarm: { evaluationPeriods: 2, datapointsToAlarm: 3 } },
        { prop: 'natPortAllocationErrorsAlarm.datapointsToAlarm', received: '3', rule: /from 1 to 2/ }],
      ['0 datapoints', { elb5xxAlarm: { datapointsToAlarm: 0 } }, { prop: 'elb5xxAlarm.datapointsToAlarm', received: '0', rule: /from 1 to 5/ }],
      ['bad options on a turned-off alarm', { redisCpuAlarm: { enabled: false, threshold: 101 } }, { prop: 'redisCpuAlarm.threshold', received: '101', rule: /from 0 to 100/ }],
      ['a negative minCapacity', { minCapacity: -1 }, { prop: 'minCapacity', received: '-1', rule: /whole number of instances, 0 or more/ }],
      ['a fractional minCapacity', { minCapacity: 1.5 }, { prop: 'minCapacity', received: '1.5', rule: /whole number of instances/ }],
      ['no Redis node', { redisNodeCount: 0 }, { prop: 'redisNodeCount', received: '0', rule: /from 1 to 6/ }],
      ['too many Redis nodes', { redisNodeCount: 7 }, { prop: 'redisNodeCount', received: '7', rule: /from 1 to 6/ }],
      ['a Redis node count unknown at synth time', { redisNodeCount: Token.asNumber(Fn.importValue('RedisNodes')) },
        { prop: 'redisNodeCount', received: 'e+289', rule: /known at synth time/ }],
      ['both a topic to create and a topic given', { createAlarmTopic: true },
        { prop: 'createAlarmTopic', received: 'true', rule: /must not be true when alarmTopic is given/ }],
      ['the AZs as one list token', { availabilityZones: Fn.getAzs() }, { prop: 'availabilityZones', received: 'Token', rule: /not a single list token/ }],
      ['the NAT gateways as one list token', { natGatewayIds: Fn.split(',', Fn.importValue('NatGatewayIds')) },
        { prop: 'natGatewayIds', received: 'Token', rule: /not a single list token/ }],
    ])('fails with %s', (_name, props, expected) => {
      // GIVEN
      const stack = newStack({ env: ENV });
      const tier = new ZeroDowntimeWebTier(stack, 'Tier', { monitoring: false });
      const alarmTopic = props.createAlarmTopic ? new sns.Topic(stack, 'Operations') : undefined;

      // THEN
      expectInvalidProp(() => new WebTierMonitoring(stack, 'Monitoring', { ...monitoringPropsOf(tier), ...props, alarmTopic }), expected);
    });
  });
});
