import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { webAclMetric, WebTierMetrics } from './web-tier-metrics';

const ONE_MINUTE = Duration.minutes(1);

/** What the dashboard shows: the tier's metrics, its alarms and the resources they are per. */
export interface WebTierDashboardInput {
  readonly metrics: WebTierMetrics;
  readonly alarms: cloudwatch.Alarm[];
  readonly cacheClusterIds: string[];
  readonly natGatewayIds: string[];
  readonly availabilityZones: string[];
  readonly minCapacity: number;
  readonly dashboardName?: string;
  /** The web ACL's metric name (its `WebACL` dimension), when a web ACL guards the load balancer. */
  readonly webAclMetricName?: string;
}

/**
 * The web tier's CloudWatch dashboard: alarm states, the load balancer, the web fleet against its minimum, Redis, the NAT
 * gateways and, with a web ACL, the requests it allowed and blocked. Made in `scope` with the id `Dashboard`.
 */
export function createDashboard(scope: Construct, input: WebTierDashboardInput): cloudwatch.Dashboard {
  const m = input.metrics;
  const reading = (statistic: string, label: string) => ({ statistic, period: ONE_MINUTE, label });
  const graph = (title: string, width: number, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
    new cloudwatch.GraphWidget({ title, left, width, height: 6, ...extra });
  const perNode = (metricName: string, statistic: string) =>
    input.cacheClusterIds.map(clusterId => m.cacheCluster(clusterId, metricName, reading(statistic, clusterId)));
  const perGateway = (metricName: string, label: string) =>
    input.natGatewayIds.map((gatewayId, i) => m.natGateway(gatewayId, metricName, reading('Sum', `${label} (NAT gateway ${i + 1})`)));
  const count = { leftYAxis: { min: 0 } };
  const percent = { leftYAxis: { min: 0, max: 100 } };

  const rows: cloudwatch.IWidget[][] = [];
  if (input.alarms.length > 0) {
    rows.push([new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: input.alarms, width: 24 })]);
  }
  // The load balancer: traffic, errors, latency, and where the healthy servers are.
  rows.push([
    graph('Requests', 6, [m.loadBalancer('RequestCount', reading('Sum', 'Requests'))], count),
    graph('4XX and 5XX errors', 6, [
      m.loadBalancer('HTTPCode_ELB_4XX_Count', reading('Sum', 'Load balancer 4XX')),
      m.loadBalancer('HTTPCode_ELB_5XX_Count', reading('Sum', 'Load balancer 5XX')),
      m.targetGroup('HTTPCode_Target_4XX_Count', reading('Sum', 'Web server 4XX')),
      m.targetGroup('HTTPCode_Target_5XX_Count', reading('Sum', 'Web server 5XX')),
    ], count),
    graph('Response time (seconds)', 6, [
      m.targetGroup('TargetResponseTime', reading('p50', 'p50')),
      m.targetGroup('TargetResponseTime', reading('p99', 'p99')),
    ], count),
    graph('Healthy hosts per AZ', 6, input.availabilityZones.map(az => m.targetGroup('HealthyHostCount', reading('Minimum', az), az)), count),
  ]);
  // The web fleet against its minimum, and Redis.
  rows.push([
    graph('Web servers', 6, [
      m.targetGroup('HealthyHostCount', reading('Minimum', 'Healthy')),
      m.targetGroup('UnHealthyHostCount', reading('Maximum', 'Unhealthy')),
      m.autoScalingGroup('GroupInServiceInstances', reading('Minimum', 'In service')),
    ], { ...count, leftAnnotations: [{ value: input.minCapacity, label: 'Minimum capacity', color: cloudwatch.Color.RED }] }),
    graph('Redis engine CPU (%)', 6, perNode('EngineCPUUtilization', 'Average'), percent),
    graph('Redis memory used (%)', 6, perNode('DatabaseMemoryUsagePercentage', 'Maximum'), percent),
    graph('Redis evictions', 6, perNode('Evictions', 'Sum'), count),
  ]);
  rows.push([
    graph('Redis connections', 12, perNode('CurrConnections', 'Maximum'), count),
    ...(input.cacheClusterIds.length > 1 ? [graph('Redis replication lag (seconds)', 12, perNode('ReplicationLag', 'Maximum'), count)] : []),
  ]);
  // The NAT gateways: what the web servers send out, and what gets lost.
  rows.push([
    graph('NAT gateway bytes', 8, [...perGateway('BytesOutToDestination', 'Out'), ...perGateway('BytesInFromDestination', 'In')], count),
    graph('NAT gateway dropped packets', 8, perGateway('PacketsDropCount', 'Dropped'), count),
    graph('NAT gateway port allocation errors', 8, perGateway('ErrorPortAllocation', 'Errors'), count),
  ]);
  // The web application firewall: what it let through and what it stopped.
  if (input.webAclMetricName !== undefined) {
    const region = Stack.of(scope).region;
    rows.push([graph('Web ACL requests', 24, [
      webAclMetric(input.webAclMetricName, 'AllowedRequests', region, reading('Sum', 'Allowed')),
      webAclMetric(input.webAclMetricName, 'BlockedRequests', region, reading('Sum', 'Blocked')),
      webAclMetric(input.webAclMetricName, 'CountedRequests', region, reading('Sum', 'Counted (rules in count mode)')),
    ], count)]);
  }

  return new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: input.dashboardName,
    widgets: rows,
  });
}
