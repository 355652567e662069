/**
 * The real boot path of a web server, on 127.0.0.1: synthesize the example apps, take the launch template's
 * user-data and the asset zips that synthesis staged, and run that user-data with stand-ins for IMDSv2, the `aws`
 * CLI, systemd, dnf and the CloudWatch agent, against a real Redis with TLS and AUTH. For the tutorial's hello
 * counter (Python) and the Node.js example app.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { bootStandIns, BootStandIns, zippedAssets } from './boot-stand-ins';
import {
  Cleanup, describeWith, freePort, httpGet, LOOPBACK, makeTlsFiles, parseHello, readConfig, readCounter, RedisServer, runScript,
  ScriptResult, startFakeImds, startRedis, tempDir,
} from './harness';
import { nodeExampleApp } from '../../examples/node-app';
import { tutorialApp } from '../../examples/tutorial-app';
import { ZeroDowntimeWebTier } from '../../src';
import { logicalId, userDataOf } from '../util';

const TOKEN = 'rt-auth-token-0123456789abcdefABCDEF';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:webtier-redis-auth-AbCdEf';
const LOG_GROUP = 'webtier-application-logs';

interface Example {
  readonly name: string;
  readonly build: (outdir: string) => { app: App; stack: Stack; tier: ZeroDowntimeWebTier };
  /** The page that counts, and how to read the count from it. */
  readonly page: string;
  readonly count: (body: string) => number;
  readonly counterKey: string;
  /** A line the application prints at start, to find in its log. */
  readonly startLine: RegExp;
}

const EXAMPLES: Example[] = [
  {
    name: 'the hello counter (WebApplication.helloCounter(), which has socketActivation)',
    build: tutorialApp,
    page: '/cgi-bin/hello.py',
    count: (body) => parseHello(body).count,
    counterKey: 'webtier:hello:counter',
    startLine: /^webtier_server: i-0boot/m,
  },
  {
    name: 'the Node.js example (the webapp/ of the apps the project type creates)',
    build: nodeExampleApp,
    page: '/',
    count: (body) => Number(/Counter: (\d+)/.exec(body)?.[1]),
    counterKey: 'webtier:node:counter',
    startLine: /^webapp: i-0boot\S* on port/m,
  },
  {
    name: 'the Node.js example with socketActivation (systemd passes the listening socket)',
    build: (outdir) => nodeExampleApp(outdir, { socketActivation: true }),
    page: '/',
    count: (body) => Number(/Counter: (\d+)/.exec(body)?.[1]),
    counterKey: 'webtier:node:counter',
    startLine: /^webapp: i-0boot\S* on the socket systemd passed \(fd 3\)/m,
  },
];

/** The user-data as this test's instance runs it: CloudFormation values filled in, /opt/webtier under `home`. */
function instanceUserData(userData: string, values: Record<string, string>, home: string): string {
  const filled = userData
    .replace(/^export (\w+)='.*'$/gm, (line, name: string) => name in values ? `export ${name}='${values[name]}'` : line)
    .replace(/\{\{\{"Fn::Sub":"cdk-[^"]*"\}\}\}/g, 'cdk-assets-bucket')
    .replace(/\/opt\/webtier/g, home);
  expect(filled).not.toContain('{{');
  return filled;
}

describeWith(['redis-server', 'redis-tls', 'openssl', 'curl'])('a web server\'s boot, from synthesized user-data and assets', () => {
  const registry = new Cleanup();
  let redis: RedisServer;
  let caFile: string;

  beforeAll(async () => {
    caFile = makeTlsFiles(tempDir('tls', registry)).caFile;
    redis = await startRedis({ tls: { ...makeTlsFiles(path.dirname(caFile)), caFile }, password: TOKEN, registry });
  });
  afterAll(() => registry.run());

  describe.each(EXAMPLES)('with $name', (example) => {
    const perApp = new Cleanup();
    let standIns: BootStandIns;
    let result: ScriptResult;
    let port: number;
    let envFile: string;
    let root: string;

    beforeAll(async () => {
      // GIVEN the synthesized app
      const outdir = tempDir('cdk-out', perApp);
      const { app, stack, tier } = example.build(outdir);
      app.synth();
      const userData = userDataOf(Template.fromStack(stack), logicalId(tier.webFleet.launchTemplate));
      // and an instance
      root = tempDir('instance', perApp);
      const home = path.join(root, 'opt', 'webtier');
      envFile = path.join(root, 'etc', 'webtier', 'webtier.env');
      fs.mkdirSync(path.join(root, 'units'));
      fs.mkdirSync(path.join(root, 'logrotate.d'));
      port = await freePort();
      const imds = await startFakeImds({ instanceId: 'i-0boot0000000001', region: 'eu-west-3', registry: perApp });
      standIns = bootStandIns({ s3Objects: zippedAssets(outdir, stack, perApp), secret: TOKEN, registry: perApp });
      const script = path.join(root, 'user-data.sh');
      fs.writeFileSync(script, instanceUserData(userData, {
        WEBTIER_REGION: 'eu-west-3',
        WEBTIER_REDIS_HOST: LOOPBACK,
        WEBTIER_REDIS_PORT: String(redis.port),
        WEBTIER_REDIS_AUTH_SECRET_ARN: SECRET_ARN,
        WEBTIER_WEB_PORT: String(port),
        WEBTIER_LOG_GROUP: LOG_GROUP,
        WEBTIER_STACK_NAME: 'ExampleStack',
        WEBTIER_TARGET_GROUP_ARN: 'arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/web/0123456789abcdef',
      }, home));
      // WHEN it boots
      result = await runScript(script, {
        PATH: `${standIns.binDir}:/usr/bin:/bin`,
        WEBTIER_IMDS_ENDPOINT: imds.url,
        WEBTIER_CONFIG: envFile,
        WEBTIER_USER: os.userInfo().username,
        WEBTIER_UNIT_DIR: path.join(root, 'units'),
        WEBTIER_APP_LOG: path.join(root, 'log', 'app.log'),
        WEBTIER_CWAGENT_DIR: standIns.cwAgentDir,
        WEBTIER_LOGROTATE_DIR: path.join(root, 'logrotate.d'),
        WEBTIER_WEB_BIND: LOOPBACK,
        WEBTIER_READY_POLL_SECONDS: '0.2',
        // The test CA, trusted the way each application takes it (ElastiCache's certificates need none of this).
        WEBTIER_ENV_REDIS_TLS_CA_FILE: caFile,
        WEBTIER_ENV_NODE_EXTRA_CA_CERTS: caFile,
      }, 90_000);
    }, 180_000);
    afterAll(() => perApp.run());

    test('it downloads the boot files and the application, starts it, and signals SUCCESS to CloudFormation', () => {
      // THEN
      expect(result.stderr).toMatch(/bootstrap-web\.sh: done/);
      expect(result.code).toBe(0);
      const aws = standIns.calls().filter((c) => c[0] === 'aws').map((c) => c.slice(1));
      expect(aws.filter((c) => c[0] === 's3' && c[1] === 'cp')).toHaveLength(2);
      const signal = aws.find((c) => c[0] === 'cloudformation')!;
      expect(signal[signal.indexOf('--status') + 1]).toBe('SUCCESS');
      expect(signal[signal.indexOf('--unique-id') + 1]).toBe('i-0boot0000000001');
      // The launch lifecycle action is completed (CONTINUE) before CloudFormation is told.
      const complete = aws.findIndex((c) => c[1] === 'complete-lifecycle-action');
      expect(aws[complete][aws[complete].indexOf('--lifecycle-action-result') + 1]).toBe('CONTINUE');
      expect(complete).toBeLessThan(aws.indexOf(signal));
    });

    test('the application answers and counts every visit in the TLS + AUTH Redis', async () => {
      // GIVEN
      const before = await readCounter(redis, example.counterKey);
      // WHEN
      const pages = [];
      for (let i = 0; i < 3; i++) pages.push(await httpGet(`http://${LOOPBACK}:${port}${example.page}`));
      // THEN
      expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
      expect(pages.map((p) => example.count(p.body))).toEqual([before + 1, before + 2, before + 3]);
      expect(await readCounter(redis, example.counterKey)).toBe(before + 3);
    });

    test('its environment file (0600) holds the port, the instance, its zone and the Redis connection with the AUTH token', () => {
      // THEN
      expect((fs.statSync(envFile).mode % 0o1000).toString(8)).toBe('600');
      expect(readConfig(envFile)).toEqual(expect.objectContaining({
        PORT: String(port),
        INSTANCE_ID: 'i-0boot0000000001',
        AVAILABILITY_ZONE: 'eu-west-3a',
        REDIS_HOST: LOOPBACK,
        REDIS_PORT: String(redis.port),
        REDIS_TLS: 'true',
        REDIS_AUTH_TOKEN: TOKEN,
      }));
      expect(result.stderr).not.toContain(TOKEN);
    });

    test('its output goes to the log file that the CloudWatch agent ships to the log group', () => {
      // THEN
      const logFile = path.join(root, 'log', 'app.log');
      expect(fs.readFileSync(logFile, 'utf8')).toMatch(example.startLine);
      const config = JSON.parse(fs.readFileSync(path.join(standIns.cwAgentDir, 'etc', 'webtier.json'), 'utf8'));
      expect(config.logs.logs_collected.files.collect_list).toEqual([expect.objectContaining({ file_path: logFile, log_group_name: LOG_GROUP })]);
      const ctl = standIns.calls().find((c) => c[0] === 'amazon-cloudwatch-agent-ctl')!;
      expect(ctl.slice(1, 3)).toEqual(['-a', 'fetch-config']);
      // and logrotate keeps the local file small, truncating it in place (systemd holds it open)
      expect(fs.readFileSync(path.join(root, 'logrotate.d', 'webtier'), 'utf8')).toMatch(new RegExp(`^${logFile} \\{[^}]*copytruncate`));
    });

    test('systemd runs it as the application\'s own user, restarting it always', () => {
      // THEN
      const unit = fs.readFileSync(path.join(root, 'units', 'webtier.service'), 'utf8');
      expect(unit).toMatch(new RegExp(`^User=${os.userInfo().username}$`, 'm'));
      expect(unit).toMatch(/^Restart=always$/m);
      const units = example.name.includes('socketActivation') ? ['webtier.socket', 'webtier'] : ['webtier'];
      expect(standIns.calls().filter((c) => c[0] === 'systemctl').map((c) => c.slice(1))).toEqual([['daemon-reload'], ['enable', '--now', ...units]]);
    });
  });
});

describeWith(['curl'])('a web server\'s boot when its boot files cannot be downloaded', () => {
  const registry = new Cleanup();
  afterAll(() => registry.run());

  test('it signals FAILURE to CloudFormation at once, so the deploy rolls back without waiting out its timeout', async () => {
    // GIVEN the synthesized hello counter, and an S3 that has none of its objects
    const outdir = tempDir('cdk-out', registry);
    const { app, stack, tier } = tutorialApp(outdir);
    app.synth();
    const userData = userDataOf(Template.fromStack(stack), logicalId(tier.webFleet.launchTemplate));
    const root = tempDir('instance', registry);
    const imds = await startFakeImds({ instanceId: 'i-0noboot000000001', region: 'eu-west-3', registry });
    const standIns = bootStandIns({ s3Objects: {}, secret: TOKEN, registry });
    const script = path.join(root, 'user-data.sh');
    fs.writeFileSync(script, instanceUserData(userData, {
      WEBTIER_REGION: 'eu-west-3',
      WEBTIER_STACK_NAME: 'ExampleStack',
      WEBTIER_REDIS_HOST: LOOPBACK,
      WEBTIER_REDIS_AUTH_SECRET_ARN: SECRET_ARN,
      WEBTIER_LOG_GROUP: LOG_GROUP,
      WEBTIER_TARGET_GROUP_ARN: 'arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/web/0123456789abcdef',
    }, path.join(root, 'opt', 'webtier')));
    // WHEN it boots
    const result = await runScript(script, { PATH: `${standIns.binDir}:/usr/bin:/bin`, WEBTIER_IMDS_ENDPOINT: imds.url }, 60_000);
    // THEN it tried the download several times, then signalled FAILURE for this instance, and stopped
    expect(result.code).not.toBe(0);
    const aws = standIns.calls().filter((c) => c[0] === 'aws').map((c) => c.slice(1));
    expect(aws.filter((c) => c[0] === 's3').length).toBeGreaterThan(1);
    const signal = aws.find((c) => c[0] === 'cloudformation');
    expect(signal).toBeDefined();
    expect(signal![signal!.indexOf('--status') + 1]).toBe('FAILURE');
    expect(signal![signal!.indexOf('--unique-id') + 1]).toBe('i-0noboot000000001');
    expect(signal![signal!.indexOf('--logical-resource-id') + 1]).toBe(logicalId(tier.webFleet.autoScalingGroup));
    // and abandoned its launch, so the Auto Scaling group terminates it at once (an instance refresh sees a failed launch)
    const abandon = aws.find((c) => c[1] === 'complete-lifecycle-action');
    expect(abandon![abandon!.indexOf('--lifecycle-action-result') + 1]).toBe('ABANDON');
    expect(abandon![abandon!.indexOf('--auto-scaling-group-name') + 1]).toBe('web-asg');
    expect(abandon![abandon!.indexOf('--instance-id') + 1]).toBe('i-0noboot000000001');
  }, 90_000);
});
