import * as http from 'http';
import * as net from 'net';
import { LoadBalancerSettings, matchesHttpCodes } from './rehearsal-target';

/**
 * The stand-in for the Application Load Balancer and its target group, in the ways that decide whether a request
 * fails. Each behaviour follows AWS's documentation:
 * - Connections to targets are kept open and reused (HTTP keep-alive) until they have been idle for the load
 *   balancer's idle timeout (`idle_timeout.timeout_seconds`, 60 s by default):
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout
 * - A request is sent to one target, chosen round robin among the healthy ones, and never retried on another:
 *   when the target resets or closes the connection with the request outstanding, or refuses the connection, the
 *   client gets a 502; when the target sends nothing for the idle timeout, a 504:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-troubleshooting.html#http-502-issues
 * - Health checks every `interval`, each failing after `timeout`; a target is healthy after `healthyThreshold`
 *   passes in a row and unhealthy after `unhealthyThreshold` failures; the first check runs at registration. With
 *   no healthy target, requests go to all the unhealthy ones (fail open); with none at all, 503:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * - Deregistration: no new request goes to the target; it drains until its requests in flight are done or the
 *   deregistration delay has passed, then its connections are closed:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
 */
export class LoadBalancerStandIn {
  /** Every request the clients sent, in order of arrival. */
  public readonly requests: ForwardedRequest[] = [];
  /** What happened to the targets, in order: registered, healthy, unhealthy, deregistered (draining), drained. */
  public readonly events: TargetEvent[] = [];
  private readonly targets = new Map<string, Target>();
  private readonly server: http.Server;
  private next = 0;
  private closed = false;

  constructor(private readonly settings: LoadBalancerSettings, private readonly healthPath: string) {
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = settings.idleTimeoutSeconds * 1000;
  }

  /** Listens for clients on 127.0.0.1; resolves with the port. */
  public listen(): Promise<number> {
    return new Promise(resolve => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port)));
  }

  /** Registers a target (state `initial`) and starts its health checks. */
  public register(id: string, port: number): void {
    const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: this.settings.idleTimeoutSeconds * 1000 });
    const target: Target = { id, port, agent, state: 'initial', inFlight: 0, passes: 0, failures: 0 };
    this.targets.set(id, target);
    this.events.push({ at: Date.now(), target: id, event: 'register' });
    void this.healthChecks(target);
  }

  /** The target's state: `initial`, `healthy`, `unhealthy`, `draining` or `unused` (deregistered). */
  public state(id: string): TargetState {
    return this.targets.get(id)?.state ?? 'unused';
  }

  /** Deregisters a target; resolves once it has drained (requests done, or the deregistration delay passed). */
  public async deregister(id: string): Promise<void> {
    const target = this.targets.get(id);
    if (!target) {
      return;
    }
    target.state = 'draining';
    this.events.push({ at: Date.now(), target: id, event: 'deregister' });
    const deadline = Date.now() + this.settings.deregistrationDelaySeconds * 1000;
    while (target.inFlight > 0 && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    target.state = 'unused';
    this.events.push({ at: Date.now(), target: id, event: 'drained' });
    target.agent.destroy();
    this.targets.delete(id);
  }

  /** Stops everything: the listener, the health checks, every connection. */
  public async close(): Promise<void> {
    this.closed = true;
    for (const target of this.targets.values()) {
      target.agent.destroy();
    }
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  private route(): Target | undefined {
    const registered = [...this.targets.values()].filter(t => t.state !== 'draining' && t.state !== 'unused');
    const healthy = registered.filter(t => t.state === 'healthy');
    const pool = healthy.length > 0 ? healthy : registered.filter(t => t.state === 'unhealthy');
    if (pool.length === 0) {
      return undefined;
    }
    return pool[this.next++ % pool.length];
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const record: ForwardedRequest = { at: Date.now(), path: req.url ?? '/', status: 0 };
    this.requests.push(record);
    const target = this.route();
    if (!target) {
      record.status = 503;
      record.cause = 'no registered target';
      res.writeHead(503).end('503 Service Temporarily Unavailable\n');
      return;
    }
    record.target = target.id;
    target.inFlight++;
    let done = false;
    const finish = (status: number, cause?: string) => {
      if (done) {
        return;
      }
      done = true;
      target.inFlight--;
      record.status = status;
      record.cause = cause;
      record.ms = Date.now() - record.at;
    };
    const headers = { ...req.headers };
    for (const hop of ['connection', 'keep-alive', 'proxy-connection', 'upgrade']) {
      delete headers[hop];
    }
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-proto'] = 'http';
    const upstream = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers, agent: target.agent });
    upstream.on('response', (answer) => {
      const out = { ...answer.headers };
      for (const hop of ['connection', 'keep-alive']) {
        delete out[hop];
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on('end', () => finish(answer.statusCode ?? 502));
      for (const cut of ['error', 'aborted']) {
        answer.on(cut, () => {
          finish(502, 'the target closed the connection in the middle of its answer');
          res.destroy();
        });
      }
    });
    upstream.on('timeout', () => {
      upstream.destroy(new Error('idle timeout'));
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      const [status, cause] = error.message === 'idle timeout'
        ? [504, `the target sent nothing for the idle timeout (${this.settings.idleTimeoutSeconds} s)`]
        : [502, upstreamCause(error)];
      finish(status, cause);
      if (!res.headersSent) {
        res.writeHead(status).end(`${status}\n`);
      } else {
        res.destroy();
      }
    });
    req.pipe(upstream);
  }

  private async healthChecks(target: Target): Promise<void> {
    const s = this.settings;
    while (!this.closed && this.targets.get(target.id) === target) {
      const started = Date.now();
      const ok = await healthCheck(target.port, this.healthPath, s.healthCheckTimeoutSeconds * 1000, s.healthyHttpCodes);
      if (this.state(target.id) === 'draining' || !this.targets.has(target.id)) {
        return;
      }
      if (ok) {
        target.passes++;
        target.failures = 0;
        if (target.passes >= s.healthyThreshold && target.state !== 'healthy') {
          target.state = 'healthy';
          this.events.push({ at: Date.now(), target: target.id, event: 'healthy' });
        }
      } else {
        target.failures++;
        target.passes = 0;
        if (target.failures >= s.unhealthyThreshold && target.state !== 'unhealthy') {
          target.state = 'unhealthy';
          this.events.push({ at: Date.now(), target: target.id, event: 'unhealthy' });
        }
      }
      await new Promise(resolve => setTimeout(resolve, Math.max(0, s.healthCheckIntervalSeconds * 1000 - (Date.now() - started))));
    }
  }

}

/** A target's state, as DescribeTargetHealth names them. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';

interface Target {
  readonly id: string;
  readonly port: number;
  readonly agent: http.Agent;
  state: TargetState;
  inFlight: number;
  passes: number;
  failures: number;
}

/** A change of a target's place in the target group, when (Date.now()) it happened. */
export interface TargetEvent {
  readonly at: number;
  readonly target: string;
  readonly event: 'register' | 'healthy' | 'unhealthy' | 'deregister' | 'drained';
}

/** One request through the stand-in: the target it went to, the status the client got, and why when it failed. */
export interface ForwardedRequest {
  readonly at: number;
  readonly path: string;
  target?: string;
  status: number;
  cause?: string;
  ms?: number;
}

/** The cause of a 502 for a request the target had taken when it reset the connection (its process died). */
export const IN_FLIGHT_RESET = 'the target reset the connection with the request outstanding';

/** What the load balancer's 502 says, from the error of the connection to the target. */
function upstreamCause(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED': return 'the target refused the connection (nothing listening)';
    case 'ECONNRESET': return IN_FLIGHT_RESET;
    case 'EPIPE': return 'the target had closed the connection the request was sent on';
    default: return `the connection to the target failed (${error.code ?? error.message})`;
  }
}

/** One health check: GET `path` on a new connection, passing when the status matches `codes` within `timeoutMs`. */
export function healthCheck(port: number, path: string, timeoutMs: number, codes: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs, headers: { 'user-agent': 'ELB-HealthChecker/2.0' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(matchesHttpCodes(codes, res.statusCode ?? 0)));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}
