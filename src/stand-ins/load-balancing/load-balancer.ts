import * as http from 'http';
import * as net from 'net';
import { HealthCheckRecord, RegisterOptions, Target, TargetGroupStandIn, TargetState, TargetTransition } from './target-group';
import { LoadBalancerSettings } from '../synthesized-tier/fleet-settings';

/** What the rehearsal and the drill add to the stand-in's defaults. */
export interface LoadBalancerStandInOptions {
  /**
   * The clock of every recorded time (milliseconds).
   *
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * A request header naming the target (its id) the request must go to, whatever the rotation: the drill's way to
   * keep a slow request in flight on a server it is about to drain. Not an ALB behaviour (its listener rules pick
   * a target group, never a target): off unless set, and never sent by the rehearsal's clients.
   *
   * @default - none
   */
  readonly targetHeader?: string;
}

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
 * - With no healthy target, requests go to all the unhealthy ones (fail open); with none at all, 503:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * - Its target group (health checks, states, draining) is `TargetGroupStandIn`.
 */
export class LoadBalancerStandIn {
  /** Every request the clients sent, in order of arrival. */
  public readonly requests: ForwardedRequest[] = [];
  /** The target group: its targets' states, transitions and health checks. */
  public readonly targetGroup: TargetGroupStandIn;
  private readonly server: http.Server;
  private readonly shifted = new Set<string>();
  private readonly now: () => number;
  private next = 0;

  constructor(private readonly settings: LoadBalancerSettings, healthPath: string, private readonly options: LoadBalancerStandInOptions = {}) {
    this.now = options.now ?? Date.now;
    this.targetGroup = new TargetGroupStandIn(settings, healthPath, this.now);
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = settings.idleTimeoutSeconds * 1000;
  }

  /** Every transition of a target's state so far. */
  public get transitions(): readonly TargetTransition[] {
    return this.targetGroup.transitions;
  }

  /**
   * What happened to the targets, in order (the transitions, named for a timeline): registered, healthy, unhealthy,
   * deregistered (draining), drained (unused again).
   */
  public get events(): TargetEvent[] {
    return this.targetGroup.transitions.flatMap(t => {
      const event = t.to === 'initial' ? 'register' : t.to === 'draining' ? 'deregister' : t.to === 'unused' ? 'drained' : t.to;
      return [{ at: t.at, target: t.target, event }];
    });
  }

  /** Every health check result so far. */
  public get healthChecks(): readonly HealthCheckRecord[] {
    return this.targetGroup.healthChecks;
  }

  /** Listens for clients on 127.0.0.1; resolves with the port. */
  public listen(): Promise<number> {
    return new Promise(resolve => this.server.listen(0, '127.0.0.1', () => resolve((this.server.address() as net.AddressInfo).port)));
  }

  /** Registers a target (state `initial`, or `healthy` with `options.healthy`) and starts its health checks. */
  public register(id: string, port: number, options: RegisterOptions = {}): void {
    this.targetGroup.register(id, port, options);
  }

  /** The target's state: `initial`, `healthy`, `unhealthy`, `draining` or `unused` (deregistered). */
  public state(id: string): TargetState {
    return this.targetGroup.state(id);
  }

  /** The target's requests in flight now. */
  public inFlight(id: string): number {
    return this.targetGroup.inFlight(id);
  }

  /**
   * Deregisters a target; resolves once it has drained (requests done, or the deregistration delay passed) with
   * the requests it still had in flight then (0 when it drained).
   */
  public deregister(id: string): Promise<number> {
    return this.targetGroup.deregister(id);
  }

  /**
   * Starts a zonal shift away from `zone`: the load balancer sends no new request to the targets in that zone, at
   * once and whatever their health; requests in flight finish. Their health checks go on.
   * https://docs.aws.amazon.com/r53recovery/latest/dg/arc-zonal-shift.how-it-works.html
   * https://docs.aws.amazon.com/r53recovery/latest/dg/arc-zonal-shift.resource-types.app-load-balancers.html
   */
  public shiftAway(zone: string): void {
    this.shifted.add(zone);
  }

  /** Ends the zonal shift away from `zone`: its targets get requests again (the healthy ones). */
  public endShift(zone: string): void {
    this.shifted.delete(zone);
  }

  /** Whether the load balancer would send a new request to the target now. */
  public routable(id: string): boolean {
    return this.pool().some(t => t.id === id);
  }

  /** Stops everything: the listener, the health checks, every connection. */
  public async close(): Promise<void> {
    this.targetGroup.close();
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  /** The targets a new request may go to: healthy ones outside a shifted zone; with none, the unhealthy ones (fail open). */
  private pool(): Target[] {
    const registered = this.targetGroup.registered().filter(t => t.state !== 'draining' && !(t.zone !== undefined && this.shifted.has(t.zone)));
    const healthy = registered.filter(t => t.state === 'healthy');
    return healthy.length > 0 ? healthy : registered.filter(t => t.state === 'unhealthy');
  }

  private route(req: http.IncomingMessage): Target | undefined {
    const pinned = this.options.targetHeader ? req.headers[this.options.targetHeader.toLowerCase()] : undefined;
    if (typeof pinned === 'string') {
      return this.targetGroup.registered().find(t => t.id === pinned && t.state !== 'draining');
    }
    const pool = this.pool();
    return pool.length === 0 ? undefined : pool[this.next++ % pool.length];
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const record: ForwardedRequest = { at: this.now(), path: req.url ?? '/', status: 0 };
    this.requests.push(record);
    const target = this.route(req);
    if (!target) {
      record.status = 503;
      record.cause = 'no registered target';
      res.writeHead(503).end('503 Service Temporarily Unavailable\n');
      return;
    }
    record.target = target.id;
    const done = this.targetGroup.startRequest(target);
    let finished = false;
    const finish = (status: number, cause?: string) => {
      if (finished) {
        return;
      }
      finished = true;
      done();
      record.status = status;
      record.cause = cause;
      record.ms = this.now() - record.at;
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
}

/** A change of a target's place in the target group, when (on the stand-in's clock) it happened. */
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
