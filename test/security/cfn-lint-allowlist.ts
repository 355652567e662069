/**
 * The reviewed list of `cfn-lint` findings the tier's templates may have, each with the reason it is not a defect.
 * An entry matches one rule at one kind of place of a template (a path in the template: `*` for one step of any name,
 * `**` for any steps), on one resource type when it names one, and with a message matching `message` when it gives
 * one. Keep it short: fix a finding rather than list it.
 */

/** One finding of `cfn-lint --format json`. */
export interface CfnLintFinding {
  readonly Filename: string;
  readonly Level: string;
  readonly Message: string;
  readonly Location: { readonly Path: Array<string | number> };
  readonly Rule: { readonly Id: string };
  /** The type of the resource the finding is on (`Resources/<id>/...`), looked up in the template by the test. */
  readonly resourceType?: string;
}

/** A finding the tier accepts: the rule, where, and why. */
export interface AllowedFinding {
  /** The rule id, such as `E3016`. */
  readonly rule: string;
  /** The path of the finding in the template, slash-separated; `*` stands for any one step. */
  readonly path: string;
  /** The resource types it is allowed on; any when left out. */
  readonly resourceTypes?: string[];
  /** A pattern the finding's message must match; any when left out. */
  readonly message?: RegExp;
  /** Why it is not a defect (a reviewer reads this). */
  readonly reason: string;
}

export const CFN_LINT_ALLOWED: AllowedFinding[] = [
  {
    rule: 'E3016',
    path: 'Resources/*/UpdatePolicy/AutoScalingInstanceRefresh',
    resourceTypes: ['AWS::AutoScaling::AutoScalingGroup'],
    message: /^Additional properties are not allowed \('AutoScalingInstanceRefresh' was unexpected\)$/,
    reason: 'cfn-lint 1.51.0 predates the AutoScalingInstanceRefresh update policy '
      + '(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html). '
      + 'Its values are checked against AWS\'s ranges by test/web-fleet/instance-refresh-update-policy.test.ts instead.',
  },
  {
    rule: 'W3010',
    path: 'Resources/*/Properties/AvailabilityZone',
    resourceTypes: ['AWS::EC2::Subnet'],
    reason: 'An environment-aware stack names its zones: the ones the account\'s look-up returned (cdk.context.json), as '
      + 'aws-cdk-lib\'s Vpc does; the tier acknowledges the same rule of aws-cdk-lib\'s validation (acknowledgeNamedZones).',
  },
  {
    rule: 'W3010',
    path: 'Resources/*/Properties/AvailabilityZones/*',
    resourceTypes: ['AWS::AutoScaling::AutoScalingGroup'],
    reason: 'The same named zones, on the Auto Scaling groups of an environment-aware stack (aws-cdk-lib writes them '
      + 'beside VPCZoneIdentifier); an environment-agnostic stack has none.',
  },
  {
    rule: 'W3005',
    path: 'Resources/*/DependsOn/*',
    resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::Lambda::Function'],
    reason: 'A DependsOn that a Ref already implies, written by aws-cdk-lib itself (the load balancer\'s logAccessLogs, '
      + 'and the custom resource provider of the VPC\'s restrictDefaultSecurityGroup): redundant, not wrong.',
  },
  {
    rule: 'I1022',
    path: '**',
    message: /^Prefer using Fn::Sub over Fn::Join with an empty delimiter$/,
    reason: 'Style only: aws-cdk-lib renders every string built from tokens as Fn::Join with an empty delimiter.',
  },
];

function matches(pattern: string[], findingPath: string[]): boolean {
  if (pattern.length === 0) return findingPath.length === 0;
  const [step, ...rest] = pattern;
  if (step === '**') return findingPath.some((_, i) => matches(rest, findingPath.slice(i))) || matches(rest, []);
  return findingPath.length > 0 && (step === '*' || step === findingPath[0]) && matches(rest, findingPath.slice(1));
}

/** The allow-list entry that names this finding, if any. */
export function allowedBy(finding: CfnLintFinding): AllowedFinding | undefined {
  const findingPath = finding.Location.Path.map(String);
  return CFN_LINT_ALLOWED.find(entry => entry.rule === finding.Rule.Id
    && matches(entry.path.split('/'), findingPath)
    && (entry.resourceTypes === undefined || entry.resourceTypes.includes(finding.resourceType ?? ''))
    && (entry.message === undefined || entry.message.test(finding.Message)));
}
