import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { AlarmDefaults, resolveAlarmOptions, ResolvedAlarmOptions } from './web-tier-alarm-options';
import { webAclMetric, WebTierMetrics } from './web-tier-metrics';
import type { WebTierMonitoringProps } from './web-tier-monitoring';
import { checkIntegerInRange, invalidProp } from '../validation';

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/** Checks the resources and counts the alarms are made for, and the topic props: one alarm per node and gateway needs them known. */
export function checkMonitoredResources(props: WebTierMonitoringProps): void {
  if (!Token.isUnresolved(props.minCapacity) && (!Number.isInteger(props.minCapacity) || props.minCapacity < 0)) {
    throw invalidProp('minCapacity', props.minCapacity, 'must be a whole number of instances, 0 or more');
  }
  if (Token.isUnresolved(props.redisNodeCount)) {
    throw invalidProp('redisNodeCount', props.redisNodeCount, 'must be a number known at synth time: one alarm is made per node');
  }
  checkIntegerInRange('redisNodeCount', props.redisNodeCount, 1, 6);
  checkLiteralList('natGatewayIds', props.natGatewayIds);
  checkLiteralList('availabilityZones', props.availabilityZones);
  if (props.alarmTopic !== undefined && props.createAlarmTopic === true) {
    throw invalidProp('createAlarmTopic', true, 'must not be true when alarmTopic is given: the alarms notify the given topic');
  }
}

/** Throws when a list prop is a single unresolved list token, whose elements cannot be known at synth time. */
function checkLiteralList(prop: string, list: string[]): void {
  if (Token.isUnresolved(list)) {
    throw invalidProp(prop, list, 'must be a list of ids written out (its elements may be tokens), not a single list token: one alarm is made per element');
  }
}

/** Every alarm's options, resolved from the monitoring's props; `undefined` for an alarm turned off. */
export function resolveWebTierAlarmOptions(props: WebTierMonitoringProps) {
  return {
    healthyHosts: resolveAlarmOptions('healthyHostsAlarm', props.healthyHostsAlarm, countBelow(props.minCapacity)),
    elb5xx: resolveAlarmOptions('elb5xxAlarm', props.elb5xxAlarm, ERROR_RATE),
    target5xx: resolveAlarmOptions('target5xxAlarm', props.target5xxAlarm, ERROR_RATE),
    responseTime: resolveAlarmOptions('responseTimeAlarm', props.responseTimeAlarm,
      { threshold: 1, period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 2 }),
    inService: resolveAlarmOptions('inServiceInstancesAlarm', props.inServiceInstancesAlarm, countBelow(props.minCapacity)),
    redisCpu: resolveAlarmOptions('redisCpuAlarm', props.redisCpuAlarm,
      { threshold: 90, percentage: true, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 5 }),
    redisMemory: resolveAlarmOptions('redisMemoryAlarm', props.redisMemoryAlarm,
      { threshold: 80, percentage: true, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 5 }),
    redisEvictions: resolveAlarmOptions('redisEvictionsAlarm', props.redisEvictionsAlarm, ANY_IN_FIVE_MINUTES),
    redisReplicationLag: resolveAlarmOptions('redisReplicationLagAlarm', props.redisReplicationLagAlarm,
      { threshold: 1, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 5 }),
    natPacketsDrop: resolveAlarmOptions('natPacketsDropAlarm', props.natPacketsDropAlarm,
      { threshold: 0.01, percentage: true, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 5 }),
    natPortAllocationErrors: resolveAlarmOptions('natPortAllocationErrorsAlarm', props.natPortAllocationErrorsAlarm, ANY_IN_FIVE_MINUTES),
    blockedRequests: resolveAlarmOptions('blockedRequestsAlarm', props.blockedRequestsAlarm,
      { threshold: 1000, period: FIVE_MINUTES, evaluationPeriods: 1, datapointsToAlarm: 1 }),
  };
}

/** The options of every alarm, resolved. */
export type WebTierAlarmOptionSet = ReturnType<typeof resolveWebTierAlarmOptions>;

/** The alarms made, each undefined (or empty) when turned off. */
export interface WebTierAlarmSet {
  all: cloudwatch.Alarm[];
  healthyHostsAlarm?: cloudwatch.Alarm;
  elb5xxAlarm?: cloudwatch.Alarm;
  target5xxAlarm?: cloudwatch.Alarm;
  responseTimeAlarm?: cloudwatch.Alarm;
  inServiceInstancesAlarm?: cloudwatch.Alarm;
  redisCpuAlarms: cloudwatch.Alarm[];
  redisMemoryAlarms: cloudwatch.Alarm[];
  redisEvictionsAlarms: cloudwatch.Alarm[];
  redisReplicationLagAlarms: cloudwatch.Alarm[];
  natPacketsDropAlarms: cloudwatch.Alarm[];
  natPortAllocationErrorsAlarms: cloudwatch.Alarm[];
  blockedRequestsAlarm?: cloudwatch.Alarm;
}

/** What the alarms watch. */
export interface WebTierAlarmTargets {
  readonly metrics: WebTierMetrics;
  readonly cacheClusterIds: string[];
  readonly natGatewayIds: string[];
  readonly webAcl?: wafv2.CfnWebACL;
}

/** Makes the alarms in `scope` (their construct ids are part of their logical IDs) and lists them in `all`. */
class AlarmFactory {
  public readonly all: cloudwatch.Alarm[] = [];

  constructor(private readonly scope: Construct) {}

  /** An alarm on a value that must stay low (errors, latency, usage): no data (no traffic, nothing reported) is not breaching. */
  public above(id: string, o: ResolvedAlarmOptions, metric: cloudwatch.IMetric, alarmDescription: string): cloudwatch.Alarm {
    return this.add(id, o, metric, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, cloudwatch.TreatMissingData.NOT_BREACHING, alarmDescription);
  }

  /** An alarm on a count that must stay high enough (servers): no data is breaching, since nothing shows the count is enough. */
  public below(id: string, o: ResolvedAlarmOptions, metric: cloudwatch.IMetric, alarmDescription: string): cloudwatch.Alarm {
    return this.add(id, o, metric, cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, cloudwatch.TreatMissingData.BREACHING, alarmDescription);
  }

  /** One alarm per id (Redis node, NAT gateway), or none when the alarm is turned off. */
  public each(ids: string[], o: ResolvedAlarmOptions | undefined,
    create: (id: string, index: number, o: ResolvedAlarmOptions) => cloudwatch.Alarm): cloudwatch.Alarm[] {
    return o === undefined ? [] : ids.map((id, index) => create(id, index, o));
  }

  private add(id: string, o: ResolvedAlarmOptions, metric: cloudwatch.IMetric, comparisonOperator: cloudwatch.ComparisonOperator,
    treatMissingData: cloudwatch.TreatMissingData, alarmDescription: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this.scope, id, {
      metric,
      threshold: o.threshold,
      evaluationPeriods: o.evaluationPeriods,
      datapointsToAlarm: o.datapointsToAlarm,
      comparisonOperator,
      treatMissingData,
      alarmDescription,
    });
    this.all.push(alarm);
    return alarm;
  }
}

/**
 * The web tier's alarms, in `scope` with ids like `HealthyHostsAlarm` and `RedisCpuAlarm001` (their logical IDs depend
 * on them): the load balancer and web servers, each Redis node, each NAT gateway, and the web ACL when there is one.
 */
export function createWebTierAlarms(scope: Construct, options: WebTierAlarmOptionSet, targets: WebTierAlarmTargets): WebTierAlarmSet {
  const f = new AlarmFactory(scope);
  const { metrics, cacheClusterIds, natGatewayIds } = targets;
  const made: WebTierAlarmSet = {
    all: f.all,
    redisCpuAlarms: [],
    redisMemoryAlarms: [],
    redisEvictionsAlarms: [],
    redisReplicationLagAlarms: [],
    natPacketsDropAlarms: [],
    natPortAllocationErrorsAlarms: [],
  };

  // The load balancer and the web servers.
  const m = metrics;
  const sum = (o: ResolvedAlarmOptions) => ({ statistic: 'Sum', period: o.period });
  if (options.healthyHosts) {
    const o = options.healthyHosts;
    made.healthyHostsAlarm = f.below('HealthyHostsAlarm', o, m.targetGroup('HealthyHostCount', { statistic: 'Minimum', period: o.period }),
      `Fewer than ${o.threshold} web servers have passed the load balancer's health check ${whenBreaching(o)}: the tier has lost its redundancy, ` +
      'and one more failure can take the site down. Self-healing has not restored it: look at the target group\'s unhealthy targets and their ' +
      'health-check failure reasons, and at the Auto Scaling group\'s activity history (failed launches, servers replaced in a loop). ' +
      'No data counts as too few.');
  }
  if (options.elb5xx) {
    const o = options.elb5xx;
    // RequestCount leaves out the requests answered before a target was chosen (503 with no target): add the errors back.
    made.elb5xxAlarm = f.above('Elb5xxAlarm', o, percentage(o, 'Load balancer 5XX (% of requests)',
      'IF(FILL(requests, 0) + FILL(errors, 0) > 0, 100 * FILL(errors, 0) / (FILL(requests, 0) + FILL(errors, 0)), 0)', {
        requests: m.loadBalancer('RequestCount', sum(o)),
        errors: m.loadBalancer('HTTPCode_ELB_5XX_Count', sum(o)),
      }),
    `More than ${o.threshold}% of requests got a 5XX error from the load balancer itself ${whenBreaching(o)}: users see error pages. ` +
      '502/504 mean web servers closed connections or timed out, 503 that no server was registered. Check the healthy host count, ' +
      'the web app\'s service logs on the servers and the load balancer\'s access logs; roll back a deploy that started it.');
  }
  if (options.target5xx) {
    const o = options.target5xx;
    made.target5xxAlarm = f.above('Target5xxAlarm', o, percentage(o, 'Web server 5XX (% of requests)',
      'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)', {
        requests: m.targetGroup('RequestCount', sum(o)),
        errors: m.targetGroup('HTTPCode_Target_5XX_Count', sum(o)),
      }),
    `More than ${o.threshold}% of the requests the web servers answered were 5XX errors ${whenBreaching(o)}: the web app is failing for users. ` +
      'Check the web app\'s logs on the servers (journalctl -u webtier) and whether it reaches Redis; roll back a deploy that started it.');
  }
  if (options.responseTime) {
    const o = options.responseTime;
    made.responseTimeAlarm = f.above('ResponseTimeAlarm', o, m.targetGroup('TargetResponseTime', { statistic: 'p99', period: o.period }),
      `The slowest 1% of requests took more than ${o.threshold} s to be answered by the web servers ${whenBreaching(o)}: users wait. ` +
      'Check the web servers\' CPU and the Redis alarms; add web servers if the fleet is saturated.');
  }
  if (options.inService) {
    const o = options.inService;
    made.inServiceInstancesAlarm = f.below('InServiceInstancesAlarm', o,
      m.autoScalingGroup('GroupInServiceInstances', { statistic: 'Minimum', period: o.period }),
      `The web Auto Scaling group has had fewer than ${o.threshold} instances in service ${whenBreaching(o)}: it cannot keep the fleet at its minimum, ` +
      'and the tier runs without its redundancy. Check the group\'s activity history for failed launches (capacity, quotas, launch template). ' +
      'No data counts as too few: the group must collect group metrics.');
  }

  // Redis, one alarm per node.
  const node = (kind: string, index: number) => `Redis${kind}Alarm${nodeNumber(index)}`;
  made.redisCpuAlarms = f.each(cacheClusterIds, options.redisCpu, (clusterId, index, o) => f.above(node('Cpu', index), o,
    m.cacheCluster(clusterId, 'EngineCPUUtilization', { statistic: 'Average', period: o.period }),
    `Redis node ${clusterId} has used more than ${o.threshold}% of its engine thread's CPU ${whenBreaching(o)}: every request that counts a visit ` +
    'waits on it and may time out. Look for slow commands (SLOWLOG GET) or move to a larger node type.'));
  made.redisMemoryAlarms = f.each(cacheClusterIds, options.redisMemory, (clusterId, index, o) => f.above(node('Memory', index), o,
    m.cacheCluster(clusterId, 'DatabaseMemoryUsagePercentage', { statistic: 'Maximum', period: o.period }),
    `Redis node ${clusterId} has filled more than ${o.threshold}% of its memory for data ${whenBreaching(o)}. When it is full Redis evicts keys ` +
    'that have a TTL and then refuses writes: the visit counter stops counting. Find the keys that grow, or move to a larger node type.'));
  made.redisEvictionsAlarms = f.each(cacheClusterIds, options.redisEvictions, (clusterId, index, o) => f.above(node('Evictions', index), o,
    m.cacheCluster(clusterId, 'Evictions', sum(o)),
    `Redis node ${clusterId} evicted more than ${o.threshold} keys ${whenBreaching(o)}: it ran out of memory and dropped data. ` +
    'Check its memory use and move to a larger node type, or give fewer keys a longer life.'));
  // Only replicas report ReplicationLag, and which node is the primary changes with failovers: watch every node.
  made.redisReplicationLagAlarms = f.each(cacheClusterIds.length > 1 ? cacheClusterIds : [], options.redisReplicationLag,
    (clusterId, index, o) => f.above(node('ReplicationLag', index), o,
      m.cacheCluster(clusterId, 'ReplicationLag', { statistic: 'Maximum', period: o.period }),
      `Redis node ${clusterId}, as a replica, has been more than ${o.threshold} s behind the primary ${whenBreaching(o)}: a failover now loses ` +
      'the latest writes, and reads from it are stale. Check the primary\'s write load and CPU. The primary reports no lag: no data is OK.'));

  // NAT gateways, one alarm per gateway.
  made.natPacketsDropAlarms = f.each(natGatewayIds, options.natPacketsDrop, (gatewayId, index, o) => f.above(
    `NatPacketsDropAlarm${index + 1}`, o, percentage(o, 'Dropped packets (% of packets in)',
      'IF(FILL(fromSource, 0) + FILL(fromDestination, 0) > 0, 100 * FILL(drops, 0) / (FILL(fromSource, 0) + FILL(fromDestination, 0)), 0)', {
        drops: m.natGateway(gatewayId, 'PacketsDropCount', sum(o)),
        fromSource: m.natGateway(gatewayId, 'PacketsInFromSource', sum(o)),
        fromDestination: m.natGateway(gatewayId, 'PacketsInFromDestination', sum(o)),
      }),
    `NAT gateway ${gatewayId} dropped more than ${o.threshold}% of its packets ${whenBreaching(o)}: web servers in its Availability Zone may fail ` +
    'to reach the internet (packages, SSM, Secrets Manager). Check the AWS Health Dashboard for NAT gateway issues in that zone.'));
  made.natPortAllocationErrorsAlarms = f.each(natGatewayIds, options.natPortAllocationErrors, (gatewayId, index, o) => f.above(
    `NatPortAllocationErrorsAlarm${index + 1}`, o, m.natGateway(gatewayId, 'ErrorPortAllocation', sum(o)),
    `NAT gateway ${gatewayId} failed to allocate a source port more than ${o.threshold} times ${whenBreaching(o)}: too many simultaneous connections ` +
    'to one destination, and new outbound connections from the web servers in its zone fail. Look for connection leaks on the servers.'));


  // The web application firewall: a spike of blocked requests is an attack, or a rule blocking real users.
  if (targets.webAcl && options.blockedRequests) {
    const o = options.blockedRequests;
    made.blockedRequestsAlarm = f.above('BlockedRequestsAlarm', o,
      webAclMetric(webAclMetricName(targets.webAcl), 'BlockedRequests', Stack.of(scope).region, sum(o)),
      `The web ACL blocked more than ${o.threshold} requests ${whenBreaching(o)}: an attack or a scan, or a rule that blocks real users. ` +
      'Look at the sampled requests of the web ACL in the AWS WAF console: which rule blocked them, and from where. Switch a rule group ' +
      'that blocks legitimate traffic to count mode, or lower the rate limit when one source floods the site.');
  }
  return made;
}

/** The metric name (the `WebACL` dimension) of a web ACL, which must be known at synth time. */
export function webAclMetricName(webAcl: wafv2.CfnWebACL): string {
  const visibility = webAcl.visibilityConfig as wafv2.CfnWebACL.VisibilityConfigProperty;
  const name = visibility?.metricName;
  if (name === undefined || Token.isUnresolved(name)) {
    throw invalidProp('webAcl', webAcl.node.path, 'must have a visibilityConfig.metricName known at synth time: the alarm and dashboard read its metrics');
  }
  return name;
}

/** A percentage computed by metric math over the alarm's period. */
function percentage(
  o: ResolvedAlarmOptions, label: string, expression: string, usingMetrics: Record<string, cloudwatch.IMetric>,
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({ expression, usingMetrics, label, period: o.period });
}

/** A count alarm that fires when the value falls below the fleet minimum for ten minutes. */
function countBelow(minCapacity: number): AlarmDefaults {
  return { threshold: minCapacity, period: ONE_MINUTE, evaluationPeriods: 10, datapointsToAlarm: 10 };
}

const ERROR_RATE: AlarmDefaults = { threshold: 5, percentage: true, period: ONE_MINUTE, evaluationPeriods: 5, datapointsToAlarm: 3 };

const ANY_IN_FIVE_MINUTES: AlarmDefaults = { threshold: 0, period: FIVE_MINUTES, evaluationPeriods: 1, datapointsToAlarm: 1 };

/** A Redis node's number within its replication group: `001` for the first. */
export function nodeNumber(index: number): string {
  return String(index + 1).padStart(3, '0');
}

/** When the alarm fires, in words: "for 10 minutes in a row", "in 3 of the last 5 minutes", "in the last 5 minutes". */
function whenBreaching(o: ResolvedAlarmOptions): string {
  const minutes = o.period.toMinutes();
  const unit = minutes === 1 ? 'minute' : `${minutes}-minute period`;
  if (Token.isUnresolved(o.evaluationPeriods) || Token.isUnresolved(o.datapointsToAlarm)) {
    return `(${o.datapointsToAlarm} of ${o.evaluationPeriods} ${unit}s)`;
  }
  if (o.evaluationPeriods === 1) {
    return `in the last ${minutes === 1 ? 'minute' : `${minutes} minutes`}`;
  }
  if (o.datapointsToAlarm === o.evaluationPeriods) {
    return `for ${o.evaluationPeriods} ${unit}s in a row`;
  }
  return `in ${o.datapointsToAlarm} of the last ${o.evaluationPeriods} ${unit}s`;
}

