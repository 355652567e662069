import { CfnResource, IResource, RemovalPolicy } from 'aws-cdk-lib';
import { invalidProp } from '../validation';

/**
 * The cache's safety net for its data: what CloudFormation does with the replication group when it leaves the stack
 * or is replaced. `DeletionPolicy` and `UpdateReplacePolicy` `Snapshot` make ElastiCache take a final snapshot before
 * deleting it, on `cdk destroy`, on a removal and on a replacement alike
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html, which lists
 * AWS::ElastiCache::ReplicationGroup among the resources that take `Snapshot`;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html).
 * The snapshot stays in the account (and is billed) until deleted; a new cache can be seeded from it
 * (`SnapshotName` / `SnapshotArns`).
 */
export const DEFAULT_CACHE_REMOVAL_POLICY = RemovalPolicy.SNAPSHOT;

/** The policies the cache takes: every `RemovalPolicy` but `RETAIN_ON_UPDATE_OR_DELETE`, which says the same as `RETAIN`. */
const ACCEPTED = [RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN, RemovalPolicy.DESTROY];

/** Throws unless `policy` is one the cache takes; returns it, or the default when it is not given. */
export function checkCacheRemovalPolicy(prop: string, policy: RemovalPolicy | undefined): RemovalPolicy {
  if (policy === undefined || policy === null) {
    return DEFAULT_CACHE_REMOVAL_POLICY;
  }
  if (!ACCEPTED.includes(policy)) {
    throw invalidProp(prop, policy, 'must be RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN or RemovalPolicy.DESTROY');
  }
  return policy;
}

/**
 * Sets the replication group's `DeletionPolicy` and `UpdateReplacePolicy` (both from `policy`). A retained cache
 * keeps its AUTH token's secret too: without it, no client could connect to the cache left running. Otherwise the
 * secret goes with the stack (a cache restored from the snapshot gets a token of its own).
 */
export function applyCacheRemovalPolicy(replicationGroup: CfnResource, authToken: IResource, prop: string, policy: RemovalPolicy | undefined): void {
  const checked = checkCacheRemovalPolicy(prop, policy);
  replicationGroup.applyRemovalPolicy(checked);
  if (checked === RemovalPolicy.RETAIN) {
    authToken.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
