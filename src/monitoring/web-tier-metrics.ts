import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';

/** The resources whose metrics `WebTierMetrics` gives. */
export interface WebTierMetricSources {
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
}

/** How to read one metric: its statistic over a period, with a label for graphs. */
export interface MetricReading {
  readonly statistic: string;
  readonly period: Duration;
  readonly label?: string;
}

/**
 * The CloudWatch metrics of the web tier's parts, each with the dimensions that point at this tier's resources.
 * Shared by the alarms and the dashboard, so that both always watch the same series.
 */
export class WebTierMetrics {
  /** The `LoadBalancer` dimension: the load balancer's full name (`app/<name>/<id>`). */
  private readonly loadBalancerFullName: string;

  /** The `TargetGroup` dimension: the target group's full name (`targetgroup/<name>/<id>`). */
  private readonly targetGroupFullName: string;

  private readonly autoScalingGroupName: string;

  constructor(sources: WebTierMetricSources) {
    // The interfaces give their full names only through their metrics' dimensions.
    this.loadBalancerFullName = sources.loadBalancer.metrics.custom('RequestCount').dimensions!.LoadBalancer;
    this.targetGroupFullName = sources.targetGroup.metrics.custom('RequestCount').dimensions!.TargetGroup;
    this.autoScalingGroupName = sources.autoScalingGroup.autoScalingGroupName;
  }

  /** A metric of the load balancer as a whole (`AWS/ApplicationELB`, dimension `LoadBalancer`). */
  public loadBalancer(metricName: string, reading: MetricReading): cloudwatch.Metric {
    return metric('AWS/ApplicationELB', metricName, { LoadBalancer: this.loadBalancerFullName }, reading);
  }

  /**
   * A metric of the target group behind this load balancer (dimensions `LoadBalancer` and `TargetGroup`),
   * or of its targets in one Availability Zone.
   */
  public targetGroup(metricName: string, reading: MetricReading, availabilityZone?: string): cloudwatch.Metric {
    const dimensions: Record<string, string> = { LoadBalancer: this.loadBalancerFullName, TargetGroup: this.targetGroupFullName };
    if (availabilityZone !== undefined) {
      dimensions.AvailabilityZone = availabilityZone;
    }
    return metric('AWS/ApplicationELB', metricName, dimensions, reading);
  }

  /** A group metric of the web Auto Scaling group (`AWS/AutoScaling`; needs group metrics collection). */
  public autoScalingGroup(metricName: string, reading: MetricReading): cloudwatch.Metric {
    return metric('AWS/AutoScaling', metricName, { AutoScalingGroupName: this.autoScalingGroupName }, reading);
  }

  /** A metric of one Redis node (`AWS/ElastiCache`, dimension `CacheClusterId`). */
  public cacheCluster(cacheClusterId: string, metricName: string, reading: MetricReading): cloudwatch.Metric {
    return metric('AWS/ElastiCache', metricName, { CacheClusterId: cacheClusterId }, reading);
  }

  /** A metric of one NAT gateway (`AWS/NATGateway`, dimension `NatGatewayId`). */
  public natGateway(natGatewayId: string, metricName: string, reading: MetricReading): cloudwatch.Metric {
    return metric('AWS/NATGateway', metricName, { NatGatewayId: natGatewayId }, reading);
  }
}

/**
 * A metric of a regional web ACL as a whole (`AWS/WAFV2`, dimensions `WebACL` (its metric name), `Region`, and `Rule` `ALL`).
 * It is not tied to the load balancer, so it is a function of its own.
 */
export function webAclMetric(webAclMetricName: string, metricName: string, region: string, reading: MetricReading): cloudwatch.Metric {
  return metric('AWS/WAFV2', metricName, { WebACL: webAclMetricName, Region: region, Rule: 'ALL' }, reading);
}

function metric(namespace: string, metricName: string, dimensionsMap: Record<string, string>, reading: MetricReading): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace, metricName, dimensionsMap, ...reading });
}
