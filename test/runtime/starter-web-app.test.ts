/**
 * The starter web app that every `projen new --from` project deploys (`templates/app/webapp/server.js`), run for real
 * on 127.0.0.1 against a real redis-server: it keeps idle connections longer than the load balancer (60 s), and on
 * SIGTERM it finishes the requests in flight before it exits.
 */
import * as net from 'net';
import * as path from 'path';
import { Cleanup, describeWith, freePort, LOOPBACK, Proc, RedisServer, sleep, spawnTracked, startRedis, waitFor } from './harness';

const SERVER = path.join(__dirname, '..', '..', 'packages', 'cdk-zero-downtime-web-tier-app', 'templates', 'app', 'webapp', 'server.js');

/** One raw HTTP/1.1 connection: write bytes, read what comes back, see whether the server closed it. */
class RawConnection {
  public received = '';
  public closed = false;
  private readonly socket: net.Socket;

  constructor(port: number) {
    this.socket = net.connect(port, LOOPBACK);
    this.socket.on('data', (chunk) => { this.received += chunk.toString(); });
    this.socket.on('close', () => { this.closed = true; });
    this.socket.on('error', () => { this.closed = true; });
  }

  public async open(): Promise<void> {
    await new Promise<void>((resolve, reject) => { this.socket.once('connect', resolve); this.socket.once('error', reject); });
  }

  public write(text: string): void {
    this.socket.write(text);
  }

  /** Waits (at most 5 s) until `count` responses have arrived on this connection. */
  public async responses(count: number): Promise<string[]> {
    await waitFor(`${count} responses`, async () => (this.received.match(/HTTP\/1\.1 /g) ?? []).length >= count || this.closed ? true : undefined, 5000, 20);
    return this.received.split(/(?=HTTP\/1\.1 )/).filter(Boolean);
  }

  public end(): void {
    this.socket.destroy();
  }
}

describeWith(['redis-server'])('the starter web app (webapp/server.js of a new project)', () => {
  const registry = new Cleanup();
  let redis: RedisServer;
  afterAll(() => registry.run());
  beforeAll(async () => { redis = await startRedis({ registry }); });

  async function startApp(): Promise<{ port: number; proc: Proc }> {
    const port = await freePort();
    const proc = spawnTracked(process.execPath, [SERVER], {
      registry,
      env: { PATH: process.env.PATH, PORT: String(port), WEB_BIND: LOOPBACK, INSTANCE_ID: 'i-0starter', REDIS_HOST: LOOPBACK, REDIS_PORT: String(redis.port) },
    });
    await waitFor('the starter app', async () => /webapp: i-0starter on port/.test(proc.output()) ? true : undefined);
    return { port, proc };
  }

  test('it keeps an idle keep-alive connection open past Node\'s default 5 s, and announces 65 s, longer than the ALB\'s 60 s', async () => {
    // GIVEN
    const { port } = await startApp();
    const connection = new RawConnection(port);
    await connection.open();
    // WHEN one request, 6 s idle, then a second request on the same connection
    connection.write(`GET /healthz HTTP/1.1\r\nHost: ${LOOPBACK}\r\n\r\n`);
    const [first] = await connection.responses(1);
    await sleep(6000);
    expect(connection.closed).toBe(false);
    connection.write(`GET / HTTP/1.1\r\nHost: ${LOOPBACK}\r\n\r\n`);
    const answers = await connection.responses(2);
    connection.end();
    // THEN
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(first).toMatch(/Keep-Alive: timeout=65/i);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 200[\s\S]*Counter: \d+/);
  }, 30_000);

  test('on SIGTERM it answers a request that is still arriving, closes that connection, refuses new ones and exits 0', async () => {
    // GIVEN a request whose first header line has arrived and whose other headers have not
    const { port, proc } = await startApp();
    const connection = new RawConnection(port);
    await connection.open();
    connection.write(`GET / HTTP/1.1\r\nHost: ${LOOPBACK}\r\n`);
    await sleep(200);
    // WHEN SIGTERM lands, then the rest of the request
    proc.child.kill('SIGTERM');
    await sleep(300);
    const refused = await new Promise<boolean>((resolve) => {
      const probe = net.connect(port, LOOPBACK);
      probe.once('connect', () => { probe.destroy(); resolve(false); });
      probe.once('error', () => resolve(true));
    });
    connection.write('Accept: */*\r\n\r\n');
    const [answer] = await connection.responses(1);
    connection.end();
    // THEN
    expect(answer).toMatch(/^HTTP\/1\.1 200[\s\S]*Counter: \d+/);
    expect(answer).toMatch(/Connection: close/i);
    expect(refused).toBe(true);
    expect(await Promise.race([proc.exited, sleep(5000).then(() => 'still running')])).toBe(0);
    expect(proc.output()).toMatch(/stopping: finishing the requests in flight/);
  }, 30_000);
});
