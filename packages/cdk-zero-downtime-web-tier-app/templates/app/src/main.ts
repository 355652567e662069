import { App, Stack, StackProps } from 'aws-cdk-lib';
import { ZeroDowntimeWebTier } from 'cdk-zero-downtime-web-tier';
import { Construct } from 'constructs';

/**
 * A load-balanced web tier that keeps serving when a web server dies: a VPC over three AZs with a NAT gateway
 * in each, an internet-facing ALB in front of two web servers, a bastion and ElastiCache Redis.
 */
export class WebTierStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    new ZeroDowntimeWebTier(this, 'WebTier');
    // WEB-APP: your own web app goes here (see the library's README, "Bring your own app").
  }
}

const app = new App();

// Environment-agnostic: `cdk deploy` uses the account and region of your AWS CLI profile.
new WebTierStack(app, 'ZeroDowntimeWebTier');

app.synth();
