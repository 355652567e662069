import { Annotations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { checkAlarmTopicRegion } from './alarm-topic-checks';
import { createAlarmTopic } from './web-tier-alarm-topic';
import { checkMonitoredResources, createWebTierAlarms, nodeNumber, resolveWebTierAlarmOptions, webAclMetricName } from './web-tier-alarms';
import { createDashboard } from './web-tier-dashboard';
import { WebTierMetrics } from './web-tier-metrics';
import { WebTierMonitoringProps } from './web-tier-monitoring-props';

export type { WebTierMonitoringProps } from './web-tier-monitoring-props';

/**
 * Alarms and a CloudWatch dashboard for the web tier: the load balancer and its target group, the web Auto Scaling group,
 * the Redis nodes, the NAT gateways and optionally the web ACL, given as props so that it works with the tier's parts or with your own.
 *
 * Every alarm has a default threshold and can be changed or turned off through its `WebTierAlarmOptions` prop;
 * `alarms` lists all of them, and with `alarmTopic` or `createAlarmTopic` each notifies an SNS topic on ALARM and on OK.
 */
export class WebTierMonitoring extends Construct {
  /** Every alarm created, to add actions to them all. */
  public readonly alarms: cloudwatch.Alarm[];

  /** The topic the alarms notify, given or created. */
  public readonly alarmTopic?: sns.ITopic;

  /** The KMS key of the topic created by `createAlarmTopic`. */
  public readonly alarmTopicKey?: kms.IKey;

  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  /** The Redis nodes' cache cluster ids, `<replicationGroupId>-001` onwards: the `CacheClusterId` of their metrics. */
  public readonly cacheClusterIds: string[];

  /** Fewer healthy hosts than the minimum; undefined when turned off. */
  public readonly healthyHostsAlarm?: cloudwatch.Alarm;

  /** Load-balancer 5XX rate; undefined when turned off. */
  public readonly elb5xxAlarm?: cloudwatch.Alarm;

  /** Web server 5XX rate; undefined when turned off. */
  public readonly target5xxAlarm?: cloudwatch.Alarm;

  /** p99 target response time; undefined when turned off. */
  public readonly responseTimeAlarm?: cloudwatch.Alarm;

  /** Fewer instances in service than the minimum; undefined when turned off. */
  public readonly inServiceInstancesAlarm?: cloudwatch.Alarm;

  /** Redis engine CPU, one per node in `cacheClusterIds` order; empty when turned off. */
  public readonly redisCpuAlarms: cloudwatch.Alarm[];

  /** Redis memory, one per node; empty when turned off. */
  public readonly redisMemoryAlarms: cloudwatch.Alarm[];

  /** Redis evictions, one per node; empty when turned off. */
  public readonly redisEvictionsAlarms: cloudwatch.Alarm[];

  /** Redis replication lag, one per node; empty with a single node or when turned off. */
  public readonly redisReplicationLagAlarms: cloudwatch.Alarm[];

  /** NAT gateway dropped packets, one per gateway in `natGatewayIds` order; empty when turned off. */
  public readonly natPacketsDropAlarms: cloudwatch.Alarm[];

  /** NAT gateway port allocation errors, one per gateway; empty when turned off. */
  public readonly natPortAllocationErrorsAlarms: cloudwatch.Alarm[];

  /** Blocked-request spikes of the web ACL; undefined without `webAcl` or when turned off. */
  public readonly blockedRequestsAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WebTierMonitoringProps) {
    super(scope, id);

    // Validation first: every prop, before anything is built.
    checkMonitoredResources(props);
    checkAlarmTopicRegion(this, 'alarmTopic', props.alarmTopic);
    const webAclName = props.webAcl === undefined ? undefined : webAclMetricName(props.webAcl);
    const options = resolveWebTierAlarmOptions(props);
    for (const [prop, resolved] of [['healthyHostsAlarm', options.healthyHosts], ['inServiceInstancesAlarm', options.inService]] as const) {
      if (resolved?.threshold === 0) {
        Annotations.of(this).addWarningV2('cdk-zero-downtime-web-tier:monitoringAlarmNeverFires',
          `${prop} has a threshold of 0 (the default is minCapacity): a count never falls below 0, so this alarm never fires`);
      }
    }


    const metrics = new WebTierMetrics(props);
    this.cacheClusterIds = Array.from({ length: props.redisNodeCount }, (_, i) => `${props.replicationGroupId}-${nodeNumber(i)}`);
    const made = createWebTierAlarms(this, options, {
      metrics, cacheClusterIds: this.cacheClusterIds, natGatewayIds: props.natGatewayIds, webAcl: props.webAcl,
    });
    this.alarms = made.all;
    this.healthyHostsAlarm = made.healthyHostsAlarm;
    this.elb5xxAlarm = made.elb5xxAlarm;
    this.target5xxAlarm = made.target5xxAlarm;
    this.responseTimeAlarm = made.responseTimeAlarm;
    this.inServiceInstancesAlarm = made.inServiceInstancesAlarm;
    this.redisCpuAlarms = made.redisCpuAlarms;
    this.redisMemoryAlarms = made.redisMemoryAlarms;
    this.redisEvictionsAlarms = made.redisEvictionsAlarms;
    this.redisReplicationLagAlarms = made.redisReplicationLagAlarms;
    this.natPacketsDropAlarms = made.natPacketsDropAlarms;
    this.natPortAllocationErrorsAlarms = made.natPortAllocationErrorsAlarms;
    this.blockedRequestsAlarm = made.blockedRequestsAlarm;

    // Notifications.
    if (props.createAlarmTopic === true) {
      const topic = createAlarmTopic(this);
      this.alarmTopic = topic;
      this.alarmTopicKey = topic.masterKey;
    } else {
      this.alarmTopic = props.alarmTopic;
    }
    if (this.alarmTopic !== undefined) {
      const action = new cloudwatchActions.SnsAction(this.alarmTopic);
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }


    this.dashboard = createDashboard(this, {
      metrics,
      alarms: this.alarms,
      cacheClusterIds: this.cacheClusterIds,
      natGatewayIds: props.natGatewayIds,
      availabilityZones: props.availabilityZones,
      minCapacity: props.minCapacity,
      dashboardName: props.dashboardName,
      webAclMetricName: webAclName,
    });
  }
}
