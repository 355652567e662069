/**
 * One EC2 instance of the drill's web fleet: the rehearsal's `WebServerUnit` (the stand-in for `webtier.service`
 * and `webtier.socket`) running a version of the synthesized example's application, with what the drill records
 * of it: each start, the moment it answers again, each exit, and every pid, to check none is left behind.
 */
import { WebVersion } from './application-versions';
import { httpGet } from '../src/local/http-client';
import { rememberProcess } from '../src/local/process-identity';
import { LocalRedis } from '../src/stand-ins/elasticache/redis-server';
import { RehearsedApplication } from '../src/stand-ins/synthesized-tier/fleet-settings';
import { WebServerUnit } from '../src/stand-ins/systemd/service';

/** Something that happened to an instance's web server. */
export interface InstanceEvent {
  /** Milliseconds on the drill's clock. */
  readonly at: number;
  readonly instance: string;
  readonly type: 'started' | 'listening' | 'exited' | 'terminated';
  readonly pid?: number;
  readonly detail?: string;
}

export interface WebInstanceOptions {
  /** The drill's name of the instance ("a", "b", "c"). */
  readonly name: string;
  readonly instanceId: string;
  readonly zone: string;
  readonly port: number;
  /** The application, its `directory` the folder of this instance's version. */
  readonly application: RehearsedApplication;
  readonly version: WebVersion;
  readonly redis: LocalRedis;
  /** Where the unit's files go (readable by the application's user). */
  readonly workDir: string;
  /** Milliseconds on the drill's clock, and `Date.now()` at its 0. */
  readonly now: () => number;
  readonly epoch: number;
  readonly onEvent?: (event: InstanceEvent) => void;
}

export class WebInstance {
  public readonly events: InstanceEvent[] = [];
  /** Every pid this instance ran (the unit's holder and each process of the application). */
  public readonly pids: number[] = [];
  private readonly unit: WebServerUnit;
  private stopped?: Promise<void>;
  /** The application's process now (the last one started). */
  private appPid?: number;

  constructor(private readonly opts: WebInstanceOptions) {
    this.unit = new WebServerUnit(opts.application, opts.application.directory, opts.instanceId, opts.zone, opts.port, opts.redis, opts.workDir);
    this.unit.onEvent = (e) => {
      this.record({ type: e.type, pid: e.type === 'exited' ? this.appPid : undefined, at: e.at - opts.epoch });
      if (e.type === 'started') void this.watchListening();
    };
  }

  public get name(): string { return this.opts.name; }
  public get instanceId(): string { return this.opts.instanceId; }
  public get port(): number { return this.opts.port; }
  public get zone(): string { return this.opts.zone; }
  public get version(): WebVersion { return this.opts.version; }

  /** Starts the unit and waits until the application answers its health page (whatever the status), at most `waitMs`. */
  public async start(waitMs = 10_000): Promise<void> {
    await this.unit.start();
    if (this.unit.holderPid !== undefined) this.remember(this.unit.holderPid);
    const deadline = this.opts.now() + waitMs;
    while (!this.events.some((e) => e.type === 'listening')) {
      if (this.opts.now() > deadline) throw new Error(`web server ${this.name} not answering after ${waitMs} ms: ${this.unit.log}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** `kill -9` of the application (its unit keeps the socket and restarts it after RestartSec). Returns the pid. */
  public kill9(): number {
    this.rememberCurrent();
    const pid = this.unit.kill('SIGKILL');
    if (pid === undefined) throw new Error(`web server ${this.name} is not running`);
    return pid;
  }

  /** The instance dies: its application, its unit and the socket, at once. Returns the application's pid. */
  public loseInstance(): number {
    this.rememberCurrent();
    const pid = this.unit.lose();
    if (pid === undefined) throw new Error(`web server ${this.name} is not running`);
    this.record({ type: 'terminated', pid, detail: 'instance lost' });
    return pid;
  }

  /** `systemctl stop` (SIGTERM; the server finishes what is in flight), as the instance's shutdown does. Idempotent. */
  public stop(): Promise<void> {
    this.stopped ??= this.unit.stop(5).then(() => this.record({ type: 'terminated', detail: 'stopped' }));
    return this.stopped;
  }

  private remember(pid: number): void {
    this.pids.push(pid);
    rememberProcess(pid);
  }

  /** Notes the application's process now (once); returns its pid. */
  private rememberCurrent(): number | undefined {
    const pid = this.unit.pid;
    if (pid !== undefined && !this.pids.includes(pid)) {
      this.remember(pid);
      this.appPid = pid;
    }
    return pid;
  }

  private record(event: Omit<InstanceEvent, 'instance' | 'at'> & { at?: number }): void {
    const e: InstanceEvent = { ...event, at: event.at ?? this.opts.now(), instance: this.name };
    this.events.push(e);
    this.opts.onEvent?.(e);
  }

  /**
   * Records when the new process first answers its health page directly (bounded: 10 s, 400 tries), and its pid.
   * With socket activation a probe may wait in the socket's queue from before the process wrote its pid: the pid is
   * read once it has answered.
   */
  private async watchListening(): Promise<void> {
    const started = this.unit.starts.length;
    const url = `http://127.0.0.1:${this.port}${this.opts.application.healthCheckPath}?from=unit`;
    const deadline = this.opts.now() + 10_000;
    const current = () => this.unit.starts.length === started && this.unit.running;
    for (let i = 0; i < 400 && this.opts.now() < deadline && current(); i++) {
      const answered = await httpGet(url, { timeoutMs: 500 }).then((r) => r.status > 0, () => false);
      if (answered && current()) {
        const pid = this.rememberCurrent();
        this.record({ type: 'listening', pid });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
