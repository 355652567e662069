import {
  Cleanup, cleanup, describeWith, freePort, httpGet, parseHello, readCounter, redisCommand, RedisServer, startRedis, startTcpSwitch,
  startWebServer, TcpSwitch, waitFor, WebServer, webConfig,
} from './harness';

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

  test('with every reply lost, both attempts time out: 503 within 3 s, the visit counted once, not twice; the next visit counts on from it', async () => {
    expect((await hello()).status).toBe(200);

    // WHEN: Redis runs every command, but no reply comes back, to the first attempt or to the retry
    endpoint.dropReplies = true;
    const lost = await hello();
    endpoint.dropReplies = false;
    const next = await hello();

    // THEN
    expect(lost.status).toBe(503);
    expect(lost.ms).toBeLessThan(3000);
    expect(parseHello(next.body).count).toBe(3);
    expect(await readCounter(primary)).toBe(3);
    expect(server.proc.output()).toMatch(/retrying on a new connection after RedisTimeout: no reply to EVAL[^]*hello: redis unavailable: RedisTimeout: no reply to EVAL/);
  });

  test('with the replica promoted and the endpoint switched to it, hello answers 503 for at most 2 s, then counts on without a restart', async () => {
    // GIVEN: a replica in sync, and 5 visits counted
    const replica = await startRedis({ registry: perTest });
    await redisCommand(replica, ['REPLICAOF', primary.host, String(primary.port)]);
    for (let i = 0; i < 5; i++) expect((await hello()).status).toBe(200);
    await waitFor('the replica to catch up', async () => (await readCounter(replica) === 5 ? true : undefined));
    const pid = server.proc.child.pid;

    // WHEN: the failover: the replica becomes primary, the endpoint moves to it, the old primary dies
    await redisCommand(replica, ['REPLICAOF', 'NO', 'ONE']);
    endpoint.switchTo(replica.port);
    const switchedAt = Date.now();
    await primary.stop();
    const answers: Array<{ at: number; status: number }> = [];
    for (let i = 0; i < 40 && Date.now() - switchedAt < 4000; i++) {
      const r = await hello();
      answers.push({ at: Date.now() - switchedAt, status: r.status });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // THEN: failures only in the first 2 s; 200s after, on the same process; no visit lost or counted twice
    const failed = answers.filter((a) => a.status !== 200);
    expect(failed.every((a) => a.at <= 2000)).toBe(true);
    expect(answers.slice(-5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(server.proc.child.pid).toBe(pid);
    expect(server.proc.hasExited()).toBe(false);
    expect(await readCounter(replica)).toBe(5 + answers.length - failed.length);
  });

  test('with the endpoint still on a replica (READONLY), hello answers 503 and counts nothing', async () => {
    // GIVEN: the endpoint points at a replica of the primary
    const replica = await startRedis({ registry: perTest });
    await redisCommand(replica, ['REPLICAOF', primary.host, String(primary.port)]);
    endpoint.switchTo(replica.port);

    // WHEN
    const page = await hello();

    // THEN
    expect(page.status).toBe(503);
    expect(await readCounter(primary)).toBe(0);
    expect(server.proc.output()).toMatch(/RedisReplyError: READONLY/);
  });
});
