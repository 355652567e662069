import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { WebApplication, ZeroDowntimeWebTier } from 'cdk-zero-downtime-web-tier';
import { Construct } from 'constructs';

/**
 * A load-balanced web tier that keeps serving when a web server dies: a VPC over three AZs with a NAT gateway
 * in each, an internet-facing ALB in front of three web servers (one per AZ) running the web app of `webapp/`, a bastion and
 * ElastiCache Redis.
 */
export class WebTierStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    new ZeroDowntimeWebTier(this, 'WebTier', {
      // Each web server downloads webapp/ (a CDK asset), installs Node.js once, then runs `startCommand` in it under
      // systemd. Changing any file of webapp/ changes the launch template: `cdk deploy` rolls the fleet, with zero
      // downtime.
      application: WebApplication.fromDirectory(path.join(__dirname, '..', 'webapp'), {
        startCommand: 'exec node server.js',
        // The page the load balancer checks: a new server takes traffic only once it answers there.
        healthCheckPath: '/healthz',
        // systemd holds the port and hands it to server.js as fd 3: a request that arrives while it restarts after
        // a crash waits for it instead of being refused.
        socketActivation: true,
        installCommands: ['dnf install -y -q nodejs'],
      }),
    });
  }
}

const app = new App();

// Environment-agnostic: `cdk deploy` uses the account and region of your AWS CLI profile.
new WebTierStack(app, 'ZeroDowntimeWebTier');

app.synth();
