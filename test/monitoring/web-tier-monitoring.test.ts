import { Fn, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ZeroDowntimeWebTier } from '../../src';
import { WebTierMonitoring, WebTierMonitoringProps } from '../../src/monitoring/web-tier-monitoring';
import { expectInvalidProp, logicalId, monitoringPropsOf, newStack, referencedId, resourcesOfType, typeOf } from '../util';

// The load balancer's access logs need a region; an account keeps ARNs readable.
const ENV = { account: '123456789012', region: 'eu-west-1' };

interface Monitored {
  readonly stack: Stack;
  readonly tier: ZeroDowntimeWebTier;
  readonly monitoring: WebTierMonitoring;
  readonly template: Template;
}

/** The tier's parts in a stack (its own monitoring off), watched by a `WebTierMonitoring` given them as props (and `props` on top). */
function monitoredTier(props: Partial<WebTierMonitoringProps> = {}, before?: (stack: Stack) => Partial<WebTierMonitoringProps>): Monitored {
  const stack = newStack({ env: ENV });
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', { monitoring: false });
  const extra = before?.(stack) ?? {};
  const monitoring = new WebTierMonitoring(stack, 'Monitoring', { ...monitoringPropsOf(tier), ...extra, ...props });
  return { stack, tier, monitoring, template: Template.fromStack(stack) };
}

/** The CloudFormation properties of an alarm. */
/** The alarms of the template but the web fleet's release gate's. */
function monitoringAlarms(template: Template): Record<string, any> {
  return Object.fromEntries(Object.entries(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).filter(([id]) => !/ReleaseGate|ReleaseChecks/.test(id)));
}

function alarmProps(m: Monitored, alarm: cloudwatch.Alarm | undefined): any {
  expect(alarm).toBeDefined();
  const resource = m.template.toJSON().Resources[logicalId(alarm!)];
  expect(resource.Type).toBe('AWS::CloudWatch::Alarm');
  return resource.Properties;
}

/** The metrics a metric-math alarm reads, by id, and its expression. */
function mathOf(properties: any): { expression: string; metrics: Record<string, any> } {
  const entries: any[] = properties.Metrics;
  const expressions = entries.filter(e => e.Expression !== undefined);
  expect(expressions).toHaveLength(1);
  expect(expressions[0].ReturnData).toBe(true);
  const metrics = Object.fromEntries(entries.filter(e => e.MetricStat).map(e => {
    expect(e.ReturnData).toBe(false);
    return [e.Id, { ...e.MetricStat.Metric, Period: e.MetricStat.Period, Stat: e.MetricStat.Stat }];
  }));
  return { expression: expressions[0].Expression, metrics };
}

function lbFullName(m: Monitored): unknown {
  return { 'Fn::GetAtt': [logicalId(m.tier.loadBalancer), 'LoadBalancerFullName'] };
}

function tgFullName(m: Monitored): unknown {
  return { 'Fn::GetAtt': [logicalId(m.tier.targetGroup), 'TargetGroupFullName'] };
}

function targetGroupDimensions(m: Monitored): unknown[] {
  return [{ Name: 'LoadBalancer', Value: lbFullName(m) }, { Name: 'TargetGroup', Value: tgFullName(m) }];
}

function cacheClusterDimension(m: Monitored, node: string): unknown[] {
  return [{ Name: 'CacheClusterId', Value: { 'Fn::Join': ['', [{ Ref: logicalId(m.tier.cache.replicationGroup) }, `-${node}`]] } }];
}

/** The NAT gateways' logical ids, sorted. */
function natGatewayIds(m: Monitored): string[] {
  return Object.keys(resourcesOfType(m.template, 'AWS::EC2::NatGateway')).sort();
}

/** The NAT gateway a metric points at, checked to be one. */
function natGatewayOf(m: Monitored, dimensions: any[]): string {
  expect(dimensions).toHaveLength(1);
  expect(dimensions[0].Name).toBe('NatGatewayId');
  const id = referencedId(dimensions[0].Value)!;
  expect(typeOf(m.template, id)).toBe('AWS::EC2::NatGateway');
  return id;
}

/** A CloudFormation string as text, each token shown as `{{Ref:Id}}`, `{{GetAtt:Id.Attribute}}` or `{{AZ:index}}` (`Fn::GetAZs`). */
function asText(value: any): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'];
    return (parts as any[]).map(asText).join(separator);
  }
  if (value.Ref) {
    return `{{Ref:${value.Ref}}}`;
  }
  if (value['Fn::GetAtt']) {
    return `{{GetAtt:${value['Fn::GetAtt'].join('.')}}}`;
  }
  if (value['Fn::Select'] && value['Fn::Select'][1]['Fn::GetAZs'] !== undefined) {
    return `{{AZ:${value['Fn::Select'][0]}}}`;
  }
  throw new Error(`unexpected token in the dashboard body: ${JSON.stringify(value)}`);
}

/** The dashboard's widgets, tokens shown as by `asText`. */
function dashboardWidgets(m: Monitored): any[] {
  const dashboards = Object.values(resourcesOfType(m.template, 'AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  return JSON.parse(asText(dashboards[0].Properties.DashboardBody)).widgets;
}

function widget(m: Monitored, title: string): any {
  const matches = dashboardWidgets(m).filter(w => w.properties.title === title);
  expect(matches).toHaveLength(1);
  return matches[0];
}

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

  describe('notifications', () => {
    test('with no topic, no alarm has actions and no topic is created', () => {
      // THEN
      m.template.resourceCountIs('AWS::SNS::Topic', 0);
      expect(m.monitoring.alarmTopic).toBeUndefined();
      for (const alarm of m.monitoring.alarms) {
        const properties = alarmProps(m, alarm);
        expect(properties.AlarmActions).toBeUndefined();
        expect(properties.OKActions).toBeUndefined();
      }
    });

    test('with alarmTopic, every alarm notifies it on ALARM and on OK, and no other topic is created', () => {
      // GIVEN
      let topic: sns.Topic | undefined;

      // WHEN
      const monitored = monitoredTier({}, stack => {
        topic = new sns.Topic(stack, 'Operations');
        return { alarmTopic: topic };
      });

      // THEN
      monitored.template.resourceCountIs('AWS::SNS::Topic', 1);
      expect(monitored.monitoring.alarmTopic).toBe(topic);
      expect(monitored.monitoring.alarms).toHaveLength(14);
      for (const alarm of monitored.monitoring.alarms) {
        expect(alarmProps(monitored, alarm)).toMatchObject({ AlarmActions: [{ Ref: logicalId(topic!) }], OKActions: [{ Ref: logicalId(topic!) }] });
      }
    });

    test('with createAlarmTopic, every alarm notifies the created topic on ALARM and on OK', () => {
      // WHEN
      const monitored = monitoredTier({ createAlarmTopic: true });

      // THEN
      monitored.template.resourceCountIs('AWS::SNS::Topic', 1);
      const [topicId] = Object.keys(resourcesOfType(monitored.template, 'AWS::SNS::Topic'));
      expect(logicalId(monitored.monitoring.alarmTopic as sns.Topic)).toBe(topicId);
      for (const alarm of monitored.monitoring.alarms) {
        expect(alarmProps(monitored, alarm)).toMatchObject({ AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] });
      }
    });

    test('with createAlarmTopic, the topic is encrypted with a rotated key that CloudWatch may use and that grants only to AWS services', () => {
      // WHEN
      const monitored = monitoredTier({ createAlarmTopic: true });

      // THEN
      const [keyId] = Object.keys(resourcesOfType(monitored.template, 'AWS::KMS::Key'));
      expect(logicalId(monitored.monitoring.alarmTopicKey as any)).toBe(keyId);
      monitored.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      monitored.template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }), Match.objectLike({
            Effect: 'Deny',
            Action: 'kms:CreateGrant',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          })]),
        },
      });
    });

    test('with createAlarmTopic, the key lets CloudWatch use it only for alarms of this account (confused deputy)', () => {
      // WHEN
      const monitored = monitoredTier({ createAlarmTopic: true });

      // THEN
      const key = Object.values(resourcesOfType(monitored.template, 'AWS::KMS::Key'))[0];
      const forCloudWatch = key.Properties.KeyPolicy.Statement.filter((st: any) => st.Principal?.Service === 'cloudwatch.amazonaws.com');
      expect(forCloudWatch).toHaveLength(1);
      expect(forCloudWatch[0].Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': ENV.account },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${ENV.region}:${ENV.account}:alarm:*`]] } },
      });
    });

    test('with createAlarmTopic, the topic refuses requests without TLS and admits CloudWatch alarms of this account only', () => {
      // WHEN
      const monitored = monitoredTier({ createAlarmTopic: true });

      // THEN
      const [topicId] = Object.keys(resourcesOfType(monitored.template, 'AWS::SNS::Topic'));
      monitored.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: {
                StringEquals: { 'aws:SourceAccount': ENV.account },
                ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:${ENV.region}:${ENV.account}:alarm:*`]] } },
              },
            }),
          ]),
        },
      });
    });
  });

  describe('the dashboard', () => {
    test('with the defaults, there is one dashboard and it graphs the key metrics of every part', () => {
      // WHEN
      const body = JSON.stringify(dashboardWidgets(m));

      // THEN
      m.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      for (const metricName of [
        'RequestCount', 'HTTPCode_ELB_4XX_Count', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_4XX_Count', 'HTTPCode_Target_5XX_Count',
        'TargetResponseTime', 'HealthyHostCount', 'GroupInServiceInstances', 'EngineCPUUtilization', 'DatabaseMemoryUsagePercentage',
        'Evictions', 'CurrConnections', 'ReplicationLag', 'BytesOutToDestination', 'BytesInFromDestination', 'PacketsDropCount', 'ErrorPortAllocation',
      ]) {
        expect(body).toContain(`"${metricName}"`);
      }
    });

    test('with the defaults, the latency graph shows p50 and p99 of the target group\'s response time', () => {
      // WHEN
      const metrics: any[][] = widget(m, 'Response time (seconds)').properties.metrics;

      // THEN
      expect(metrics.map(metric => [metric[1], metric[metric.length - 1].stat])).toEqual([['TargetResponseTime', 'p50'], ['TargetResponseTime', 'p99']]);
      expect(metrics[0]).toContain(`{{GetAtt:${logicalId(m.tier.targetGroup)}.TargetGroupFullName}}`);
    });

    test('with the network\'s AZs, the healthy-hosts graph has one HealthyHostCount line per AZ of the tier', () => {
      // WHEN
      const metrics: any[][] = widget(m, 'Healthy hosts per AZ').properties.metrics;

      // THEN
      expect(metrics.map(metric => [metric[1], metric[metric.indexOf('AvailabilityZone') + 1]]))
        .toEqual(m.tier.network!.availabilityZones.map(az => ['HealthyHostCount', az]));
      expect(m.tier.network!.availabilityZones).toHaveLength(3);
    });

    test('with given AZs, the healthy-hosts graph has one HealthyHostCount line per AZ', () => {
      // WHEN
      const monitored = monitoredTier({ availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] });
      const metrics: any[][] = widget(monitored, 'Healthy hosts per AZ').properties.metrics;

      // THEN
      expect(metrics.map(metric => {
        expect(metric[1]).toBe('HealthyHostCount');
        expect(metric).toContain(`{{GetAtt:${logicalId(monitored.tier.targetGroup)}.TargetGroupFullName}}`);
        return metric[metric.indexOf('AvailabilityZone') + 1];
      })).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    });

    test('with the defaults, the alarm status widget shows every alarm', () => {
      // WHEN
      const alarms: string[] = widget(m, 'Alarms').properties.alarms;

      // THEN
      expect(alarms.sort()).toEqual(m.monitoring.alarms.map(alarm => `{{GetAtt:${logicalId(alarm)}.Arn}}`).sort());
    });

    test('with one Redis node, the dashboard has no replication lag graph', () => {
      // WHEN
      const monitored = monitoredTier({ redisNodeCount: 1 });

      // THEN
      expect(dashboardWidgets(monitored).map(w => w.properties.title)).not.toContain('Redis replication lag (seconds)');
      expect(dashboardWidgets(m).map(w => w.properties.title)).toContain('Redis replication lag (seconds)');
    });

    test('with a dashboardName, the dashboard has that name', () => {
      // WHEN
      const monitored = monitoredTier({ dashboardName: 'web-tier' });

      // THEN
      monitored.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'web-tier' });
    });
  });

  describe('standalone', () => {
    test('with imported resources, the alarms point at them', () => {
      // GIVEN
      const stack = newStack({ env: ENV });
      const loadBalancerArn = `arn:aws:elasticloadbalancing:${ENV.region}:${ENV.account}:loadbalancer/app/web/50dc6c495c0c9188`;
      const loadBalancer = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'Alb', { loadBalancerArn, securityGroupId: 'sg-1' });
      const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Tg', {
        targetGroupArn: `arn:aws:elasticloadbalancing:${ENV.region}:${ENV.account}:targetgroup/web/73e2d6bc24d8a067`,
        loadBalancerArns: loadBalancerArn,
      });
      const autoScalingGroup = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Asg', 'web-asg');

      // WHEN
      const monitoring = new WebTierMonitoring(stack, 'Monitoring', {
        loadBalancer,
        targetGroup,
        autoScalingGroup,
        minCapacity: 3,
        replicationGroupId: 'counter',
        redisNodeCount: 2,
        natGatewayIds: ['nat-0a1', 'nat-0b2'],
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      });

      // THEN
      const template = Template.fromStack(stack);
      const resolved = (alarm: cloudwatch.Alarm | undefined) => template.toJSON().Resources[logicalId(alarm!)].Properties;
      expect(resolved(monitoring.healthyHostsAlarm).Dimensions).toEqual([
        { Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' }, { Name: 'TargetGroup', Value: 'targetgroup/web/73e2d6bc24d8a067' },
      ]);
      expect(resolved(monitoring.inServiceInstancesAlarm).Dimensions).toEqual([{ Name: 'AutoScalingGroupName', Value: 'web-asg' }]);
      expect(monitoring.redisMemoryAlarms.map(alarm => resolved(alarm).Dimensions[0].Value)).toEqual(['counter-001', 'counter-002']);
      expect(monitoring.natPortAllocationErrorsAlarms.map(alarm => resolved(alarm).Dimensions[0].Value)).toEqual(['nat-0a1', 'nat-0b2']);
      expect(monitoring.cacheClusterIds).toEqual(['counter-001', 'counter-002']);
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
