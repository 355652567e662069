import * as http from 'http';
import { LoadBalancerSettings, matchesHttpCodes } from '../synthesized-tier/fleet-settings';

/** A target's state, as DescribeTargetHealth names them. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';

/** A change of a target's state, when it happened (on the stand-in's clock) and why. */
export interface TargetTransition {
  readonly target: string;
  readonly from: TargetState;
  readonly to: TargetState;
  readonly at: number;
  readonly reason: string;
}

/** One health check: when it ended (on the stand-in's clock), whether it passed, and what it got. */
export interface HealthCheckRecord {
  readonly target: string;
  readonly at: number;
  readonly passed: boolean;
  /** `status 200`, `timeout`, or the connection's error code (`ECONNREFUSED`). */
  readonly detail: string;
}

export interface RegisterOptions {
  /**
   * Registered long ago and healthy since: the state `healthy`, with `healthyThreshold` passed checks in a row, as
   * the targets of a running fleet are (a rehearsal or drill that starts from a steady state).
   *
   * @default false - a new target, `initial` until its checks decide
   */
  readonly healthy?: boolean;
  /** The target's Availability Zone (for a zonal shift). */
  readonly zone?: string;
}

/** One registered target, as the load balancer sees it. */
export interface Target {
  readonly id: string;
  readonly port: number;
  readonly zone?: string;
  /** The load balancer's connections to the target (kept alive, reused). */
  readonly agent: http.Agent;
  state: TargetState;
  inFlight: number;
  passes: number;
  failures: number;
}

/**
 * The stand-in for an ALB target group: its targets, their health checks and states, and their deregistration.
 * - Health checks every `interval` on a new connection, each failing after `timeout` (a refused connection fails at
 *   once); a target is healthy after `healthyThreshold` passes in a row and unhealthy after `unhealthyThreshold`
 *   failures in a row; in between it keeps its state. The first check runs at registration:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
 * - Deregistration: the target is `draining` (no new request, no health check); it drains until its requests in
 *   flight are done or the deregistration delay has passed, then its connections are closed and it is `unused`:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay
 * Every transition and every health check result is recorded, on the clock `now`.
 */
export class TargetGroupStandIn {
  public readonly transitions: TargetTransition[] = [];
  public readonly healthChecks: HealthCheckRecord[] = [];
  private readonly targets = new Map<string, Target>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly drained = new Map<string, () => void>();
  private closed = false;

  constructor(private readonly settings: LoadBalancerSettings, private readonly healthPath: string, private readonly now: () => number) {}

  /** Registers a target and starts its health checks (the first one now). */
  public register(id: string, port: number, options: RegisterOptions = {}): void {
    if (this.targets.has(id)) {
      throw new Error(`target ${id} is registered already`);
    }
    const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: this.settings.idleTimeoutSeconds * 1000 });
    const healthy = options.healthy ?? false;
    const target: Target = { id, port, zone: options.zone, agent, state: 'initial', inFlight: 0, passes: healthy ? this.settings.healthyThreshold : 0, failures: 0 };
    this.targets.set(id, target);
    this.transitions.push({ target: id, from: 'unused', to: 'initial', at: this.now(), reason: 'registered' });
    if (healthy) {
      this.setState(target, 'healthy', 'registered healthy (a running fleet)');
    }
    void this.check(target);
  }

  /** The target's state; `unused` once deregistered (or never registered). */
  public state(id: string): TargetState {
    return this.targets.get(id)?.state ?? 'unused';
  }

  /** The target's requests in flight now. */
  public inFlight(id: string): number {
    return this.targets.get(id)?.inFlight ?? 0;
  }

  /** Health checks passed and failed in a row, up to now. */
  public consecutive(id: string): { readonly passes: number; readonly failures: number } {
    const t = this.targets.get(id);
    return { passes: t?.passes ?? 0, failures: t?.failures ?? 0 };
  }

  /** Every target still registered (draining ones included). */
  public registered(): Target[] {
    return [...this.targets.values()];
  }

  /** Counts a request the load balancer sends to `target`; the returned function counts it done (once). */
  public startRequest(target: Target): () => void {
    target.inFlight++;
    let done = false;
    return () => {
      if (!done) {
        done = true;
        target.inFlight--;
        if (target.inFlight === 0) {
          this.drained.get(target.id)?.();
        }
      }
    };
  }

  /**
   * Deregisters a target: it drains until its requests in flight are done or the deregistration delay has passed,
   * then its connections close. Resolves with the requests it still had in flight then (0 when it drained).
   */
  public async deregister(id: string): Promise<number> {
    const target = this.targets.get(id);
    if (!target || target.state === 'draining') {
      return 0;
    }
    clearTimeout(this.timers.get(id));
    this.setState(target, 'draining', 'deregistered');
    if (target.inFlight > 0) {
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, this.settings.deregistrationDelaySeconds * 1000);
        this.drained.set(id, () => { clearTimeout(timer); resolve(); });
      });
      this.drained.delete(id);
    }
    const left = target.inFlight;
    this.setState(target, 'unused', left > 0 ? `deregistration delay over, ${left} in flight cut` : 'drained');
    target.agent.destroy();
    this.targets.delete(id);
    return left;
  }

  /** Stops every health check and closes every connection to the targets. */
  public close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    for (const target of this.targets.values()) {
      target.agent.destroy();
    }
    for (const drained of this.drained.values()) {
      drained();
    }
  }

  private setState(target: Target, to: TargetState, reason: string): void {
    if (target.state !== to) {
      this.transitions.push({ target: target.id, from: target.state, to, at: this.now(), reason });
      target.state = to;
    }
  }

  private async check(target: Target): Promise<void> {
    const s = this.settings;
    const started = Date.now();
    const result = await healthCheckResult(target.port, this.healthPath, s.healthCheckTimeoutSeconds * 1000, s.healthyHttpCodes);
    if (this.closed || this.targets.get(target.id) !== target || target.state === 'draining') {
      return;
    }
    this.healthChecks.push({ target: target.id, at: this.now(), ...result });
    if (result.passed) {
      target.passes++;
      target.failures = 0;
      if (target.passes >= s.healthyThreshold) {
        this.setState(target, 'healthy', `${target.passes} health checks passed in a row`);
      }
    } else {
      target.failures++;
      target.passes = 0;
      if (target.failures >= s.unhealthyThreshold) {
        this.setState(target, 'unhealthy', `${target.failures} health checks failed in a row (${result.detail})`);
      }
    }
    const wait = Math.max(0, s.healthCheckIntervalSeconds * 1000 - (Date.now() - started));
    this.timers.set(target.id, setTimeout(() => void this.check(target), wait));
  }
}

/** One health check: GET `path` on a new connection; passes when the status matches `codes` within `timeoutMs`. */
export function healthCheckResult(port: number, path: string, timeoutMs: number, codes: string): Promise<{ passed: boolean; detail: string }> {
  return new Promise(resolve => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs, headers: { 'user-agent': 'ELB-HealthChecker/2.0' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ passed: matchesHttpCodes(codes, res.statusCode ?? 0), detail: `status ${res.statusCode}` }));
      res.on('error', () => resolve({ passed: false, detail: 'answer cut' }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ passed: false, detail: error.code ?? error.message }));
  });
}

/** One health check: whether it passed. */
export async function healthCheck(port: number, path: string, timeoutMs: number, codes: string): Promise<boolean> {
  return (await healthCheckResult(port, path, timeoutMs, codes)).passed;
}
