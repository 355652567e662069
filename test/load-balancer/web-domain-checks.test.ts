// Issue #20, family 9 (domains): a private hosted zone cannot validate a public certificate; a certificate of
// another account than the stack's cannot serve its load balancer.
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, pinnedImageContext } from '../util';

const ENV = { account: '111111111111', region: 'eu-west-3' };

function envStack(): Stack {
  return new Stack(new App({ context: pinnedImageContext(ENV.account, ENV.region) }), 'Stack', { env: ENV });
}

const certificateOf = (stack: Stack, arn: string) => acm.Certificate.fromCertificateArn(stack, 'Certificate', arn);
const privateZone = (stack: Stack) => new route53.PrivateHostedZone(stack, 'Zone', {
  zoneName: 'example.com', vpc: new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0, subnetConfiguration: [] }),
});
const zoneWithVpcs = (stack: Stack) => new route53.HostedZone(stack, 'Zone', {
  zoneName: 'example.com', vpcs: [new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0, subnetConfiguration: [] })],
});

describe('domain checks', () => {
  test.each<[string, (stack: Stack) => ZeroDowntimeWebTierProps, { prop: string; received: string; rule: RegExp }]>([
    ['a private hosted zone to validate the certificate the tier makes', stack => ({ domainName: 'shop.example.com', hostedZone: privateZone(stack) }),
      { prop: 'hostedZone', received: 'Stack/Zone', rule: /must be a public hosted zone .*never be issued/ }],
    ['a hosted zone made with VPCs (private) to validate it', stack => ({ domainName: 'shop.example.com', hostedZone: zoneWithVpcs(stack) }),
      { prop: 'hostedZone', received: 'Stack/Zone', rule: /must be a public hosted zone/ }],
    ['a certificate of another account', stack => ({ certificate: certificateOf(stack, 'arn:aws:acm:eu-west-3:222222222222:certificate/abc') }),
      { prop: 'certificate', received: '222222222222', rule: /certificate of the stack's account 111111111111/ }],
    ['a certificate of another account, with a domain', stack => ({
      domainName: 'shop.example.com', certificate: certificateOf(stack, 'arn:aws:acm:eu-west-3:222222222222:certificate/abc'),
    }), { prop: 'certificate', received: '222222222222', rule: /cannot use a certificate of account 222222222222/ }],
  ])('fails with %s', (_case, props, expected) => {
    const stack = envStack();
    expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'WebTier', props(stack)), expected);
  });

  test('warns with a private hosted zone beside your own certificate: the alias resolves only inside its VPCs', () => {
    const stack = envStack();
    new ZeroDowntimeWebTier(stack, 'WebTier', {
      domainName: 'shop.example.com',
      hostedZone: privateZone(stack),
      certificate: certificateOf(stack, 'arn:aws:acm:eu-west-3:111111111111:certificate/abc'),
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(
      'hostedZone Stack/Zone is private: the alias records of domainName resolve only inside.*cdk-zero-downtime-web-tier:privateHostedZone'))).toHaveLength(1);
  });

  test('with a certificate of the stack\'s account, or a stack or ARN whose account is unknown, nothing is refused', () => {
    const own = envStack();
    new ZeroDowntimeWebTier(own, 'WebTier', { certificate: certificateOf(own, 'arn:aws:acm:eu-west-3:111111111111:certificate/abc') });
    const agnostic = new Stack(new App(), 'Agnostic');
    new ZeroDowntimeWebTier(agnostic, 'WebTier', { certificate: certificateOf(agnostic, 'arn:aws:acm:eu-west-3:222222222222:certificate/abc') });
    expect([own, agnostic].map(s => Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('privateHostedZone')))).toEqual([[], []]);
  });

  test('with a public zone imported by id, the tier makes the certificate (a zone imported by id cannot be told private at synth)', () => {
    const stack = envStack();
    const tier = new ZeroDowntimeWebTier(stack, 'WebTier', {
      domainName: 'shop.example.com',
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
    });
    expect(tier.webLoadBalancer.certificate).toBeDefined();
  });
});
