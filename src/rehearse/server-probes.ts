import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import { sleep } from '../local/loopback';
import { healthCheck } from '../stand-ins/load-balancing/target-group';

/**
 * Seconds from the start until the health page first answered with a healthy code, or undefined within `budgetMs`,
 * or as soon as `gaveUp()` (the start command exited).
 */
export async function bootSeconds(port: number, path: string, codes: string, startedAt: number, budgetMs: number,
  gaveUp: () => boolean = () => false): Promise<number | undefined> {
  const deadline = startedAt + budgetMs;
  while (Date.now() < deadline && !gaveUp()) {
    if (await healthCheck(port, path, 2_000, codes)) {
      return (Date.now() - startedAt) / 1000;
    }
    await sleep(200);
  }
  return undefined;
}

/** The headers of an answer to `GET path` (empty when there is none within 5 s): which server answers. */
export function answerHeaders(port: number, path: string): Promise<Record<string, string | string[] | undefined>> {
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 5_000 }, res => {
      res.resume();
      resolve(res.headers);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({}));
  });
}

/** What the keep-alive probe saw on one connection left idle. */
export interface IdleConnectionResult {
  /** Seconds after its answer at which the application closed the idle connection, if it did before `idleSeconds`. */
  readonly closedAfterSeconds?: number;
  /** The status of the second request, sent on the same connection after `idleSeconds - 1` s, if it was sent. */
  readonly secondStatus?: number;
  /** Why the second request failed, if it did. */
  readonly failure?: string;
  /**
   * The first answer said `Connection: close` (RFC 9112 9.6: the server closes the connection after it, and a client,
   * the load balancer included, never sends another request on it): no idle connection to race. The second request
   * then goes at once on a new connection, as the load balancer would send it.
   */
  readonly connectionClose?: boolean;
  /** The headers of the first answer (which server it is). */
  readonly headers?: Record<string, string | string[] | undefined>;
}

/**
 * One connection as the load balancer keeps it: a request, then nothing for up to the load balancer's idle timeout
 * (`idleSeconds`), then a second request on the same connection one second before the load balancer itself would
 * close it. When the application closes it first, the load balancer may send the next request on it just as it
 * closes: AWS answers that request 502. The probe reports that outcome for such an application (the instant is
 * chance on AWS; here it is the worst case), and sends the second request for real otherwise.
 */
export async function idleConnection(port: number, path: string, idleSeconds: number): Promise<IdleConnectionResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    let socket: net.Socket | undefined;
    let answeredAt = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path, agent, timeout: 10_000 }, res => {
        socket = res.socket;
        headers = res.headers;
        res.resume();
        res.on('end', () => { answeredAt = Date.now(); resolve(); });
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', reject);
    });
    if (/\bclose\b/i.test(String(headers.connection ?? ''))) {
      const again = await secondRequest(port, path, agent);
      return { connectionClose: true, headers, ...(again.error ? { secondStatus: 502, failure: again.error } : { secondStatus: again.status }) };
    }
    let closedAt: number | undefined;
    socket?.once('close', () => closedAt = Date.now());
    const until = answeredAt + (idleSeconds - 1) * 1000;
    while (Date.now() < until && closedAt === undefined) {
      await sleep(100);
    }
    if (closedAt !== undefined) {
      const after = Math.round((closedAt - answeredAt) / 100) / 10;
      return {
        headers,
        closedAfterSeconds: after,
        secondStatus: 502,
        failure: `the application closed the idle connection after ${after} s; the load balancer keeps it ${idleSeconds} s and ` +
          'may send the next request on it as it closes (502)',
      };
    }
    const second = await secondRequest(port, path, agent);
    return second.error ? { headers, secondStatus: 502, failure: second.error } : { headers, secondStatus: second.status };
  } finally {
    agent.destroy();
  }
}

/** A request through `agent` (on its idle connection when it has one), given 10 s. */
function secondRequest(port: number, path: string, agent: http.Agent): Promise<{ status?: number; error?: string }> {
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, timeout: 10_000 }, res => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', error => resolve({ error: error.message }));
  });
}

/** What the SIGTERM probe saw. */
export interface SigtermResult {
  /** Whether the request was still unanswered when SIGTERM was due; only then was SIGTERM sent. */
  readonly inFlight: boolean;
  /** The status of the request, if it was answered (before SIGTERM when not `inFlight`). */
  readonly status?: number;
  /** Why it was not answered. */
  readonly failure?: string;
}

/**
 * A request whose body is still arriving when SIGTERM lands: its headers and half its body, then, if no answer has
 * come 300 ms later, `sigterm()`, then the rest of the body a second later. An application that stops gracefully
 * answers it (any status); one that exits at once resets it. An application that answers before reading the body
 * answers before SIGTERM: `inFlight` is false and SIGTERM is not sent.
 */
export function requestThroughSigterm(port: number, path: string, sigterm: () => void): Promise<SigtermResult> {
  const body = 'rehearsal=in-flight-through-sigterm';
  const half = Math.floor(body.length / 2);
  return heldThroughSigterm(port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
    `Content-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`, body.slice(half), sigterm);
}

/**
 * A `GET path` held in flight by something else (the rehearsal pauses the application's Redis): `sigterm()` once it
 * has been outstanding 300 ms without an answer; `inFlight` false (and no SIGTERM) when it was answered sooner.
 */
export function getThroughSigterm(port: number, path: string, sigterm: () => void): Promise<SigtermResult> {
  return heldThroughSigterm(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, '', sigterm);
}

/** Sends `head`; 300 ms later, unless answered, `sigterm()` and, a second later, `rest`; then waits up to 15 s. */
function heldThroughSigterm(port: number, head: string, rest: string, sigterm: () => void): Promise<SigtermResult> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let settled = false;
    let inFlight = false;
    const settle = (result: Omit<SigtermResult, 'inFlight'>) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve({ inFlight, ...result });
      }
    };
    const timer = setTimeout(() => settle(answer ? statusOf(answer) : { failure: 'no answer within 15 s' }), 15_000);
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      if (/\r\n\r\n/.test(answer)) {
        settle(statusOf(answer));
      }
    });
    socket.on('error', error => settle(answer ? statusOf(answer) : { failure: `the connection failed: ${error.message}` }));
    socket.on('close', () => settle(answer ? statusOf(answer) : { failure: 'the application closed the connection without an answer' }));
    socket.on('connect', async () => {
      socket.write(head);
      await sleep(300);
      if (settled) {
        return;
      }
      inFlight = true;
      sigterm();
      await sleep(1_000);
      if (!socket.destroyed && rest) {
        socket.write(rest);
      }
    });
  });
}

function statusOf(answer: string): Omit<SigtermResult, 'inFlight'> {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
  return match ? { status: Number(match[1]) } : { failure: `not an HTTP answer: ${JSON.stringify(answer.slice(0, 40))}` };
}

/** This machine's first IPv4 address that is not loopback, if it has one. */
export function nonLoopbackAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) {
        return address.address;
      }
    }
  }
  return undefined;
}

/** Whether something accepts TCP connections on `host:port` within 2 s. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}
