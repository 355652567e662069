import { Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { acknowledgementFor, allAcknowledgements, appWithPolicyPlugins, controlTowerId, PolicyReport, synthWithPolicies } from './policy-harness';
import { NODE_APP_DIR } from '../../examples/node-app';
import { ImpairedZoneHealthCheckBehavior, NatGatewayPlacement, WebApplication, WebApplicationSecret, WebTierFirewall, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';

/** Every optional feature switched on, in an environment with an account and a region. */
const ALL_FEATURES: ZeroDowntimeWebTierProps = {
  sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1ZpHxLTmSUwMTVsPzCw5Fx9xlTpxRgyUc2ZFaHjHCm test@example',
  sshAllowedCidrs: ['203.0.113.7/32'],
  webCpuTargetUtilization: 60,
  webMinCapacity: 2,
  webMaxCapacity: 6,
  redisReplicas: 2,
  loadBalancerDeletionProtection: true,
  webAclArn: 'arn:aws:wafv2:eu-west-3:111111111111:regional/webacl/tier/11111111-2222-3333-4444-555555555555',
  accessLogsRetention: Duration.days(30),
  flowLogRetention: logs.RetentionDays.TWO_YEARS,
  zonalAutoshift: { blockedWindows: ['Mon:09:00-Mon:10:30'], blockedDates: ['2026-12-24'] },
  webImpairedZoneHealthCheckBehavior: ImpairedZoneHealthCheckBehavior.IGNORE_UNHEALTHY,
  // The network of 2026 (the default stack keeps the per-AZ, IPv4-only one under the same rules).
  natGatewayPlacement: NatGatewayPlacement.REGIONAL,
  ipProtocol: ec2.IpProtocol.DUAL_STACK,
};

function defaultStack(): { report: PolicyReport; app: ReturnType<typeof appWithPolicyPlugins>; stack: Stack } {
  const app = appWithPolicyPlugins();
  const stack = new Stack(app, 'Default');
  new ZeroDowntimeWebTier(stack, 'WebTier');
  return { app, stack, report: synthWithPolicies(app) };
}

function allFeaturesStack(): { report: PolicyReport; app: ReturnType<typeof appWithPolicyPlugins>; stack: Stack } {
  const app = appWithPolicyPlugins();
  const stack = new Stack(app, 'AllFeatures', { env: { account: '111111111111', region: 'eu-west-3' } });
  new ZeroDowntimeWebTier(stack, 'WebTier', {
    ...ALL_FEATURES,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate',
      'arn:aws:acm:eu-west-3:111111111111:certificate/11111111-2222-3333-4444-555555555555'),
  });
  return { app, stack, report: synthWithPolicies(app) };
}

/** The edge switched on: a domain in a hosted zone (certificate made in the stack) behind the managed-rules firewall. */
function domainAndFirewallStack(): { report: PolicyReport; app: ReturnType<typeof appWithPolicyPlugins>; stack: Stack } {
  const app = appWithPolicyPlugins();
  const stack = new Stack(app, 'Edge', { env: { account: '111111111111', region: 'eu-west-3' } });
  new ZeroDowntimeWebTier(stack, 'WebTier', {
    domainName: 'shop.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
    firewall: WebTierFirewall.managedRules(),
  });
  return { app, stack, report: synthWithPolicies(app) };
}

/** An application with secrets of every kind: a secret known by name, one with a customer managed key, a SecureString. */
function applicationSecretsStack(): { report: PolicyReport; app: ReturnType<typeof appWithPolicyPlugins>; stack: Stack } {
  const app = appWithPolicyPlugins();
  const stack = new Stack(app, 'Secrets', { env: { account: '111111111111', region: 'eu-west-3' } });
  const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-3:111111111111:key/11111111-2222-3333-4444-555555555555');
  new ZeroDowntimeWebTier(stack, 'WebTier', {
    application: WebApplication.fromDirectory(NODE_APP_DIR, {
      startCommand: 'node server.js',
      healthCheckPath: '/healthz',
      secrets: {
        API_KEY: WebApplicationSecret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(stack, 'Api', 'shop/api')),
        DB_PASSWORD: WebApplicationSecret.fromSecretsManager(secretsmanager.Secret.fromSecretAttributes(stack, 'Db', {
          secretCompleteArn: 'arn:aws:secretsmanager:eu-west-3:111111111111:secret:shop/db-AbCdEf', encryptionKey: key,
        }), 'password'),
        SIGNING_KEY: WebApplicationSecret.fromSsmParameter(
          ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Signing', { parameterName: '/shop/signing-key' }), key),
      },
    }),
  });
  return { app, stack, report: synthWithPolicies(app) };
}

const PACKS = ['AwsSolutions', 'NIST.800.53.R5'];

describe.each([
  ['the default one-liner', defaultStack],
  ['every optional feature', allFeaturesStack],
  ['a domain behind the firewall', domainAndFirewallStack],
  ['an application with secrets', applicationSecretsStack],
])('policy rules on %s', (_name, build) => {
  // GIVEN / WHEN
  const { app, stack, report } = build();

  test('with cdk-nag and the Control Tower rules, every pack runs to a verdict', () => {
    expect(report.errors).toEqual([]);
  });

  test('with cdk-nag AwsSolutions and NIST 800-53 rev 5, no finding is left unacknowledged', () => {
    const nagFindings = report.findings.filter(f => PACKS.some(pack => f.rule.startsWith(`${pack}-`)));
    expect(nagFindings).toEqual([]);
  });

  test('with the Control Tower guard rules, every finding is acknowledged in the library at its construct', () => {
    const guardFindings = report.findings.filter(f => !PACKS.some(pack => f.rule.startsWith(`${pack}-`)));
    const unacknowledged = guardFindings
      .map(f => ({ control: controlTowerId(f), path: f.constructPath, rule: f.rule }))
      .filter(f => !f.control || !acknowledgementFor(app, f.path, f.control));
    expect(unacknowledged).toEqual([]);
  });

  test('with acknowledgements, each sits below the web tier construct (no blanket acknowledgement) and gives a reason', () => {
    // aws-cdk-lib (2.273) acknowledges W3010 itself on a stack whose zones it looked up; that one is not the library's.
    const acks = allAcknowledgements(stack).filter(ack => !(ack.path === stack.stackName && ack.id === 'CloudFormation-Validate::W3010'));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.path).toMatch(new RegExp(`^${stack.stackName}/(WebTier|Custom::VpcRestrictDefaultSGCustomResourceProvider)/.+`));
      expect(ack.reason.length).toBeGreaterThan(40);
    }
  });
});

describe('policy rules and the firewall', () => {
  test('with the firewall on, the NIST ALBWAFEnabled acknowledgement is gone and the pack finds nothing to acknowledge', () => {
    // GIVEN / WHEN
    const { stack, report } = domainAndFirewallStack();
    // THEN
    expect(allAcknowledgements(stack).filter(a => a.id === 'NIST.800.53.R5-ALBWAFEnabled')).toEqual([]);
    expect(report.findings.filter(f => f.rule === 'NIST.800.53.R5-ALBWAFEnabled')).toEqual([]);
  });

  test('without a web ACL, the library acknowledges ALBWAFEnabled on the load balancer', () => {
    // GIVEN / WHEN
    const { stack } = defaultStack();
    // THEN
    expect(allAcknowledgements(stack).filter(a => a.id === 'NIST.800.53.R5-ALBWAFEnabled').map(a => a.path))
      .toEqual(['Default/WebTier/LoadBalancer/Resource']);
  });

  test('with a second load balancer beside the firewalled tier, the NIST pack reports ALBWAFEnabled on it alone (the check can fail)', () => {
    // GIVEN
    const app = appWithPolicyPlugins();
    const stack = new Stack(app, 'Beside', { env: { account: '111111111111', region: 'eu-west-3' } });
    const tier = new ZeroDowntimeWebTier(stack, 'WebTier', { firewall: WebTierFirewall.managedRules() });
    new elbv2.ApplicationLoadBalancer(stack, 'Bare', { vpc: tier.vpc, internetFacing: true });
    // WHEN
    const report = synthWithPolicies(app);
    // THEN
    expect(report.findings.filter(f => f.rule === 'NIST.800.53.R5-ALBWAFEnabled').map(f => f.constructPath)).toEqual(['Beside/Bare/Resource']);
  });
});

describe('policy harness', () => {
  test('with an unencrypted, unlogged bucket beside the tier, the packs report it (the checks can fail)', () => {
    // GIVEN
    const app = appWithPolicyPlugins();
    const stack = new Stack(app, 'Insecure');
    new ZeroDowntimeWebTier(stack, 'WebTier');
    new s3.Bucket(stack, 'Loose');
    // WHEN
    const report = synthWithPolicies(app);
    // THEN
    const onBucket = report.findings.filter(f => f.constructPath.startsWith('Insecure/Loose/'));
    expect(onBucket.map(f => f.rule)).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10', 'NIST.800.53.R5-S3BucketSSLRequestsOnly']));
    expect(onBucket.some(f => controlTowerId(f) === 'CT.S3.PR.2')).toBe(true);
  });

  test('with SSH opened to the world on the bastion, the packs report it', () => {
    // GIVEN
    const app = appWithPolicyPlugins();
    const stack = new Stack(app, 'OpenSsh');
    const tier = new ZeroDowntimeWebTier(stack, 'WebTier');
    tier.bastion.allowSshAccessFrom(ec2.Peer.anyIpv4());
    // WHEN
    const report = synthWithPolicies(app);
    // THEN
    expect(report.findings.some(f => f.rule === 'NIST.800.53.R5-EC2RestrictedSSH' || f.rule === 'AwsSolutions-EC23')).toBe(true);
  });
});
