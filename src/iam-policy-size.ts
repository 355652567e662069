import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { invalidProp, warn } from './validation';

/**
 * IAM's limit on a customer managed policy: 6,144 characters, counted on the JSON without whitespace
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, "IAM and AWS STS character limits").
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** The length of what a pseudo parameter resolves to: the shortest, and a long one. */
const PSEUDO: Record<string, [number, number]> = {
  'AWS::Partition': [3, 10], // aws ... aws-iso-b, aws-us-gov
  'AWS::Region': [9, 14], // us-east-1 ... ap-southeast-4
  'AWS::AccountId': [12, 12],
  'AWS::URLSuffix': [13, 16], // amazonaws.com, amazonaws.com.cn
};

/** What an ARN or name CloudFormation returns for a resource may take: the shortest plausible, and a typical one. */
const REFERENCE: [number, number] = [20, 100];

/**
 * The characters IAM counts for a JSON value once CloudFormation has resolved it, as [at least, typically]: strings
 * and keys as JSON writes them, without whitespace; `Ref` and `Fn::GetAtt` of a resource as an ARN of unknown length.
 */
function size(value: unknown): [number, number] {
  if (Array.isArray(value)) {
    return sum(value.map(size), 2 + Math.max(0, value.length - 1));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref') {
        const pseudo = PSEUDO[String(arg)] ?? REFERENCE;
        return [pseudo[0] + 2, pseudo[1] + 2];
      }
      if (key === 'Fn::GetAtt') {
        return [REFERENCE[0] + 2, REFERENCE[1] + 2];
      }
      if (key === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) {
        const [delimiter, parts] = arg as [string, unknown[]];
        // Each part without its quotes, joined by the delimiter, in one pair of quotes.
        return sum(parts.map(part => size(part).map(n => n - 2) as [number, number]), 2 + delimiter.length * Math.max(0, parts.length - 1));
      }
    }
    return sum(entries.map(([key, item]) => sum([size(item)], JSON.stringify(key).length + 1)), 2 + Math.max(0, entries.length - 1));
  }
  const text = JSON.stringify(value) ?? '';
  return [text.length, text.length];
}

function sum(parts: Array<[number, number]>, extra: number): [number, number] {
  return parts.reduce<[number, number]>((total, [low, typical]) => [total[0] + low, total[1] + typical], [extra, extra]);
}

/** The size IAM will count for a managed policy's document, as [at least, typically]. */
export function managedPolicySize(policy: iam.ManagedPolicy): [number, number] {
  return size(Stack.of(policy).resolve(policy.document));
}

/**
 * Checks, when the template is written (statements may be added to the exposed policy after construction), that a
 * managed policy fits IAM's 6,144 characters: refuses it when even the shortest ARNs overflow, warns when typical ones
 * would. `prop` and `cause` say what made it grow, in the caller's names.
 */
export function checkManagedPolicySize(policy: iam.ManagedPolicy, prop: string, cause: () => string): void {
  policy.node.addValidation({
    validate: () => {
      const [least, typical] = managedPolicySize(policy);
      if (least > MANAGED_POLICY_MAX_CHARS) {
        return [invalidProp(prop, `${cause()}, a managed policy of at least ${least} characters`, 'must fit IAM\'s limit of ' +
          `${MANAGED_POLICY_MAX_CHARS} characters for a managed policy (IAM counts its JSON without whitespace), or CloudFormation ` +
          'fails the policy at deploy: give fewer secrets (one secret can hold many values as JSON fields)').message];
      }
      if (typical > MANAGED_POLICY_MAX_CHARS) {
        warn(policy, 'managedPolicyNearLimit', `${prop} (${cause()}): the web servers' managed policy would be about ${typical} characters ` +
          `once CloudFormation resolves its ARNs, over IAM's limit of ${MANAGED_POLICY_MAX_CHARS}; the deploy may fail: give fewer secrets`);
      }
      return [];
    },
  });
}
