import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { upgradedApp, withoutEnvironmentContext } from './upgraded-app';
import { tutorialApp } from '../../examples/tutorial-app';
import { WEB_TIER_FEATURE_FLAGS } from '../../packages/cdk-zero-downtime-web-tier-app/src/web-tier-feature-flags';
import { CacheEngine, RedisCache, WebApplication, WebTierFeatureFlags, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { onlyResource, resourcesOfType } from '../util';

const { CACHE_ENGINE_VALKEY, CACHE_NODES_IN_DISTINCT_AZS, WEB_STATIC_STABILITY, RELEASE_CHECK_MAIN_PAGE } = WebTierFeatureFlags;

/** The one-liner's stack in `app`. */
function tierStackIn(app: App, props: ZeroDowntimeWebTierProps = {}): Stack {
  const stack = new Stack(app, 'Stack');
  new ZeroDowntimeWebTier(stack, 'WebTier', props);
  return stack;
}

/** The one-liner's template in `app`. */
const tierIn = (app: App, props: ZeroDowntimeWebTierProps = {}) => Template.fromStack(tierStackIn(app, props));

/** The RedisCache part alone, engine version 7.1 as written on 2026-11-28, in `app`. */
function cachePartIn(app: App) {
  const stack = new Stack(app, 'Stack');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  new RedisCache(stack, 'Cache', { vpc, vpcSubnets: { subnetGroupName: 'Data' }, engineVersion: '7.1' });
  return Template.fromStack(stack);
}

const cacheOf = (template: Template) => onlyResource(template, 'AWS::ElastiCache::ReplicationGroup').Properties;
/** The web Auto Scaling group's properties (the one behind the target group; the bastion has its own group). */
const groupOf = (template: Template) => Object.values(resourcesOfType(template, 'AWS::AutoScaling::AutoScalingGroup'))
  .find(group => group.Properties.TargetGroupARNs !== undefined)!.Properties;

describe('WebTierFeatureFlags', () => {
  test('the flag names are the ones apps have in their cdk.json, and recommended() turns each on', () => {
    // A renamed flag would silently turn itself off in every app that set it.
    expect(WebTierFeatureFlags.recommended()).toEqual({
      'cdk-zero-downtime-web-tier:cacheEngineValkey': true,
      'cdk-zero-downtime-web-tier:cacheNodesInDistinctAzs': true,
      'cdk-zero-downtime-web-tier:webStaticStability': true,
      'cdk-zero-downtime-web-tier:releaseCheckMainPage': true,
    });
  });

  test('the project type writes the same flags into a new app\'s cdk.json', () => {
    expect(WEB_TIER_FEATURE_FLAGS).toEqual(WebTierFeatureFlags.recommended());
  });

  test('the example app (npm run example, the drill) is a new app: it has the recommended flags', () => {
    // GIVEN the example app made as `npm run example` makes it, without the flags test/setup-env.ts adds
    const { app } = withoutEnvironmentContext(() => tutorialApp(fs.mkdtempSync(path.join(os.tmpdir(), 'flags-example-'))));
    // THEN
    for (const [flag, value] of Object.entries(WebTierFeatureFlags.recommended())) {
      expect(app.node.tryGetContext(flag)).toBe(value);
    }
  });

  describe('an upgraded app (no flag in its context)', () => {
    // GIVEN the one-liner with no props in an app without flags
    const stack = tierStackIn(upgradedApp());
    const template = Template.fromStack(stack);

    test('keeps Redis OSS 7.1, with no parameter group named, as on 2026-11-28', () => {
      expect(cacheOf(template)).toMatchObject({ Engine: 'redis', EngineVersion: '7.1' });
      expect(cacheOf(template).CacheParameterGroupName).toBeUndefined();
    });

    test('names no AZ for the cache nodes (PreferredCacheClusterAZs is create-only: naming it replaces the cache)', () => {
      expect(cacheOf(template).PreferredCacheClusterAZs).toBeUndefined();
      expect(cacheOf(template)).toMatchObject({ MultiAZEnabled: true, AutomaticFailoverEnabled: true, NumCacheClusters: 2 });
    });

    test('keeps the web fleet at webMinCapacity (2), and warns that an AZ outage leaves fewer', () => {
      expect(groupOf(template)).toMatchObject({ MinSize: '2', MaxSize: '2' });
      Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('^webStaticStability is false: 2 web servers over 3 AZs leave 1'));
    });

    test('RedisCache with engineVersion "7.1" and no engine synthesizes Redis OSS 7.1, as it did', () => {
      expect(cacheOf(cachePartIn(upgradedApp()))).toMatchObject({ Engine: 'redis', EngineVersion: '7.1' });
    });
  });

  describe('a new app (the recommended flags, as test/setup-env.ts gives every test app)', () => {
    const template = tierIn(new App());

    test('gets Valkey 8.2, each cache node in its own AZ and a statically stable fleet of 3', () => {
      expect(cacheOf(template)).toMatchObject({ Engine: 'valkey', EngineVersion: '8.2', CacheParameterGroupName: 'default.valkey8' });
      expect(cacheOf(template).PreferredCacheClusterAZs).toHaveLength(2);
      expect(groupOf(template)).toMatchObject({ MinSize: '3', MaxSize: '3' });
    });

    test('fails with RedisCache engineVersion "7.1" and no engine, naming engine as the fix', () => {
      expect(() => cachePartIn(new App())).toThrow(/Invalid engineVersion: received "7.1".*set engine to match/);
    });
  });

  describe('each flag alone changes only its own behaviour', () => {
    test.each([
      [CACHE_ENGINE_VALKEY, { engine: 'valkey', azs: false, min: '2' }],
      [CACHE_NODES_IN_DISTINCT_AZS, { engine: 'redis', azs: true, min: '2' }],
      [WEB_STATIC_STABILITY, { engine: 'redis', azs: false, min: '3' }],
    ])('with only %s', (flag, expected) => {
      // GIVEN an upgraded app that opted in to one flag
      const template = tierIn(upgradedApp({ [flag]: true }));
      // THEN
      expect(cacheOf(template).Engine).toBe(expected.engine);
      expect(cacheOf(template).PreferredCacheClusterAZs !== undefined).toBe(expected.azs);
      expect(groupOf(template).MinSize).toBe(expected.min);
    });
  });

  test('a flag given on the command line (cdk -c flag=true) is a string: "true" turns it on, "false" off', () => {
    expect(cacheOf(tierIn(upgradedApp({ [CACHE_ENGINE_VALKEY]: 'true' }))).Engine).toBe('valkey');
    expect(cacheOf(tierIn(upgradedApp({ [CACHE_ENGINE_VALKEY]: 'false' }))).Engine).toBe('redis');
  });

  test('an explicit prop wins over a flag either way', () => {
    const oldApp = tierIn(upgradedApp(), { redisEngine: CacheEngine.VALKEY, webStaticStability: true });
    expect(cacheOf(oldApp).Engine).toBe('valkey');
    expect(groupOf(oldApp).MinSize).toBe('3');
    const newApp = tierIn(new App(), { redisEngine: CacheEngine.REDIS_OSS, webStaticStability: false });
    expect(cacheOf(newApp)).toMatchObject({ Engine: 'redis', EngineVersion: '7.1' });
    expect(groupOf(newApp).MinSize).toBe('2');
  });

  describe(`${RELEASE_CHECK_MAIN_PAGE}: the default release check of an application of the user's`, () => {
    const userApp = () => WebApplication.fromDirectory(path.join(__dirname, '../rehearse/fixtures/release-check-fails'),
      { startCommand: 'exec node server.js' });
    /** The web fleet's release checks, and how many release-checks alarms the template has. */
    function releaseChecksIn(app: App, props: ZeroDowntimeWebTierProps) {
      const stack = new Stack(app, 'Stack');
      const tier = new ZeroDowntimeWebTier(stack, 'WebTier', props);
      const alarms = Object.values(resourcesOfType(Template.fromStack(stack), 'AWS::CloudWatch::Alarm'))
        .filter(alarm => alarm.Properties.MetricName === 'FailedReleaseChecks');
      return { checks: tier.webFleet.releaseChecks.map(check => check.path), alarms: alarms.length };
    }

    test('an upgraded app: its own application gets no default check and no release-checks alarm', () => {
      expect(releaseChecksIn(upgradedApp(), { application: userApp() })).toEqual({ checks: [], alarms: 0 });
    });

    test('an upgraded app keeps the checks it gives, and the hello counter always checks its page', () => {
      const given = WebApplication.fromDirectory(path.join(__dirname, '../rehearse/fixtures/release-check-fails'),
        { startCommand: 'exec node server.js', releaseChecks: [{ path: '/ready' }] });
      expect(releaseChecksIn(upgradedApp(), { application: given })).toEqual({ checks: ['/ready'], alarms: 1 });
      expect(releaseChecksIn(upgradedApp(), {})).toEqual({ checks: ['/cgi-bin/hello.py'], alarms: 1 });
    });

    test('a new app (or one that opted in): the main page must answer before a new server serves', () => {
      expect(releaseChecksIn(new App(), { application: userApp() })).toEqual({ checks: ['/'], alarms: 1 });
      expect(releaseChecksIn(upgradedApp({ [RELEASE_CHECK_MAIN_PAGE]: true }), { application: userApp() }))
        .toEqual({ checks: ['/'], alarms: 1 });
    });
  });
});
