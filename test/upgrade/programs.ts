/**
 * The user programs of the upgrade gate: what users wrote with the library, synthesized by the release that
 * recorded a baseline and by the code of today (test/upgrade/upgrade-gate.test.ts). Each program builds its stack
 * from the modules it is handed, never from its own imports, so that tools/upgrade-baseline.ts can run it against an
 * older checkout of the library with that checkout's aws-cdk-lib.
 *
 * A program written with a prop that did not exist at a baseline has a `baseline` variant (what the user had) and a
 * `current` one (what the README tells them to write after upgrading).
 */
import * as path from 'path';
import type * as cdk from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as tier from '../../src';
import { withoutEnvironmentContext } from '../feature-flags/upgraded-app';

/** The modules a program builds with: the library and the aws-cdk-lib it resolves. */
export interface ProgramModules {
  readonly tier: typeof tier;
  readonly cdk: typeof cdk;
  readonly ec2: typeof ec2;
  readonly route53: typeof route53;
}

/** One user program: it adds its constructs to `stack`. */
export interface UpgradeProgram {
  /** The file name of its baseline template (`<name>.json`). */
  readonly name: string;
  /** What a user wrote, in one line. */
  readonly summary: string;
  /** The stack's environment: agnostic unless given. */
  readonly env?: cdk.Environment;
  /** The program as written at the baseline. */
  readonly baseline: (m: ProgramModules, stack: cdk.Stack) => void;
  /** The program as written today, when it differs. */
  readonly current?: (m: ProgramModules, stack: cdk.Stack) => void;
}

/** An account and region for the environment-aware programs; their AZs come from the context below (no lookup). */
export const ENV = { account: '123456789012', region: 'eu-west-1' };
export const ENV_CONTEXT: Record<string, unknown> = {
  [`availability-zones:account=${ENV.account}:region=${ENV.region}`]: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
};

const APP_DIR = path.join(__dirname, 'fixtures', 'app');

export const PROGRAMS: UpgradeProgram[] = [
  {
    name: 'one-liner',
    summary: 'new ZeroDowntimeWebTier(stack, \'WebTier\'), environment-agnostic',
    baseline: (m, stack) => new m.tier.ZeroDowntimeWebTier(stack, 'WebTier'),
  },
  {
    name: 'one-liner-env',
    summary: 'the one-liner in an environment-aware stack (account and region)',
    env: ENV,
    baseline: (m, stack) => new m.tier.ZeroDowntimeWebTier(stack, 'WebTier'),
  },
  {
    name: 'application',
    summary: 'the one-liner running an application of the user\'s from a folder',
    baseline: (m, stack) => new m.tier.ZeroDowntimeWebTier(stack, 'WebTier', {
      application: m.tier.WebApplication.fromDirectory(APP_DIR, { startCommand: 'python3 server.py', port: 8080, healthCheckPath: '/' }),
    }),
  },
  {
    name: 'cache-settings',
    summary: 'the one-liner with every Redis prop of 2026-11-28 set',
    baseline: (m, stack) => new m.tier.ZeroDowntimeWebTier(stack, 'WebTier', {
      redisNodeType: 'cache.t4g.small', redisReplicas: 2, redisMultiAz: true, redisSnapshotRetentionDays: 7,
    }),
  },
  {
    name: 'redis-oss',
    summary: 'the one-liner kept on Redis OSS: no engine prop then, redisEngine: CacheEngine.REDIS_OSS today (the README\'s opt-out)',
    baseline: (m, stack) => new m.tier.ZeroDowntimeWebTier(stack, 'WebTier'),
    current: (m, stack) => new m.tier.ZeroDowntimeWebTier(stack, 'WebTier', { redisEngine: m.tier.CacheEngine.REDIS_OSS }),
  },
  {
    name: 'redis-cache-part',
    summary: 'the RedisCache part alone in a VPC of the user\'s, engine version 7.1',
    baseline: (m, stack) => {
      const vpc = dataVpc(m, stack);
      new m.tier.RedisCache(stack, 'Cache', { vpc, vpcSubnets: { subnetGroupName: 'Data' }, engineVersion: '7.1' });
    },
    // With the Valkey flag (a new app), a Redis OSS version needs its engine named.
    current: (m, stack) => {
      const vpc = dataVpc(m, stack);
      new m.tier.RedisCache(stack, 'Cache', { vpc, vpcSubnets: { subnetGroupName: 'Data' }, engine: m.tier.CacheEngine.REDIS_OSS, engineVersion: '7.1' });
    },
  },
  {
    name: 'existing-vpc',
    summary: 'the one-liner in a VPC of the user\'s over 2 AZs',
    baseline: (m, stack) => {
      const vpc = new m.ec2.Vpc(stack, 'Mine', {
        maxAzs: 2,
        natGateways: 1,
        subnetConfiguration: [
          { name: 'Public', subnetType: m.ec2.SubnetType.PUBLIC },
          { name: 'App', subnetType: m.ec2.SubnetType.PRIVATE_WITH_EGRESS },
          { name: 'Data', subnetType: m.ec2.SubnetType.PRIVATE_ISOLATED },
        ],
      });
      new m.tier.ZeroDowntimeWebTier(stack, 'WebTier', { vpc });
    },
  },
  {
    name: 'domain-waf',
    summary: 'the one-liner with a domain in a hosted zone and the managed-rules firewall, environment-aware',
    env: ENV,
    baseline: (m, stack) => {
      const hostedZone = m.route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' });
      new m.tier.ZeroDowntimeWebTier(stack, 'WebTier', {
        domainName: 'www.example.com', hostedZone, firewall: m.tier.WebTierFirewall.managedRules(),
      });
    },
  },
  {
    name: 'single-nat',
    summary: 'the one-liner with one NAT gateway (natGatewayPerAz: false; natGatewayPlacement: SINGLE today)',
    baseline: (m, stack) => new m.tier.ZeroDowntimeWebTier(stack, 'WebTier', { natGatewayPerAz: false }),
    // natGatewayPerAz still works (the baseline variant); the prop that replaces it builds the same network.
    current: (m, stack) => new m.tier.ZeroDowntimeWebTier(stack, 'WebTier', { natGatewayPlacement: m.tier.NatGatewayPlacement.SINGLE }),
  },
];

/** Which variant of a program to build. */
export type ProgramVariant = 'baseline' | 'current';

/**
 * Synthesizes one program into its CloudFormation template, in an app of its own with `context` (the feature flags
 * an app has in its cdk.json, none for an app created before they existed).
 */
export function synthesizeProgram(m: ProgramModules, program: UpgradeProgram, variant: ProgramVariant, context: Record<string, unknown> = {}): any {
  // The app's context is exactly `context`: not the flags test/setup-env.ts gives every other test app.
  const app = withoutEnvironmentContext(() => new m.cdk.App({ context: { ...ENV_CONTEXT, ...context } }));
  const stack = new m.cdk.Stack(app, 'UpgradeStack', program.env ? { env: program.env } : {});
  (variant === 'current' && program.current ? program.current : program.baseline)(m, stack);
  return app.synth().getStackByName(stack.stackName).template;
}

/** The user's own VPC of the `RedisCache` program: two AZs of isolated `Data` subnets. */
function dataVpc(m: any, stack: any): any {
  return new m.ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: m.ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}
