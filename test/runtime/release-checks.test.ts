import * as http from 'http';
import * as path from 'path';
import {
  Cleanup, cleanup, describeWith, fakeAws, freePort, installAssets, LOOPBACK, readCounter, RedisServer, runScript, startFakeImds,
  startRedis, startWebServer, tempDir, webConfig,
} from './harness';
import { RELEASE_CHECKS_METRIC, RELEASE_CHECKS_NAMESPACE } from '../../src/web-fleet/release-checks-alarm';

/**
 * The boot's release checks runner (assets/web/release-checks.sh) against real servers on 127.0.0.1, and the part of
 * signal-ready.sh that reports a failure (stand-ins for IMDS and the `aws` CLI, as in signal-ready.test.ts).
 */
describeWith(['curl', 'redis-server'])('release-checks.sh', () => {
  const perTest = new Cleanup();
  let home: string;
  let app: http.Server;
  let port: number;
  let flakyCalls = 0;

  beforeAll(async () => {
    // A stand-in application: each path answers one way.
    port = await freePort();
    const answers: Record<string, (res: http.ServerResponse) => void> = {
      '/ok': (res) => res.end('<p>hello ok</p>'),
      '/broken': (res) => res.writeHead(500).end('boom'),
      '/teapot': (res) => res.writeHead(418).end(),
      '/flaky': (res) => res.writeHead(++flakyCalls < 2 ? 503 : 200).end(),
      // longer than the checks wait
      '/hang': (res) => setTimeout(() => res.end('late'), 5000),
    };
    app = http.createServer((req, res) => (answers[req.url ?? ''] ?? ((r) => r.writeHead(404).end()))(res));
    await new Promise<void>((resolve) => app.listen(port, LOOPBACK, resolve));
    cleanup.add(() => new Promise<void>((resolve) => { app.closeAllConnections(); app.close(() => resolve()); }));
  });
  beforeEach(() => {
    home = tempDir('web', perTest);
    installAssets('web', home);
  });
  afterEach(() => perTest.run());
  afterAll(() => cleanup.run());

  /** Runs the runner with `checks` against `onPort`; few, short tries. */
  function runChecks(checks: string, onPort = port, env: Record<string, string> = {}) {
    return runScript(path.join(home, 'release-checks.sh'), {
      WEBTIER_HOME: home,
      WEBTIER_WEB_PORT: String(onPort),
      WEBTIER_RELEASE_CHECKS: checks,
      WEBTIER_RELEASE_CHECK_TRIES: '2',
      WEBTIER_RELEASE_CHECK_PAUSE: '0.1',
      WEBTIER_RELEASE_CHECK_TIMEOUT: '2',
      ...env,
    }, 20_000);
  }

  test('with every answer as expected (status, and the body text after a tab), it passes and logs each check', async () => {
    const result = await runChecks('GET 200 /ok\thello ok\nGET 418 /teapot\nHEAD 200 /ok');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/release check GET \/ok: passed \(200\)/);
    expect(result.stderr).toMatch(/release check GET \/teapot: passed \(418\)/);
    expect(result.stderr).toMatch(/release check HEAD \/ok: passed \(200\)/);
  });

  test('with a page that answers 500, it fails after its tries and names the check; the other checks still run', async () => {
    const result = await runChecks('GET 200 /broken\nGET 200 /ok');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/release check GET \/broken FAILED after 2 tries: answered 500, expected 200/);
    expect(result.stderr).toMatch(/release check GET \/ok: passed/);
  });

  test('with a body that lacks the text, it fails', async () => {
    const result = await runChecks('GET 200 /ok\tgoodbye');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/answered 200 without the text 'goodbye'/);
  });

  test('with a page that answers only after the timeout, it fails within tries x timeout', async () => {
    const result = await runChecks('GET 200 /hang', port, { WEBTIER_RELEASE_CHECK_TIMEOUT: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/FAILED after 2 tries: no answer within 1s/);
    expect(result.ms).toBeLessThan(4500);
  });

  test('with nothing listening on the port, it fails', async () => {
    const result = await runChecks('GET 200 /ok', await freePort());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no answer within 2s/);
  });

  test('with a page that fails once then answers, the second try passes', async () => {
    flakyCalls = 0;
    const result = await runChecks('GET 200 /flaky');
    expect(result.code).toBe(0);
    expect(flakyCalls).toBe(2);
  });

  describe('against the hello counter, whose page needs Redis', () => {
    let redis: RedisServer;
    let webPort: number;

    beforeAll(async () => {
      redis = await startRedis();
      webPort = await freePort();
      await startWebServer({ config: webConfig('i-0release0000check', webPort, redis) });
    });

    test('with Redis up, the default check (HEAD /cgi-bin/hello.py) passes and counts no visit', async () => {
      const before = await readCounter(redis);
      const result = await runChecks('HEAD 200 /cgi-bin/hello.py', webPort);
      expect(result.code).toBe(0);
      expect(await readCounter(redis)).toBe(before);
    });

    test('with Redis gone, the health page still answers but the check fails: 503', async () => {
      await redis.stop();
      const result = await runChecks('GET 200 /cgi-bin/ping.py\nHEAD 200 /cgi-bin/hello.py', webPort);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/release check GET \/cgi-bin\/ping.py: passed/);
      expect(result.stderr).toMatch(/release check HEAD \/cgi-bin\/hello.py FAILED after 2 tries: answered 503, expected 200/);
    });
  });

  describe('signal-ready.sh with release checks', () => {
    async function signalReady(checks: string) {
      const imds = await startFakeImds({ instanceId: 'i-0release00000001', region: 'eu-west-3', registry: perTest });
      const aws = fakeAws({ registry: perTest, autoScalingGroup: 'web-asg' });
      const result = await runScript(path.join(home, 'signal-ready.sh'), {
        WEBTIER_HOME: home,
        WEBTIER_IMDS_ENDPOINT: imds.url,
        WEBTIER_STACK_NAME: 'WebTierStack',
        WEBTIER_LOGICAL_ID: 'WebTierWebFleetASG',
        WEBTIER_LIFECYCLE_HOOK: 'webtier-launching',
        WEBTIER_WEB_PORT: String(port),
        WEBTIER_HEALTH_PATH: '/ok',
        WEBTIER_RELEASE_CHECKS: checks,
        WEBTIER_RELEASE_CHECK_TRIES: '1',
        WEBTIER_READY_POLL_SECONDS: '0.2',
        WEBTIER_CHECK_FLEET: 'WebTierStackTierWebFleet12345678',
        PATH: `${aws.binDir}:${process.env.PATH}`,
      });
      return { result, calls: aws.calls() };
    }
    const arg = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1];

    test('with a failing check, it publishes the high-resolution metric, abandons the launch and signals FAILURE, in that order', async () => {
      const { result, calls } = await signalReady('GET 200 /broken');
      expect(result.code).toBe(1);
      expect(calls.map(c => `${c[0]} ${c[1]}`)).toEqual([
        'cloudwatch put-metric-data',
        'autoscaling describe-auto-scaling-instances',
        'autoscaling complete-lifecycle-action',
        'cloudformation signal-resource',
      ]);
      const [put, , complete, signal] = calls;
      // The namespace and the metric the fleet's alarm reads
      expect(arg(put, '--namespace')).toBe(RELEASE_CHECKS_NAMESPACE);
      expect(arg(put, '--metric-name')).toBe(RELEASE_CHECKS_METRIC);
      expect(arg(put, '--dimensions')).toBe('StackName=WebTierStack,Fleet=WebTierStackTierWebFleet12345678');
      expect(arg(put, '--value')).toBe('1');
      expect(arg(put, '--storage-resolution')).toBe('1');
      expect(arg(complete, '--lifecycle-action-result')).toBe('ABANDON');
      expect(arg(signal, '--status')).toBe('FAILURE');
    });

    test('with passing checks, it publishes nothing and continues the launch', async () => {
      const { result, calls } = await signalReady('GET 200 /ok');
      expect(result.code).toBe(0);
      expect(calls.filter(c => c[0] === 'cloudwatch')).toEqual([]);
      const complete = calls.find(c => c[1] === 'complete-lifecycle-action')!;
      expect(arg(complete, '--lifecycle-action-result')).toBe('CONTINUE');
    });
  });
});
