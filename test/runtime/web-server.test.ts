import * as fs from 'fs';
import * as path from 'path';
import {
  cleanup, Cleanup, describeWith, findPython39, freePort, httpGet, parseHello, readCounter, redisCommand, RedisServer,
  requestMany, startRedis, startWebServer, tempDir, waitFor, WebServer, webConfig,
} from './harness';

describeWith(['redis-server'])('webtier_server.py with a plain Redis', () => {
  let redis: RedisServer;
  let servers: WebServer[];

  beforeAll(async () => {
    redis = await startRedis();
    servers = [];
    for (const id of ['i-0aaaaaaaaaaaaaaa1', 'i-0bbbbbbbbbbbbbbb2']) {
      servers.push(await startWebServer({ config: webConfig(id, await freePort(), redis) }));
    }
  });
  afterAll(() => cleanup.run());

  test('with N requests spread over two servers, the Redis counter rises by exactly N', async () => {
    const before = await readCounter(redis);
    const results = await requestMany(servers.map((s) => `${s.url}/cgi-bin/hello.py`), 40, 8);

    expect(results.map((r) => r.status)).toEqual(new Array(40).fill(200));
    expect(await readCounter(redis)).toBe(before + 40);
    // INCR is atomic: every visit saw a different count.
    const counts = results.map((r) => parseHello(r.body).count).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 40 }, (_, i) => before + 1 + i));
  });

  test('with two servers, each page shows its own instance id', async () => {
    for (const server of servers) {
      const page = await httpGet(`${server.url}/cgi-bin/hello.py`);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(parseHello(page.body).instanceId).toBe(server.instanceId);
    }
  });

  test('with the default counter key, only that key is incremented (not the tutorial\'s key "1"), beside visit markers that expire within 30 s', async () => {
    await httpGet(`${servers[0].url}/cgi-bin/hello.py`);
    const keys = await redisCommand(redis, ['KEYS', '*']) as string[];
    const markers = keys.filter((k) => /^webtier:hello:counter:visit:[0-9a-f]{32}$/.test(k));

    expect(keys.filter((k) => !markers.includes(k))).toEqual(['webtier:hello:counter']);
    expect(markers.length).toBeGreaterThan(0);
    const ttl = Number(await redisCommand(redis, ['TTL', markers[0]]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  test('with a HEAD request, hello answers 200 without a body and without counting', async () => {
    const before = await readCounter(redis);
    const head = await httpGet(`${servers[0].url}/cgi-bin/hello.py`, { method: 'HEAD' });

    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(await readCounter(redis)).toBe(before);
  });

  test('with an unknown path, the server answers 404', async () => {
    for (const p of ['/', '/cgi-bin/', '/cgi-bin/other.py', '/hello.py']) {
      expect((await httpGet(`${servers[0].url}${p}`)).status).toBe(404);
    }
  });

  test('with a hand-written config (comments, bare and single-quoted values), the server reads it', async () => {
    const configFile = path.join(tempDir('hand-written'), 'webtier.conf');
    fs.writeFileSync(configFile, [
      '# written by hand',
      "INSTANCE_ID='i-0handwritten00001'",
      'WEB_BIND=127.0.0.1',
      `WEB_PORT=${await freePort()}`,
      `REDIS_HOST=${redis.host}`,
      `REDIS_PORT='${redis.port}'`,
      'REDIS_TLS=false',
      '',
    ].join('\n'), { mode: 0o600 });
    const server = await startWebServer({ configFile });
    const before = await readCounter(redis);

    expect(parseHello((await httpGet(`${server.url}/cgi-bin/hello.py`)).body)).toEqual({ count: before + 1, instanceId: 'i-0handwritten00001' });
  });

  test('with a query string, hello still counts the visit', async () => {
    const before = await readCounter(redis);
    expect((await httpGet(`${servers[0].url}/cgi-bin/hello.py?x=1`)).status).toBe(200);
    expect(await readCounter(redis)).toBe(before + 1);
  });

  test('with the cgi and cgitb modules gone (removed in Python 3.13), the server starts, answers ping and counts', async () => {
    // GIVEN modules named cgi and cgitb ahead of the standard library, that fail as a missing module does
    const gone = tempDir('no-cgi');
    for (const name of ['cgi', 'cgitb']) {
      fs.writeFileSync(path.join(gone, `${name}.py`), `raise ModuleNotFoundError("No module named '${name}'")\n`);
    }
    // WHEN
    const server = await startWebServer({
      config: webConfig('i-0nocgi0000000000001', await freePort(), redis),
      env: { PYTHONPATH: gone },
    });
    const before = await readCounter(redis);
    // THEN
    expect((await httpGet(`${server.url}/cgi-bin/ping.py`)).body).toBe('ok');
    expect(parseHello((await httpGet(`${server.url}/cgi-bin/hello.py`)).body)).toEqual({ count: before + 1, instanceId: 'i-0nocgi0000000000001' });
  });
});

describeWith(['redis-server'])('webtier_server.py when Redis fails', () => {
  const perTest = new Cleanup();
  let redis: RedisServer;
  let server: WebServer;

  beforeEach(async () => {
    redis = await startRedis({ registry: perTest });
    server = await startWebServer({ config: webConfig('i-0ccccccccccccccc3', await freePort(), redis), registry: perTest });
  });
  afterEach(() => perTest.run());

  test('with Redis stopped, ping still answers 200 "ok"', async () => {
    await redis.stop();
    const ping = await httpGet(`${server.url}/cgi-bin/ping.py`, { timeoutMs: 2000 });

    expect(ping.status).toBe(200);
    expect(ping.body).toBe('ok');
    expect(ping.headers['content-type']).toMatch(/^text\/plain/);
  });

  test('with Redis stopped, hello answers 503 within 2 s without a traceback', async () => {
    expect((await httpGet(`${server.url}/cgi-bin/hello.py`)).status).toBe(200);
    await redis.stop();
    const page = await httpGet(`${server.url}/cgi-bin/hello.py`, { timeoutMs: 5000 });

    expect(page.status).toBe(503);
    expect(page.ms).toBeLessThan(2000);
    expect(page.body).toMatch(/<html>.*unavailable/is);
    expect(page.body).not.toMatch(/Traceback|File "|Redis\w*Error|Errno/);
    expect(server.proc.output()).toMatch(/hello: redis unavailable: RedisConnectionError: cannot connect/);
  });

  test('with Redis back on the same port, hello recovers and counts again', async () => {
    await redis.stop();
    expect((await httpGet(`${server.url}/cgi-bin/hello.py`)).status).toBe(503);
    redis = await startRedis({ port: redis.port, registry: perTest });

    const page = await waitFor('hello to recover', async () => {
      const r = await httpGet(`${server.url}/cgi-bin/hello.py`, { timeoutMs: 3000 });
      return r.status === 200 ? r : undefined;
    }, 10_000, 200);
    expect(parseHello(page.body).count).toBe(1);
    expect(await readCounter(redis)).toBe(1);
  });

  test('with Redis frozen (accepting but never answering), hello answers 503 within 3 s (two attempts of 1 s) and recovers after', async () => {
    expect((await httpGet(`${server.url}/cgi-bin/hello.py`)).status).toBe(200);
    redis.freeze();
    try {
      const page = await httpGet(`${server.url}/cgi-bin/hello.py`, { timeoutMs: 5000 });
      expect(page.status).toBe(503);
      expect(page.ms).toBeLessThan(3000);
      expect(page.body).not.toMatch(/Traceback/);
      // The health check does not depend on Redis, even a hung one.
      expect((await httpGet(`${server.url}/cgi-bin/ping.py`, { timeoutMs: 1000 })).status).toBe(200);
    } finally {
      redis.thaw();
    }
    expect((await httpGet(`${server.url}/cgi-bin/hello.py`)).status).toBe(200);
  });
});

const python39 = findPython39();
if (!python39) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPING the Python 3.9 run: no python3.9 here (Debian has none; pyenv install 3.9 to enable it)');
}
(python39 ? describeWith(['redis-server']) : describe.skip)('webtier_server.py on Python 3.9, as on Amazon Linux 2023', () => {
  afterAll(() => cleanup.run());

  test('with Python 3.9 and nothing installed from PyPI, ping answers and hello counts', async () => {
    const redis = await startRedis();
    const server = await startWebServer({
      config: webConfig('i-0python39000000001', await freePort(), redis),
      python: python39,
    });

    expect((await httpGet(`${server.url}/cgi-bin/ping.py`)).body).toBe('ok');
    expect(parseHello((await httpGet(`${server.url}/cgi-bin/hello.py`)).body).count).toBe(1);
    expect(await readCounter(redis)).toBe(1);
  });
});
