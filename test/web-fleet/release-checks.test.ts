import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ReleaseCheck, WebApplication, WebFleet, WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { ASSETS_DIR } from '../../src/instance-files';
import { WEB_BOOT_FILES } from '../../src/web-fleet/web-user-data';
import { expectInvalidProp, logicalId, newStack, resourcesOfType, statementsGrantedTo, userDataOf } from '../util';

/** A stack with one web tier, its template, user-data and instance refresh preferences. */
function tierWith(props: ZeroDowntimeWebTierProps = {}) {
  const stack = newStack();
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', props);
  const template = Template.fromStack(stack);
  const group = template.toJSON().Resources[logicalId(tier.webAutoScalingGroup)];
  return {
    tier,
    template,
    group,
    preferences: group.UpdatePolicy.AutoScalingInstanceRefresh.Preferences,
    userData: userDataOf(template, logicalId(tier.webFleet.launchTemplate)),
  };
}

/** The value the user-data gives `name`, read by bash from the user-data's own export line. */
function exported(userData: string, name: string): string | undefined {
  const start = userData.indexOf(`export ${name}='`);
  if (start < 0) return undefined;
  const end = userData.indexOf('\'\n', start + name.length + 9);
  const r = spawnSync('bash', ['-c', `${userData.slice(start, end + 1)}\nprintf %s "$${name}"`], { encoding: 'utf8', timeout: 10_000 });
  expect(r.status).toBe(0);
  return r.stdout;
}

/** A throw-away folder holding a one-file application. */
function appFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-checks-app-'));
  fs.writeFileSync(path.join(dir, 'server.js'), 'require("http").createServer((q, s) => s.end("ok")).listen(process.env.PORT);\n');
  return dir;
}

describe('release checks', () => {
  const { tier, template, preferences, userData } = tierWith();
  const fleet = tier.webFleet;

  describe('with no props (the hello counter)', () => {
    test('the servers check the hello counter\'s main page, which reads Redis, with HEAD (it counts no visit)', () => {
      expect(fleet.releaseChecks).toEqual([{ path: '/cgi-bin/hello.py', method: 'HEAD', expectedStatus: 200, bodyContains: undefined }]);
      expect(exported(userData, 'WEBTIER_RELEASE_CHECKS')).toBe('HEAD 200 /cgi-bin/hello.py');
    });

    test('the boot ships the runner beside signal-ready.sh, which runs it with bash', () => {
      expect(WEB_BOOT_FILES).toContain('web/release-checks.sh');
      expect(fs.readFileSync(path.join(ASSETS_DIR, 'web', 'signal-ready.sh'), 'utf8')).toContain('bash "$(dirname "$0")/release-checks.sh"');
    });

    test('a failed check is published to the fleet\'s high-resolution metric, named by the stack and the fleet', () => {
      // (signal-ready.sh names the namespace and the metric; its runtime test checks them against the alarm's)
      expect(exported(userData, 'WEBTIER_CHECK_FLEET')).toMatch(/^StackTierWebFleet[0-9A-F]{8}$/);
      expect(exported(userData, 'WEBTIER_STACK_NAME')).toBe('{{Ref:AWS::StackName}}');
    });

    test('the release checks alarm reads that metric every 10 seconds and fires on the first report', () => {
      const alarm = resourcesOfType(template, 'AWS::CloudWatch::Alarm')[logicalId(fleet.releaseChecksAlarm!)].Properties;
      expect(alarm).toEqual(expect.objectContaining({
        Namespace: 'WebTier/ReleaseChecks',
        MetricName: 'FailedReleaseChecks',
        Statistic: 'Maximum',
        Period: 10,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: 'notBreaching',
      }));
      expect(alarm.Dimensions).toEqual([
        { Name: 'Fleet', Value: expect.stringMatching(/^StackTierWebFleet[0-9A-F]{8}$/) },
        { Name: 'StackName', Value: { Ref: 'AWS::StackName' } },
      ]);
      // the same fleet name the servers publish with
      expect(exported(userData, 'WEBTIER_CHECK_FLEET')).toBe(alarm.Dimensions[0].Value);
      expect(alarm.AlarmActions).toBeUndefined();
    });

    test('the instance refresh watches the release checks alarm', () => {
      expect(preferences.AlarmSpecification.Alarms).toContainEqual({ Ref: logicalId(fleet.releaseChecksAlarm!) });
    });

    test('the web role may put metric data into the release checks\' namespace only', () => {
      const statements = statementsGrantedTo(template, logicalId(fleet.role));
      const put = statements.filter(s => JSON.stringify(s.Action).includes('cloudwatch:'));
      expect(put).toEqual([expect.objectContaining({
        Action: 'cloudwatch:PutMetricData',
        Effect: 'Allow',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'WebTier/ReleaseChecks' } },
      })]);
    });

    test('the launch lifecycle hook stays on the group: a server that fails its checks abandons it and never enters service', () => {
      const hooks = template.toJSON().Resources[logicalId(tier.webAutoScalingGroup)].Properties.LifecycleHookSpecificationList;
      expect(hooks).toEqual([expect.objectContaining({ LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', DefaultResult: 'ABANDON' })]);
    });
  });

  test('an application from a folder checks its main page: GET / answers 200', () => {
    const app = WebApplication.fromDirectory(appFolder(), { startCommand: 'exec node server.js' });
    expect(exported(tierWith({ application: app }).userData, 'WEBTIER_RELEASE_CHECKS')).toBe('GET 200 /');
  });

  test('with the application\'s releaseChecks, each is a line: method, status, path, and a tab before the body text', () => {
    const releaseChecks: ReleaseCheck[] = [
      { path: '/' },
      { path: '/health/deep?db=1', expectedStatus: 204 },
      { path: '/about', method: 'GET', bodyContains: 'It\'s "us" & $HOME' },
    ];
    const app = WebApplication.fromDirectory(appFolder(), { startCommand: 'exec node server.js', releaseChecks });
    expect(exported(tierWith({ application: app }).userData, 'WEBTIER_RELEASE_CHECKS'))
      .toBe('GET 200 /\nGET 204 /health/deep?db=1\nGET 200 /about\tIt\'s "us" & $HOME');
  });

  test('the tier\'s releaseChecks win over the application\'s', () => {
    const { userData: custom } = tierWith({ releaseChecks: [{ path: '/ready', method: 'OPTIONS', expectedStatus: 204 }] });
    expect(exported(custom, 'WEBTIER_RELEASE_CHECKS')).toBe('OPTIONS 204 /ready');
  });

  test('with releaseChecks [], nothing is checked: no variable, no alarm, no permission', () => {
    const custom = tierWith({ releaseChecks: [] });
    expect(exported(custom.userData, 'WEBTIER_RELEASE_CHECKS')).toBeUndefined();
    expect(exported(custom.userData, 'WEBTIER_CHECK_FLEET')).toBeUndefined();
    expect(custom.tier.webFleet.releaseChecksAlarm).toBeUndefined();
    expect(custom.preferences.AlarmSpecification.Alarms).toHaveLength(4);
    const statements = statementsGrantedTo(custom.template, logicalId(custom.tier.webFleet.role));
    expect(JSON.stringify(statements)).not.toContain('cloudwatch:PutMetricData');
  });

  test('a fleet used alone takes releaseChecks under its own name', () => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    expectInvalidProp(() => new WebFleet(stack, 'WebFleet', { vpc: network.vpc, releaseChecks: [{ path: 'no-slash' }] }),
      { prop: 'releaseChecks[0].path', received: '"no-slash"', rule: /must start with "\/"/ });
  });

  describe('bad release checks fail at synthesis, naming the prop as given', () => {
    const tooMany = Array.from({ length: 11 }, () => ({ path: '/' }));
    test.each<[string, any, string, string, RegExp]>([
      ['a path without /', [{ path: 'index.html' }], 'releaseChecks[0].path', '"index.html"', /must start with "\/"/],
      ['a path with a space', [{ path: '/' }, { path: '/a b' }], 'releaseChecks[1].path', '"/a b"', /no spaces or control characters/],
      ['POST', [{ path: '/', method: 'POST' }], 'releaseChecks[0].method', '"POST"', /one of GET, HEAD, OPTIONS .*must not change/],
      ['a lower-case method', [{ path: '/', method: 'get' }], 'releaseChecks[0].method', '"get"', /upper case/],
      ['status 99', [{ path: '/', expectedStatus: 99 }], 'releaseChecks[0].expectedStatus', '99', /from 100 to 599/],
      ['status 600', [{ path: '/', expectedStatus: 600 }], 'releaseChecks[0].expectedStatus', '600', /from 100 to 599/],
      ['status 200.5', [{ path: '/', expectedStatus: 200.5 }], 'releaseChecks[0].expectedStatus', '200.5', /whole number/],
      ['a body text on two lines', [{ path: '/', bodyContains: 'a\nb' }], 'releaseChecks[0].bodyContains', '"a\\nb"', /one line/],
      ['an empty body text', [{ path: '/', bodyContains: '' }], 'releaseChecks[0].bodyContains', '""', /1 to 256 characters/],
      ['a body text for HEAD', [{ path: '/', method: 'HEAD', bodyContains: 'x' }], 'releaseChecks[0].bodyContains', '"x"', /HEAD answer has no body/],
      ['11 checks', tooMany, 'releaseChecks', '11 checks', /at most 10 checks/],
      ['not a list', { path: '/' }, 'releaseChecks', '{"path":"/"}', /must be a list/],
    ])('fails with %s', (_what, releaseChecks, prop, received, rule) => {
      expectInvalidProp(() => new ZeroDowntimeWebTier(newStack(), 'Tier', { releaseChecks }), { prop, received, rule });
      expectInvalidProp(() => WebApplication.fromDirectory(appFolder(), { startCommand: 'exec node server.js', releaseChecks }),
        { prop, received, rule });
    });
  });
});
