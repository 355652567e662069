import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bootStandIns } from './boot-stand-ins';
import {
  cleanup, Cleanup, describeWith, fakeAws, freePort, httpGet, installAssets, LOOPBACK, readConfig, runScript, startFakeImds, tempDir,
} from './harness';

describe('stand-in IMDS', () => {
  afterAll(() => cleanup.run());

  test('with no token, a metadata GET is refused with 401', async () => {
    const imds = await startFakeImds({ instanceId: 'i-0123456789abcdef0' });
    const res = await httpGet(`${imds.url}/latest/meta-data/instance-id`);

    expect(res.status).toBe(401);
    expect(res.body).not.toContain('i-0123456789abcdef0');
    expect(imds.refusedGets).toBe(1);
  });

  test('with a token from PUT /latest/api/token, the instance id is served', async () => {
    const imds = await startFakeImds({ instanceId: 'i-0123456789abcdef0' });
    const token = await httpGet(`${imds.url}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } });
    const res = await httpGet(`${imds.url}/latest/meta-data/instance-id`, { headers: { 'X-aws-ec2-metadata-token': token.body } });

    expect(res.status).toBe(200);
    expect(res.body).toBe('i-0123456789abcdef0');
    expect(imds.tokenPuts).toBe(1);
  });
});

describeWith(['curl'])('bootstrap-web.sh', () => {
  const perTest = new Cleanup();
  let home: string;
  let root: string;
  let appZip: string;

  beforeAll(() => {
    // A tiny application: Python's own HTTP server on $PORT, serving its folder.
    const app = tempDir('tiny-app');
    fs.writeFileSync(path.join(app, 'index.html'), 'tiny app\n');
    appZip = path.join(tempDir('tiny-zip'), 'app.zip');
    const r = spawnSync('zip', ['-q', '-r', appZip, '.'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
  });
  beforeEach(() => {
    root = tempDir('instance', perTest);
    home = path.join(root, 'opt');
    installAssets('web', home);
    fs.mkdirSync(path.join(root, 'units'));
  });
  afterEach(() => perTest.run());
  afterAll(() => cleanup.run());

  async function bootstrap(instanceId: string, env: Record<string, string>, imdsOptions: { failFirstTokenPuts?: number } = {}) {
    const imds = await startFakeImds({ instanceId, registry: perTest, ...imdsOptions });
    const standIns = bootStandIns({ s3Objects: { 'app.zip': appZip }, secret: env.SECRET ?? '', registry: perTest });
    const port = await freePort();
    const result = await runScript(path.join(home, 'bootstrap-web.sh'), {
      PATH: `${standIns.binDir}:/usr/bin:/bin`,
      WEBTIER_HOME: home,
      WEBTIER_CONFIG: path.join(root, 'etc', 'webtier.env'),
      WEBTIER_USER: os.userInfo().username,
      WEBTIER_UNIT_DIR: path.join(root, 'units'),
      WEBTIER_IMDS_ENDPOINT: imds.url,
      WEBTIER_REGION: 'eu-west-3',
      WEBTIER_APP_ASSET: 's3://bucket/app.zip',
      WEBTIER_START_COMMAND: 'exec python3 -m http.server "$PORT" --bind 127.0.0.1',
      WEBTIER_WEB_PORT: String(port),
      WEBTIER_REDIS_HOST: LOOPBACK,
      ...env,
    }, 60_000);
    return { imds, standIns, result, port, envFile: path.join(root, 'etc', 'webtier.env') };
  }

  test('with the stand-ins, it writes the instance, zone and Redis settings into a 0600 environment file and starts the app', async () => {
    const { imds, result, port, envFile } = await bootstrap('i-0feedfacefeedface', { WEBTIER_REDIS_PORT: '6380', WEBTIER_REDIS_TLS: 'true' });

    expect(result.code).toBe(0);
    expect(readConfig(envFile)).toEqual(expect.objectContaining({
      PORT: String(port),
      INSTANCE_ID: 'i-0feedfacefeedface',
      AVAILABILITY_ZONE: 'eu-west-3a',
      REDIS_HOST: LOOPBACK,
      REDIS_PORT: '6380',
      REDIS_TLS: 'true',
      REDIS_AUTH_TOKEN: '',
    }));
    expect((fs.statSync(envFile).mode % 0o1000).toString(8)).toBe('600');
    expect(imds.refusedGets).toBe(0);
    expect((await httpGet(`http://${LOOPBACK}:${port}/index.html`)).body).toBe('tiny app\n');
  });

  test('with WEBTIER_ENV_* variables, the environment file carries them under their own names, verbatim', async () => {
    const tricky = 'a "quoted" $HOME `cmd` \\ value';
    const { result, envFile } = await bootstrap('i-0env0000000000001', { WEBTIER_ENV_GREETING: 'hello', WEBTIER_ENV_TRICKY: tricky });

    expect(result.code).toBe(0);
    expect(readConfig(envFile)).toEqual(expect.objectContaining({ GREETING: 'hello', TRICKY: tricky }));
  });

  test('with an AUTH secret ARN, it reads the token with aws secretsmanager and stores it verbatim', async () => {
    const token = 'p4$$w0rd"with`shell\\chars\'$(touch /tmp/pwned)';
    const arn = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:webtier-redis-auth-AbCdEf';
    const { standIns, result, envFile } = await bootstrap('i-0secret000000001', { WEBTIER_REDIS_AUTH_SECRET_ARN: arn, SECRET: token });

    expect(result.code).toBe(0);
    expect(readConfig(envFile).REDIS_AUTH_TOKEN).toBe(token);
    expect(result.stderr).not.toContain('w0rd');
    const call = standIns.calls().find((c) => c[0] === 'aws' && c[1] === 'secretsmanager')!;
    expect(call[call.indexOf('--secret-id') + 1]).toBe(arn);
    expect(call[call.indexOf('--region') + 1]).toBe('eu-west-3');
  });

  test('with install commands, it runs them once in the application folder before the start', async () => {
    const { result } = await bootstrap('i-0install00000001', { WEBTIER_INSTALL_COMMANDS: 'pwd > installed-in\ndnf install -y nodejs' });

    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(home, 'app', 'installed-in'), 'utf8').trim()).toBe(path.join(home, 'app'));
  });

  test('with a failing install command, it fails clearly and starts nothing', async () => {
    const { standIns, result } = await bootstrap('i-0install00000002', { WEBTIER_INSTALL_COMMANDS: 'false' });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('bootstrap-web.sh: ERROR: the install commands failed');
    expect(standIns.calls().filter((c) => c[0] === 'systemctl')).toEqual([]);
  });

  test('with IMDS failing at first, it retries and still gets the instance id', async () => {
    const { imds, result, envFile } = await bootstrap('i-0flaky0000000001', {}, { failFirstTokenPuts: 1 });

    expect(result.code).toBe(0);
    expect(imds.tokenPuts).toBeGreaterThan(1);
    expect(readConfig(envFile).INSTANCE_ID).toBe('i-0flaky0000000001');
  });

  test.each(['WEBTIER_APP_ASSET', 'WEBTIER_START_COMMAND'])('without %s, it fails clearly and writes nothing', async (name) => {
    const { result, envFile } = await bootstrap('i-0missing00000001', { [name]: '' });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`bootstrap-web.sh: ERROR: ${name} is required`);
    expect(fs.existsSync(envFile)).toBe(false);
  });
});

describeWith(['curl'])('associate-eip.sh', () => {
  const perTest = new Cleanup();
  let home: string;

  beforeEach(() => {
    home = tempDir('bastion', perTest);
    installAssets('bastion', home);
  });
  afterEach(() => perTest.run());

  /** Runs the script against a fresh stand-in IMDS for `instanceId`, with a stand-in `aws` first on PATH. */
  async function associateEip(instanceId: string, env: Record<string, string>, awsOptions: { failFirst?: number } = {}) {
    const imds = await startFakeImds({ instanceId, region: 'eu-west-3', registry: perTest });
    const aws = fakeAws({ ...awsOptions, registry: perTest });
    const result = await runScript(path.join(home, 'associate-eip.sh'), {
      WEBTIER_HOME: home,
      WEBTIER_IMDS_ENDPOINT: imds.url,
      PATH: `${aws.binDir}:${process.env.PATH}`,
      ...env,
    });
    return { imds, aws, result };
  }

  test('with IMDS and an allocation id, it associates the EIP with this instance in its region', async () => {
    const { imds, aws, result } = await associateEip('i-0bastion00000001', { WEBTIER_EIP_ALLOCATION_ID: 'eipalloc-0123456789abcdef0' });

    expect(result.code).toBe(0);
    expect(aws.calls()).toHaveLength(1);
    const argv = aws.calls()[0];
    expect(argv.slice(0, 2)).toEqual(['ec2', 'associate-address']);
    expect(argv[argv.indexOf('--allocation-id') + 1]).toBe('eipalloc-0123456789abcdef0');
    expect(argv[argv.indexOf('--instance-id') + 1]).toBe('i-0bastion00000001');
    expect(argv[argv.indexOf('--region') + 1]).toBe('eu-west-3');
    expect(argv).toContain('--allow-reassociation');
    expect(imds.refusedGets).toBe(0);
  });

  test('with the aws call failing once, it retries', async () => {
    const { aws, result } = await associateEip('i-0bastion00000002', { WEBTIER_EIP_ALLOCATION_ID: 'eipalloc-0123456789abcdef0' }, { failFirst: 1 });

    expect(result.code).toBe(0);
    expect(aws.calls()).toHaveLength(2);
    expect(result.stderr).toMatch(/associate-eip\.sh: attempt 1\/5 of 'aws' failed/);
  });

  test('without WEBTIER_EIP_ALLOCATION_ID, it fails clearly before calling aws', async () => {
    const { aws, result } = await associateEip('i-0bastion00000003', {});

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('associate-eip.sh: ERROR: WEBTIER_EIP_ALLOCATION_ID is required');
    expect(aws.calls()).toEqual([]);
  });
});
