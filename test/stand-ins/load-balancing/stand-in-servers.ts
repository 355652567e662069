// Small web servers of this process on 127.0.0.1, and a load balancer stand-in over them with health checks a few
// hundred milliseconds apart: what the load balancer's and the target group's tests share.
import * as http from 'http';
import * as net from 'net';
import { LoadBalancerStandIn } from '../../../src/stand-ins/load-balancing/load-balancer';
import { LoadBalancerSettings, TIER_DEFAULT_SETTINGS } from '../../../src/stand-ins/synthesized-tier/fleet-settings';

/** Checks every 200 ms (100 ms timeout), healthy after 2 passes, unhealthy after 3 failures, 1 s of draining. */
export const SETTINGS: LoadBalancerSettings = {
  ...TIER_DEFAULT_SETTINGS,
  healthCheckIntervalSeconds: 0.2,
  healthCheckTimeoutSeconds: 0.1,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  deregistrationDelaySeconds: 1,
};

/** A web server: `/health` answers `health.status`; `/slow` after `slowMs`; anything else `page.status`. Counts its requests. */
export interface TestServer {
  readonly port: number;
  readonly health: { status: number };
  readonly page: { status: number };
  requests: number;
  close(): Promise<void>;
}

/** What each test started, stopped by the test file's afterEach. */
export const cleanups: Array<() => Promise<void>> = [];

export async function server(slowMs = 600): Promise<TestServer> {
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

export async function standIn(settings: LoadBalancerSettings = SETTINGS, targetHeader?: string, now?: () => number) {
  const lb = new LoadBalancerStandIn(settings, '/health', { targetHeader, now });
  const port = await lb.listen();
  cleanups.push(() => lb.close());
  return { lb, port };
}

export function get(port: number, path = '/', headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; body: string }> {
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

