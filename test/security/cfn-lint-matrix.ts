/**
 * The configurations whose templates `cfn-lint` judges (`cfn-lint.test.ts`): every optional feature of the tier is on
 * in at least one of them. One named entry per configuration: to cover a new feature, add an entry here.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { fourStacksApp } from '../../examples/four-stacks-app';
import { NODE_APP_DIR, nodeExampleApp } from '../../examples/node-app';
import { tutorialApp } from '../../examples/tutorial-app';
import {
  CacheEngine, NatGatewayPlacement, RedisCache, WebApplication, WebApplicationSecret, WebLoadBalancer, WebTierFirewall, WebTierNetwork,
  WebZonalAutoshift, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps,
} from '../../src';
import { pinnedImageContext } from '../util';

/** One configuration: its name, and the app it synthesizes into `outdir` (not yet synthesized). */
export interface LintedConfiguration {
  readonly name: string;
  readonly app: (outdir: string) => App;
}

const ACCOUNT = '111111111111';

/**
 * An app whose context holds what `cdk synth` would have looked up in an environment-aware stack (the region's zones,
 * the pinned AMIs), as a user's `cdk.context.json` does after the first synth.
 */
function appWithLookups(outdir: string, region: string, zones: string[]): App {
  return new App({
    outdir,
    context: { ...pinnedImageContext(ACCOUNT, region), [`availability-zones:account=${ACCOUNT}:region=${region}`]: zones },
  });
}

/** The one-liner, with the props `props` makes in its stack, in an environment-aware stack (eu-west-3, 3 AZs) unless `agnostic`. */
function oneLiner(name: string, props: (stack: Stack) => ZeroDowntimeWebTierProps = () => ({}), agnostic = false): LintedConfiguration {
  return {
    name,
    app: (outdir) => {
      const app = agnostic ? new App({ outdir }) : appWithLookups(outdir, 'eu-west-3', ['eu-west-3a', 'eu-west-3b', 'eu-west-3c']);
      const stack = new Stack(app, 'Stack', agnostic ? {} : { env: { account: ACCOUNT, region: 'eu-west-3' } });
      new ZeroDowntimeWebTier(stack, 'WebTier', props(stack));
      return app;
    },
  };
}

const nodeApp = (secrets?: Record<string, WebApplicationSecret>) => WebApplication.fromDirectory(NODE_APP_DIR, {
  startCommand: 'exec node server.js', healthCheckPath: '/healthz', socketActivation: true, installCommands: ['dnf install -y -q nodejs'], secrets,
});

/** The user's own VPC over 2 AZs, with public, private-with-egress and isolated subnets. */
function usersVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Mine', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

/**
 * The generated app of the project type (`projen new --from cdk-zero-downtime-web-tier-app`): its `src/main.ts`, with
 * the context its `cdk.json` holds (the feature flags aws-cdk-lib recommends, as `cdk init` writes them).
 */
function generatedApp(outdir: string): App {
  // The template imports the published package by name: here it is this repository's src/ (see cfn-lint.test.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WebTierStack } = require('../../packages/cdk-zero-downtime-web-tier-app/templates/app/src/main') as {
    WebTierStack: new (scope: App, id: string) => Stack;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const context = require('aws-cdk-lib/recommended-feature-flags.json') as Record<string, unknown>;
  const app = new App({ outdir, context });
  new WebTierStack(app, 'ZeroDowntimeWebTier');
  return app;
}

export const LINTED_CONFIGURATIONS: LintedConfiguration[] = [
  oneLiner('one-liner, environment-aware'),
  oneLiner('one-liner, environment-agnostic', () => ({}), true),
  oneLiner('zonal autoshift with blocking alarms, blocked windows and dates, and release alarms', (stack) => {
    const deploying = new cloudwatch.Alarm(stack, 'Deploying', {
      metric: new cloudwatch.Metric({ namespace: 'Custom', metricName: 'Deploying' }), threshold: 1, evaluationPeriods: 1,
    });
    const loadTest = cloudwatch.Alarm.fromAlarmArn(stack, 'LoadTest', `arn:aws:cloudwatch:eu-west-3:${ACCOUNT}:alarm:load-test`);
    const errors = new cloudwatch.Alarm(stack, 'AppErrors', {
      metric: new cloudwatch.Metric({ namespace: 'Custom', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1,
    });
    return {
      zonalAutoshift: { blockingAlarms: [deploying, loadTest], blockedWindows: ['Mon:09:00-Mon:10:30'], blockedDates: ['2026-12-24'] },
      releaseAlarms: [errors],
      releaseBakeTime: Duration.minutes(5),
    };
  }),
  oneLiner('zonal autoshift, one blocking alarm, environment-agnostic', (stack) => ({
    zonalAutoshift: { blockingAlarms: [cloudwatch.Alarm.fromAlarmArn(stack, 'Blocker', 'arn:aws:cloudwatch:eu-west-3:111111111111:alarm:blocker')] },
  }), true),
  oneLiner('domain with a certificate the tier makes, and the WAF managed rules', (stack) => ({
    domainName: 'shop.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
    firewall: WebTierFirewall.managedRules(),
  })),
  oneLiner('domain with the user\'s certificate, and a web ACL of the user\'s', (stack) => ({
    domainName: 'shop.example.com',
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', `arn:aws:acm:eu-west-3:${ACCOUNT}:certificate/0123abcd-0123-0123-0123-0123456789ab`),
    webAclArn: `arn:aws:wafv2:eu-west-3:${ACCOUNT}:regional/webacl/mine/0123abcd-0123-0123-0123-0123456789ab`,
  })),
  oneLiner('an application with Secrets Manager secrets and SSM parameters', (stack) => {
    const key = new kms.Key(stack, 'AppKey', { enableKeyRotation: true });
    return {
      application: nodeApp({
        API_KEY: WebApplicationSecret.fromSecretsManager(new secretsmanager.Secret(stack, 'ApiKey')),
        DB_PASSWORD: WebApplicationSecret.fromSecretsManager(new secretsmanager.Secret(stack, 'Db', { encryptionKey: key }), 'password'),
        FLAG: WebApplicationSecret.fromSsmParameter(new ssm.StringParameter(stack, 'Flag', { parameterName: '/app/flag', stringValue: 'on' })),
        SIGNING_KEY: WebApplicationSecret.fromSsmParameter(
          ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Signing', { parameterName: '/app/signing-key' }), key),
      }),
    };
  }),
  oneLiner('Graviton web servers and bastion', () => ({
    webInstanceType: new ec2.InstanceType('t4g.small'),
    bastionInstanceType: new ec2.InstanceType('t4g.nano'),
  })),
  oneLiner('existing VPC of the user\'s, over 2 AZs', (stack) => ({ vpc: usersVpc(stack) })),
  {
    name: 'one-liner in a Region of 2 AZs',
    app: (outdir) => {
      const app = appWithLookups(outdir, 'us-west-1', ['us-west-1a', 'us-west-1c']);
      new ZeroDowntimeWebTier(new Stack(app, 'Stack', { env: { account: ACCOUNT, region: 'us-west-1' } }), 'WebTier', {
        subnetLayout: {
          vpcCidr: '10.1.0.0/16',
          alb: ['10.1.11.0/24', '10.1.12.0/24'],
          nat: ['10.1.21.0/24', '10.1.22.0/24'],
          bastion: ['10.1.31.0/24', '10.1.32.0/24'],
          web: ['10.1.41.0/24', '10.1.42.0/24'],
          redis: ['10.1.51.0/24', '10.1.52.0/24'],
        },
      });
      return app;
    },
  },
  oneLiner('monitoring off, no flow logs, no access logs', () => ({ monitoring: false, flowLogs: false, accessLogs: false })),
  oneLiner('monitoring with the user\'s own alarm topic', (stack) => ({ alarmTopic: new sns.Topic(stack, 'Pager', { enforceSSL: true }) })),
  oneLiner('redisReplicas 0 and the Redis OSS engine', () => ({ redisReplicas: 0, redisEngine: CacheEngine.REDIS_OSS })),
  oneLiner('single NAT gateway and an SSH key', () => ({
    natGatewayPerAz: false,
    sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@example.com',
    sshAllowedCidrs: ['203.0.113.0/24'],
  })),
  oneLiner('a regional NAT gateway and dual-stack (IPv6 clients and egress)', () => ({
    natGatewayPlacement: NatGatewayPlacement.REGIONAL,
    ipProtocol: ec2.IpProtocol.DUAL_STACK,
  })),
  oneLiner('dual-stack with a NAT gateway per AZ, environment-agnostic', () => ({ ipProtocol: ec2.IpProtocol.DUAL_STACK }), true),
  {
    name: 'the parts used alone: network, load balancer, cache, zonal autoshift with two outcome alarms',
    app: (outdir) => {
      const app = new App({ outdir });
      const stack = new Stack(app, 'Parts');
      const network = new WebTierNetwork(stack, 'Network');
      const lb = new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc });
      new RedisCache(stack, 'Cache', { vpc: network.vpc });
      const alarms = ['A', 'B'].map(id => new cloudwatch.Alarm(stack, `Alarm${id}`, {
        metric: lb.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT), threshold: 1, evaluationPeriods: 1,
      }));
      new WebZonalAutoshift(stack, 'Autoshift', { loadBalancer: lb.loadBalancer, outcomeAlarms: alarms });
      return app;
    },
  },
  { name: 'example: the tutorial app (npm run example)', app: (outdir) => tutorialApp(outdir).app },
  { name: 'example: the Node.js app (EXAMPLE=node npm run example)', app: (outdir) => nodeExampleApp(outdir).app },
  { name: 'example: the four stacks of the tutorial, from the parts', app: (outdir) => fourStacksApp(outdir).app },
  { name: 'the generated app of the project type', app: generatedApp },
];

