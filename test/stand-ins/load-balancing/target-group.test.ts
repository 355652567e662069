// The target group stand-in through the load balancer stand-in, against small web servers on 127.0.0.1: health
// thresholds in a row and deregistration draining, as AWS documents them (cited in src/stand-ins/load-balancing/target-group.ts).
import { cleanups, get, server, SETTINGS, standIn } from './stand-in-servers';
import { sleep, waitUntil } from '../../../src/local/loopback';

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('TargetGroupStandIn (behind the load balancer stand-in)', () => {
  test('a new target is healthy after healthyThreshold passes in a row, unhealthy after unhealthyThreshold failures, and each step is recorded', async () => {
    // GIVEN
    const web = await server();
    const { lb } = await standIn();

    // WHEN: registered new; then its health page fails
    lb.register('i-a', web.port);
    expect(lb.state('i-a')).toBe('initial');
    await waitUntil('i-a healthy', 5_000, () => lb.state('i-a') === 'healthy');
    web.health.status = 500;
    await waitUntil('i-a unhealthy', 5_000, () => lb.state('i-a') === 'unhealthy');

    // THEN: the transition to healthy came with the 2nd passed check, to unhealthy with the 3rd failed one
    const checks = lb.healthChecks.filter((c) => c.target === 'i-a');
    const [registered, healthy, unhealthy] = lb.transitions;
    expect(lb.transitions.map((t) => `${t.from} -> ${t.to}`)).toEqual(['unused -> initial', 'initial -> healthy', 'healthy -> unhealthy']);
    expect(registered.reason).toBe('registered');
    expect(checks.filter((c) => c.at <= healthy.at).map((c) => c.passed)).toEqual([true, true]);
    const failedBefore = checks.filter((c) => c.at <= unhealthy.at && !c.passed);
    expect(failedBefore.map((c) => c.detail)).toEqual(['status 500', 'status 500', 'status 500']);
    expect(unhealthy.at).toBe(failedBefore[2].at);
    expect(lb.targetGroup.consecutive('i-a')).toEqual({ passes: 0, failures: expect.any(Number) });
    expect(lb.targetGroup.consecutive('i-a').failures).toBeGreaterThanOrEqual(3);

    // WHEN: the page passes again
    web.health.status = 200;
    await waitUntil('i-a healthy again', 5_000, () => lb.state('i-a') === 'healthy');

    // THEN
    expect(lb.transitions.map((t) => t.to)).toEqual(['initial', 'healthy', 'unhealthy', 'healthy']);
  });

  test('one failed check, then passes: a healthy target stays healthy (failures must be in a row)', async () => {
    // GIVEN
    const web = await server();
    const { lb } = await standIn();
    lb.register('i-a', web.port, { healthy: true });

    // WHEN: one check fails (about 200 ms of 503), then they pass
    const failedBefore = () => lb.healthChecks.filter((c) => !c.passed).length;
    web.health.status = 503;
    await waitUntil('a failed check', 5_000, () => failedBefore() >= 1);
    web.health.status = 200;
    await sleep(1_000);

    // THEN
    expect(failedBefore()).toBeLessThan(SETTINGS.unhealthyThreshold);
    expect(lb.transitions.map((t) => t.to)).toEqual(['initial', 'healthy']);
    expect(lb.state('i-a')).toBe('healthy');
  });

  test('deregistration drains a request in flight: no new request goes to the target, the slow one gets its 200, then the target is unused', async () => {
    // GIVEN
    const [a, b] = [await server(600), await server()];
    const { lb, port } = await standIn(SETTINGS, 'x-target');
    lb.register('i-a', a.port, { healthy: true });
    lb.register('i-b', b.port, { healthy: true });
    const slow = get(port, '/slow', { 'x-target': 'i-a' });
    await waitUntil('the slow request in flight', 2_000, () => lb.inFlight('i-a') === 1);

    // WHEN
    const drained = lb.deregister('i-a');
    const during = [await get(port), await get(port)];

    // THEN
    expect(lb.state('i-a')).toBe('draining');
    expect(lb.routable('i-a')).toBe(false);
    expect(during.map((x) => x.status)).toEqual([200, 200]);
    expect(a.requests).toBe(1);
    expect(await slow).toEqual({ status: 200, body: 'slow' });
    expect(await drained).toBe(0);
    expect(lb.state('i-a')).toBe('unused');
    expect(lb.transitions.filter((t) => t.target === 'i-a').map((t) => `${t.to} (${t.reason})`).slice(-2)).toEqual(['draining (deregistered)', 'unused (drained)']);
  });

  test('a request still in flight when the deregistration delay ends is cut, and deregister reports it', async () => {
    // GIVEN: the slow page takes 3 s, the delay is 0.3 s
    const a = await server(3_000);
    const { lb, port } = await standIn({ ...SETTINGS, deregistrationDelaySeconds: 0.3 }, 'x-target');
    lb.register('i-a', a.port, { healthy: true });
    const slow = get(port, '/slow', { 'x-target': 'i-a' });
    await waitUntil('the slow request in flight', 2_000, () => lb.inFlight('i-a') === 1);

    // WHEN
    const left = await lb.deregister('i-a');

    // THEN
    expect(left).toBe(1);
    expect((await slow).status).toBe(502);
    expect(lb.transitions[lb.transitions.length - 1]).toEqual(expect.objectContaining({ to: 'unused', reason: 'deregistration delay over, 1 in flight cut' }));
  });
});
