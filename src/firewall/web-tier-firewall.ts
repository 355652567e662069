import { Names } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { checkIntegerInRange, checkPropsObject, invalidProp } from '../validation';

/**
 * Options of `WebTierFirewall.managedRules()`. Every rule blocks by default; count mode only counts the requests a
 * rule matches (`CountedRequests` metric, sampled requests), to watch a rule on real traffic before it blocks.
 */
export interface WebTierManagedRulesOptions {
  /**
   * Requests one client IP address may send in any 5-minute window; the rate-based rule blocks it beyond that,
   * until its rate falls below the limit again. From 10 to 2,000,000,000 (AWS WAF's range).
   *
   * @default 2000
   */
  readonly rateLimit?: number;

  /**
   * Every rule (the three managed rule groups and the rate-based rule) in count mode: nothing is blocked.
   *
   * @default false
   */
  readonly countOnly?: boolean;

  /**
   * The core rule set (`AWSManagedRulesCommonRuleSet`: OWASP Top 10 style attacks, such as XSS, bad bots, size limits) in count mode.
   *
   * @default - as `countOnly`
   */
  readonly coreRuleSetCountOnly?: boolean;

  /**
   * The known bad inputs rule group (`AWSManagedRulesKnownBadInputsRuleSet`: Log4j/Log4Shell, Java deserialization,
   * localhost Host headers) in count mode.
   *
   * @default - as `countOnly`
   */
  readonly knownBadInputsCountOnly?: boolean;

  /**
   * The Amazon IP reputation list (`AWSManagedRulesAmazonIpReputationList`: addresses Amazon threat intelligence
   * knows for bots, scans and DDoS) in count mode.
   *
   * @default - as `countOnly`
   */
  readonly ipReputationCountOnly?: boolean;

  /**
   * The rate-based rule in count mode.
   *
   * @default - as `countOnly`
   */
  readonly rateLimitCountOnly?: boolean;
}

/** One AWS managed rule group of the firewall. */
interface ManagedGroup {
  readonly name: string;
  readonly countOnly: boolean;
}

/**
 * An AWS WAF web application firewall for the web tier's load balancer: give one as the tier's `firewall` prop.
 *
 * `WebTierFirewall.managedRules()` makes a regional web ACL (default action: allow) with the AWS managed core rule
 * set, known bad inputs and Amazon IP reputation list, and a rate-based rule per client IP; CloudWatch metrics and
 * sampled requests are on for the ACL and every rule. The tier associates it with its load balancer and exposes it
 * as `webAcl`.
 */
export class WebTierFirewall {
  /**
   * A web ACL with the AWS managed rule groups most web applications start with, and a rate limit per client IP.
   */
  public static managedRules(options: WebTierManagedRulesOptions = {}): WebTierFirewall {
    return new WebTierFirewall(options);
  }

  /** Requests one client IP may send in 5 minutes before the rate-based rule acts. */
  public readonly rateLimit: number;

  private readonly groups: ManagedGroup[];
  private readonly rateLimitCountOnly: boolean;

  private constructor(options: WebTierManagedRulesOptions) {
    // JavaScript callers may pass null for the options, or for any of them (the default applies).
    checkPropsObject('options', options);
    options = options ?? {};
    for (const flag of ['countOnly', 'ipReputationCountOnly', 'knownBadInputsCountOnly', 'coreRuleSetCountOnly', 'rateLimitCountOnly'] as const) {
      const value: unknown = options[flag];
      if (value !== undefined && value !== null && typeof value !== 'boolean') {
        throw invalidProp(flag, value, 'must be true or false');
      }
    }
    this.rateLimit = options.rateLimit ?? 2000;
    checkIntegerInRange('rateLimit', this.rateLimit, 10, 2_000_000_000);
    const all = options.countOnly ?? false;
    // Cheapest first: a reputation look-up, then the rate count, then the rule sets that read the request.
    this.groups = [
      { name: 'AWSManagedRulesAmazonIpReputationList', countOnly: options.ipReputationCountOnly ?? all },
      { name: 'AWSManagedRulesKnownBadInputsRuleSet', countOnly: options.knownBadInputsCountOnly ?? all },
      { name: 'AWSManagedRulesCommonRuleSet', countOnly: options.coreRuleSetCountOnly ?? all },
    ];
    this.rateLimitCountOnly = options.rateLimitCountOnly ?? all;
  }

  /**
   * Makes the web ACL in `scope` with the id `id` and associates it with the resource (a load balancer) `resourceArn`.
   *
   * @internal
   */
  public _attach(scope: Construct, id: string, resourceArn: string): wafv2.CfnWebACL {
    const holder = new Construct(scope, id);
    // One name for the ACL and its metrics: the `WebACL` dimension of the alarms and the dashboard.
    const name = Names.uniqueResourceName(holder, { maxLength: 120, separator: '-' });
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty =>
      ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const rules: wafv2.CfnWebACL.RuleProperty[] = [
      ...this.groups.slice(0, 1).map((group, index) => managedRule(group, index, visibility)),
      {
        name: 'RateLimitPerIp',
        priority: 1,
        statement: { rateBasedStatement: { limit: this.rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
        action: this.rateLimitCountOnly ? { count: {} } : { block: {} },
        visibilityConfig: visibility('RateLimitPerIp'),
      },
      ...this.groups.slice(1).map((group, index) => managedRule(group, index + 2, visibility)),
    ];
    const webAcl = new wafv2.CfnWebACL(holder, 'WebAcl', {
      name,
      description: 'Web tier: AWS managed rule groups and a rate limit per client IP',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(name),
      rules,
    });
    new wafv2.CfnWebACLAssociation(holder, 'Association', { resourceArn, webAclArn: webAcl.attrArn });
    return webAcl;
  }
}

function managedRule(group: ManagedGroup, priority: number,
  visibility: (metricName: string) => wafv2.CfnWebACL.VisibilityConfigProperty): wafv2.CfnWebACL.RuleProperty {
  return {
    name: group.name,
    priority,
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group.name } },
    overrideAction: group.countOnly ? { count: {} } : { none: {} },
    visibilityConfig: visibility(group.name),
  };
}
