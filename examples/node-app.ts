import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { WebApplication, WebTierFeatureFlags, ZeroDowntimeWebTier } from '../src';

/**
 * The Node.js visit counter every app that `projen new --from cdk-zero-downtime-web-tier-app` creates starts with
 * (its `webapp/` folder). It has one copy, in the project type's template: this example and the tests run that one.
 */
export const NODE_APP_DIR = path.join(__dirname, '..', 'packages', 'cdk-zero-downtime-web-tier-app', 'templates', 'app', 'webapp');

/** The Node.js visit counter of `NODE_APP_DIR`, as every web server runs it. */
export function nodeApplication(options: { socketActivation?: boolean } = {}): WebApplication {
  return WebApplication.fromDirectory(NODE_APP_DIR, {
    startCommand: 'exec node server.js',
    healthCheckPath: '/healthz',
    installCommands: ['dnf install -y -q nodejs'],
    ...options,
  });
}

/**
 * Your own application on the tier: the one-liner with a Node.js app instead of the tutorial's hello counter
 * (`EXAMPLE=node npm run example`).
 */
export function nodeExampleApp(outdir = 'cdk.out', options: { socketActivation?: boolean } = {}): { app: App; stack: Stack; tier: ZeroDowntimeWebTier } {
  const app = new App({ outdir, context: WebTierFeatureFlags.recommended() });
  const stack = new Stack(app, 'ZeroDowntimeWebTierNodeExample', {
    description: 'A Node.js visit counter on a zero-downtime web tier (cdk-zero-downtime-web-tier example)',
  });
  const tier = new ZeroDowntimeWebTier(stack, 'WebTier', { application: nodeApplication(options) });
  return { app, stack, tier };
}
