/**
 * What the web servers' user-data actually exports, run in bash on 127.0.0.1 (#20 family 5, #22 item 1): the
 * launch template's user-data as CloudFormation computes it (tokens filled in, `Fn::Base64` computed), the asset
 * zips synthesis staged, and stand-ins for IMDSv2, the `aws` CLI (S3, Secrets Manager, SSM, signals) and systemd.
 * The application is a small Python server that records its argv and environment.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { bootStandIns, BootStandIns, deployedValue, zippedAssets } from './boot-stand-ins';
import { Cleanup, describeWith, freePort, httpGet, LOOPBACK, readConfig, runScript, ScriptResult, startFakeImds, tempDir } from './harness';
import { WebApplication, WebApplicationSecret, ZeroDowntimeWebTier } from '../../src';
import { logicalId } from '../util';

const REGION = 'eu-west-3';
const ACCOUNT = '123456789012';
const REDIS_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:webtier-redis-auth-AbCdEf`;
const DB_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:app-db-AbCdEf`;
const API_SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:app-api-AbCdEf`;
const PARAMETER = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/signing-key`;
/** Values no log may show. */
const DB_PASSWORD = 'db-pa$$word "quoted" it\'s `x` \\ end';
const API_KEY = 'sk_live_0123456789abcdef';
const SIGNING_KEY = 'signing-key-9f8e7d6c5b4a-clé-ünïcode';

/** A parameter value (a token at synthesis) with every character a shell treats specially. */
const NOTE = 'it\'s "a note" with $HOME, `id`, \\n, ; | & and \'\' quotes';
const BUCKET = 'my-bucket-0123';

const SERVER = `import http.server, json, os, sys
with open(os.path.join(os.environ["DUMP_DIR"], "seen.json"), "w") as f:
    json.dump({"argv": sys.argv[1:], "env": dict(os.environ)}, f)
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
http.server.HTTPServer((os.environ["WEB_BIND"], int(os.environ["PORT"])), Handler).serve_forever()
`;

interface Booted {
  readonly result: ScriptResult;
  readonly standIns: BootStandIns;
  readonly root: string;
  readonly home: string;
  readonly envFile: string;
  readonly dumpDir: string;
  readonly port: number;
  readonly asgId: string;
}

/**
 * Synthesizes a tier running the Python server with values that mix tokens and quotes, and secrets; boots its
 * user-data against the stand-ins, whose Secrets Manager can read `readable` secrets only.
 */
async function boot(registry: Cleanup, readable: Record<string, string>): Promise<Booted> {
  // GIVEN the application, and a tier whose values mix tokens, quotes and shell characters
  const appDir = tempDir('python-app', registry);
  fs.writeFileSync(path.join(appDir, 'server.py'), SERVER);
  const dumpDir = tempDir('dump', registry);
  const outdir = tempDir('cdk-out', registry);
  const app = new App({ outdir });
  const stack = new Stack(app, 'ValuesStack', { env: { account: ACCOUNT, region: REGION } });
  const note = new CfnParameter(stack, 'Note').valueAsString;
  const bucket = new CfnParameter(stack, 'Bucket').valueAsString;
  const db = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Db', DB_SECRET);
  const api = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Api', API_SECRET);
  const signing = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Signing', { parameterName: '/app/signing-key' });
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', {
    // The one-liner's health path, none of the application's (#20's bug: the boot asked "/", which answers 404).
    healthCheck: { path: '/healthz' },
    application: WebApplication.fromDirectory(appDir, {
      startCommand: `exec python3 server.py --bucket '${bucket}' --quote "it's \\"q\\" \\$HOME"`,
      installCommands: [`printf '%s\\n' "it's \\"${bucket}\\"" > installed.txt`, 'echo "done; $((1 + 1))" >> installed.txt'],
      environment: {
        DUMP_DIR: dumpDir,
        PLAIN: 'it\'s "quoted" $HOME `id` \\ ; | & <>',
        ONLY_TOKEN: note,
        MIXED: `prefix-'${note}'-"${bucket}"-suffix`,
      },
      secrets: {
        DB_PASSWORD: WebApplicationSecret.fromSecretsManager(db, 'password'),
        API_KEY: WebApplicationSecret.fromSecretsManager(api),
        SIGNING_KEY: WebApplicationSecret.fromSsmParameter(signing),
      },
      // Its only page is the health page ("/" answers 404): the release checks ask it, and its body.
      releaseChecks: [{ path: '/healthz', bodyContains: 'ok' }],
    }),
  });
  app.synth();
  const template = Template.fromStack(stack).toJSON();
  const asgId = logicalId(tier.webFleet.autoScalingGroup);
  // and the user-data as CloudFormation computes it
  const port = await freePort();
  const root = tempDir('instance', registry);
  const home = path.join(root, 'opt', 'webtier');
  const userData = deployedValue(template.Resources[logicalId(tier.webFleet.launchTemplate)].Properties.LaunchTemplateData.UserData['Fn::Base64'], {
    'AWS::Region': REGION,
    'AWS::AccountId': ACCOUNT,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'ValuesStack',
    'Note': NOTE,
    'Bucket': BUCKET,
    [logicalId(tier.cache.authToken)]: REDIS_SECRET,
  })
    // The instance's own port and no log group (the log shipping has tests of its own), /opt/webtier under `home`.
    .replace(/^export WEBTIER_WEB_PORT='.*'$/m, `export WEBTIER_WEB_PORT='${port}'`)
    .replace(/^export WEBTIER_LOG_GROUP='.*'$/m, 'export WEBTIER_LOG_GROUP=\'\'')
    .replace(/\/opt\/webtier/g, home);
  const script = path.join(root, 'user-data.sh');
  fs.writeFileSync(script, userData);
  // and an instance
  fs.mkdirSync(path.join(root, 'units'));
  const envFile = path.join(root, 'etc', 'webtier', 'webtier.env');
  const imds = await startFakeImds({ instanceId: 'i-0values00000001', region: REGION, registry });
  const standIns = bootStandIns({
    s3Objects: zippedAssets(outdir, stack, registry),
    secret: '',
    secrets: { [REDIS_SECRET]: 'redis-token', ...readable },
    parameters: { [PARAMETER]: SIGNING_KEY },
    registry,
  });
  // WHEN it boots
  const result = await runScript(script, {
    PATH: `${standIns.binDir}:/usr/bin:/bin`,
    WEBTIER_IMDS_ENDPOINT: imds.url,
    WEBTIER_CONFIG: envFile,
    WEBTIER_USER: os.userInfo().username,
    WEBTIER_UNIT_DIR: path.join(root, 'units'),
    WEBTIER_WEB_BIND: LOOPBACK,
    WEBTIER_READY_POLL_SECONDS: '0.2',
  }, 90_000);
  return { result, standIns, root, home, envFile, dumpDir, port, asgId };
}

/** The `--status` of each CloudFormation signal the boot sent. */
function signals(standIns: BootStandIns): string[] {
  return standIns.calls().filter((c) => c[0] === 'aws' && c[1] === 'cloudformation').map((c) => c[c.indexOf('--status') + 1]);
}

describeWith(['curl'])('a web server\'s boot, with values that mix tokens and quotes, and secrets', () => {
  const registry = new Cleanup();
  let booted: Booted;

  beforeAll(async () => {
    booted = await boot(registry, { [DB_SECRET]: JSON.stringify({ username: 'app', password: DB_PASSWORD }), [API_SECRET]: API_KEY });
  }, 180_000);
  afterAll(() => registry.run());

  test('it boots, passes the readiness check on the one-liner\'s health path, and signals SUCCESS', async () => {
    // THEN
    expect(booted.result.stderr).toMatch(/bootstrap-web\.sh: done/);
    expect(booted.result.code).toBe(0);
    expect(signals(booted.standIns)).toEqual(['SUCCESS']);
    expect((await httpGet(`http://${LOOPBACK}:${booted.port}/healthz`)).status).toBe(200);
  });

  test('its release checks passed before it completed its launch: CONTINUE, no failure published', () => {
    expect(booted.result.stderr).toMatch(/release-checks\.sh: release check GET \/healthz: passed \(200\)/);
    const calls = booted.standIns.calls();
    expect(calls.filter((c) => c[1] === 'cloudwatch')).toEqual([]);
    const complete = calls.find((c) => c[1] === 'autoscaling' && c[2] === 'complete-lifecycle-action')!;
    expect(complete[complete.indexOf('--lifecycle-action-result') + 1]).toBe('CONTINUE');
  });

  test('environment reaches the application byte for byte: literals, a token alone, and a token between quotes', () => {
    // WHEN
    const seen = JSON.parse(fs.readFileSync(path.join(booted.dumpDir, 'seen.json'), 'utf8'));
    // THEN
    expect(seen.env).toEqual(expect.objectContaining({
      PLAIN: 'it\'s "quoted" $HOME `id` \\ ; | & <>',
      ONLY_TOKEN: NOTE,
      MIXED: `prefix-'${NOTE}'-"${BUCKET}"-suffix`,
    }));
    // and the environment file reads the same in bash
    expect(readConfig(booted.envFile)).toEqual(expect.objectContaining({ ONLY_TOKEN: NOTE, MIXED: `prefix-'${NOTE}'-"${BUCKET}"-suffix` }));
  });

  test('startCommand arrives byte for byte, and runs as the shell text it is', () => {
    // THEN
    expect(fs.readFileSync(path.join(booted.home, 'start-app'), 'utf8').split('\n')[2])
      .toBe(`exec python3 server.py --bucket '${BUCKET}' --quote "it's \\"q\\" \\$HOME"`);
    const seen = JSON.parse(fs.readFileSync(path.join(booted.dumpDir, 'seen.json'), 'utf8'));
    expect(seen.argv).toEqual(['--bucket', BUCKET, '--quote', 'it\'s "q" $HOME']);
  });

  test('installCommands arrive byte for byte and run in the application\'s folder', () => {
    // THEN
    expect(fs.readFileSync(path.join(booted.home, 'app', 'installed.txt'), 'utf8')).toBe(`it's "${BUCKET}"\ndone; 2\n`);
  });

  test('the secrets reach the environment file (mode 0600, the application\'s user) and the application: a JSON field, a whole secret, an SSM parameter', () => {
    // THEN
    const stat = fs.statSync(booted.envFile);
    expect((stat.mode % 0o1000).toString(8)).toBe('600');
    expect(stat.uid).toBe(os.userInfo().uid);
    expect(readConfig(booted.envFile)).toEqual(expect.objectContaining({ DB_PASSWORD, API_KEY, SIGNING_KEY }));
    const seen = JSON.parse(fs.readFileSync(path.join(booted.dumpDir, 'seen.json'), 'utf8'));
    expect(seen.env).toEqual(expect.objectContaining({ DB_PASSWORD, API_KEY, SIGNING_KEY }));
  });

  test('the boot asked for each secret by its ARN only, and no secret value is in the user-data or the boot\'s log', () => {
    // THEN
    const aws = booted.standIns.calls().filter((c) => c[0] === 'aws');
    expect(aws.filter((c) => c[1] === 'secretsmanager').map((c) => c[c.indexOf('--secret-id') + 1]).sort()).toEqual([API_SECRET, DB_SECRET, REDIS_SECRET].sort());
    expect(aws.filter((c) => c[1] === 'ssm').map((c) => c[c.indexOf('--names') + 1])).toEqual([PARAMETER]);
    expect(aws.find((c) => c[1] === 'ssm')).toContain('--with-decryption');
    const userData = fs.readFileSync(path.join(booted.root, 'user-data.sh'), 'utf8');
    for (const value of [DB_PASSWORD, API_KEY, SIGNING_KEY]) {
      expect(userData).not.toContain(value);
      expect(`${booted.result.stdout}${booted.result.stderr}`).not.toContain(value);
    }
  });
});

describeWith(['curl'])('a web server\'s boot when a secret cannot be read', () => {
  const registry = new Cleanup();
  afterAll(() => registry.run());

  test('it fails at once with FAILURE to CloudFormation, naming the secret in the log and never a value', async () => {
    // WHEN the role may read the database secret but not the API key
    const booted = await boot(registry, { [DB_SECRET]: JSON.stringify({ password: DB_PASSWORD }) });
    // THEN
    expect(booted.result.code).not.toBe(0);
    expect(booted.result.stderr).toMatch(/ERROR: cannot read the secret API_KEY from arn:aws:secretsmanager:eu-west-3:123456789012:secret:app-api-AbCdEf/);
    expect(signals(booted.standIns)).toEqual(['FAILURE']);
    const signal = booted.standIns.calls().find((c) => c[1] === 'cloudformation')!;
    expect(signal[signal.indexOf('--logical-resource-id') + 1]).toBe(booted.asgId);
    expect(`${booted.result.stdout}${booted.result.stderr}`).not.toContain(DB_PASSWORD);
    // at once: nothing was started, and no environment file was written
    expect(booted.standIns.calls().filter((c) => c[0] === 'systemctl')).toEqual([]);
    expect(fs.existsSync(booted.envFile)).toBe(false);
    expect(booted.result.ms).toBeLessThan(30_000);
  }, 180_000);

  test('with a JSON field the secret does not have, it fails the same way, naming the secret', async () => {
    // WHEN the database secret has no "password" field
    const booted = await boot(registry, { [DB_SECRET]: JSON.stringify({ pass: DB_PASSWORD }), [API_SECRET]: API_KEY });
    // THEN
    expect(booted.result.code).not.toBe(0);
    expect(booted.result.stderr).toMatch(/ERROR: cannot read the secret DB_PASSWORD/);
    expect(signals(booted.standIns)).toEqual(['FAILURE']);
    expect(`${booted.result.stdout}${booted.result.stderr}`).not.toContain(DB_PASSWORD);
  }, 180_000);
});
