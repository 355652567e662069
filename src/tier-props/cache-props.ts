import { RemovalPolicy } from 'aws-cdk-lib';
import { CacheEngine } from '../cache/cache-engine';

/**
 * The one-liner's cache props: the Redis (Valkey or Redis OSS) replication group (`RedisCache`).
 */
export interface ZeroDowntimeWebTierCacheProps {
  /**
   * The cache engine, Valkey or Redis OSS (the same protocol). Moving a deployed stack from Redis OSS to Valkey
   * upgrades it in place and keeps its endpoint; there is no way back (docs/configuration.md, "Cache engine").
   *
   * @default - CacheEngine.VALKEY with the `WebTierFeatureFlags.CACHE_ENGINE_VALKEY` flag (new apps), else REDIS_OSS
   */
  readonly redisEngine?: CacheEngine;

  /**
   * The cache engine version: for Valkey 7.2, 8.0, 8.1, 8.2 or 9.0; for Redis OSS 4.0.10 to 7.1.
   *
   * @default - "8.2" for Valkey, "7.1" for Redis OSS
   */
  readonly redisEngineVersion?: string;

  /**
   * The Redis node type, `cache.<family>.<size>`, of a current-generation family (encryption in transit and at rest)
   * and a size that exists for it.
   *
   * @default "cache.t3.micro"
   */
  readonly redisNodeType?: string;

  /**
   * Redis read replicas beside the primary, from 0 to 5; 0 gives the tutorial's single node, without failover.
   *
   * @default 1
   */
  readonly redisReplicas?: number;

  /**
   * Keep the Redis primary and replicas in different AZs with automatic failover; needs a replica.
   *
   * @default - true with replicas, false for a single node
   */
  readonly redisMultiAz?: boolean;

  /**
   * Days to keep Redis's daily automatic snapshots, from 0 to 35.
   *
   * @default 15
   */
  readonly redisSnapshotRetentionDays?: number;

  /**
   * What CloudFormation does with the cache when it leaves the stack (`cdk destroy`) or is replaced: `SNAPSHOT`
   * deletes it after a final snapshot, `RETAIN` keeps it running outside the stack, `DESTROY` deletes its data.
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly redisRemovalPolicy?: RemovalPolicy;
}
