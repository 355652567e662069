import {
  cleanup, describeWith, freePort, httpGet, makeTlsFiles, parseHello, readCounter, RedisServer, startRedis, startWebServer, tempDir,
  TlsFiles, webConfig,
} from './harness';

// ElastiCache for Valkey (the default engine) and for Redis OSS speak the same protocol (RESP), with the same AUTH and
// TLS: Valkey is a drop-in replacement for Redis OSS 7 (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VersionManagement.HowTo.html).
// The real redis-server here stands in for either engine; the hello counter uses only AUTH, GET and EVAL (a Lua script of SET, INCR, GET).
describeWith(['redis-server', 'redis-tls', 'openssl'])('webtier_server.py with Redis over TLS with AUTH (the protocol both cache engines, Valkey and Redis OSS, speak)', () => {
  // Shell and config metacharacters on purpose: the token must survive the config file verbatim.
  const password = 'tok3n-with-$HOME-"quotes"-`tick`-\\-#-=';
  let tlsFiles: TlsFiles;
  let redis: RedisServer;

  beforeAll(async () => {
    tlsFiles = makeTlsFiles(tempDir('tls'));
    redis = await startRedis({ tls: tlsFiles, password });
  });
  afterAll(() => cleanup.run());

  test('with REDIS_TLS=true, the CA file and the right token, hello counts every visit', async () => {
    const server = await startWebServer({ config: webConfig('i-0tls000000000001', await freePort(), redis) });
    const before = await readCounter(redis);

    for (let i = 1; i <= 5; i++) {
      const page = await httpGet(`${server.url}/cgi-bin/hello.py`);
      expect(page.status).toBe(200);
      expect(parseHello(page.body)).toEqual({ count: before + i, instanceId: 'i-0tls000000000001' });
    }
    expect(await readCounter(redis)).toBe(before + 5);
  });

  test('with a wrong token, hello answers 503 without a traceback', async () => {
    const server = await startWebServer({ config: webConfig('i-0tls000000000002', await freePort(), { ...redis, password: 'wrong-token' }) });
    const page = await httpGet(`${server.url}/cgi-bin/hello.py`);

    expect(page.status).toBe(503);
    expect(page.ms).toBeLessThan(2000);
    expect(page.body).not.toMatch(/Traceback|WRONGPASS|wrong-token/);
    expect(server.proc.output()).toMatch(/hello: redis unavailable: \w+/);
  });

  test('with no token at all, hello answers 503', async () => {
    const server = await startWebServer({ config: webConfig('i-0tls000000000003', await freePort(), { ...redis, password: undefined }) });
    expect((await httpGet(`${server.url}/cgi-bin/hello.py`)).status).toBe(503);
  });

  test('with TLS off against the TLS port, hello answers 503 within 2 s', async () => {
    const server = await startWebServer({ config: webConfig('i-0tls000000000004', await freePort(), { ...redis, tlsCaFile: undefined }) });
    const page = await httpGet(`${server.url}/cgi-bin/hello.py`, { timeoutMs: 5000 });

    expect(page.status).toBe(503);
    expect(page.ms).toBeLessThan(2000);
  });

  test('with a CA that did not sign the server certificate, hello refuses to talk to Redis (503)', async () => {
    const otherCa = makeTlsFiles(tempDir('other-tls')).caFile;
    const server = await startWebServer({ config: webConfig('i-0tls000000000005', await freePort(), { ...redis, tlsCaFile: otherCa }) });
    const page = await httpGet(`${server.url}/cgi-bin/hello.py`);

    expect(page.status).toBe(503);
    expect(server.proc.output()).toMatch(/certificate verify failed/i);
  });

  test('with a certificate from the trusted CA but for another host, hello refuses to talk to Redis (503)', async () => {
    // GIVEN: a Redis whose certificate names only other.example, signed by the CA the server trusts
    const dir = tempDir('wrong-host-tls');
    const wrongHost = makeTlsFiles(dir, 'DNS:other.example');
    const impostor = await startRedis({ tls: wrongHost, password, tlsServerName: 'other.example' });
    const server = await startWebServer({ config: webConfig('i-0tls000000000006', await freePort(), impostor) });

    // WHEN
    const page = await httpGet(`${server.url}/cgi-bin/hello.py`);

    // THEN
    expect(page.status).toBe(503);
    expect(server.proc.output()).toMatch(/certificate verify failed: IP address mismatch/);
  });
});
