/**
 * The construct library's recommended feature flags (`WebTierFeatureFlags.recommended()` in
 * cdk-zero-downtime-web-tier, released with this package at the same version), which the generated app's cdk.json
 * gets. Written out here because `projen new` runs this package before the app has the library installed; the
 * repository's test/feature-flags/feature-flags.test.ts fails when the two differ.
 */
export const WEB_TIER_FEATURE_FLAGS: Readonly<Record<string, boolean>> = {
  'cdk-zero-downtime-web-tier:cacheEngineValkey': true,
  'cdk-zero-downtime-web-tier:cacheNodesInDistinctAzs': true,
  'cdk-zero-downtime-web-tier:webStaticStability': true,
  'cdk-zero-downtime-web-tier:releaseCheckMainPage': true,
};
