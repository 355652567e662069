import { Aws, CfnCondition, Duration, Fn, ICfnConditionExpression, Stack, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { acknowledge } from '../acknowledgements';

/** The principal of each environment-agnostic stack, made once: its conditions belong to the first tier. */
const agnosticPrincipals = new WeakMap<Stack, string>();

/**
 * `arn:<partition>:iam::<elb account>:root` of the stack's region when it has a regional ELB account,
 * else this account's root (which may write to its own bucket anyway).
 *
 * One set of conditions per stack, under the first tier that asks: a second tier in the same stack reuses them
 * rather than writing thirty equal conditions again (CloudFormation validation's W9053, and a synthesis that took
 * a minute and a half instead of seconds).
 */
function regionalElbAccountPrincipal(scope: Construct): string {
  const stack = Stack.of(scope);
  const made = agnosticPrincipals.get(stack);
  if (made !== undefined) {
    return made;
  }
  // Flat, not nested: one Fn::If per region inside a Fn::Join, exactly one of which yields a value.
  // (Thirty nested Fn::If make template tooling crawl; a mapping would fail on any region it lacks.)
  const parts: string[] = [];
  const legacy: ICfnConditionExpression[] = [];
  for (const region of RegionInfo.regions) {
    const account = region.elbv2Account;
    if (account) {
      const inRegion = new CfnCondition(scope, `AccessLogsIn${region.name}`, { expression: Fn.conditionEquals(Aws.REGION, region.name) });
      legacy.push(inRegion);
      parts.push(Token.asString(Fn.conditionIf(inRegion.logicalId, `arn:${region.partition}:iam::${account}:root`, '')));
    }
  }
  // Fn::Or takes 2 to 10 conditions: group them.
  const groups: ICfnConditionExpression[] = [];
  for (let i = 0; i < legacy.length; i += 9) {
    const group = legacy.slice(i, i + 9);
    groups.push(group.length === 1 ? Fn.conditionOr(group[0], group[0]) : Fn.conditionOr(...group));
  }
  const inLegacyRegion = new CfnCondition(scope, 'AccessLogsInLegacyRegion', {
    expression: groups.length === 1 ? groups[0] : Fn.conditionOr(...groups),
  });
  parts.push(Token.asString(Fn.conditionIf(inLegacyRegion.logicalId, '', `arn:${stack.partition}:iam::${stack.account}:root`)));
  const principal = Fn.join('', parts);
  agnosticPrincipals.set(stack, principal);
  return principal;
}

export function addAccessLogs(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer, retention: Duration): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'AccessLogs', {
    // ALB access logs can only be written to buckets encrypted with SSE-S3.
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [{ expiration: retention, noncurrentVersionExpiration: Duration.days(1) }],
  });
  const logBucketReason = 'This bucket holds the load balancer\'s access logs; logging access to the log bucket would need ' +
    'yet another bucket, and so on.';
  for (const id of ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'CT.S3.PR.2']) {
    acknowledge(bucket, id, logBucketReason);
  }
  acknowledge(bucket, 'NIST.800.53.R5-S3BucketReplicationEnabled',
    'Access logs are operational data kept for a limited time; cross-region replication is left to the user.');
  const sseS3Reason = 'ALB access logs can only be delivered to buckets encrypted with SSE-S3; AWS rejects SSE-KMS for them.';
  acknowledge(bucket, 'NIST.800.53.R5-S3DefaultEncryptionKMS', sseS3Reason);
  acknowledge(bucket, 'CT.S3.PR.10', sseS3Reason);
  acknowledge(bucket, 'CT.S3.PR.4',
    'Nothing consumes access-log objects as they arrive; they are read on demand (Athena, downloads) until they expire.');
  acknowledge(bucket, 'CT.S3.PR.9',
    'Object Lock would stop the lifecycle rule from expiring old logs; the bucket blocks public access, requires SSL ' +
    'and keeps versions, and the logs are operational data, not records under retention rules.');
  logAccessLogs(scope, loadBalancer, bucket);
  return bucket;
}

/**
 * Lets Elastic Load Balancing write the access logs, and turns them on. Regions since August 2022 deliver as the
 * log-delivery service principal, held to this account by `aws:SourceAccount` (the confused-deputy guard); older ones
 * as a regional Elastic Load Balancing account. In an environment-agnostic stack both statements are written, the
 * account chosen with one condition per such region. No mapping: a `Fn::FindInMap` on a region the mapping lacks
 * (any newer region) would fail the deployment. (CDK's `logAccessLogs` also grants `delivery.logs.amazonaws.com`,
 * which only Network Load Balancers use, without a condition.)
 */
function logAccessLogs(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer, bucket: s3.Bucket): void {
  const stack = Stack.of(scope);
  const logs = bucket.arnForObjects(`AWSLogs/${stack.account}/*`);
  const regionalAccount = Token.isUnresolved(stack.region) ? regionalElbAccountPrincipal(scope) : knownRegionElbAccount(stack);
  if (regionalAccount !== undefined) {
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject'],
      principals: [new iam.ArnPrincipal(regionalAccount)],
      resources: [logs],
    }));
  }
  if (Token.isUnresolved(stack.region) || regionalAccount === undefined) {
    bucket.addToResourcePolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject'],
      principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
      resources: [logs],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }));
  }
  loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
  loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
  loadBalancer.setAttribute('access_logs.s3.prefix', '');
  // The load balancer checks that it may write to the bucket when the attribute is set.
  loadBalancer.node.addDependency(bucket);
}

/** The regional Elastic Load Balancing account of a stack whose region is known, if that region has one. */
function knownRegionElbAccount(stack: Stack): string | undefined {
  const account = RegionInfo.get(stack.region).elbv2Account;
  return account === undefined ? undefined : `arn:${stack.partition}:iam::${account}:root`;
}
