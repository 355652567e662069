import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { WebApplication, ZeroDowntimeWebTier } from '../src';

/** The Node.js visit counter of `examples/node-app/`, as every web server runs it. */
export function nodeApplication(options: { socketActivation?: boolean } = {}): WebApplication {
  return WebApplication.fromDirectory(path.join(__dirname, 'node-app'), {
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
  const app = new App({ outdir });
  const stack = new Stack(app, 'ZeroDowntimeWebTierNodeExample', {
    description: 'A Node.js visit counter on a zero-downtime web tier (cdk-zero-downtime-web-tier example)',
  });
  const tier = new ZeroDowntimeWebTier(stack, 'WebTier', { application: nodeApplication(options) });
  return { app, stack, tier };
}
