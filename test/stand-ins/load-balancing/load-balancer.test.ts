// The load balancer stand-in against small web servers of this process, on 127.0.0.1: each behaviour the drill and
// the rehearsal rely on, with health checks a few hundred milliseconds apart.
import * as http from 'http';
import * as net from 'net';
import { freePort, sleep, waitUntil } from '../../../src/local/loopback';
import { LoadBalancerStandIn } from '../../../src/stand-ins/load-balancing/load-balancer';
import { LoadBalancerSettings, TIER_DEFAULT_SETTINGS } from '../../../src/stand-ins/synthesized-tier/fleet-settings';

/** Checks every 200 ms (100 ms timeout), healthy after 2 passes, unhealthy after 3 failures, 1 s of draining. */
const SETTINGS: LoadBalancerSettings = {
  ...TIER_DEFAULT_SETTINGS,
  healthCheckIntervalSeconds: 0.2,
  healthCheckTimeoutSeconds: 0.1,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  deregistrationDelaySeconds: 1,
};

/** A web server: `/health` answers `health.status`; `/slow` after `slowMs`; anything else `page.status`. Counts its requests. */
interface TestServer {
  readonly port: number;
  readonly health: { status: number };
  readonly page: { status: number };
  requests: number;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(slowMs = 600): Promise<TestServer> {
  const s: TestServer = { port: 0, health: { status: 200 }, page: { status: 200 }, requests: 0, close: async () => undefined };
  const timers = new Set<NodeJS.Timeout>();
  const http1 = http.createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(s.health.status).end('health');
      return;
    }
    s.requests++;
    if (req.url === '/slow') {
      const timer = setTimeout(() => { timers.delete(timer); res.writeHead(200).end('slow'); }, slowMs);
      timers.add(timer);
      return;
    }
    res.writeHead(s.page.status).end(`page ${s.page.status}`);
  });
  http1.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => http1.listen(0, '127.0.0.1', resolve));
  const port = (http1.address() as net.AddressInfo).port;
  const close = async () => {
    for (const timer of timers) clearTimeout(timer);
    http1.closeAllConnections();
    await new Promise((resolve) => http1.close(resolve));
  };
  cleanups.push(close);
  return Object.assign(s, { port, close });
}

async function standIn(settings: LoadBalancerSettings = SETTINGS, targetHeader?: string, now?: () => number) {
  const lb = new LoadBalancerStandIn(settings, '/health', { targetHeader, now });
  const port = await lb.listen();
  cleanups.push(() => lb.close());
  return { lb, port };
}

function get(port: number, path = '/', headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

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
