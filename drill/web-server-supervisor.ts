import * as path from 'path';
import { Cleanup, httpGet, Proc, PYTHON, spawnTracked, WEB_SERVER_PY } from '../tools/local-servers';

/** The stand-in for webtier.socket + webtier.service. */
const SOCKET_HOLDER = path.join(__dirname, 'socket_holder.py');

/** How long `/drill/slow` takes to answer, in seconds. */
export const SLOW_REQUEST_SECONDS = 3;

/** The path of the drill's slow page. */
export const SLOW_REQUEST_PATH = '/drill/slow';

/**
 * The versions a release scenario deploys (drill-only: the product server in assets/web/ has no such mode):
 * `good` is the shipped server as is; `bad` answers its health page 200 and 500 on every other page (a missing
 * setting, a bad route); `slow` answers every other page `slowFactor` times slower; `never-healthy` answers its
 * health page 503 for ever.
 */
export type WebVersion = 'good' | 'bad' | 'slow' | 'never-healthy';

/**
 * How the drill runs the shipped server: as is, plus `SLOW_REQUEST_PATH`, which answers after `SLOW_REQUEST_SECONDS`
 * (an app's slow page), with the routes of `version` swapped in. `slowExtraSeconds`: what `slow` adds to each answer.
 */
export function serverCode(version: WebVersion = 'good', slowExtraSeconds = 0): string {
  const health = JSON.stringify(HEALTH_PATH);
  return [
    'import sys, time',
    `sys.path.insert(0, ${JSON.stringify(path.dirname(WEB_SERVER_PY))})`,
    'import webtier_server as w',
    `w.ROUTES[${JSON.stringify(SLOW_REQUEST_PATH)}] = lambda conf, head=False: (time.sleep(${SLOW_REQUEST_SECONDS}), (200, "text/plain", b"slow"))[1]`,
    `VERSION, HEALTH, EXTRA = ${JSON.stringify(version)}, ${health}, ${Number(slowExtraSeconds)}`,
    'def slowed(handler):',
    '    return lambda conf, head=False: (time.sleep(EXTRA), handler(conf, head))[1]',
    'for route, handler in list(w.ROUTES.items()):',
    '    if VERSION == "never-healthy" and route == HEALTH:',
    '        w.ROUTES[route] = lambda conf, head=False: (503, "text/plain", b"never healthy")',
    '    elif VERSION == "bad" and route != HEALTH:',
    '        w.ROUTES[route] = lambda conf, head=False: (500, "text/plain; charset=utf-8", b"release bug\\n")',
    '    elif VERSION == "slow" and route != HEALTH:',
    '        w.ROUTES[route] = slowed(handler)',
    'sys.exit(w.main(sys.argv[1:]))',
  ].join('\n');
}

/** The health page of the shipped web server. */
const HEALTH_PATH = '/cgi-bin/ping.py';

/** Something that happened to a supervised web server. */
export interface SupervisorEvent {
  /** Milliseconds on the drill's clock. */
  readonly at: number;
  readonly instance: string;
  readonly type: 'started' | 'listening' | 'exited' | 'gave-up' | 'terminated';
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
   * Restarts after which the holder gives up (systemd would go on: `StartLimitIntervalSec=0`; the drill stays bounded).
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
  /**
   * The version this instance runs (release scenarios).
   *
   * @default 'good'
   */
  readonly version?: WebVersion;
  /**
   * `slow` only: seconds added to each answer.
   *
   * @default 0
   */
  readonly slowExtraSeconds?: number;
  readonly onEvent?: (event: SupervisorEvent) => void;
}

/**
 * Runs the shipped web server (`/usr/bin/python3 assets/web/webtier_server.py --config FILE`) the way systemd runs it
 * with socket activation: `drill/socket_holder.py` holds the listening socket (as `webtier.socket` does), passes it
 * as fd 3 and restarts the server `RestartSec` after every exit (`Restart=always`). Connections that arrive while
 * the server restarts wait in the socket's queue.
 */
export class WebServerSupervisor {
  public readonly events: SupervisorEvent[] = [];
  /** Every pid this supervisor started (the holder and each server process), to check they are all gone at the end. */
  public readonly pids: number[] = [];
  /**
   * When each load-balancer health check reached a server of this supervisor (milliseconds on the drill's clock),
   * from the request lines the server logs to stderr. The supervisor's own probes carry `?from=supervisor`.
   */
  public readonly healthChecks: number[] = [];
  public restarts = 0;
  private holder?: Proc;
  private serverPid?: number;
  /** The processes of this supervisor only. */
  private readonly children = new Cleanup();

  constructor(private readonly opts: WebServerSupervisorOptions) {
    opts.registry.add(() => this.stop());
  }

  public get name(): string { return this.opts.name; }
  public get instanceId(): string { return this.opts.instanceId; }
  public get port(): number { return this.opts.port; }
  /** The server process (not the holder), while it runs. */
  public get pid(): number | undefined { return this.serverPid; }
  public get version(): WebVersion { return this.opts.version ?? 'good'; }

  /** Starts the holder and the server; with `waitMs`, also waits until it answers its health page (at most `waitMs`). */
  public async start(waitMs = 0): Promise<void> {
    if (this.holder) throw new Error(`supervisor ${this.opts.name} has started already`);
    const holder = this.spawn();
    if (waitMs > 0) {
      const deadline = this.opts.now() + waitMs;
      while (!this.events.some((e) => e.type === 'listening')) {
        if (this.opts.now() > deadline) throw new Error(`web server ${this.opts.name} not listening after ${waitMs} ms: ${holder.output()}`);
        if (holder.hasExited()) throw new Error(`web server ${this.opts.name} exited: ${holder.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  }

  /** `kill -9` of the server process (the holder keeps the socket and restarts it). Returns the pid. */
  public kill9(): number {
    const pid = this.serverPid;
    if (pid === undefined) throw new Error(`web server ${this.opts.name} is not running`);
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  /** The instance dies: server, socket and all (`kill -9` of both). Returns the server's pid. */
  public loseInstance(): number {
    const pid = this.kill9();
    this.holder?.child.kill('SIGKILL');
    return pid;
  }

  /** `systemctl stop` (SIGTERM; the server finishes what is in flight), as the instance's shutdown does. Idempotent. */
  public async stop(): Promise<void> {
    await this.children.run();
  }

  private record(event: Omit<SupervisorEvent, 'at' | 'instance'>): void {
    const e: SupervisorEvent = { at: this.opts.now(), instance: this.opts.name, ...event };
    this.events.push(e);
    this.opts.onEvent?.(e);
  }

  private spawn(): Proc {
    const holder = spawnTracked(PYTHON, [SOCKET_HOLDER, '--port', String(this.opts.port),
      '--restart-sec', String(this.opts.restartSeconds ?? 1), '--max-restarts', String(this.opts.maxRestarts ?? 10),
      '--', PYTHON, '-c', serverCode(this.opts.version, this.opts.slowExtraSeconds), '--config', this.opts.configFile],
    { registry: this.children, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    this.holder = holder;
    if (holder.child.pid !== undefined) this.pids.push(holder.child.pid);
    let out = '';
    holder.child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (out + chunk.toString()).split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) this.onHolderEvent(line);
    });
    let partial = '';
    holder.child.stderr?.on('data', (chunk: Buffer) => {
      const at = this.opts.now();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes(`"GET ${this.opts.healthCheckPath ?? HEALTH_PATH} `)) this.healthChecks.push(at);
      }
    });
    void holder.exited.then((code) => this.record({ type: 'terminated', pid: holder.child.pid, detail: String(code) }));
    return holder;
  }

  private onHolderEvent(line: string): void {
    let e: { event?: string; pid?: number; code?: number; restarts?: number };
    try {
      e = JSON.parse(line);
    } catch {
      return;
    }
    if (e.event === 'started' && e.pid !== undefined) {
      this.serverPid = e.pid;
      this.pids.push(e.pid);
      if (this.events.some((x) => x.type === 'started')) this.restarts++;
      this.record({ type: 'started', pid: e.pid });
      void this.watchListening(e.pid);
    } else if (e.event === 'exited') {
      if (this.serverPid === e.pid) this.serverPid = undefined;
      this.record({ type: 'exited', pid: e.pid, detail: String(e.code) });
    } else if (e.event === 'gave-up') {
      this.record({ type: 'gave-up', detail: `${e.restarts} restarts` });
    }
  }

  /** Records when the new process first answers its health page directly, whatever the status (bounded: 10 s, 400 tries). */
  private async watchListening(pid: number): Promise<void> {
    const url = `http://127.0.0.1:${this.opts.port}${HEALTH_PATH}?from=supervisor`;
    const deadline = this.opts.now() + 10_000;
    for (let i = 0; i < 400 && this.opts.now() < deadline && this.serverPid === pid; i++) {
      try {
        // Any answer: the server listens (a never-healthy version answers its health page 503).
        if ((await httpGet(url, { timeoutMs: 500 })).status > 0) {
          // The socket answers for whichever process runs: count it only once that process is this one.
          if (this.serverPid === pid) this.record({ type: 'listening', pid });
          return;
        }
      } catch {
        // not answering yet
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
