/**
 * Family 1 of #20, one health path: the target group's health check, the boot's readiness check (bootstrap-web.sh)
 * and signal-ready.sh's fallback all ask WEBTIER_HEALTH_PATH, so the template must give the target group that same
 * path, for every way the path can be given.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { NODE_APP_DIR as NODE_APP } from '../../examples/node-app';
import {
  WebApplication, WebApplicationOptions, WebFleet, WebHealthCheckPresets, WebLoadBalancer, WebTierNetwork, ZeroDowntimeWebTier,
  ZeroDowntimeWebTierProps,
} from '../../src';
import { expectInvalidProp, logicalId, onlyResource, userDataOf, variablesExportedBy } from '../util';

const app = (options: Partial<WebApplicationOptions> = {}) => WebApplication.fromDirectory(NODE_APP, { startCommand: 'node server.js', ...options });

/** What the target group checks (AWS's default "/" when the template sets none) and what the boot checks. */
interface Checked {
  readonly targetGroup?: string;
  readonly boot?: string;
}

function checkedBy(stack: Stack, fleet: WebFleet): Checked {
  const template = Template.fromStack(stack);
  const groups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup');
  const targetGroup = Object.keys(groups).length === 0 ? undefined
    : onlyResource(template, 'AWS::ElasticLoadBalancingV2::TargetGroup').Properties.HealthCheckPath ?? '/';
  return { targetGroup, boot: variablesExportedBy(userDataOf(template, logicalId(fleet.launchTemplate))).get('WEBTIER_HEALTH_PATH') };
}

function oneLiner(props: ZeroDowntimeWebTierProps): Checked {
  const stack = new Stack(new App(), 'Stack');
  return checkedBy(stack, new ZeroDowntimeWebTier(stack, 'Tier', props).webFleet);
}

/** A load balancer and a fleet used as parts; `targetGroup` builds the group the fleet registers in. */
function parts(build: (stack: Stack, network: WebTierNetwork) => elbv2.IApplicationTargetGroup | undefined, application: WebApplication): Checked {
  const stack = new Stack(new App(), 'Stack');
  const network = new WebTierNetwork(stack, 'Network');
  const targetGroup = build(stack, network);
  return checkedBy(stack, new WebFleet(stack, 'WebFleet', { vpc: network.vpc, application, targetGroup }));
}

const loadBalancer = (healthCheck?: { path?: string }) => (stack: Stack, network: WebTierNetwork) =>
  new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc, healthCheck }).targetGroup;

describe('one health path', () => {
  test.each<[string, () => Checked, string]>([
    ['the default tier (the hello counter)', () => oneLiner({}), '/cgi-bin/ping.py'],
    ['fromDirectory with no path anywhere', () => oneLiner({ application: app() }), '/'],
    ['fromDirectory with healthCheckPath', () => oneLiner({ application: app({ healthCheckPath: '/healthz' }) }), '/healthz'],
    ['fromDirectory and the one-liner\'s healthCheck.path (#20\'s bug: the boot asked "/")',
      () => oneLiner({ application: app(), healthCheck: { path: '/healthz' } }), '/healthz'],
    ['the same path in both props', () => oneLiner({ application: app({ healthCheckPath: '/healthz' }), healthCheck: { path: '/healthz' } }), '/healthz'],
    ['healthCheckPath with WebHealthCheckPresets.fast()',
      () => oneLiner({ application: app({ healthCheckPath: '/healthz' }), healthCheck: WebHealthCheckPresets.fast() }), '/healthz'],
    ['WebHealthCheckPresets.tutorial() and no path', () => oneLiner({ application: app(), healthCheck: WebHealthCheckPresets.tutorial() }), '/'],
    ['a preset with a path of its own', () => oneLiner({ application: app(), healthCheck: { ...WebHealthCheckPresets.fast(), path: '/ready' } }), '/ready'],
    ['the hello counter and healthCheck.path', () => oneLiner({ healthCheck: { path: '/cgi-bin/hello.py' } }), '/cgi-bin/hello.py'],
    ['parts: a WebLoadBalancer with healthCheck.path and an application without one', () => parts(loadBalancer({ path: '/live' }), app()), '/live'],
    ['parts: a WebLoadBalancer with its defaults and an application without a path', () => parts(loadBalancer(), app()), '/cgi-bin/ping.py'],
    ['parts: the same path in the WebLoadBalancer and the application',
      () => parts(loadBalancer({ path: '/healthz' }), app({ healthCheckPath: '/healthz' })), '/healthz'],
    ['parts: a target group of the user\'s own with no health check (AWS checks "/")', () => parts((stack, network) => {
      const group = new elbv2.ApplicationTargetGroup(stack, 'Group', { vpc: network.vpc, port: 8000, protocol: elbv2.ApplicationProtocol.HTTP });
      new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc: network.vpc }).addListener('Http', { port: 80, defaultTargetGroups: [group] });
      return group;
    }, app()), '/'],
  ])('with %s, the target group and the boot both check the same path', (_case, build, expected) => {
    // WHEN
    const checked = build();
    // THEN
    expect(checked).toEqual({ targetGroup: expected, boot: expected });
  });

  test('with a fleet in no target group, the boot (and signal-ready.sh\'s fallback) checks the application\'s path', () => {
    // WHEN
    const checked = parts(() => undefined, app({ healthCheckPath: '/healthz' }));
    // THEN
    expect(checked).toEqual({ targetGroup: undefined, boot: '/healthz' });
  });

  test('signal-ready.sh\'s fallback and bootstrap-web.sh default to the same path when none is exported', () => {
    // GIVEN
    const assets = path.join(__dirname, '..', '..', 'assets', 'web');
    const fallback = (file: string) => [...fs.readFileSync(path.join(assets, file), 'utf8').matchAll(/\$\{WEBTIER_HEALTH_PATH:-([^}]*)\}/g)].map(m => m[1]);
    // THEN
    expect([...new Set([...fallback('signal-ready.sh'), ...fallback('bootstrap-web.sh')])]).toEqual(['/']);
  });

  describe('bad input', () => {
    test('fails with the one-liner\'s healthCheck.path and the application\'s healthCheckPath both given and different', () => {
      // WHEN / THEN
      expectInvalidProp(() => oneLiner({ application: app({ healthCheckPath: '/healthz' }), healthCheck: { path: '/status' } }),
        { prop: 'healthCheck.path', received: '"/status"', rule: /differs from the application's healthCheckPath \("\/healthz"\)/ });
    });

    test.each<[string, () => unknown, string, string, RegExp]>([
      ['a WebLoadBalancer\'s default path and an application\'s own', () => parts(loadBalancer(), app({ healthCheckPath: '/healthz' })),
        'application', '"/healthz"', /targetGroup's health check asks "\/cgi-bin\/ping.py"/],
      ['a WebLoadBalancer\'s path and a different one of the application', () => parts(loadBalancer({ path: '/live' }), app({ healthCheckPath: '/healthz' })),
        'application', '"/healthz"', /asks "\/live"/],
      ['a target group of the user\'s own (AWS checks "/") and an application\'s own path', () => parts((stack, network) =>
        new elbv2.ApplicationTargetGroup(stack, 'Group', { vpc: network.vpc, port: 8000 }), app({ healthCheckPath: '/healthz' })),
      'application', '"/healthz"', /asks "\/"/],
    ])('fails with %s', (_case, build, prop, received, rule) => {
      // WHEN / THEN
      expectInvalidProp(build, { prop, received, rule });
    });

    test('fails at synthesis when the target group\'s path changes after the fleet was made', () => {
      // GIVEN
      const stack = new Stack(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-cdk-out-')) }), 'Stack');
      const network = new WebTierNetwork(stack, 'Network');
      const lb = new WebLoadBalancer(stack, 'LoadBalancer', { vpc: network.vpc, healthCheck: { path: '/live' } });
      new WebFleet(stack, 'WebFleet', { vpc: network.vpc, application: app(), targetGroup: lb.targetGroup });
      // WHEN
      lb.targetGroup.configureHealthCheck({ path: '/other' });
      // THEN
      expect(() => Template.fromStack(stack)).toThrow(/health check path changed to "\/other" after the web fleet was made \(its boot waits for "\/live"\)/);
    });
  });
});
