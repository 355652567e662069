/**
 * Families 2, 3, 4, 6 and 7 of #20: the application's inputs, checked at synthesis in the user's terms.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Fn, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { NODE_APP_DIR as NODE_APP } from '../../examples/node-app';
import { WebApplication, WebApplicationOptions, WebApplicationSecret, ZeroDowntimeWebTier } from '../../src';
import { expectInvalidProp } from '../util';

const start = { startCommand: 'node server.js' };
const nodeApp = (options: Partial<WebApplicationOptions> = {}) => WebApplication.fromDirectory(NODE_APP, { ...start, ...options });
/** JavaScript callers pass anything: this is how the tests do. */
const js = (value: unknown) => value as any;

function tempFolder(files: Record<string, string> = { 'server.js': 'x' }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-app-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** A stack of an app writing to `outdir`, and a tier in it running `application`. */
function tierIn(application: (stack: Stack) => WebApplication, outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-cdk-out-'))) {
  const stack = new Stack(new App({ outdir }), 'Stack');
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', { application: application(stack) });
  return { stack, tier };
}

describe('the application API from JavaScript callers (#20 family 2)', () => {
  test.each<[string, () => unknown, string, string, RegExp]>([
    ['no options object', () => WebApplication.fromDirectory(NODE_APP, js(undefined)), 'options', 'undefined', /is required/],
    ['null options', () => WebApplication.fromDirectory(NODE_APP, js(null)), 'options', 'null', /is required/],
    ['a string for the options', () => WebApplication.fromDirectory(NODE_APP, js('node server.js')), 'options', '"node server.js"', /object of props/],
    ['no options for fromAsset', () => WebApplication.fromAsset(js(undefined), js(undefined)), 'asset', 'undefined', /Asset/],
    ['no directory', () => WebApplication.fromDirectory(js(undefined), start), 'directory', 'undefined', /path of a folder/],
    ['a number for startCommand', () => nodeApp({ startCommand: js(42) }), 'startCommand', '42', /command that starts/],
    ['a string where installCommands takes a list', () => nodeApp({ installCommands: js('dnf install -y nodejs') }),
      'installCommands', '"dnf install -y nodejs"', /must be a list/],
    ['a number in installCommands', () => nodeApp({ installCommands: js([7]) }), 'installCommands[0]', '7', /shell command/],
    ['a string where environment takes an object', () => nodeApp({ environment: js('GREETING=hello') }), 'environment', '"GREETING=hello"', /object of variables/],
    ['a list where environment takes an object', () => nodeApp({ environment: js(['GREETING=hello']) }), 'environment', '["GREETING=hello"]', /object of variables/],
    ['a number as an environment value', () => nodeApp({ environment: js({ WORKERS: 4 }) }), 'environment.WORKERS', '4', /must be a string/],
    ['null as an environment value', () => nodeApp({ environment: js({ WORKERS: null }) }), 'environment.WORKERS', 'null', /must be a string/],
    ['a SecretValue as an environment value', () => nodeApp({ environment: js({ DB_PASSWORD: SecretValue.unsafePlainText('x') }) }),
      'environment.DB_PASSWORD', '', /for a secret, use `secrets`/],
    ['a string for socketActivation', () => nodeApp({ socketActivation: js('yes') }), 'socketActivation', '"yes"', /true or false/],
    ['a number for healthCheckPath', () => nodeApp({ healthCheckPath: js(200) }), 'healthCheckPath', '200', /start with "\/"/],
    ['a health path over 1024 characters', () => nodeApp({ healthCheckPath: `/${'a'.repeat(1024)}` }), 'healthCheckPath', '"/aaa', /at most 1024/],
    ['a string for port', () => nodeApp({ port: js('3000') }), 'port', '"3000"', /whole number/],
    ['a NUL in startCommand', () => nodeApp({ startCommand: 'node\0server.js' }), 'startCommand', 'node', /NUL/],
    ['a NUL in an install command', () => nodeApp({ installCommands: ['dnf\0install'] }), 'installCommands[0]', 'dnf', /NUL/],
    ['a list where secrets takes an object', () => nodeApp({ secrets: js(['DB_PASSWORD']) }), 'secrets', '["DB_PASSWORD"]', /object of secrets/],
    ['a string as a secret', () => nodeApp({ secrets: js({ DB_PASSWORD: 'hunter2' }) }), 'secrets.DB_PASSWORD', '"hunter2"', /WebApplicationSecret/],
    ['no secret for fromSecretsManager', () => WebApplicationSecret.fromSecretsManager(js(undefined)), 'secret', 'undefined', /is required/],
    ['a string for fromSecretsManager', () => WebApplicationSecret.fromSecretsManager(js('arn:aws:secretsmanager:x')), 'secret', '"arn:aws', /ISecret/],
    ['an empty field', () => WebApplicationSecret.fromSecretsManager(new secretsmanager.Secret(new Stack(), 'S'), ''), 'field', '""', /JSON field/],
    ['no parameter for fromSsmParameter', () => WebApplicationSecret.fromSsmParameter(js(null)), 'parameter', 'null', /is required/],
    ['a string for fromSsmParameter', () => WebApplicationSecret.fromSsmParameter(js('/app/key')), 'parameter', '"/app/key"', /IParameter/],
  ])('fails with %s', (_case, build, prop, received, rule) => {
    // WHEN / THEN
    expectInvalidProp(build, { prop, received, rule });
  });

  test.each<[string, Partial<WebApplicationOptions>]>([
    ['healthCheckPath', { healthCheckPath: js(null) }],
    ['port', { port: js(null) }],
    ['environment', { environment: js(null) }],
    ['installCommands', { installCommands: js(null) }],
    ['socketActivation', { socketActivation: js(null) }],
    ['secrets', { secrets: js(null) }],
  ])('with null for the optional %s, the default applies', (_name, options) => {
    // WHEN
    const application = nodeApp(options);
    // THEN
    expect(application).toMatchObject({ healthCheckPath: '/', port: undefined, environment: {}, installCommands: [], socketActivation: false, secrets: {} });
  });
});

describe('fromAsset (#20 family 3)', () => {
  test.each<[string, (stack: Stack) => unknown, string, string, RegExp]>([
    ['a path string', () => WebApplication.fromAsset(js('build/app.zip'), start), 'asset', '"build/app.zip"', /aws-s3-assets Asset/],
    ['an object that is not an Asset', () => WebApplication.fromAsset(js({ s3BucketName: 'b', s3ObjectKey: 'k' }), start), 'asset', '"s3BucketName"', /Asset/],
    ['a single file that is not a zip', (stack) => WebApplication.fromAsset(
      new s3assets.Asset(stack, 'Jar', { path: path.join(tempFolder({ 'app.tar.gz': 'x' }), 'app.tar.gz') }), start), 'asset', '.tar.gz', /must be a zip file/],
    ['a JavaScript file', (stack) => WebApplication.fromAsset(new s3assets.Asset(stack, 'Js', { path: path.join(NODE_APP, 'server.js') }), start),
      'asset', '.js"', /must be a zip file \(\.zip\) or a folder/],
  ])('fails with %s', (_case, build, prop, received, rule) => {
    // WHEN / THEN
    expectInvalidProp(() => build(new Stack()), { prop, received, rule });
  });

  test.each<[string, (stack: Stack) => s3assets.Asset]>([
    ['a folder asset', (stack) => new s3assets.Asset(stack, 'Folder', { path: NODE_APP })],
    ['a .zip file asset', (stack) => new s3assets.Asset(stack, 'Zip', { path: path.join(tempFolder({ 'app.zip': 'PK' }), 'app.zip') })],
  ])('with %s, it is accepted', (_case, asset) => {
    // WHEN / THEN
    expect(WebApplication.fromAsset(asset(new Stack()), start).startCommand).toBe('node server.js');
  });
});

describe('the application folder (#20 family 4)', () => {
  test('fails with a folder that holds the app\'s own output (outdir)', () => {
    // GIVEN a folder whose cdk.out-like output folder is the app's outdir
    const dir = tempFolder();
    const outdir = path.join(dir, 'out');
    // WHEN / THEN
    expectInvalidProp(() => tierIn(() => WebApplication.fromDirectory(dir, start), outdir),
      { prop: 'directory', received: JSON.stringify(dir), rule: /must not hold the CDK app's own output/ });
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ['a cdk.out folder', { 'server.js': 'x', 'cdk.out/manifest.json': '{}' }, /holds a cdk.out folder/],
    ['cdk.json (the CDK app\'s root)', { 'server.js': 'x', 'cdk.json': '{"app":"npx ts-node bin/app.ts"}' }, /is the root of a CDK app/],
  ])('fails with a folder holding %s', (_case, files, rule) => {
    // GIVEN
    const dir = tempFolder(files);
    // WHEN / THEN
    expectInvalidProp(() => tierIn(() => WebApplication.fromDirectory(dir, start)), { prop: 'directory', received: JSON.stringify(dir), rule });
  });

  test('with the application\'s own folder, two synthesized apps give the same asset (so a deploy with nothing changed replaces nothing)', () => {
    // GIVEN
    const dir = tempFolder();
    const key = () => {
      const { stack } = tierIn(() => WebApplication.fromDirectory(dir, start));
      return JSON.stringify(Template.fromStack(stack).findResources('AWS::EC2::LaunchTemplate'));
    };
    // WHEN / THEN
    expect(key()).toBe(key());
  });
});

describe('size limits in the user\'s terms (#20 family 6)', () => {
  const synthErrors = (options: Partial<WebApplicationOptions>) => {
    const { stack } = tierIn(() => nodeApp(options));
    try {
      Template.fromStack(stack);
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };

  test.each<[string, Partial<WebApplicationOptions>, RegExp]>([
    ['a big environment value', { environment: { CONFIG: 'x'.repeat(17_000) } }, /largest parts come from environment\.CONFIG \(about 170\d\d bytes\)/],
    ['big install commands', { installCommands: Array.from({ length: 40 }, (_, i) => `echo ${i} ${'y'.repeat(400)}`) }, /largest parts come from installCommands \(about 16\d\d\d bytes\)/],
    ['a big start command', { startCommand: `node server.js ${'z'.repeat(16_500)}` }, /largest parts come from startCommand/],
  ])('fails with %s, naming the prop that made the user-data too large', (_case, options, rule) => {
    // WHEN
    const message = synthErrors(options);
    // THEN
    expect(message).toMatch(/over EC2's limit of 16384 bytes/);
    expect(message).toMatch(rule);
  });

  test('fails with values holding tokens that only base64 makes too large, counting each at its deployed size', () => {
    // GIVEN 12 000 literal bytes and a token: under the limit as text, over it once base64 (4 bytes per 3)
    const message = (() => {
      const stack = new Stack(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-cdk-out-')) }), 'Stack');
      const bucket = new CfnParameter(stack, 'Bucket');
      new ZeroDowntimeWebTier(stack, 'Tier', { application: nodeApp({ environment: { CONFIG: `${'x'.repeat(12_000)}${bucket.valueAsString}` } }) });
      try {
        Template.fromStack(stack);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    // THEN
    expect(message).toMatch(/largest parts come from environment\.CONFIG \(about 16\d\d\d bytes\)/);
  });

  test('with values well under the limit, there is no size error', () => {
    // WHEN / THEN
    expect(synthErrors({ environment: { CONFIG: 'x'.repeat(4000) } })).toBe('');
  });
});

describe('secrets in plain values (#20 family 7)', () => {
  const WARNING = 'cdk-zero-downtime-web-tier:secretInPlainValue';
  const warningsOf = (options: (stack: Stack) => Partial<WebApplicationOptions>) => {
    const { stack } = tierIn((s) => nodeApp(options(s)));
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*'))
      .map(w => `${String(w.entry.data)}`);
  };

  test.each<[string, (stack: Stack) => Partial<WebApplicationOptions>, RegExp]>([
    ['a Secrets Manager secret\'s value', (stack) => ({ environment: { DB: new secretsmanager.Secret(stack, 'Db').secretValue.unsafeUnwrap() } }),
      /environment\.DB holds (the value of a secret|a dynamic reference \(\{\{resolve:secretsmanager:)/],
    ['one JSON field of a secret', (stack) => ({ environment: { DB: new secretsmanager.Secret(stack, 'Db').secretValueFromJson('password').unsafeUnwrap() } }),
      /environment\.DB holds (the value of a secret|a dynamic reference)/],
    ['a dynamic reference written by hand', () => ({ environment: { DB: '{{resolve:secretsmanager:prod/db:SecretString:password}}' } }),
      /environment\.DB holds a dynamic reference \(\{\{resolve:secretsmanager:\.\.\.\}\}\)/],
    ['a SecureString dynamic reference', () => ({ environment: { KEY: '{{resolve:ssm-secure:/app/key:1}}' } }), /environment\.KEY holds a dynamic reference \(\{\{resolve:ssm-secure/],
    ['a dynamic reference built with Fn.join', (stack) => ({
      environment: { DB: Fn.join('', ['{{resolve:secretsmanager:', new secretsmanager.Secret(stack, 'Db').secretArn, ':SecretString:password}}']) },
    }), /environment\.DB holds a dynamic reference/],
    ['a secret in startCommand', (stack) => ({ startCommand: `PASSWORD=${new secretsmanager.Secret(stack, 'Db').secretValue.unsafeUnwrap()} node server.js` }),
      /startCommand holds (the value of a secret|a dynamic reference)/],
    ['a NoEcho parameter (SecretValue.cfnParameter)', (stack) => ({
      environment: { DB: SecretValue.cfnParameter(new CfnParameter(stack, 'DbPassword', { noEcho: true })).unsafeUnwrap() },
    }), /environment\.DB holds (the value of a secret|the NoEcho parameter)/],
    ['a secret in an install command', () => ({ installCommands: ['echo {{resolve:secretsmanager:npm-token}} > .npmrc'] }), /installCommands\[0\] holds a dynamic reference/],
  ])('warns with %s, pointing to secrets', (_case, options, message) => {
    // WHEN
    const warnings = warningsOf(options);
    // THEN
    const secret = warnings.filter(w => w.includes(WARNING));
    expect(secret).toHaveLength(1);
    expect(secret[0]).toMatch(message);
    expect(secret[0]).toMatch(/plaintext in the launch template's user-data.*Use the application's `secrets`/);
  });

  test('warns with a literal value under a name that says it is a secret', () => {
    // WHEN
    const warnings = warningsOf(() => ({ environment: { STRIPE_API_KEY: 'sk_live_123' } }));
    // THEN
    expect(warnings.filter(w => w.includes('cdk-zero-downtime-web-tier:secretNamedInEnvironment'))).toEqual([
      expect.stringMatching(/environment\.STRIPE_API_KEY is named like a secret .* give it as the application's `secrets`/),
    ]);
  });

  test('with plain values, a plain SSM parameter and secrets given as secrets, there is no secret warning', () => {
    // WHEN
    const warnings = warningsOf((stack) => ({
      environment: { GREETING: 'hello', FLAG: ssm.StringParameter.valueForStringParameter(stack, '/app/flag'), NAME: new CfnParameter(stack, 'Name').valueAsString },
      secrets: { DB_PASSWORD: WebApplicationSecret.fromSecretsManager(new secretsmanager.Secret(stack, 'Db')) },
    }));
    // THEN
    expect(warnings.filter(w => /secretInPlainValue|secretNamedInEnvironment/.test(w))).toEqual([]);
  });
});
