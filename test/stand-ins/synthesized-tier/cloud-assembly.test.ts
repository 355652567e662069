import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REHEARSAL_METADATA } from '../../../src/rehearse/fleet-record';
import { fleetsInCloudAssembly } from '../../../src/stand-ins/synthesized-tier/cloud-assembly';
import { matchesHttpCodes, TIER_DEFAULT_SETTINGS } from '../../../src/stand-ins/synthesized-tier/fleet-settings';

/** A stack's template: a web group behind a target group, a listener and a load balancer, with these properties. */
function template(tg: Record<string, unknown>, albAttributes: Array<{ Key: string; Value: string }>): Record<string, unknown> {
  return {
    Resources: {
      Group: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { TargetGroupARNs: [{ Ref: 'Tg' }] } },
      Tg: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: tg },
      Listener: { Type: 'AWS::ElasticLoadBalancingV2::Listener', Properties: { LoadBalancerArn: { Ref: 'Alb' }, DefaultActions: [{ TargetGroupArn: { Ref: 'Tg' } }] } },
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { LoadBalancerAttributes: albAttributes } },
    },
  };
}

/** A cloud assembly in a temporary folder: `Shop` holds one fleet record, and a stage `Prod` another, nested. */
function assembly(tg: Record<string, unknown>, albAttributes: Array<{ Key: string; Value: string }> = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-assembly-'));
  const record = {
    autoScalingGroup: 'Group',
    assetPath: 'asset.app',
    assetIsZip: false,
    startCommand: 'exec node server.js',
    port: 8000,
    healthCheckPath: '/healthz',
    mainPage: '/',
    socketActivation: true,
    environment: { MODE: 'shop', TOKEN: null },
    secretNames: ['DB'],
    installCommands: [],
    readinessBudgetSeconds: 600,
  };
  const stack = (file: string) => ({
    type: 'aws:cloudformation:stack',
    properties: { templateFile: file },
    metadata: { '/Shop/Web/WebFleet': [{ type: REHEARSAL_METADATA, data: record }] },
  });
  fs.mkdirSync(path.join(dir, 'asset.app'));
  fs.writeFileSync(path.join(dir, 'Shop.template.json'), JSON.stringify(template(tg, albAttributes)));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    artifacts: { Shop: stack('Shop.template.json'), Prod: { type: 'cdk:cloud-assembly', properties: { directoryName: 'prod' } } },
  }));
  fs.mkdirSync(path.join(dir, 'prod', 'asset.app'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'prod', 'Shop.template.json'), JSON.stringify(template({}, [])));
  fs.writeFileSync(path.join(dir, 'prod', 'manifest.json'), JSON.stringify({ artifacts: { ProdShop: stack('Shop.template.json') } }));
  return dir;
}

describe('fleetsInCloudAssembly', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const made = (dir: string) => (dirs.push(dir), dir);

  test('with a target group and load balancer in the template, the fleet takes their settings, the record its application', () => {
    // GIVEN
    const dir = made(assembly({
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: '4',
      HealthyThresholdCount: 3,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200-299' },
      TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '45' }],
    },
    [{ Key: 'idle_timeout.timeout_seconds', Value: '120' }]));

    // WHEN
    const [shop] = fleetsInCloudAssembly(dir);

    // THEN
    expect(shop.settings).toEqual({
      idleTimeoutSeconds: 120,
      healthCheckIntervalSeconds: 5,
      healthCheckTimeoutSeconds: 4,
      healthyThreshold: 3,
      unhealthyThreshold: 2,
      healthyHttpCodes: '200-299',
      deregistrationDelaySeconds: 45,
      readinessBudgetSeconds: 600,
    });
    expect(shop.application).toMatchObject({
      name: 'Shop/Web/WebFleet',
      startCommand: 'exec node server.js',
      port: 8000,
      healthCheckPath: '/healthz',
      socketActivation: true,
      environment: { MODE: 'shop', TOKEN: 'rehearsal-placeholder-for-TOKEN' },
      secretNames: ['DB'],
    });
    expect(shop.asset).toEqual({ path: path.join(dir, 'asset.app'), zip: false });
  });

  test('with nothing set on the target group, AWS\'s deregistration delay (300 s) and the tier\'s other defaults apply; a nested stage is read too', () => {
    const fleets = fleetsInCloudAssembly(made(assembly({})));

    expect(fleets.map((f) => f.application.name)).toEqual(['Shop/Web/WebFleet', 'ProdShop/Web/WebFleet']);
    expect(fleets[0].settings).toEqual({ ...TIER_DEFAULT_SETTINGS, deregistrationDelaySeconds: 300, readinessBudgetSeconds: 600 });
  });

  test('fails naming the folder when it is no cloud assembly, and when it holds no fleet', () => {
    const empty = made(fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-assembly-')));
    expect(() => fleetsInCloudAssembly(empty)).toThrow(`${empty} is not a cloud assembly (no manifest.json)`);
    fs.writeFileSync(path.join(empty, 'manifest.json'), JSON.stringify({ artifacts: {} }));
    expect(() => fleetsInCloudAssembly(empty)).toThrow(`${empty} holds no ZeroDowntimeWebTier or WebFleet`);
    fs.writeFileSync(path.join(empty, 'manifest.json'), '{ not json');
    expect(() => fleetsInCloudAssembly(empty)).toThrow(/manifest.json is not valid JSON/);
  });
});

describe('matchesHttpCodes (a target group\'s success codes)', () => {
  test.each([
    ['200', 200, true], ['200', 204, false], ['200-299', 204, true], ['200-299', 302, false],
    ['200,302', 302, true], ['200, 302', 302, true], ['200,302', 301, false], ['200-204,301-302', 301, true],
  ])('%s with %d: %s', (codes, status, expected) => {
    expect(matchesHttpCodes(codes, status)).toBe(expected);
  });
});
