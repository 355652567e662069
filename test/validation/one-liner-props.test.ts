import { App, Annotations as CoreAnnotations, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { expectInvalidProp, newStack } from '../util';

const ED25519 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHrOQjQz8dXVv0b7Uq0Xq3a9rKjN1kq3cY4Kx7sQk7mT you@laptop';
const RSA_HEAD = 'AAAAB3NzaC1yc2EAAAADAQABAAABAQ';
const PRIVATE_BODY = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACB6SECRET';
const PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${PRIVATE_BODY}\n-----END OPENSSH PRIVATE KEY-----\n`;

/** Builds a tier in a fresh stack and expects the construction error. */
function expectTierRefuses(props: ZeroDowntimeWebTierProps, expected: { prop: string; received: string; rule: RegExp }): void {
  expectInvalidProp(() => new ZeroDowntimeWebTier(newStack(), 'Tier', props), expected);
}

describe('ZeroDowntimeWebTier props', () => {
  describe('values AWS checks at deploy time, refused at construction in the one-liner\'s own names', () => {
    test.each<[string, ZeroDowntimeWebTierProps, string, string, RegExp]>([
      // ports
      ['webPort 22, the bastion\'s SSH path', { webPort: 22 }, 'webPort', '22', /must not be 22: the bastion reaches the web servers by SSH/],
      ['webPort 80, a privileged port', { webPort: 80 }, 'webPort', '80', /from 1024 to 65535: the web app runs as an unprivileged user/],
      ['webPort 1023', { webPort: 1023 }, 'webPort', '1023', /from 1024 to 65535/],
      ['webPort 65536', { webPort: 65536 }, 'webPort', '65536', /whole number from 1 to 65535/],
      // instance types
      ['webInstanceType "t3"', { webInstanceType: new ec2.InstanceType('t3') }, 'webInstanceType', '"t3"', /shaped <family>\.<size>/],
      ['webInstanceType "ec2.t3.micro"', { webInstanceType: new ec2.InstanceType('ec2.t3.micro') }, 'webInstanceType', '"ec2.t3.micro"', /shaped <family>\.<size>/],
      ['webInstanceType "t3.tiny"', { webInstanceType: new ec2.InstanceType('t3.tiny') }, 'webInstanceType', '"t3.tiny"', /must end in an EC2 instance size/],
      ['webInstanceType given as a string', { webInstanceType: 't3.micro' as unknown as ec2.InstanceType }, 'webInstanceType', '"t3.micro"',
        /must be an ec2\.InstanceType/],
      ['bastionInstanceType "T3.NANO"', { bastionInstanceType: new ec2.InstanceType('T3.NANO') }, 'bastionInstanceType', '"T3.NANO"', /shaped <family>\.<size>/],
      // Redis
      ['redisNodeType "cache.t3"', { redisNodeType: 'cache.t3' }, 'redisNodeType', '"cache.t3"', /shaped cache\.<family>\.<size>/],
      ['redisNodeType "r6g.large"', { redisNodeType: 'r6g.large' }, 'redisNodeType', '"r6g.large"', /shaped cache\.<family>\.<size>/],
      ['redisNodeType of a previous generation', { redisNodeType: 'cache.r3.large' }, 'redisNodeType', '"cache.r3.large"',
        /no encryption in transit and at rest/],
      ['redisNodeType without Multi-AZ', { redisNodeType: 'cache.t1.micro', redisMultiAz: true }, 'redisNodeType', '"cache.t1.micro"',
        /node family with Multi-AZ/],
      ['redisReplicas 6', { redisReplicas: 6 }, 'redisReplicas', '6', /whole number from 0 to 5/],
      ['redisMultiAz without a replica', { redisReplicas: 0, redisMultiAz: true }, 'redisMultiAz', 'true', /needs at least one replica \(redisReplicas >= 1\)/],
      // capacities and scaling, in the one-liner's names (WebFleet alone says minCapacity...)
      ['webMinCapacity -1', { webMinCapacity: -1 }, 'webMinCapacity', '-1', /whole number of instances/],
      ['webMinCapacity above webMaxCapacity', { webMinCapacity: 3, webMaxCapacity: 2 }, 'webMinCapacity', '3', /must not exceed webMaxCapacity \(2\)/],
      ['webDesiredCapacity above webMaxCapacity', { webDesiredCapacity: 3 }, 'webDesiredCapacity', '3', /between webMinCapacity \(2\) and webMaxCapacity \(2\)/],
      ['webCpuTargetUtilization 0', { webCpuTargetUtilization: 0 }, 'webCpuTargetUtilization', '0', /whole number from 1 to 100/],
      // timing
      ['deployTimeout 61 s, shorter than a boot', { deployTimeout: Duration.seconds(61) }, 'deployTimeout', '1 minute 1 second',
        /must be longer than healthCheck\.healthyThreshold x healthCheck\.interval \(60 seconds\) plus 210 seconds.*270 seconds in all/],
      ['deployTimeout 270 s, exactly what a boot and the health check need', { deployTimeout: Duration.seconds(270) }, 'deployTimeout', '4 minutes 30 seconds',
        /270 seconds in all: a shorter timeout fails every deploy/],
      ['deployTimeout of 1500 millis', { deployTimeout: Duration.millis(1500) }, 'deployTimeout', '1 second 500 millis', /whole number of seconds/],
      ['deployTimeout given as a number', { deployTimeout: 900 as unknown as Duration }, 'deployTimeout', '900', /must be a Duration/],
      ['healthCheck.healthyHttpCodes "500"', { healthCheck: { healthyHttpCodes: '500' } }, 'healthCheck.healthyHttpCodes', '"500"', /from 200 to 499/],
      ['healthCheck.path with a space', { healthCheck: { path: '/ping me' } }, 'healthCheck.path', '"/ping me"', /no spaces/],
      // retention
      ['flowLogRetention 42 days', { flowLogRetention: 42 as logs.RetentionDays }, 'flowLogRetention', '42', /retention periods CloudWatch Logs accepts/],
      // network
      ['a VPC in 127.0.0.0/8', { subnetLayout: { vpcCidr: '127.0.0.0/16' } }, 'subnetLayout.vpcCidr', '"127.0.0.0/16"', /must not overlap 127\.0\.0\.0\/8 \(loopback\)/],
      ['sshAllowedCidrs with a leading zero', { sshAllowedCidrs: ['203.0.113.07/32'] }, 'sshAllowedCidrs[0]', '"203.0.113.07/32"', /without leading zeros/],
      ['availabilityZones with a repeat', { availabilityZones: ['eu-west-3a', 'eu-west-3a', 'eu-west-3b'] }, 'availabilityZones[1]', '"eu-west-3a"',
        /must be distinct/],
    ])('fails with %s', (_case, props, prop, received, rule) => {
      expectTierRefuses(props, { prop, received, rule });
    });

    test('fails in a two-zone region with the three-zone default layout, naming subnetLayout', () => {
      // GIVEN
      const app = new App({ context: { 'availability-zones:account=123456789012:region=us-west-1': ['us-west-1a', 'us-west-1c'] } });
      const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-west-1' } });
      // WHEN / THEN
      expectInvalidProp(() => new ZeroDowntimeWebTier(stack, 'Tier'), {
        prop: 'subnetLayout', received: '"3 CIDRs per subnet group"', rule: /region us-west-1 has 2/,
      });
    });

    test('with deployTimeout 271 s and the default health check, the tier is accepted', () => {
      // WHEN
      const tier = new ZeroDowntimeWebTier(newStack(), 'Tier', { deployTimeout: Duration.seconds(271) });
      // THEN
      expect(tier.webFleet.autoScalingGroup).toBeDefined();
    });

    test('with a bad prop, the one-liner fails before it builds any part', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      expect(() => new ZeroDowntimeWebTier(stack, 'Tier', { redisNodeType: 'cache.m1.small' })).toThrow(/redisNodeType/);
      // THEN the tier's node exists (construction started) but holds nothing: no network, no load balancer
      expect(stack.node.findChild('Tier').node.children).toEqual([]);
    });
  });

  describe('sshPublicKey', () => {
    test.each<[string, string, RegExp]>([
      ['an ECDSA key, which EC2 does not import', 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY= me', /EC2 imports only RSA and ED25519 keys/],
      ['a key whose type and body disagree', `ssh-rsa ${ED25519.split(' ')[1]} me`, /does not hold a ssh-rsa key/],
      ['two keys on two lines', `${ED25519}\nssh-rsa ${RSA_HEAD} me`, /one line of your \.pub file/],
      ['an SSH2-format public key', `---- BEGIN SSH2 PUBLIC KEY ----\n${RSA_HEAD}\n---- END SSH2 PUBLIC KEY ----`, /converts with ssh-keygen -i/],
      ['a key fingerprint', 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', /must be an OpenSSH public key/],
    ])('fails with %s', (_case, sshPublicKey, rule) => {
      expectTierRefuses({ sshPublicKey }, { prop: 'sshPublicKey', received: 'received', rule });
    });

    test.each<[string, string]>([
      ['an OpenSSH private key', PRIVATE_KEY],
      ['a PEM RSA private key', `-----BEGIN RSA PRIVATE KEY-----\n${PRIVATE_BODY}\n-----END RSA PRIVATE KEY-----`],
      ['a PuTTY private key', `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n${PRIVATE_BODY}`],
    ])('fails with %s, without ever echoing it', (_case, sshPublicKey) => {
      // GIVEN
      let message = '';
      // WHEN
      try {
        new ZeroDowntimeWebTier(newStack(), 'Tier', { sshPublicKey });
      } catch (e) {
        message = (e as Error).message;
      }
      // THEN
      expect(message).toMatch(/^Invalid sshPublicKey: received a private key \(not shown\); must be an OpenSSH public key.*never a private key/);
      expect(message).not.toContain(PRIVATE_BODY);
      expect(message).not.toContain(PRIVATE_BODY.slice(0, 12));
    });

    test.each([
      ['an ED25519 key', ED25519],
      ['an ED25519 key with a trailing newline', `${ED25519}\n`],
    ])('with %s, the key pair is created', (_case, sshPublicKey) => {
      // WHEN
      const stack = newStack();
      new ZeroDowntimeWebTier(stack, 'Tier', { sshPublicKey });
      // THEN
      expect(stack.node.findAll().filter(c => c instanceof ec2.CfnKeyPair)).toHaveLength(1);
    });
  });

  describe('JavaScript callers', () => {
    test.each<[string, ZeroDowntimeWebTierProps, string, string, RegExp]>([
      ['webMinCapacity NaN', { webMinCapacity: NaN }, 'webMinCapacity', 'received NaN', /whole number of instances/],
      ['webMaxCapacity Infinity', { webMaxCapacity: Infinity }, 'webMaxCapacity', 'received Infinity', /whole number of instances/],
      ['redisSnapshotRetentionDays NaN', { redisSnapshotRetentionDays: NaN }, 'redisSnapshotRetentionDays', 'received NaN', /whole number from 0 to 35/],
      ['webPort as a string', { webPort: '8080' as unknown as number }, 'webPort', 'received "8080"', /whole number from 1 to 65535/],
      ['sshAllowedCidrs as one string', { sshAllowedCidrs: '203.0.113.7/32' as unknown as string[] }, 'sshAllowedCidrs', 'received "203.0.113.7/32"',
        /must be a list/],
      ['availabilityZones as one string', { availabilityZones: 'eu-west-3a' as unknown as string[] }, 'availabilityZones', 'received "eu-west-3a"', /must be a list/],
      ['a number as sshPublicKey', { sshPublicKey: 42 as unknown as string }, 'sshPublicKey', 'received 42', /OpenSSH public key/],
      ['healthCheck as a string', { healthCheck: '/ping' as unknown as ZeroDowntimeWebTierProps['healthCheck'] }, 'healthCheck', 'received "/ping"',
        /must be an object of props/],
    ])('fails with %s, reported as such and never as a TypeError', (_case, props, prop, received, rule) => {
      expectTierRefuses(props, { prop, received, rule });
    });

    test('fails with props that are not an object', () => {
      expectInvalidProp(() => new ZeroDowntimeWebTier(newStack(), 'Tier', 'tier' as unknown as ZeroDowntimeWebTierProps), {
        prop: 'props', received: '"tier"', rule: /must be an object of props/,
      });
    });

    test('with null props, and null optional props, the tier uses the defaults', () => {
      // GIVEN
      const nulls = {
        webPort: null, healthCheck: null, subnetLayout: null, sshAllowedCidrs: null, availabilityZones: null,
      } as unknown as ZeroDowntimeWebTierProps;
      // WHEN
      const fromNull = new ZeroDowntimeWebTier(newStack(), 'Tier', null as unknown as ZeroDowntimeWebTierProps);
      const fromNulls = new ZeroDowntimeWebTier(newStack(), 'Tier', nulls);
      // THEN
      for (const tier of [fromNull, fromNulls]) {
        expect(tier.webFleet.webPort).toBe(8000);
        expect(tier.failoverWindow.toSeconds()).toBe(63);
        expect(tier.network!.availabilityZones).toHaveLength(3);
      }
    });
  });

  describe('warnings for legal but risky set-ups', () => {
    test.each<[string, ZeroDowntimeWebTierProps, string, string]>([
      ['monitoring false', { monitoring: false }, 'monitoringOff', 'monitoring is false: no alarm tells you'],
      ['accessLogs false', { accessLogs: false }, 'accessLogsOff', 'accessLogs is false: the load balancer keeps no record'],
      ['flowLogs false', { flowLogs: false }, 'flowLogsOff', 'flowLogs is false'],
      ['natGatewayPerAz false', { natGatewayPerAz: false }, 'singleNatGateway', 'natGatewayPerAz is false'],
      ['redisReplicas 0', { redisReplicas: 0 }, 'redisSingleNode', '^redisReplicas is 0: a single Redis node'],
      ['redisMultiAz false', { redisMultiAz: false }, 'redisMultiAzOff', '^redisMultiAz is false: the primary and its replicas'],
      ['redisSnapshotRetentionDays 0', { redisSnapshotRetentionDays: 0 }, 'redisSnapshotsOff', '^redisSnapshotRetentionDays is 0: Redis takes no'],
      ['webMinCapacity 1', { webMinCapacity: 1, webStaticStability: false }, 'webFleetBelowTwo', '^webMinCapacity is 1: with fewer than 2'],
      ['sshAllowedCidrs 0.0.0.0/0', { sshAllowedCidrs: ['0.0.0.0/0'] }, 'sshOpenToWorld', 'SSH into the bastion is open to 0.0.0.0/0'],
    ])('warns with %s', (_case, props, id, message) => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new ZeroDowntimeWebTier(stack, 'Tier', props);
      // THEN
      const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`${message}.*\\[ack: cdk-zero-downtime-web-tier:${id}\\]`));
      expect(warnings).toHaveLength(1);
    });

    test('with no props, there is no warning of this library', () => {
      // GIVEN
      const stack = newStack();
      // WHEN
      new ZeroDowntimeWebTier(stack, 'Tier');
      // THEN
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cdk-zero-downtime-web-tier:'));
    });

    test('warns with two tiers in one stack: 8 Elastic IPs, over the default quota of 5', () => {
      // GIVEN
      const stack = newStack();
      new ZeroDowntimeWebTier(stack, 'One');
      // WHEN
      new ZeroDowntimeWebTier(stack, 'Two', { subnetLayout: { vpcCidr: '10.1.0.0/16', ...layoutIn('10.1') } });
      // THEN
      const warnings = Annotations.fromStack(stack).findWarning('/Stack', Match.stringLikeRegexp('allocates 8 Elastic IPs, more than the default quota of 5'));
      expect(warnings).toHaveLength(1);
    });

    test('with a warning acknowledged by its id, it is no longer reported', () => {
      // GIVEN
      const stack = newStack();
      const tier = new ZeroDowntimeWebTier(stack, 'Tier', { monitoring: false });
      // WHEN
      CoreAnnotations.of(tier).acknowledgeWarning('cdk-zero-downtime-web-tier:monitoringOff', 'a test stack');
      // THEN
      Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('monitoring is false'));
    });
  });
});

/** The tutorial's subnets under another /16 prefix. */
function layoutIn(prefix: string) {
  const group = (base: number) => [1, 2, 3].map(az => `${prefix}.${base + az}.0/24`);
  return { alb: group(10), nat: group(20), bastion: group(30), web: group(40), redis: group(50) };
}
