/**
 * The ElastiCache node types, family by family, with the rules of their own, as AWS documents them.
 *
 * Read on 2026-12-03 from the ElastiCache API reference, `CacheNode` ("The following node types are supported by
 * ElastiCache"): https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CacheNode.html
 * and the User Guide, "Supported node types": https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
 * Data tiering (r6gd): https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/data-tiering.html
 *
 * A family AWS adds later is refused until it is added here: update the list (and its date) when AWS announces one.
 * Availability per Region is not modelled (AWS's table of node types per Region changes too often to pin here):
 * a node type of the list that the stack's Region lacks still fails at deploy.
 */
export const NODE_TYPES_READ_ON = '2026-12-03';

/** One node family: its sizes and the rules that come with it. */
export interface NodeFamily {
  readonly sizes: readonly string[];
  /** The oldest Redis OSS version the family runs, when AWS documents one (every Valkey version runs them all). */
  readonly minRedisVersion?: string;
  /** Data tiering (memory plus SSD): CloudFormation requires `DataTieringEnabled: true` for these nodes. */
  readonly dataTiering?: boolean;
}

const GRAVITON_SIZES = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];
const BURSTABLE = ['micro', 'small', 'medium'];

/** The current-generation families: encryption in transit and at rest, which the cache requires. */
export const NODE_FAMILIES: Readonly<Record<string, NodeFamily>> = {
  // General purpose
  m7g: { sizes: GRAVITON_SIZES },
  m6g: { sizes: GRAVITON_SIZES, minRedisVersion: '5.0.6' },
  m5: { sizes: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'] },
  m4: { sizes: ['large', 'xlarge', '2xlarge', '4xlarge', '10xlarge'] },
  t4g: { sizes: BURSTABLE, minRedisVersion: '5.0.6' },
  t3: { sizes: BURSTABLE },
  // Memory optimized
  r7g: { sizes: GRAVITON_SIZES },
  r6g: { sizes: GRAVITON_SIZES, minRedisVersion: '5.0.6' },
  r5: { sizes: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'] },
  r4: { sizes: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge'] },
  // Memory optimized with data tiering: no "large", Redis OSS 6.2 or later (or Valkey).
  r6gd: { sizes: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'], minRedisVersion: '6.2', dataTiering: true },
  // Network optimized
  c7gn: { sizes: GRAVITON_SIZES },
};

/**
 * Families of earlier generations: no encryption in transit or at rest (ElastiCache's encryption needs current
 * generation nodes), and AWS creates no new clusters of them. T2, still listed by AWS, stays refused as the tier
 * always refused it: the smallest encrypted choice is T3 or T4g at a similar price.
 */
export const PREVIOUS_GENERATION_FAMILIES = ['t1', 't2', 'm1', 'm2', 'm3', 'c1', 'r3'];

/** Families without Multi-AZ. */
export const NO_MULTI_AZ_FAMILIES = ['t1'];
