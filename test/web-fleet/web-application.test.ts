import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { NODE_APP_DIR as NODE_APP } from '../../examples/node-app';
import { WebApplication, WebApplicationOptions, WebFleet, WebTierNetwork, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import {
  deployedUserDataBytes, expectInvalidProp, logicalId, onlyResource, resourcesOfType, statementsGrantedTo, userDataOf, variablesExportedBy,
} from '../util';


/** A folder holding one file of `bytes` bytes. */
function appFolder(bytes = 10, name = 'server.js'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-app-'));
  fs.writeFileSync(path.join(dir, name), 'x'.repeat(bytes));
  return dir;
}

/** A tier in a stack of its own app, with the synthesized template and the web servers' user-data. */
function tier(props: ZeroDowntimeWebTierProps = {}) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-cdk-out-')) });
  const stack = new Stack(app, 'Stack');
  const web = new ZeroDowntimeWebTier(stack, 'Tier', props);
  const template = Template.fromStack(stack);
  const userData = userDataOf(template, logicalId(web.webFleet.launchTemplate));
  return { app, stack, tier: web, template, userData, variables: variablesExportedBy(userData) };
}

const nodeApp = (options: Partial<WebApplicationOptions> = {}) =>
  WebApplication.fromDirectory(NODE_APP, { startCommand: 'node server.js', healthCheckPath: '/healthz', ...options });

describe('WebApplication', () => {
  // GIVEN the default tier (the hello counter) and one running the Node.js example
  const hello = tier();
  const node = tier({ application: nodeApp({ environment: { GREETING: 'bonjour' }, installCommands: ['dnf install -y -q nodejs'] }) });

  test('with no application, the web servers run the hello counter, checked on /cgi-bin/ping.py', () => {
    // THEN
    expect(hello.variables.get('WEBTIER_START_COMMAND')).toMatch(/python3 webtier_server\.py/);
    hello.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/cgi-bin/ping.py' });
    expect(hello.variables.get('WEBTIER_HEALTH_PATH')).toBe('/cgi-bin/ping.py');
  });

  test('with no application, the hello counter ships as an asset of its Python files, without the boot scripts', () => {
    // WHEN
    const assembly = hello.app.synth();
    const key = /\/([0-9a-f]{64}\.zip)$/.exec(hello.variables.get('WEBTIER_APP_ASSET') ?? '')?.[1];
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${hello.stack.artifactId}.assets.json`), 'utf8'));
    const source = Object.values<any>(manifest.files).find(f => Object.values<any>(f.destinations).some(d => d.objectKey === key));
    // THEN
    expect(source.source.packaging).toBe('zip');
    const files = fs.readdirSync(path.join(assembly.directory, source.source.path), { recursive: true }).map(String).sort();
    expect(files).toEqual(expect.arrayContaining(['webtier_server.py', path.join('cgi-bin', 'hello.py'), path.join('cgi-bin', 'ping.py')]));
    expect(files.filter(f => f.endsWith('.sh') || f.endsWith('.service'))).toEqual([]);
  });

  test('with fromDirectory, its health path becomes the target group\'s and the readiness check\'s', () => {
    // THEN
    node.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/healthz' });
    expect(node.variables.get('WEBTIER_HEALTH_PATH')).toBe('/healthz');
    expect(node.variables.get('WEBTIER_START_COMMAND')).toBe('node server.js');
    expect(node.variables.get('WEBTIER_INSTALL_COMMANDS')).toBe('dnf install -y -q nodejs');
  });

  test('with healthCheck.path given and no healthCheckPath of the application, both the target group and the boot check it', () => {
    // WHEN
    const custom = tier({ application: nodeApp({ healthCheckPath: undefined }), healthCheck: { path: '/status' } });
    // THEN
    custom.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/status' });
    expect(custom.variables.get('WEBTIER_HEALTH_PATH')).toBe('/status');
  });

  test('with socketActivation, the boot sets up webtier.socket; without it, it does not', () => {
    // WHEN
    const socket = tier({ application: nodeApp({ socketActivation: true }) });
    // THEN
    expect(socket.variables.get('WEBTIER_SOCKET_ACTIVATION')).toBe('true');
    expect(node.variables.has('WEBTIER_SOCKET_ACTIVATION')).toBe(false);
    expect(hello.variables.get('WEBTIER_SOCKET_ACTIVATION')).toBe('true');
  });

  test('with environment, each variable reaches the boot as WEBTIER_ENV_<name>', () => {
    // THEN
    expect(node.variables.get('WEBTIER_ENV_GREETING')).toBe('bonjour');
  });

  test('with the application\'s port 3000, the target group and the servers use 3000', () => {
    // WHEN
    const custom = tier({ application: nodeApp({ port: 3000 }) });
    // THEN
    custom.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 3000 });
    expect(custom.variables.get('WEBTIER_WEB_PORT')).toBe('3000');
  });

  test('with a different application, the launch template changes (so a deploy rolls the fleet)', () => {
    // THEN
    expect(hello.variables.get('WEBTIER_APP_ASSET')).not.toBe(node.variables.get('WEBTIER_APP_ASSET'));
    // WHEN one file of the application changes
    const dir = appFolder(10);
    const before = tier({ application: WebApplication.fromDirectory(dir, { startCommand: 'node server.js' }) }).variables.get('WEBTIER_APP_ASSET');
    fs.appendFileSync(path.join(dir, 'server.js'), '// changed');
    const after = tier({ application: WebApplication.fromDirectory(dir, { startCommand: 'node server.js' }) }).variables.get('WEBTIER_APP_ASSET');
    // THEN
    expect(after).not.toBe(before);
  });

  test('with an application of 1 MB, the user-data stays a small fixed bootstrap under 4096 bytes', () => {
    // WHEN
    const big = tier({ application: WebApplication.fromDirectory(appFolder(1024 * 1024), { startCommand: 'node server.js' }) });
    // THEN
    expect(deployedUserDataBytes(big.userData)).toBeLessThan(4096);
    expect(deployedUserDataBytes(hello.userData)).toBeLessThan(4096);
  });

  test('with fromAsset, the servers download that asset', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const asset = new s3assets.Asset(stack, 'Built', { path: appFolder(10) });
    // WHEN
    const web = new ZeroDowntimeWebTier(stack, 'Tier', { application: WebApplication.fromAsset(asset, { startCommand: './server' }) });
    // THEN
    const variables = variablesExportedBy(userDataOf(Template.fromStack(stack), logicalId(web.webFleet.launchTemplate)));
    expect(variables.get('WEBTIER_APP_ASSET')).toContain(asset.s3ObjectKey);
  });

  describe('permissions', () => {
    const statements = statementsGrantedTo(node.template, logicalId(node.tier.webFleet.role));
    const actions = (prefix: string) => statements.filter(s => [s.Action].flat().some((a: string) => a.startsWith(prefix)));

    test('the web role may read exactly the two objects it downloads (boot files, application), not their bucket', () => {
      // THEN
      const reads = actions('s3:');
      expect(reads).toHaveLength(1);
      expect(reads[0].Action).toBe('s3:GetObject');
      const resources = reads[0].Resource.map((r: unknown) => JSON.stringify(node.stack.resolve(r)));
      expect(resources).toHaveLength(2);
      for (const resource of resources) {
        expect(resource).toMatch(/:s3:::.*\/[0-9a-f]{64}\.zip"/);
        expect(resource).not.toMatch(/\*/);
      }
      expect(resources.join()).toContain(/\/([0-9a-f]{64}\.zip)$/.exec(node.variables.get('WEBTIER_APP_ASSET') ?? '')![1]);
    });

    test('the web role may read the one Redis AUTH secret', () => {
      // THEN
      expect(actions('secretsmanager:')).toEqual([expect.objectContaining({
        Action: 'secretsmanager:GetSecretValue', Resource: { Ref: logicalId(node.tier.cache.authToken) },
      })]);
    });

    test('the web role may write logs only to the application\'s log group', () => {
      // THEN
      expect(actions('logs:')).toEqual([expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: { 'Fn::GetAtt': [logicalId(node.tier.webFleet.logGroup!), 'Arn'] },
      })]);
    });
  });

  describe('logs', () => {
    test('with no props, the fleet makes a log group kept one year, named in the user-data', () => {
      // THEN
      const groups = resourcesOfType(hello.template, 'AWS::Logs::LogGroup');
      const id = logicalId(hello.tier.webFleet.logGroup!);
      expect(groups[id].Properties.RetentionInDays).toBe(365);
      expect(hello.variables.get('WEBTIER_LOG_GROUP')).toBe(`{{Ref:${id}}}`);
    });

    test('with applicationLogs false, there is no log group, no logs permission and no agent', () => {
      // GIVEN
      const stack = new Stack(new App(), 'Stack');
      const network = new WebTierNetwork(stack, 'Network', { flowLogs: false });
      // WHEN
      const fleet = new WebFleet(stack, 'WebFleet', { vpc: network.vpc, applicationLogs: false });
      const template = Template.fromStack(stack);
      // THEN
      expect(fleet.logGroup).toBeUndefined();
      template.resourceCountIs('AWS::Logs::LogGroup', 0);
      expect(statementsGrantedTo(template, logicalId(fleet.role)).filter(s => JSON.stringify(s.Action).includes('logs:'))).toEqual([]);
      expect(variablesExportedBy(userDataOf(template, logicalId(fleet.launchTemplate))).has('WEBTIER_LOG_GROUP')).toBe(false);
    });

    test('with the one-liner and applicationLogs false, the tier has only its flow-log group', () => {
      // WHEN
      const custom = tier({ applicationLogs: false, applicationLogRetention: logs.RetentionDays.ONE_WEEK });
      // THEN
      expect(custom.tier.webFleet.logGroup).toBeUndefined();
      expect(Object.keys(resourcesOfType(custom.template, 'AWS::Logs::LogGroup'))).toEqual([logicalId(custom.tier.network!.flowLogGroup!)]);
    });

    test('with applicationLogRetention one week, the group keeps 7 days', () => {
      // GIVEN
      const stack = new Stack(new App(), 'Stack');
      const network = new WebTierNetwork(stack, 'Network', { flowLogs: false });
      // WHEN
      new WebFleet(stack, 'WebFleet', { vpc: network.vpc, applicationLogRetention: logs.RetentionDays.ONE_WEEK });
      // THEN
      expect(onlyResource(Template.fromStack(stack), 'AWS::Logs::LogGroup').Properties.RetentionInDays).toBe(7);
    });
  });

  const shellcheck = spawnSync('shellcheck', ['--version'], { stdio: 'ignore' }).status === 0;
  (shellcheck ? test.each : test.skip.each)([
    ['the hello counter', () => hello.userData],
    ['the Node.js example', () => node.userData],
  ])('with %s, the rendered user-data passes shellcheck with no finding', (_name, userData) => {
    // WHEN
    const r = spawnSync('shellcheck', ['--severity=style', '-'], { input: userData().replace(/\{\{[^\n']*\}\}/g, 'token'), encoding: 'utf8', timeout: 30_000 });
    // THEN
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  describe('bad input', () => {
    const start = { startCommand: 'node server.js' };
    test.each<[string, () => unknown, string, string, RegExp]>([
      ['a folder that does not exist', () => WebApplication.fromDirectory('/nonexistent/app', start), 'directory', '"/nonexistent/app"', /existing folder/],
      ['an empty folder', () => WebApplication.fromDirectory(fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-empty-')), start), 'directory', '"/', /must not be empty/],
      ['a file instead of a folder', () => WebApplication.fromDirectory(path.join(NODE_APP, 'server.js'), start), 'directory', 'server.js', /existing folder/],
      ['an empty startCommand', () => WebApplication.fromDirectory(NODE_APP, { startCommand: '  ' }), 'startCommand', '"  "', /not empty/],
      ['port 80', () => nodeApp({ port: 80 }), 'port', '80', /from 1024 to 65535/],
      ['port 65536', () => nodeApp({ port: 65536 }), 'port', '65536', /from 1024 to 65535/],
      ['port 22', () => nodeApp({ port: 22 }), 'port', '22', /from 1024 to 65535/],
      ['a health path without a leading /', () => nodeApp({ healthCheckPath: 'healthz' }), 'healthCheckPath', '"healthz"', /start with "\/"/],
      ['a health path with a space', () => nodeApp({ healthCheckPath: '/health z' }), 'healthCheckPath', '"/health z"', /no spaces/],
      ['a health path with a newline', () => nodeApp({ healthCheckPath: '/health\n' }), 'healthCheckPath', '"/health\\n"', /control characters/],
      ['an environment name with a dash', () => nodeApp({ environment: { 'MY-VAR': 'x' } }), 'environment', '"MY-VAR"', /shell identifiers/],
      ['an environment name starting with a digit', () => nodeApp({ environment: { '1VAR': 'x' } }), 'environment', '"1VAR"', /shell identifiers/],
      ['PORT in environment', () => nodeApp({ environment: { PORT: '1' } }), 'environment', '"PORT"', /reserved/],
      ['REDIS_URL in environment', () => nodeApp({ environment: { REDIS_URL: 'x' } }), 'environment', '"REDIS_URL"', /reserved/],
      ['INSTANCE_ID in environment', () => nodeApp({ environment: { INSTANCE_ID: 'x' } }), 'environment', '"INSTANCE_ID"', /reserved/],
      ['an environment value with a newline', () => nodeApp({ environment: { GREETING: 'a\nb' } }), 'environment.GREETING', '"a\\nb"', /without newlines/],
      ['an empty install command', () => nodeApp({ installCommands: [''] }), 'installCommands[0]', '""', /not empty/],
    ])('fails with %s', (_case, build, prop, received, rule) => {
      // WHEN / THEN
      expectInvalidProp(build, { prop, received, rule });
    });

    test('fails with webPort 8000 and an application on port 3000', () => {
      // WHEN / THEN
      expectInvalidProp(() => tier({ webPort: 8000, application: nodeApp({ port: 3000 }) }),
        { prop: 'webPort', received: '8000', rule: /must equal the application's port \(3000\)/ });
    });
  });
});
