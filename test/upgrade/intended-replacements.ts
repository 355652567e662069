/**
 * The reviewed list of the upgrade gate (test/upgrade/upgrade-gate.test.ts): a resource that an upgrade of the
 * library replaces or removes in a user's stack on purpose. The gate fails on every other replacement or removal.
 *
 * An entry names the baseline, the program, the logical id and its type, why it is replaced, and the upgrade note
 * users read (a heading of docs/upgrading.md, which the gate checks exists). A type in `STATEFUL_TYPES` may never be
 * listed: it holds data or a stable address, and only the user may choose to replace it (behind a feature flag).
 */
export interface IntendedReplacement {
  /** The baseline folder (test/upgrade/baselines/<baseline>). */
  readonly baseline: string;
  /** The program's name (test/upgrade/programs.ts). */
  readonly program: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** Why the replacement is worth it. */
  readonly reason: string;
  /** The heading of docs/upgrading.md that tells users about it. */
  readonly upgradeNote: string;
}

/**
 * Resources that hold data or a stable address: the cache, Elastic IPs, the load balancer (its DNS name), buckets,
 * log groups, secrets, KMS keys, the VPC and its subnets; and the ACM certificate and DNS records of a domain.
 */
export const STATEFUL_TYPES: readonly string[] = [
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::ElastiCache::SubnetGroup',
  'AWS::EC2::EIP',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
  'AWS::SecretsManager::Secret',
  'AWS::KMS::Key',
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::CertificateManager::Certificate',
  'AWS::Route53::RecordSet',
];

/** Replacements reviewed and accepted. Empty: no upgrade since 017bc0c replaces anything. */
export const INTENDED_REPLACEMENTS: readonly IntendedReplacement[] = [];
