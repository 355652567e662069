import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { logicalId } from '../util';
import { alarmProps, cacheClusterDimension, lbFullName, mathOf, monitoredTier, monitoringAlarms, natGatewayIds, natGatewayOf, targetGroupDimensions } from './monitored-tier';

describe('WebTierMonitoring', () => {
  // GIVEN the tier with its monitoring at the defaults, two Redis nodes; shared by the tests that only read it
  const m = monitoredTier({ redisNodeCount: 2 });

  describe('alarms on one metric', () => {
    type Case = [string, () => cloudwatch.Alarm | undefined, Record<string, unknown>, RegExp];
    // Fewer than the fleet minimum (2) in each of 10 one-minute periods, no data counting as too few.
    const belowMinimumForTenMinutes = {
      Statistic: 'Minimum',
      Period: 60,
      Threshold: 2,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
      TreatMissingData: 'breaching',
    };
    const singles: Case[] = [
      ['healthy hosts', () => m.monitoring.healthyHostsAlarm, {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HealthyHostCount',
        Dimensions: targetGroupDimensions(m),
        ...belowMinimumForTenMinutes,
      }, /lost its redundancy/],
      ['p99 response time', () => m.monitoring.responseTimeAlarm, {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'TargetResponseTime',
        Dimensions: targetGroupDimensions(m),
        ExtendedStatistic: 'p99',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      }, /slowest 1% of requests took more than 1 s/],
      ['in-service instances', () => m.monitoring.inServiceInstancesAlarm, {
        Namespace: 'AWS/AutoScaling',
        MetricName: 'GroupInServiceInstances',
        Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: logicalId(m.tier.webAutoScalingGroup) } }],
        ...belowMinimumForTenMinutes,
      }, /group metrics/],
    ];
    // The same alarm on each of the two Redis nodes: [name, alarms, metric, statistic, period, threshold, evaluation periods, datapoints, meaning].
    const perRedisNode = ([
      ['Redis engine CPU', () => m.monitoring.redisCpuAlarms, 'EngineCPUUtilization', 'Average', 60, 90, 5, 5, /larger node type/],
      ['Redis memory', () => m.monitoring.redisMemoryAlarms, 'DatabaseMemoryUsagePercentage', 'Maximum', 60, 80, 5, 5, /refuses writes/],
      ['Redis evictions', () => m.monitoring.redisEvictionsAlarms, 'Evictions', 'Sum', 300, 0, 1, 1, /dropped data/],
      ['Redis replication lag', () => m.monitoring.redisReplicationLagAlarms, 'ReplicationLag', 'Maximum', 60, 1, 5, 5, /failover now loses the latest writes/],
    ] as const).flatMap(([name, alarms, MetricName, Statistic, Period, Threshold, EvaluationPeriods, DatapointsToAlarm, meaning]) =>
      ['001', '002'].map((node, i): Case => [`${name} of node ${node}`, () => alarms()[i], {
        Namespace: 'AWS/ElastiCache',
        MetricName,
        Dimensions: cacheClusterDimension(m, node),
        Statistic,
        Period,
        Threshold,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods,
        DatapointsToAlarm,
        TreatMissingData: 'notBreaching',
      }, meaning]));

    test.each([...singles, ...perRedisNode])('with the defaults, the %s alarm watches this tier\'s resource with its threshold, periods and missing-data rule', (_name, alarm, expected, meaning) => {
      // WHEN
      const properties = alarmProps(m, alarm());

      // THEN
      expect(properties).toMatchObject(expected);
      expect(properties.Metrics).toBeUndefined();
      expect(JSON.stringify(properties.AlarmDescription)).toMatch(meaning);
    });

    test('with the defaults, there is one port-allocation alarm on each NAT gateway', () => {
      // WHEN
      const alarms = m.monitoring.natPortAllocationErrorsAlarms.map(alarm => alarmProps(m, alarm));

      // THEN
      expect(alarms.map(a => natGatewayOf(m, a.Dimensions)).sort()).toEqual(natGatewayIds(m));
      expect(natGatewayIds(m)).toHaveLength(3);
      for (const properties of alarms) {
        expect(properties).toMatchObject({
          Namespace: 'AWS/NATGateway',
          MetricName: 'ErrorPortAllocation',
          Statistic: 'Sum',
          Period: 300,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          TreatMissingData: 'notBreaching',
        });
        expect(JSON.stringify(properties.AlarmDescription)).toMatch(/outbound connections .* fail/);
      }
    });
  });

  describe('alarms on a rate (metric math)', () => {
    test.each([
      ['load balancer', () => m.monitoring.elb5xxAlarm, () => [{ Name: 'LoadBalancer', Value: lbFullName(m) }], 'HTTPCode_ELB_5XX_Count',
        // RequestCount leaves out what the load balancer answers before choosing a target: the errors are added back.
        'IF(FILL(requests, 0) + FILL(errors, 0) > 0, 100 * FILL(errors, 0) / (FILL(requests, 0) + FILL(errors, 0)), 0)', /users see error pages/],
      ['web server', () => m.monitoring.target5xxAlarm, () => targetGroupDimensions(m), 'HTTPCode_Target_5XX_Count',
        'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)', /web app is failing/],
    ])('with the defaults, the %s 5XX alarm fires above 5%% of its requests in 3 of 5 minutes, not on missing data',
      (_name, alarm, dimensions, errorMetric, expectedExpression, meaning) => {
        // WHEN
        const properties = alarmProps(m, alarm());
        const { expression, metrics } = mathOf(properties);

        // THEN
        expect(properties).toMatchObject({
          Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching',
        });
        expect(properties.MetricName).toBeUndefined();
        expect(metrics).toEqual({
          errors: { Namespace: 'AWS/ApplicationELB', MetricName: errorMetric, Dimensions: dimensions(), Period: 60, Stat: 'Sum' },
          requests: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: dimensions(), Period: 60, Stat: 'Sum' },
        });
        expect(expression).toBe(expectedExpression);
        expect(properties.AlarmDescription).toMatch(meaning);
      });

    test('with the defaults, each NAT gateway has a dropped-packets alarm above 0.01% of its packets for 5 minutes', () => {
      // WHEN
      const alarms = m.monitoring.natPacketsDropAlarms.map(alarm => alarmProps(m, alarm));

      // THEN
      expect(alarms).toHaveLength(3);
      const gateways = alarms.map(properties => {
        expect(properties).toMatchObject({
          Threshold: 0.01, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 5, TreatMissingData: 'notBreaching',
        });
        const { expression, metrics } = mathOf(properties);
        expect(Object.keys(metrics).sort()).toEqual(['drops', 'fromDestination', 'fromSource']);
        expect(metrics.drops).toMatchObject({ Namespace: 'AWS/NATGateway', MetricName: 'PacketsDropCount', Stat: 'Sum', Period: 60 });
        expect(metrics.fromSource).toMatchObject({ Namespace: 'AWS/NATGateway', MetricName: 'PacketsInFromSource', Stat: 'Sum' });
        expect(metrics.fromDestination).toMatchObject({ Namespace: 'AWS/NATGateway', MetricName: 'PacketsInFromDestination', Stat: 'Sum' });
        const gateway = natGatewayOf(m, metrics.drops.Dimensions);
        expect(natGatewayOf(m, metrics.fromSource.Dimensions)).toBe(gateway);
        expect(natGatewayOf(m, metrics.fromDestination.Dimensions)).toBe(gateway);
        expect(expression).toContain('100 * FILL(drops, 0) / (FILL(fromSource, 0) + FILL(fromDestination, 0))');
        return gateway;
      });
      expect(gateways.sort()).toEqual(natGatewayIds(m));
    });
  });

  describe('the list of alarms', () => {
    test('with the defaults and two Redis nodes, alarms lists all 19 alarms of the template', () => {
      // THEN
      // (the web fleet's release gate has 4 alarms of its own, test/web-fleet/releases.test.ts)
      expect(Object.keys(monitoringAlarms(m.template))).toHaveLength(19);
      expect(m.monitoring.alarms.map(alarm => logicalId(alarm)).sort()).toEqual(Object.keys(monitoringAlarms(m.template)).sort());
    });

    test('with the defaults, every alarm says what it means and what to do', () => {
      // THEN
      for (const alarm of m.monitoring.alarms) {
        const description = JSON.stringify(alarmProps(m, alarm).AlarmDescription);
        expect(description.length).toBeGreaterThan(150);
        expect(description).toMatch(/\b(check|look|find)\b/i);
      }
    });
  });

  describe('Redis replication lag', () => {
    test.each([
      [1, []],
      [2, ['001', '002']],
      [3, ['001', '002', '003']],
    ])('with %d Redis node(s), the replication lag alarms watch the nodes %j', (redisNodeCount, nodes) => {
      // WHEN
      const monitored = monitoredTier({ redisNodeCount });

      // THEN
      expect(monitored.monitoring.redisReplicationLagAlarms.map(alarm => alarmProps(monitored, alarm).Dimensions))
        .toEqual(nodes.map(node => cacheClusterDimension(monitored, node)));
      monitored.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'ReplicationLag' }, nodes.length);
      monitored.template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'EngineCPUUtilization' }, redisNodeCount);
    });
  });
});
