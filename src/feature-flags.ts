import { IConstruct } from 'constructs';

/**
 * The feature flags of the web tier, in aws-cdk-lib's style (`cx-api/lib/features.ts`, `FEATURE_FLAGS.md`): a default
 * that would replace a resource of a running stack, or change what it runs, changes only for the apps that opt in
 * through a context flag in their `cdk.json`. An app that sets no flag keeps the behaviour of the release of
 * 2026-11-28 (Redis OSS, no `PreferredCacheClusterAZs`, the web fleet sized as asked); a new app gets
 * `WebTierFeatureFlags.recommended()` in its `cdk.json` (the project type's generated app and the README's quick
 * start write them) and with them today's defaults.
 *
 * Each flag says what it changes and what opting in does to a running stack; docs/upgrading.md says more.
 */
export class WebTierFeatureFlags {
  /**
   * The cache's default engine is Valkey (8.2) instead of Redis OSS (7.1), for `RedisCache` and the one-liner when
   * `engine` / `redisEngine` is not given.
   *
   * Opting in on a running stack upgrades its replication group from Redis OSS to Valkey **in place**: ElastiCache
   * keeps the endpoint and the data, with no downtime from Redis OSS 5.0.6 ("How to upgrade from Redis OSS to
   * Valkey", https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VersionManagement.HowTo.html), and CloudFormation
   * updates `Engine` with the `valkey8` parameter group the tier names
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html).
   * `cdk diff` nevertheless prints `Engine (requires replacement)`: its service spec has no in-place path for
   * `Engine`. There is no way back to Redis OSS but a new cache. A `RedisCache` whose `engineVersion` is a Redis OSS
   * version (such as "7.1") must then also set `engine: CacheEngine.REDIS_OSS`.
   */
  public static readonly CACHE_ENGINE_VALKEY = 'cdk-zero-downtime-web-tier:cacheEngineValkey';

  /**
   * The cache names the AZ of each node (`PreferredCacheClusterAZs`): the primary in the first AZ, each replica in the
   * next, so that the primary and its first replica never share an AZ.
   *
   * Opting in on a running stack **replaces** the replication group: `PreferredCacheClusterAZs` is create-only
   * ("Update requires: Replacement"). CloudFormation creates a new, empty cache with a new endpoint, then deletes the
   * old one, leaving a final snapshot under the default `redisRemovalPolicy` (`SNAPSHOT`). Turn it on for new apps, or
   * when a new cache is what you want.
   */
  public static readonly CACHE_NODES_IN_DISTINCT_AZS = 'cdk-zero-downtime-web-tier:cacheNodesInDistinctAzs';

  /**
   * The web fleet's `staticStability` (`webStaticStability` on the one-liner) defaults to true: the group runs enough
   * servers that losing any one AZ still leaves the minimum (`webMinCapacity: 2` over 3 AZs becomes 3 servers).
   *
   * Opting in on a running stack raises the Auto Scaling group's `MinSize` and `MaxSize` in place (no instance is
   * replaced; the group launches the extra servers) and the alarms' thresholds with them; the bill grows by those
   * servers.
   */
  public static readonly WEB_STATIC_STABILITY = 'cdk-zero-downtime-web-tier:webStaticStability';

  /**
   * An application of the user's (`WebApplication.fromDirectory` / `.fromAsset`) without `releaseChecks` gets one
   * release check by default: its main page, `GET /`, must answer 200 on each new server before it joins the target
   * group, or the release rolls back at once. Without the flag such an application gets no default check (the hello
   * counter always checks its own page, which the tier knows answers).
   *
   * Opting in on a running stack changes the web servers' user-data (a launch template update, no replacement), so
   * the next release checks the main page: an application whose `/` redirects (302), needs a login (401) or does not
   * exist (404) has that release rolled back. Set `releaseChecks` to what your application answers (or `[]`) first.
   */
  public static readonly RELEASE_CHECK_MAIN_PAGE = 'cdk-zero-downtime-web-tier:releaseCheckMainPage';

  /**
   * Every flag with the value a new app should have: put them in the `context` of your `cdk.json`.
   */
  public static recommended(): { [flag: string]: boolean } {
    return {
      [WebTierFeatureFlags.CACHE_ENGINE_VALKEY]: true,
      [WebTierFeatureFlags.CACHE_NODES_IN_DISTINCT_AZS]: true,
      [WebTierFeatureFlags.WEB_STATIC_STABILITY]: true,
      [WebTierFeatureFlags.RELEASE_CHECK_MAIN_PAGE]: true,
    };
  }

  /**
   * Whether a flag is on for a construct: its context value is `true` (or `"true"`, as `cdk -c` gives it).
   */
  public static isEnabled(scope: IConstruct, flag: string): boolean {
    const value = scope.node.tryGetContext(flag);
    return value === true || value === 'true';
  }

  private constructor() {}
}
