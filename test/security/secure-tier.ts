import { StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { logicalId, newStack, referencedId, resourcesOfType, TemplateResource } from '../util';

// What the tests of the tier's secure defaults (instances and network, load balancer, Redis) share.

/** A stack with one web tier and nothing else; `stackProps` gives it an environment. */
export function secureTier(props?: ZeroDowntimeWebTierProps, stackProps?: StackProps) {
  const stack = newStack(stackProps);
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', props);
  return { stack, tier, template: Template.fromStack(stack) };
}

/** The resource with this logical id, failing unless it has the expected type. */
export function resourceOf(template: Template, type: string, id: string): TemplateResource {
  const resource = template.toJSON().Resources[id] as TemplateResource | undefined;
  expect(resource?.Type).toBe(type);
  return resource!;
}

/** The load balancer's attributes, key to value. */
export function loadBalancerAttributes(template: Template, tier: ZeroDowntimeWebTier): Map<string, unknown> {
  const alb = resourceOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', logicalId(tier.loadBalancer));
  const attributes: Array<{ Key: string; Value: unknown }> = alb.Properties.LoadBalancerAttributes;
  expect(new Set(attributes.map(a => a.Key)).size).toBe(attributes.length);
  return new Map(attributes.map(a => [a.Key, a.Value]));
}

/** The statements of the access-log bucket's policy. */
export function accessLogsStatements(template: Template, tier: ZeroDowntimeWebTier): any[] {
  const bucketId = logicalId(tier.webLoadBalancer.accessLogsBucket!);
  const policies = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy')).filter(p => referencedId(p.Properties.Bucket) === bucketId);
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

/** `arn:<partition>:<service>:<region>:<account>:<rest...>` as CDK's `formatArn` renders it in an environment-agnostic stack. */
export function stackArn(service: string, ...rest: unknown[]) {
  return {
    'Fn::Join': ['', [
      'arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ...rest,
    ]],
  };
}

/** How many times `needle` occurs in `haystack`. */
export function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

export const SSM_CORE_POLICY = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] };
export const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-3:111111111111:certificate/11111111-2222-3333-4444-555555555555';
export const WEB_ACL_ARN = 'arn:aws:wafv2:eu-west-3:111111111111:regional/webacl/tier/11111111-2222-3333-4444-555555555555';
