import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { WebTierMonitoring } from '../../src/monitoring/web-tier-monitoring';
import { logicalId, newStack } from '../util';
import { dashboardWidgets, ENV, monitoredTier, widget } from './monitored-tier';

describe('WebTierMonitoring', () => {
  // GIVEN the tier with its monitoring at the defaults, two Redis nodes; shared by the tests that only read it
  const m = monitoredTier({ redisNodeCount: 2 });

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
});
