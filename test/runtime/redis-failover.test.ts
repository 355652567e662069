import {
  Cleanup, cleanup, describeWith, freePort, httpGet, HttpResult, parseHello, readCounter, redisCommand, RedisEndpoint, RedisServer, requestMany,
  sleep, startRedis, startTcpSwitch, startWebServer, TcpSwitch, waitFor, WebServer, webConfig,
} from './harness';

/** How many EVALs the Redis ran (or failed), from INFO commandstats. */
async function evalCalls(redis: RedisEndpoint): Promise<number> {
  const info = String(await redisCommand(redis, ['INFO', 'commandstats']));
  return Number(/cmdstat_eval:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

/** The keys of the visits' markers. */
async function visitMarkers(redis: RedisEndpoint): Promise<string[]> {
  return await redisCommand(redis, ['KEYS', '*:visit:*']) as string[];
}

/**
 * Visits `url` from `workers` clients in a loop, `gapMs` apart, until `stop()` says so; bounded by `maxVisits` in all
 * and by `maxMs` (each request also times out after 5 s). A request that fails to connect counts as status 0.
 */
interface StreamOptions {
  readonly workers: number;
  readonly maxVisits: number;
  readonly maxMs: number;
  readonly gapMs: number;
  readonly stop: () => boolean;
}

async function visitStream(url: string, o: StreamOptions): Promise<number[]> {
  const statuses: number[] = [];
  const deadline = Date.now() + o.maxMs;
  const worker = async () => {
    while (statuses.length < o.maxVisits && Date.now() < deadline && !o.stop()) {
      const r: HttpResult | undefined = await httpGet(url, { timeoutMs: 5000 }).catch(() => undefined);
      statuses.push(r?.status ?? 0);
      await sleep(o.gapMs);
    }
  };
  await Promise.all(Array.from({ length: o.workers }, worker));
  return statuses;
}

describeWith(['redis-server'])('hello.py when the Redis primary fails over', () => {
  const perTest = new Cleanup();
  let primary: RedisServer;
  let endpoint: TcpSwitch;
  let server: WebServer;

  beforeEach(async () => {
    // GIVEN: the web server reaches Redis through a stand-in for the primary endpoint's name
    primary = await startRedis({ registry: perTest });
    endpoint = await startTcpSwitch(primary.port, perTest);
    server = await startWebServer({
      config: webConfig('i-0failover00000001', await freePort(), { host: endpoint.host, port: endpoint.port }),
      registry: perTest,
    });
  });
  afterEach(() => perTest.run());
  afterAll(() => cleanup.run());

  const hello = () => httpGet(`${server.url}/cgi-bin/hello.py`, { timeoutMs: 5000 });

  test('with its connection closed before the command reaches Redis, the visit is sent again on a new connection: 200, counted once', async () => {
    // GIVEN: one visit counted, its connection idle in the pool
    expect((await hello()).status).toBe(200);
    const connections = endpoint.connections;

    // WHEN: the connection is closed as the visit's command goes out (the old primary closing its clients)
    endpoint.cutOnce('command');
    const page = await hello();

    // THEN: one retry, on one new connection; the visit counted by it
    expect(page.status).toBe(200);
    expect(parseHello(page.body).count).toBe(2);
    expect(await readCounter(primary)).toBe(2);
    expect(endpoint.connections).toBe(connections + 1);
    expect(server.proc.output()).toMatch(/hello: retrying on a new connection after RedisConnectionError: connection closed by the server/);
  });

  test('with the script run but its reply lost, the retry finds the visit\'s marker and does not count it again: 200, counted once', async () => {
    expect((await hello()).status).toBe(200);

    // WHEN: Redis runs the visit's script, then the connection closes before the reply comes back
    endpoint.cutOnce('reply');
    const page = await hello();

    // THEN: the retry ran the script again (3 EVALs in all) and took the GET path: the counter rose by one, not two
    expect(page.status).toBe(200);
    expect(parseHello(page.body).count).toBe(2);
    expect(await readCounter(primary)).toBe(2);
    expect(await evalCalls(primary)).toBe(3);
    expect(await visitMarkers(primary)).toHaveLength(2);
    expect(server.proc.output()).toMatch(/hello: retrying on a new connection after RedisConnectionError/);
  });

  test('with every reply lost, both attempts time out: 503 within 3 s, the visit counted once, not twice; the next visit counts on from it', async () => {
    expect((await hello()).status).toBe(200);

    // WHEN: Redis runs every command, but no reply comes back, to the first attempt or to the retry
    endpoint.dropReplies = true;
    const lost = await hello();
    endpoint.dropReplies = false;
    const next = await hello();

    // THEN: both attempts ran the script (1 + 2 + 1 EVALs), which counted the lost visit once
    expect(lost.status).toBe(503);
    expect(lost.ms).toBeLessThan(3000);
    expect(await evalCalls(primary)).toBe(4);
    expect(parseHello(next.body).count).toBe(3);
    expect(await readCounter(primary)).toBe(3);
    expect(server.proc.output()).toMatch(/retrying on a new connection after RedisTimeout: no reply to EVAL[^]*hello: redis unavailable: RedisTimeout: no reply to EVAL/);
  });

  test('with the old primary gone silent and the endpoint moved, a visit that times out on a pooled connection is sent again on a new one: 200, counted once', async () => {
    // GIVEN: a replica in sync, and several idle connections in the pool (concurrent visits)
    const replica = await startRedis({ registry: perTest });
    await redisCommand(replica, ['REPLICAOF', primary.host, String(primary.port)]);
    const warm = await requestMany([`${server.url}/cgi-bin/hello.py`], 16, 4);
    expect(warm.map((r) => r.status)).toEqual(new Array(16).fill(200));
    await waitFor('the replica to catch up', async () => (await readCounter(replica) === 16 ? true : undefined));

    // WHEN: the old primary stops answering (its connections stay open), the replica is promoted, the endpoint moves
    primary.freeze();
    await redisCommand(replica, ['REPLICAOF', 'NO', 'ONE']);
    endpoint.switchTo(replica.port, false);
    const page = await hello();

    // THEN: the pooled attempt timed out, the retry did not take another pooled connection to the silent primary
    expect(page.status).toBe(200);
    expect(page.ms).toBeLessThan(2000);
    expect(parseHello(page.body).count).toBe(17);
    expect(await readCounter(replica)).toBe(17);
    expect(server.proc.output()).toMatch(/hello: retrying on a new connection after RedisTimeout: no reply to EVAL/);
  });

  test('with the endpoint still on a replica (READONLY), hello answers 503 at once, without a retry, and counts nothing', async () => {
    // GIVEN: the endpoint points at a replica of the primary
    const replica = await startRedis({ registry: perTest });
    await redisCommand(replica, ['REPLICAOF', primary.host, String(primary.port)]);
    endpoint.switchTo(replica.port);

    // WHEN
    const page = await hello();

    // THEN: one connection, one EVAL, refused: an error reply is an answer, not a lost connection
    expect(page.status).toBe(503);
    expect(page.ms).toBeLessThan(1000);
    expect(endpoint.connections).toBe(1);
    expect(await evalCalls(replica)).toBe(1);
    expect(await readCounter(primary)).toBe(0);
    expect(server.proc.output()).toMatch(/hello: redis unavailable: RedisReplyError: READONLY/);
    expect(server.proc.output()).not.toMatch(/retrying/);
  });

  test('with a steady stream of visits through a failover (primary paused, replica promoted, endpoint switched), no visit fails and the counter equals the 200s', async () => {
    // GIVEN: a replica in sync, 5 visits counted, and 4 clients visiting every 20 ms
    const replica = await startRedis({ registry: perTest });
    await redisCommand(replica, ['REPLICAOF', primary.host, String(primary.port)]);
    for (let i = 0; i < 5; i++) expect((await hello()).status).toBe(200);
    await waitFor('the replica to catch up', async () => (await readCounter(replica) === 5 ? true : undefined));
    const pid = server.proc.child.pid;
    let switchedAt: number | undefined;
    const stream = visitStream(`${server.url}/cgi-bin/hello.py`, {
      workers: 4,
      maxVisits: 400,
      maxMs: 15_000,
      gapMs: 20,
      stop: () => switchedAt !== undefined && Date.now() - switchedAt > 1500,
    });
    await waitFor('the stream to count 20 visits', async () => (await readCounter(primary) >= 25 ? true : undefined), 10_000, 20);

    // WHEN: the failover. The primary stops taking writes (the visits in flight wait in it), the replica catches up
    // and is promoted, the endpoint moves to it closing every connection (in-flight visits included), the old
    // primary dies.
    await redisCommand(primary, ['CLIENT', 'PAUSE', '10000', 'WRITE']);
    await sleep(200);
    const counted = await readCounter(primary);
    await waitFor('the replica to catch up', async () => (await readCounter(replica) === counted ? true : undefined), 5000, 20);
    await redisCommand(replica, ['REPLICAOF', 'NO', 'ONE']);
    endpoint.switchTo(replica.port);
    switchedAt = Date.now();
    await primary.stop();
    const statuses = await stream;

    // THEN: visits were cut in flight and retried; none failed; each 200 counted once on the new primary
    expect(server.proc.output()).toMatch(/hello: retrying on a new connection after RedisConnectionError/);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(statuses.length).toBeGreaterThan(40);
    expect(await readCounter(replica)).toBe(5 + statuses.length);
    expect(server.proc.child.pid).toBe(pid);
    expect(server.proc.hasExited()).toBe(false);
  }, 60_000);
});
