import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { Cleanup, cleanup, describeWith, fakeAws, installAssets, LOOPBACK, runScript, startFakeImds, tempDir } from './harness';

const TARGET_GROUP = 'arn:aws:elasticloadbalancing:eu-west-3:123456789012:targetgroup/web/0123456789abcdef';

describeWith(['curl'])('signal-ready.sh', () => {
  const perTest = new Cleanup();
  let home: string;

  beforeEach(() => {
    home = tempDir('web', perTest);
    installAssets('web', home);
  });
  afterEach(() => perTest.run());
  afterAll(() => cleanup.run());

  /** Runs the script for `instanceId` with a stand-in IMDS and a stand-in `aws` that reports `states` in turn. */
  async function signalReady(instanceId: string, env: Record<string, string>, states: string[] = ['healthy'],
    awsOptions: { autoScalingGroup?: string; refuseSignals?: boolean } = {}) {
    const imds = await startFakeImds({ instanceId, region: 'eu-west-3', registry: perTest });
    const aws = fakeAws({ targetStates: states, registry: perTest, ...awsOptions });
    const result = await runScript(path.join(home, 'signal-ready.sh'), {
      WEBTIER_HOME: home,
      WEBTIER_IMDS_ENDPOINT: imds.url,
      WEBTIER_STACK_NAME: 'WebTierStack',
      WEBTIER_LOGICAL_ID: 'WebTierWebFleetASG48CB37AD',
      WEBTIER_READY_POLL_SECONDS: '0.2',
      PATH: `${aws.binDir}:${process.env.PATH}`,
      ...env,
    });
    const calls = aws.calls();
    return {
      result,
      healthChecks: calls.filter(argv => argv[0] === 'elbv2'),
      signals: calls.filter(argv => argv[0] === 'cloudformation'),
      autoscaling: calls.filter(argv => argv[0] === 'autoscaling'),
      order: calls.map(argv => argv[1]),
    };
  }

  /** The value after `flag` in an argv. */
  function arg(argv: string[], flag: string): string | undefined {
    return argv[argv.indexOf(flag) + 1];
  }

  test('with the target group reporting healthy after two polls, it signals SUCCESS for this instance', async () => {
    const { result, healthChecks, signals } = await signalReady('i-0web000000000001',
      { WEBTIER_TARGET_GROUP_ARN: TARGET_GROUP, WEBTIER_WEB_PORT: '8000' }, ['initial', 'initial', 'healthy']);

    expect(result.code).toBe(0);
    expect(healthChecks).toHaveLength(3);
    expect(arg(healthChecks[0], '--target-group-arn')).toBe(TARGET_GROUP);
    expect(arg(healthChecks[0], '--targets')).toBe('Id=i-0web000000000001,Port=8000');
    expect(signals).toHaveLength(1);
    expect(signals[0].slice(0, 2)).toEqual(['cloudformation', 'signal-resource']);
    expect(arg(signals[0], '--status')).toBe('SUCCESS');
    expect(arg(signals[0], '--unique-id')).toBe('i-0web000000000001');
    expect(arg(signals[0], '--logical-resource-id')).toBe('WebTierWebFleetASG48CB37AD');
    expect(arg(signals[0], '--stack-name')).toBe('WebTierStack');
    expect(arg(signals[0], '--region')).toBe('eu-west-3');
  });

  test('with a target group that never reports healthy within the timeout, it signals FAILURE', async () => {
    const { result, signals } = await signalReady('i-0web000000000002',
      { WEBTIER_TARGET_GROUP_ARN: TARGET_GROUP, WEBTIER_READY_TIMEOUT: '1' }, ['unhealthy']);

    expect(result.code).not.toBe(0);
    expect(signals).toHaveLength(1);
    expect(arg(signals[0], '--status')).toBe('FAILURE');
    expect(result.stderr).toMatch(/still 'unhealthy'/);
  });

  test('with a boot that started longer ago than the timeout less the margin, it signals FAILURE after one poll', async () => {
    const bootStarted = Math.floor(Date.now() / 1000) - 100;
    const { result, healthChecks, signals } = await signalReady('i-0web000000000006', {
      WEBTIER_TARGET_GROUP_ARN: TARGET_GROUP, WEBTIER_BOOT_STARTED: String(bootStarted), WEBTIER_READY_TIMEOUT: '120', WEBTIER_READY_MARGIN: '30',
    }, ['initial']);

    expect(result.code).not.toBe(0);
    expect(healthChecks).toHaveLength(1);
    expect(signals.map(argv => arg(argv, '--status'))).toEqual(['FAILURE']);
  });

  test('with WEBTIER_SIGNAL_STATUS=FAILURE (a failed boot), it signals FAILURE at once without polling', async () => {
    const { result, healthChecks, signals } = await signalReady('i-0web000000000003',
      { WEBTIER_TARGET_GROUP_ARN: TARGET_GROUP, WEBTIER_SIGNAL_STATUS: 'FAILURE' });

    expect(result.code).not.toBe(0);
    expect(healthChecks).toEqual([]);
    expect(signals.map(argv => arg(argv, '--status'))).toEqual(['FAILURE']);
  });

  test('without a target group, it waits for the local health page before signalling SUCCESS', async () => {
    // GIVEN a health page on loopback that starts answering on its third request
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.writeHead(requests >= 3 ? 200 : 503);
      res.end(requests >= 3 ? 'ok' : 'starting');
    });
    await new Promise<void>(resolve => server.listen(0, LOOPBACK, resolve));
    perTest.add(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()); }));
    const port = (server.address() as net.AddressInfo).port;
    // WHEN
    const { result, healthChecks, signals } = await signalReady('i-0web000000000004', { WEBTIER_WEB_PORT: String(port) });
    // THEN
    expect(result.code).toBe(0);
    expect(healthChecks).toEqual([]);
    expect(requests).toBe(3);
    expect(signals.map(argv => arg(argv, '--status'))).toEqual(['SUCCESS']);
  });

  describe('with the launch lifecycle hook (WEBTIER_LIFECYCLE_HOOK)', () => {
    const HOOK = { WEBTIER_TARGET_GROUP_ARN: TARGET_GROUP, WEBTIER_LIFECYCLE_HOOK: 'webtier-launching' };

    test('it completes the launch with CONTINUE (the server joins the target group) before it waits for health and signals', async () => {
      const { result, autoscaling, signals, order } = await signalReady('i-0web000000000011', HOOK, ['initial', 'healthy'], { autoScalingGroup: 'Shop-WebAsg-1A2B' });

      expect(result.code).toBe(0);
      expect(autoscaling.map(argv => argv[1])).toEqual(['describe-auto-scaling-instances', 'complete-lifecycle-action']);
      expect(arg(autoscaling[0], '--instance-ids')).toBe('i-0web000000000011');
      const complete = autoscaling[1];
      expect(arg(complete, '--auto-scaling-group-name')).toBe('Shop-WebAsg-1A2B');
      expect(arg(complete, '--lifecycle-hook-name')).toBe('webtier-launching');
      expect(arg(complete, '--instance-id')).toBe('i-0web000000000011');
      expect(arg(complete, '--lifecycle-action-result')).toBe('CONTINUE');
      expect(order.indexOf('complete-lifecycle-action')).toBeLessThan(order.indexOf('describe-target-health'));
      expect(signals.map(argv => arg(argv, '--status'))).toEqual(['SUCCESS']);
    });

    test('after a failed boot it abandons the launch at once (the group terminates the server) and signals FAILURE', async () => {
      const { result, autoscaling, healthChecks, signals } = await signalReady('i-0web000000000012', { ...HOOK, WEBTIER_SIGNAL_STATUS: 'FAILURE' });

      expect(result.code).not.toBe(0);
      expect(arg(autoscaling[1], '--lifecycle-action-result')).toBe('ABANDON');
      expect(healthChecks).toEqual([]);
      expect(signals.map(argv => arg(argv, '--status'))).toEqual(['FAILURE']);
    });

    test('during a release (CloudFormation takes no signal), a healthy server still ends its boot successfully', async () => {
      const { result, signals } = await signalReady('i-0web000000000013', HOOK, ['healthy'], { refuseSignals: true });

      expect(signals.length).toBeGreaterThan(0);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/the instance refresh judges readiness/);
    }, 30_000);

    test('without the hook, a signal CloudFormation refuses fails the boot', async () => {
      const { result } = await signalReady('i-0web000000000014', { WEBTIER_TARGET_GROUP_ARN: TARGET_GROUP }, ['healthy'], { refuseSignals: true });

      expect(result.code).not.toBe(0);
    }, 30_000);

    test('when the instance is in no Auto Scaling group, it signals FAILURE without completing anything', async () => {
      const { result, autoscaling, signals } = await signalReady('i-0web000000000015', HOOK, ['healthy'], { autoScalingGroup: 'None' });

      expect(result.code).not.toBe(0);
      expect(autoscaling.map(argv => argv[1])).toEqual(['describe-auto-scaling-instances']);
      expect(result.stderr).toMatch(/cannot find the Auto Scaling group/);
      expect(signals.map(argv => arg(argv, '--status'))).toEqual(['FAILURE']);
    });
  });

  test('without the stack name, it fails clearly before calling aws', async () => {
    const { result, signals } = await signalReady('i-0web000000000005', { WEBTIER_STACK_NAME: '' });

    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/WEBTIER_STACK_NAME is required/);
    expect(signals).toEqual([]);
  });
});
