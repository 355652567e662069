import { App, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { WebTierFirewall, WebTierManagedRulesOptions, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { WebTierMonitoring } from '../../src/monitoring/web-tier-monitoring';
import { expectInvalidProp, logicalId, monitoringPropsOf, onlyResource } from '../util';

const ENV = { account: '111111111111', region: 'eu-west-3' };
const WEB_ACL_ARN = 'arn:aws:wafv2:eu-west-3:111111111111:regional/webacl/mine/11111111-2222-3333-4444-555555555555';

function tierWith(props: ZeroDowntimeWebTierProps) {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const tier = new ZeroDowntimeWebTier(stack, 'WebTier', props);
  return { stack, tier, template: Template.fromStack(stack) };
}

function rulesOf(options?: WebTierManagedRulesOptions): Record<string, any> {
  const acl = onlyResource(tierWith({ firewall: WebTierFirewall.managedRules(options) }).template, 'AWS::WAFv2::WebACL');
  return Object.fromEntries(acl.Properties.Rules.map((rule: any) => [rule.Name, rule]));
}

const GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet'];

describe('WebTierFirewall', () => {
  // GIVEN / WHEN the one-liner behind the managed-rules firewall
  const { stack, tier, template } = tierWith({ firewall: WebTierFirewall.managedRules() });
  const acl = onlyResource(template, 'AWS::WAFv2::WebACL');

  test('with managedRules(), a regional web ACL that allows what no rule blocks is made and exposed as webAcl', () => {
    expect(tier.webAcl).toBeInstanceOf(wafv2.CfnWebACL);
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    expect(template.toJSON().Resources[logicalId(tier.webAcl!)].Type).toBe('AWS::WAFv2::WebACL');
  });

  test('with managedRules(), the web ACL is associated with the tier\'s load balancer', () => {
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: logicalId(tier.loadBalancer) },
      WebACLArn: { 'Fn::GetAtt': [logicalId(tier.webAcl!), 'Arn'] },
    });
  });

  test('with managedRules(), the three AWS managed rule groups block (no override) and come in a fixed order', () => {
    const managed = acl.Properties.Rules.filter((rule: any) => rule.Statement.ManagedRuleGroupStatement);
    expect(managed.map((rule: any) => rule.Statement.ManagedRuleGroupStatement)).toEqual(GROUPS.map(Name => ({ VendorName: 'AWS', Name })));
    for (const rule of managed) {
      expect(rule.OverrideAction).toEqual({ None: {} });
    }
  });

  test('with managedRules(), a rate-based rule blocks a client IP above 2000 requests in 5 minutes', () => {
    const rate = acl.Properties.Rules.find((rule: any) => rule.Name === 'RateLimitPerIp');
    expect(rate.Statement.RateBasedStatement).toEqual({ Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 });
    expect(rate.Action).toEqual({ Block: {} });
  });

  test('with managedRules(), every rule has its own priority', () => {
    const priorities = acl.Properties.Rules.map((rule: any) => rule.Priority);
    expect(new Set(priorities).size).toBe(4);
  });

  test('with managedRules(), the web ACL and every rule send CloudWatch metrics and keep sampled requests', () => {
    const configs = [acl.Properties.VisibilityConfig, ...acl.Properties.Rules.map((rule: any) => rule.VisibilityConfig)];
    expect(configs).toHaveLength(5);
    for (const config of configs) {
      expect(config).toMatchObject({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: expect.stringMatching(/^[\w-]{1,128}$/) });
    }
    expect(acl.Properties.VisibilityConfig.MetricName).toBe(acl.Properties.Name);
  });

  test('with managedRules(), the web ACL\'s name is a valid WAF name', () => {
    expect(acl.Properties.Name).toMatch(/^[\w-]{1,128}$/);
  });

  test('with managedRules({ rateLimit: 500 }), the rate-based rule blocks above 500', () => {
    expect(rulesOf({ rateLimit: 500 }).RateLimitPerIp.Statement.RateBasedStatement.Limit).toBe(500);
  });

  test('with countOnly, every managed group and the rate rule only count', () => {
    const rules = rulesOf({ countOnly: true });
    for (const group of GROUPS) {
      expect(rules[group].OverrideAction).toEqual({ Count: {} });
    }
    expect(rules.RateLimitPerIp.Action).toEqual({ Count: {} });
  });

  test.each<[keyof WebTierManagedRulesOptions, string]>([
    ['coreRuleSetCountOnly', 'AWSManagedRulesCommonRuleSet'],
    ['knownBadInputsCountOnly', 'AWSManagedRulesKnownBadInputsRuleSet'],
    ['ipReputationCountOnly', 'AWSManagedRulesAmazonIpReputationList'],
  ])('with %s, only %s counts and the other rules block', (option, group) => {
    const rules = rulesOf({ [option]: true });
    for (const other of GROUPS) {
      expect(rules[other].OverrideAction).toEqual(other === group ? { Count: {} } : { None: {} });
    }
    expect(rules.RateLimitPerIp.Action).toEqual({ Block: {} });
  });

  test('with countOnly and coreRuleSetCountOnly false, the core rule set blocks and the rest count', () => {
    const rules = rulesOf({ countOnly: true, coreRuleSetCountOnly: false });
    expect(rules.AWSManagedRulesCommonRuleSet.OverrideAction).toEqual({ None: {} });
    expect(rules.AWSManagedRulesKnownBadInputsRuleSet.OverrideAction).toEqual({ Count: {} });
  });

  test('with rateLimitCountOnly, the rate rule counts and the groups block', () => {
    const rules = rulesOf({ rateLimitCountOnly: true });
    expect(rules.RateLimitPerIp.Action).toEqual({ Count: {} });
    expect(rules.AWSManagedRulesCommonRuleSet.OverrideAction).toEqual({ None: {} });
  });

  test('with the firewall, the monitoring alarms on blocked-request spikes of this web ACL', () => {
    const alarm = template.toJSON().Resources[logicalId(tier.monitoring!.blockedRequestsAlarm!)];
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1000,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Properties.Dimensions).toEqual(expect.arrayContaining([
      { Name: 'WebACL', Value: acl.Properties.VisibilityConfig.MetricName },
      { Name: 'Region', Value: 'eu-west-3' },
      { Name: 'Rule', Value: 'ALL' },
    ]));
    expect(tier.monitoring!.alarms).toContain(tier.monitoring!.blockedRequestsAlarm);
  });

  test('with the firewall, the dashboard graphs the web ACL\'s allowed and blocked requests', () => {
    const body = JSON.stringify(stack.resolve(onlyResource(template, 'AWS::CloudWatch::Dashboard').Properties.DashboardBody));
    expect(body).toContain('Web ACL requests');
    expect(body).toMatch(/AWS\/WAFV2.*AllowedRequests/);
    expect(body).toMatch(/AWS\/WAFV2.*BlockedRequests/);
  });

  test('without a firewall, there is no web ACL, no blocked-requests alarm and no web ACL graph', () => {
    const plain = tierWith({});
    plain.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(plain.tier.webAcl).toBeUndefined();
    expect(plain.tier.monitoring!.blockedRequestsAlarm).toBeUndefined();
    expect(JSON.stringify(onlyResource(plain.template, 'AWS::CloudWatch::Dashboard').Properties.DashboardBody)).not.toContain('WAFV2');
  });

  test('with a firewall and a policy pack, the web ACL acknowledges request logging with a reason, not the load balancer WAF', () => {
    const ids = tier.webAcl!.node.metadata.map(entry => JSON.stringify(entry.data));
    expect(ids.some(id => id.includes('NIST.800.53.R5-WAFv2LoggingEnabled'))).toBe(true);
  });

  test.each([9, 2_000_000_001, 100.5, Number.NaN])('fails with a rateLimit of %p', (rateLimit) => {
    expectInvalidProp(() => WebTierFirewall.managedRules({ rateLimit }),
      { prop: 'rateLimit', received: String(rateLimit), rule: /whole number from 10 to 2000000000/ });
  });

  test.each<[string, unknown, string, string, RegExp]>([
    ['a string for the options (a JavaScript caller)', 'count', 'options', '"count"', /object of props/],
    ['a string for countOnly', { countOnly: 'yes' }, 'countOnly', '"yes"', /true or false/],
    ['a number for coreRuleSetCountOnly', { coreRuleSetCountOnly: 1 }, 'coreRuleSetCountOnly', '1', /true or false/],
  ])('fails with %s', (_case, options, prop, received, rule) => {
    expectInvalidProp(() => WebTierFirewall.managedRules(options as any), { prop, received, rule });
  });

  test.each<[string, unknown]>([
    ['null options', null],
    ['null values', { rateLimit: null, countOnly: null, rateLimitCountOnly: null }],
  ])('with %s (a JavaScript caller), the defaults apply', (_case, options) => {
    // WHEN
    const rules = rulesOf(options as any);
    // THEN
    expect(rules.RateLimitPerIp.Statement.RateBasedStatement.Limit).toBe(2000);
    expect(rules.RateLimitPerIp.Action).toEqual({ Block: {} });
  });

  test('with rateLimit 10 and 2,000,000,000, the ends of AWS WAF\'s range are accepted', () => {
    expect(WebTierFirewall.managedRules({ rateLimit: 10 }).rateLimit).toBe(10);
    expect(WebTierFirewall.managedRules({ rateLimit: 2_000_000_000 }).rateLimit).toBe(2_000_000_000);
  });

  test('fails with both webAclArn and firewall', () => {
    const other = new Stack(new App(), 'Both', { env: ENV });
    expectInvalidProp(() => new ZeroDowntimeWebTier(other, 'WebTier', { webAclArn: WEB_ACL_ARN, firewall: WebTierFirewall.managedRules() }),
      { prop: 'webAclArn', received: WEB_ACL_ARN, rule: /must not be given together with firewall/ });
  });

  test('fails when a monitored web ACL\'s metric name is not known at synth time', () => {
    const other = new Stack(new App(), 'Token', { env: ENV });
    const parts = new ZeroDowntimeWebTier(other, 'WebTier', { monitoring: false });
    const webAcl = new wafv2.CfnWebACL(other, 'Acl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: Token.asString({ Ref: 'Name' }) },
    });
    expectInvalidProp(() => new WebTierMonitoring(other, 'Monitoring', { ...monitoringPropsOf(parts), webAcl }), { prop: 'webAcl', received: 'Token/Acl', rule: /metricName known at synth time/ });
  });

  test('with blockedRequestsAlarm disabled, the firewall adds no alarm but the dashboard still graphs it', () => {
    const other = new Stack(new App(), 'Off', { env: ENV });
    const parts = new ZeroDowntimeWebTier(other, 'WebTier', { monitoring: false, firewall: WebTierFirewall.managedRules() });
    const monitoring = new WebTierMonitoring(other, 'Monitoring', {
      ...monitoringPropsOf(parts), webAcl: parts.webAcl, blockedRequestsAlarm: { enabled: false },
    });
    expect(monitoring.blockedRequestsAlarm).toBeUndefined();
    Template.fromStack(other).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'AWS/WAFV2' }, 0);
    Template.fromStack(other).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: Match.anyValue() });
    expect(JSON.stringify(other.resolve(onlyResource(Template.fromStack(other), 'AWS::CloudWatch::Dashboard').Properties.DashboardBody))).toContain('BlockedRequests');
  });
});
