import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Records that a policy rule's finding on `scope` is by design, with the reason a reviewer reads.
 *
 * `id` is a cdk-nag rule or finding id (`AwsSolutions-EC23`, `AwsSolutions-IAM5[Resource::*]`) or a
 * Control Tower control id (`CT.ELASTICLOADBALANCING.PR.5`). Ids that `Validations.acknowledge` refuses because
 * they hold more than one `::` (finding ids of ARNs with `<AWS::Partition>`) are written to the same metadata
 * entry it writes, which cdk-nag reads.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (id.split('::').length > 2) {
    scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
  } else {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

/** A resolved CloudFormation value flattened as cdk-nag names it in finding ids (`<AWS::Region>`, `<Res.Arn>`). */
function flatten(node: unknown): string {
  if (node === undefined) {
    return '';
  }
  if (typeof node === 'string') {
    return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  }
  const value = node as Record<string, any>;
  if (value['Fn::Join']) {
    const [delimiter, items] = value['Fn::Join'];
    return (items as unknown[]).map(flatten).join(delimiter);
  }
  if (value['Fn::Sub']) {
    return flatten(value['Fn::Sub']);
  }
  if (value['Fn::GetAtt']) {
    const [resource, attribute] = value['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (value['Fn::ImportValue']) {
    return flatten(value['Fn::ImportValue']);
  }
  if (value.Ref) {
    return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * Acknowledges the cdk-nag finding `AwsSolutions-IAM5[Resource::<arn>]` for each wildcard resource,
 * naming each one exactly, so that a new wildcard added later is still reported.
 */
export function acknowledgeWildcardResources(scope: IConstruct, resources: string[], reason: string): void {
  const stack = Stack.of(scope);
  for (const resource of resources) {
    acknowledge(scope, `AwsSolutions-IAM5[Resource::${flatten(stack.resolve(resource))}]`, reason);
  }
}
