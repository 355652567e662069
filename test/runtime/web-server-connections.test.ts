import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import {
  Cleanup, cleanup, describeWith, freePort, httpGet, LOOPBACK, PYTHON, readCounter, RedisServer, spawnTracked, startRedis,
  tempDir, waitFor, WEB_SERVER_PY, webConfig, writeConfig,
} from './harness';
import { burst } from '../../drill/burst';

/** Runs webtier_server.py's main() with some of its module constants replaced (to keep the tests short). */
async function startServer(
  redis: RedisServer, registry: Cleanup, constants: Record<string, number> = {}, opts: { port?: number; prelude?: string; setup?: string } = {},
) {
  const port = opts.port ?? await freePort();
  const configFile = path.join(tempDir('web-conn', registry), 'webtier.conf');
  writeConfig(configFile, webConfig('i-0connections00001', port, redis));
  const code = [
    'import sys',
    opts.prelude ?? '',
    `sys.path.insert(0, ${JSON.stringify(path.dirname(WEB_SERVER_PY))})`,
    'import webtier_server as w',
    ...Object.entries(constants).map(([k, v]) => `w.${k} = ${v}`),
    opts.setup ?? '',
    `sys.exit(w.main(["--config", ${JSON.stringify(configFile)}]))`,
  ].join('\n');
  const proc = spawnTracked(PYTHON, ['-c', code], { registry, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  await waitFor('the server to listen', async () => {
    if (proc.hasExited()) throw new Error(`server exited: ${proc.output()}`);
    return /webtier_server: .* on /.test(proc.output()) ? true : undefined;
  });
  return { proc, port, configFile };
}

/** A client connection that sends requests and reads whole responses (Content-Length framed). */
class RawConnection {
  public closedAt?: number;
  private buffer = '';
  private readonly socket: net.Socket;
  private waiters: Array<() => void> = [];

  constructor(port: number) {
    this.socket = net.connect({ host: LOOPBACK, port });
    this.socket.on('data', (c: Buffer) => {
      this.buffer += c.toString('latin1');
      this.wake();
    });
    this.socket.on('close', () => {
      this.closedAt = Date.now();
      this.wake();
    });
    this.socket.on('error', () => undefined);
  }

  public send(text: string): void {
    this.socket.write(text);
  }

  /** The next response (status line and headers, body), or undefined once the server closed the connection. */
  public async response(timeoutMs = 5000): Promise<{ status: number; headers: string; body: string } | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buffer.slice(0, end);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (this.buffer.length >= end + 4 + length) {
          const body = this.buffer.slice(end + 4, end + 4 + length);
          this.buffer = this.buffer.slice(end + 4 + length);
          return { status: Number(head.split(' ')[1]), headers: head, body };
        }
      }
      if (this.closedAt !== undefined) return undefined;
      if (Date.now() > deadline) throw new Error(`no response within ${timeoutMs} ms; got ${JSON.stringify(this.buffer.slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Resolves once the server has closed the connection (at most `timeoutMs`). */
  public async closed(timeoutMs = 5000): Promise<number> {
    await waitFor('the server to close the connection', async () => (this.closedAt !== undefined ? true : undefined), timeoutMs, 20);
    return this.closedAt!;
  }

  public destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

const GET = (p: string, extra = '') => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;

describeWith(['redis-server'])('webtier_server.py connections', () => {
  const perTest = new Cleanup();
  let redis: RedisServer;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(() => perTest.run());
  afterAll(() => cleanup.run());

  test('with HTTP/1.1, several requests share one connection, which stays open between them', async () => {
    // GIVEN
    const { port } = await startServer(redis, perTest);
    const conn = new RawConnection(port);
    perTest.add(async () => conn.destroy());

    // WHEN
    conn.send(GET('/cgi-bin/hello.py'));
    const first = await conn.response();
    await new Promise((r) => setTimeout(r, 1500));
    conn.send(GET('/cgi-bin/hello.py'));
    const second = await conn.response();

    // THEN
    expect([first?.status, second?.status]).toEqual([200, 200]);
    expect(first?.headers).toMatch(/^HTTP\/1\.1 200/);
    expect(first?.headers).not.toMatch(/connection: close/i);
    expect(conn.closedAt).toBeUndefined();
  });

  test('an idle connection is kept longer than the ALB\'s 60 s idle timeout, then closed by the server', async () => {
    // GIVEN: the shipped value, and a server where it is 1 s
    const shipped = spawnSync(PYTHON, ['-c', 'import webtier_server as w; print(w.KEEPALIVE_IDLE_SECONDS)'],
      { cwd: path.dirname(WEB_SERVER_PY), encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    const { port } = await startServer(redis, perTest, { KEEPALIVE_IDLE_SECONDS: 1 });
    const conn = new RawConnection(port);
    perTest.add(async () => conn.destroy());

    // WHEN
    conn.send(GET('/cgi-bin/ping.py'));
    expect((await conn.response())?.status).toBe(200);
    const answeredAt = Date.now();

    // THEN
    expect(Number(shipped.stdout)).toBeGreaterThan(60);
    expect(await conn.closed(5000) - answeredAt).toBeGreaterThanOrEqual(900);
  });

  test('the listening socket has a backlog of 1024 (ss shows it as Send-Q)', async () => {
    const { port } = await startServer(redis, perTest);
    const ss = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
    expect(ss.stdout.trim().split(/\s+/)[2]).toBe('1024');
  });

  test('with a header section over 16 KB, the server answers 431 and closes the connection', async () => {
    const { port } = await startServer(redis, perTest);
    const conn = new RawConnection(port);
    perTest.add(async () => conn.destroy());

    conn.send(GET('/cgi-bin/ping.py', `X-Big: ${'a'.repeat(8000)}\r\nX-Big2: ${'b'.repeat(9000)}\r\n`));

    expect((await conn.response())?.status).toBe(431);
    await conn.closed();
  });

  test('with a client that sends its headers a byte at a time, the server closes it once the header time limit is up', async () => {
    // GIVEN: a 1 s limit on reading a request's line and headers
    const { port } = await startServer(redis, perTest, { HEADER_TIMEOUT_SECONDS: 1 });
    const conn = new RawConnection(port);
    perTest.add(async () => conn.destroy());

    // WHEN: a byte every 200 ms, never finishing the headers (each byte well within any per-read timeout)
    const started = Date.now();
    conn.send('GET /cgi-bin/ping.py HTTP/1.1\r\nX-Slow: ');
    for (let i = 0; i < 40 && conn.closedAt === undefined; i++) {
      conn.send('a');
      await new Promise((r) => setTimeout(r, 200));
    }

    // THEN: cut off after the limit, not when the client chose to stop
    expect(conn.closedAt).toBeDefined();
    expect(conn.closedAt! - started).toBeGreaterThanOrEqual(900);
    expect(conn.closedAt! - started).toBeLessThan(8000);
  });

  test('with a burst of 50 simultaneous connections, every request is answered 200 and counted once', async () => {
    // GIVEN
    const { port } = await startServer(redis, perTest);
    const before = await readCounter(redis);

    // WHEN
    const result = await burst(`http://${LOOPBACK}:${port}/cgi-bin/hello.py`, 50);

    // THEN
    expect(result.failed).toBe(0);
    expect(await readCounter(redis)).toBe(before + 50);
  });

  test('with more connections than workers, the extra ones wait for a free worker and are all answered', async () => {
    // GIVEN: 4 workers
    const { port, proc } = await startServer(redis, perTest, { MAX_WORKERS: 4 });

    // WHEN: 24 requests at once, each on its own connection (closed after the answer)
    let maxThreads = 0;
    const sampleThreads = () => {
      const status = fs.readFileSync(`/proc/${proc.child.pid}/status`, 'utf8');
      maxThreads = Math.max(maxThreads, Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? 0));
    };
    const sample = setInterval(sampleThreads, 5);
    // Also on each answer, while the others are still in flight: a fast machine may answer all within one interval.
    const results = await Promise.all(Array.from({ length: 24 }, () =>
      httpGet(`http://${LOOPBACK}:${port}/cgi-bin/hello.py`, { timeoutMs: 10_000, headers: { Connection: 'close' } })
        .then((r) => { sampleThreads(); return r; })));
    clearInterval(sample);

    // THEN: main, accept loop, reaper and at most 4 workers serving; a worker frees its slot just before its thread
    // ends, so for an instant each may overlap with its successor: never near one thread per connection (24)
    expect(results.map((r) => r.status)).toEqual(new Array(24).fill(200));
    expect(maxThreads).toBeGreaterThan(0);
    expect(maxThreads).toBeLessThanOrEqual(3 + 4 + 4);
  });

  test('on SIGTERM, a slow request in flight is answered (with Connection: close), idle connections are closed, and it exits 0', async () => {
    // GIVEN: an idle keep-alive connection, and a request in flight on a route that takes 1.5 s
    const setup = 'import time\nw.ROUTES["/slow"] = lambda conf, head: (time.sleep(1.5), (200, "text/plain", b"slow"))[1]';
    const { port, proc } = await startServer(redis, perTest, {}, { setup });
    const idle = new RawConnection(port);
    perTest.add(async () => idle.destroy());
    idle.send(GET('/cgi-bin/ping.py'));
    expect((await idle.response())?.status).toBe(200);
    const busy = new RawConnection(port);
    perTest.add(async () => busy.destroy());
    busy.send(GET('/slow'));
    await new Promise((r) => setTimeout(r, 300));

    // WHEN
    proc.child.kill('SIGTERM');

    // THEN
    const answer = await busy.response(5000);
    expect(answer?.status).toBe(200);
    expect(answer?.body).toBe('slow');
    expect(answer?.headers).toMatch(/connection: close/i);
    await idle.closed(3000);
    expect(await proc.exited).toBe(0);
    await expect(httpGet(`http://${LOOPBACK}:${port}/cgi-bin/ping.py`, { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  test('with a listening socket passed as systemd does (LISTEN_FDS=1, LISTEN_PID, fd 3), it serves on that socket and binds nothing', async () => {
    // GIVEN: a socket on `passed`, made before the server runs; the config names another port
    const passed = await freePort();
    const prelude = [
      'import os, socket',
      `s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", ${passed})); s.listen(16)`,
      'fd = s.detach()',
      'if fd != 3: os.dup2(fd, 3); os.close(fd)',
      'os.environ["LISTEN_FDS"] = "1"; os.environ["LISTEN_PID"] = str(os.getpid())',
    ].join('\n');

    // WHEN
    const { port, proc } = await startServer(redis, perTest, {}, { prelude });

    // THEN
    expect((await httpGet(`http://${LOOPBACK}:${passed}/cgi-bin/ping.py`)).body).toBe('ok');
    await expect(httpGet(`http://${LOOPBACK}:${port}/cgi-bin/ping.py`, { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
    expect(proc.output()).toMatch(/socket from systemd/);
  });
});
