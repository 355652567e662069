import * as fs from 'fs';
import * as path from 'path';
import {
  cleanup, Cleanup, describeWith, fakeAws, freePort, httpGet, installAssets, LOOPBACK, parseHello, readConfig, readCounter,
  RedisServer, runScript, startFakeImds, startRedis, startWebServer, tempDir,
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

describeWith(['redis-server', 'python3-redis', 'curl'])('bootstrap-web.sh', () => {
  const perTest = new Cleanup();
  let redis: RedisServer;
  let home: string;
  let configFile: string;

  beforeAll(async () => {
    redis = await startRedis();
  });
  beforeEach(() => {
    home = tempDir('home', perTest);
    installAssets('web', home);
    configFile = path.join(tempDir('etc', perTest), 'webtier', 'webtier.conf');
  });
  afterEach(() => perTest.run());
  afterAll(() => cleanup.run());

  async function bootstrap(env: Record<string, string>) {
    return runScript(path.join(home, 'bootstrap-web.sh'), {
      WEBTIER_HOME: home,
      WEBTIER_CONFIG: configFile,
      WEBTIER_INSTALL_PACKAGES: '0',
      WEBTIER_START_SERVICE: '0',
      WEBTIER_WEB_BIND: LOOPBACK,
      WEBTIER_REDIS_HOST: LOOPBACK,
      WEBTIER_REDIS_PORT: String(redis.port),
      ...env,
    });
  }

  test('with the stand-in IMDS, it writes the instance id and Redis settings into a 0600 config', async () => {
    const imds = await startFakeImds({ instanceId: 'i-0feedfacefeedface', registry: perTest });
    const port = await freePort();
    const result = await bootstrap({ WEBTIER_IMDS_ENDPOINT: imds.url, WEBTIER_WEB_PORT: String(port) });

    expect(result.code).toBe(0);
    expect(readConfig(configFile)).toEqual({
      INSTANCE_ID: 'i-0feedfacefeedface',
      WEB_BIND: LOOPBACK,
      WEB_PORT: String(port),
      REDIS_HOST: LOOPBACK,
      REDIS_PORT: String(redis.port),
      REDIS_TLS: 'false',
      REDIS_AUTH_TOKEN: '',
      COUNTER_KEY: 'webtier:hello:counter',
    });
    expect((fs.statSync(configFile).mode % 0o1000).toString(8)).toBe('600');
    expect(imds.tokenPuts).toBeGreaterThan(0);
    expect(imds.refusedGets).toBe(0);
    expect(result.stderr).toMatch(/^bootstrap-web\.sh: writing .* for i-0feedfacefeedface/m);
  });

  test('with the config it wrote, a web server shows that instance id and counts in the configured key', async () => {
    const imds = await startFakeImds({ instanceId: 'i-0bootstrapped0001', registry: perTest });
    const key = 'webtier:test:bootstrap';
    const result = await bootstrap({ WEBTIER_IMDS_ENDPOINT: imds.url, WEBTIER_WEB_PORT: String(await freePort()), WEBTIER_COUNTER_KEY: key });
    expect(result.code).toBe(0);
    const server = await startWebServer({ configFile, registry: perTest });

    const page = await httpGet(`${server.url}/cgi-bin/hello.py`);
    expect(page.status).toBe(200);
    expect(parseHello(page.body)).toEqual({ count: 1, instanceId: 'i-0bootstrapped0001' });
    expect(await readCounter(redis, key)).toBe(1);
  });

  test('with an AUTH secret ARN, it reads the token with aws secretsmanager and stores it verbatim', async () => {
    const imds = await startFakeImds({ instanceId: 'i-0secret000000001', registry: perTest });
    const token = 'p4$$w0rd"with`shell\\chars\'$(touch /tmp/pwned)';
    const aws = fakeAws({ secret: token, failFirst: 1, registry: perTest });
    const arn = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:webtier-redis-auth-AbCdEf';
    const result = await bootstrap({ WEBTIER_IMDS_ENDPOINT: imds.url, WEBTIER_REDIS_AUTH_SECRET_ARN: arn, PATH: `${aws.binDir}:${process.env.PATH}` });

    expect(result.code).toBe(0);
    expect(readConfig(configFile).REDIS_AUTH_TOKEN).toBe(token);
    expect(result.stderr).not.toContain('w0rd');
    const calls = aws.calls();
    expect(calls).toHaveLength(2); // one simulated failure, then one retry
    expect(calls[1]).toEqual(expect.arrayContaining(['secretsmanager', 'get-secret-value', '--query', 'SecretString', '--output', 'text']));
    expect(calls[1][calls[1].indexOf('--secret-id') + 1]).toBe(arn);
    expect(calls[1][calls[1].indexOf('--region') + 1]).toBe('eu-west-3');
  });

  test('with IMDS failing at first, it retries and still gets the instance id', async () => {
    const imds = await startFakeImds({ instanceId: 'i-0flaky0000000001', failFirstTokenPuts: 1, registry: perTest });
    const result = await bootstrap({ WEBTIER_IMDS_ENDPOINT: imds.url });

    expect(result.code).toBe(0);
    expect(imds.tokenPuts).toBe(2);
    expect(readConfig(configFile).INSTANCE_ID).toBe('i-0flaky0000000001');
  });

  test('without WEBTIER_REDIS_HOST, it fails clearly and writes nothing', async () => {
    const imds = await startFakeImds({ instanceId: 'i-0noredis00000001', registry: perTest });
    const result = await bootstrap({ WEBTIER_IMDS_ENDPOINT: imds.url, WEBTIER_REDIS_HOST: '' });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('bootstrap-web.sh: ERROR: WEBTIER_REDIS_HOST is required');
    expect(fs.existsSync(configFile)).toBe(false);
  });

  test('with the AUTH secret never readable, it stops with an error and writes no config', async () => {
    const imds = await startFakeImds({ instanceId: 'i-0nosecret0000001', registry: perTest });
    const aws = fakeAws({ secret: 'never-read', failFirst: 100, registry: perTest });
    const arn = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:webtier-redis-auth-AbCdEf';
    const result = await bootstrap({ WEBTIER_IMDS_ENDPOINT: imds.url, WEBTIER_REDIS_AUTH_SECRET_ARN: arn, PATH: `${aws.binDir}:${process.env.PATH}` });

    expect(result.code).not.toBe(0);
    expect(aws.calls().length).toBeGreaterThan(1);
    expect(fs.existsSync(configFile)).toBe(false);
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

  test('with the aws call failing every attempt, it stops with an error after its last retry', async () => {
    const { aws, result } = await associateEip('i-0bastion00000004', { WEBTIER_EIP_ALLOCATION_ID: 'eipalloc-0123456789abcdef0' }, { failFirst: 100 });

    expect(result.code).not.toBe(0);
    expect(aws.calls()).toHaveLength(5);
    expect(result.stderr).toContain('associate-eip.sh: ERROR: associate-address failed');
  });
});
