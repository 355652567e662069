// The load balancer stand-in against small web servers of this process, on 127.0.0.1: how it passes answers, refuses
// to retry and follows a zonal shift (the ALB's documented behaviour, cited in src/stand-ins/load-balancing/load-balancer.ts).
import { cleanups, get, server, SETTINGS, standIn } from './stand-in-servers';
import { freePort, waitUntil } from '../../../src/local/loopback';

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('LoadBalancerStandIn', () => {
  test('a target\'s own 503 reaches the client unchanged (the ALB passes a target\'s answer through)', async () => {
    // GIVEN
    const web = await server();
    web.page.status = 503;
    const { lb, port } = await standIn();
    lb.register('i-a', web.port, { healthy: true });

    // WHEN
    const answer = await get(port);

    // THEN
    expect(answer).toEqual({ status: 503, body: 'page 503' });
    expect(lb.requests).toEqual([expect.objectContaining({ target: 'i-a', status: 503, cause: undefined })]);
  });

  test('a refused connection gives the client a 502 and the request is never retried on another target', async () => {
    // GIVEN: i-dead is registered healthy (its checks have not failed yet) but nothing listens on its port
    const live = await server();
    const { lb, port } = await standIn({ ...SETTINGS, healthCheckIntervalSeconds: 60 });
    lb.register('i-dead', await freePort(), { healthy: true });
    lb.register('i-live', live.port, { healthy: true });

    // WHEN: two requests, round robin over the two targets
    const answers = [await get(port), await get(port)];

    // THEN
    expect(answers.map((a) => a.status).sort()).toEqual([200, 502]);
    expect(live.requests).toBe(1);
    expect(lb.requests.find((r) => r.status === 502)).toEqual(expect.objectContaining({ target: 'i-dead', cause: expect.stringMatching(/refused/) }));
  });

  test('every recorded time (requests, transitions, health checks) is on the injected clock', async () => {
    // GIVEN: a clock that reads 1000 ms plus 1 ms a reading
    let ticks = 1000;
    const web = await server();
    const { lb, port } = await standIn(SETTINGS, undefined, () => ticks++);

    // WHEN
    lb.register('i-a', web.port, { healthy: true });
    await get(port);
    await waitUntil('a health check', 2_000, () => lb.healthChecks.length > 0);

    // THEN
    const times = [...lb.transitions.map((t) => t.at), ...lb.requests.map((r) => r.at), lb.healthChecks[0].at];
    expect(times.every((t) => t >= 1000 && t < ticks)).toBe(true);
    expect(lb.requests[0].ms).toBeLessThan(10);
  });

  test('a zonal shift sends no new request to the zone\'s targets, which stay healthy; ending it brings them back', async () => {
    // GIVEN
    const [a, b] = [await server(), await server()];
    const { lb, port } = await standIn();
    lb.register('i-a', a.port, { healthy: true, zone: 'zone-1' });
    lb.register('i-b', b.port, { healthy: true, zone: 'zone-2' });

    // WHEN
    lb.shiftAway('zone-1');
    for (let i = 0; i < 6; i++) await get(port);

    // THEN
    expect([a.requests, b.requests]).toEqual([0, 6]);
    expect(lb.state('i-a')).toBe('healthy');
    expect(lb.routable('i-a')).toBe(false);

    // WHEN
    lb.endShift('zone-1');
    for (let i = 0; i < 4; i++) await get(port);

    // THEN
    expect([a.requests, b.requests]).toEqual([2, 8]);
  });
});
