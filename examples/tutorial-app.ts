import { App, Stack } from 'aws-cdk-lib';
import { WebTierFeatureFlags, ZeroDowntimeWebTier } from '../src';

/**
 * The tutorial's architecture in one line: the app that `npm run example` synthesizes.
 */
export function tutorialApp(outdir = 'cdk.out'): { app: App; stack: Stack; tier: ZeroDowntimeWebTier } {
  // A new app: the web tier's recommended feature flags, as a generated app's cdk.json has them.
  const app = new App({ outdir, context: WebTierFeatureFlags.recommended() });
  const stack = new Stack(app, 'ZeroDowntimeWebTierExample', {
    description: 'Tutorial 07: a load-balanced, zero-downtime web tier (cdk-zero-downtime-web-tier example)',
  });
  const tier = new ZeroDowntimeWebTier(stack, 'WebTier');
  return { app, stack, tier };
}
