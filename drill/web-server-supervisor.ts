import { Cleanup, httpGet, Proc, PYTHON, spawnTracked, WEB_SERVER_PY } from '../tools/local-servers';

/** The health page of the shipped web server. */
const HEALTH_PATH = '/cgi-bin/ping.py';

/** Something that happened to a supervised web server. */
export interface SupervisorEvent {
  /** Milliseconds on the drill's clock. */
  readonly at: number;
  readonly instance: string;
  readonly type: 'started' | 'listening' | 'exited' | 'gave-up';
  readonly pid?: number;
  readonly detail?: string;
}

export interface WebServerSupervisorOptions {
  /** The drill's name of the instance ("a", "b", "c"). */
  readonly name: string;
  readonly instanceId: string;
  /** The `KEY="value"` config `webtier_server.py --config` reads. */
  readonly configFile: string;
  readonly port: number;
  /** The supervisor stops with this registry. */
  readonly registry: Cleanup;
  /** Milliseconds on the drill's clock. */
  readonly now: () => number;
  /**
   * Seconds between an exit and the restart, as `RestartSec=` in `assets/web/webtier.service`.
   *
   * @default 1
   */
  readonly restartSeconds?: number;
  /**
   * Restarts after which the supervisor gives up (systemd would go on: `StartLimitIntervalSec=0`; the drill stays bounded).
   *
   * @default 10
   */
  readonly maxRestarts?: number;
  /**
   * The load balancer's health-check path, to recognize its checks in the server's request log.
   *
   * @default "/cgi-bin/ping.py"
   */
  readonly healthCheckPath?: string;
  readonly onEvent?: (event: SupervisorEvent) => void;
}

/**
 * Runs the shipped web server (`/usr/bin/python3 assets/web/webtier_server.py --config FILE`) the way
 * `webtier.service` does under systemd: `Restart=always`, `RestartSec=1`, whatever the exit status.
 */
export class WebServerSupervisor {
  public readonly events: SupervisorEvent[] = [];
  /** Every pid this supervisor started, to check they are all gone at the end. */
  public readonly pids: number[] = [];
  /**
   * When each load-balancer health check reached a server of this supervisor (milliseconds on the drill's clock),
   * from the request lines the server logs to stderr. The supervisor's own probes carry `?from=supervisor`.
   */
  public readonly healthChecks: number[] = [];
  public restarts = 0;
  private proc?: Proc;
  private stopped = false;
  private restartTimer?: NodeJS.Timeout;
  /** The processes of this supervisor only: its stop must come first, or a stopped child would be restarted. */
  private readonly children = new Cleanup();

  constructor(private readonly opts: WebServerSupervisorOptions) {
    opts.registry.add(() => this.stop());
  }

  public get name(): string { return this.opts.name; }
  public get instanceId(): string { return this.opts.instanceId; }
  public get port(): number { return this.opts.port; }
  public get pid(): number | undefined { return this.proc && !this.proc.hasExited() ? this.proc.child.pid : undefined; }

  /** Starts the server; with `waitMs`, also waits until it answers its health page (at most `waitMs`). */
  public async start(waitMs = 0): Promise<void> {
    if (this.stopped) throw new Error(`supervisor ${this.opts.name} is stopped`);
    this.spawn();
    if (waitMs > 0) {
      const deadline = this.opts.now() + waitMs;
      while (!this.events.some((e) => e.type === 'listening')) {
        if (this.opts.now() > deadline) throw new Error(`web server ${this.opts.name} not listening after ${waitMs} ms: ${this.proc?.output()}`);
        if (this.events.some((e) => e.type === 'gave-up')) throw new Error(`web server ${this.opts.name} keeps exiting: ${this.proc?.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  }

  /** `kill -9` of the current server process; the supervisor restarts it unless it was told to stop restarting. Returns the pid. */
  public kill9(): number {
    const pid = this.pid;
    if (pid === undefined) throw new Error(`web server ${this.opts.name} is not running`);
    this.proc!.child.kill('SIGKILL');
    return pid;
  }

  /** The instance is gone: nothing will restart its server any more. */
  public stopRestarting(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
  }

  /** Stops restarting and stops the server (SIGTERM, then SIGKILL). Idempotent. */
  public async stop(): Promise<void> {
    this.stopRestarting();
    await this.children.run();
  }

  private record(event: Omit<SupervisorEvent, 'at' | 'instance'>): void {
    const e: SupervisorEvent = { at: this.opts.now(), instance: this.opts.name, ...event };
    this.events.push(e);
    this.opts.onEvent?.(e);
  }

  private spawn(): void {
    const proc = spawnTracked(PYTHON, [WEB_SERVER_PY, '--config', this.opts.configFile],
      { registry: this.children, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    this.proc = proc;
    if (proc.child.pid !== undefined) this.pids.push(proc.child.pid);
    this.record({ type: 'started', pid: proc.child.pid });
    let partial = '';
    proc.child.stderr?.on('data', (chunk: Buffer) => {
      const at = this.opts.now();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes(`"GET ${this.opts.healthCheckPath ?? HEALTH_PATH} `)) this.healthChecks.push(at);
      }
    });
    void proc.exited.then((code) => this.onExit(proc, code));
    void this.watchListening(proc);
  }

  private onExit(proc: Proc, code: number | string): void {
    this.record({ type: 'exited', pid: proc.child.pid, detail: String(code) });
    if (this.stopped || proc !== this.proc) return;
    if (this.restarts >= (this.opts.maxRestarts ?? 10)) {
      this.record({ type: 'gave-up', detail: `${this.restarts} restarts` });
      return;
    }
    this.restarts++;
    this.restartTimer = setTimeout(() => {
      if (!this.stopped) this.spawn();
    }, (this.opts.restartSeconds ?? 1) * 1000);
  }

  /** Records when the new process first answers its health page directly (bounded: 10 s, 400 tries). */
  private async watchListening(proc: Proc): Promise<void> {
    const url = `http://127.0.0.1:${this.opts.port}${HEALTH_PATH}?from=supervisor`;
    const deadline = this.opts.now() + 10_000;
    for (let i = 0; i < 400 && this.opts.now() < deadline && !proc.hasExited() && !this.stopped; i++) {
      try {
        if ((await httpGet(url, { timeoutMs: 500 })).status === 200) {
          this.record({ type: 'listening', pid: proc.child.pid });
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
