import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ZeroDowntimeWebTier } from '../../src';
import { WebTierMonitoring, WebTierMonitoringProps } from '../../src/monitoring/web-tier-monitoring';
import { logicalId, monitoringPropsOf, newStack, referencedId, resourcesOfType, typeOf } from '../util';

// What the tests of WebTierMonitoring (alarms, alarm options, notifications, dashboard) share: the tier watched by a
// WebTierMonitoring of its parts, and readers of its alarms, metrics and dashboard.

// The load balancer's access logs need a region; an account keeps ARNs readable.
export const ENV = { account: '123456789012', region: 'eu-west-1' };

export interface Monitored {
  readonly stack: Stack;
  readonly tier: ZeroDowntimeWebTier;
  readonly monitoring: WebTierMonitoring;
  readonly template: Template;
}

/** The tier's parts in a stack (its own monitoring off), watched by a `WebTierMonitoring` given them as props (and `props` on top). */
export function monitoredTier(props: Partial<WebTierMonitoringProps> = {}, before?: (stack: Stack) => Partial<WebTierMonitoringProps>): Monitored {
  const stack = newStack({ env: ENV });
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', { monitoring: false });
  const extra = before?.(stack) ?? {};
  const monitoring = new WebTierMonitoring(stack, 'Monitoring', { ...monitoringPropsOf(tier), ...extra, ...props });
  return { stack, tier, monitoring, template: Template.fromStack(stack) };
}

/** The CloudFormation properties of an alarm. */
/** The alarms of the template but the web fleet's release gate's. */
export function monitoringAlarms(template: Template): Record<string, any> {
  return Object.fromEntries(Object.entries(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).filter(([id]) => !/ReleaseGate|ReleaseChecks/.test(id)));
}

export function alarmProps(m: Monitored, alarm: cloudwatch.Alarm | undefined): any {
  expect(alarm).toBeDefined();
  const resource = m.template.toJSON().Resources[logicalId(alarm!)];
  expect(resource.Type).toBe('AWS::CloudWatch::Alarm');
  return resource.Properties;
}

/** The metrics a metric-math alarm reads, by id, and its expression. */
export function mathOf(properties: any): { expression: string; metrics: Record<string, any> } {
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

export function lbFullName(m: Monitored): unknown {
  return { 'Fn::GetAtt': [logicalId(m.tier.loadBalancer), 'LoadBalancerFullName'] };
}

export function tgFullName(m: Monitored): unknown {
  return { 'Fn::GetAtt': [logicalId(m.tier.targetGroup), 'TargetGroupFullName'] };
}

export function targetGroupDimensions(m: Monitored): unknown[] {
  return [{ Name: 'LoadBalancer', Value: lbFullName(m) }, { Name: 'TargetGroup', Value: tgFullName(m) }];
}

export function cacheClusterDimension(m: Monitored, node: string): unknown[] {
  return [{ Name: 'CacheClusterId', Value: { 'Fn::Join': ['', [{ Ref: logicalId(m.tier.cache.replicationGroup) }, `-${node}`]] } }];
}

/** The NAT gateways' logical ids, sorted. */
export function natGatewayIds(m: Monitored): string[] {
  return Object.keys(resourcesOfType(m.template, 'AWS::EC2::NatGateway')).sort();
}

/** The NAT gateway a metric points at, checked to be one. */
export function natGatewayOf(m: Monitored, dimensions: any[]): string {
  expect(dimensions).toHaveLength(1);
  expect(dimensions[0].Name).toBe('NatGatewayId');
  const id = referencedId(dimensions[0].Value)!;
  expect(typeOf(m.template, id)).toBe('AWS::EC2::NatGateway');
  return id;
}

/** A CloudFormation string as text, each token shown as `{{Ref:Id}}`, `{{GetAtt:Id.Attribute}}` or `{{AZ:index}}` (`Fn::GetAZs`). */
export function asText(value: any): string {
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
export function dashboardWidgets(m: Monitored): any[] {
  const dashboards = Object.values(resourcesOfType(m.template, 'AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  return JSON.parse(asText(dashboards[0].Properties.DashboardBody)).widgets;
}

export function widget(m: Monitored, title: string): any {
  const matches = dashboardWidgets(m).filter(w => w.properties.title === title);
  expect(matches).toHaveLength(1);
  return matches[0];
}
