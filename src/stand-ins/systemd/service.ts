import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { killGroup, processGroupAlive, trackStarted } from './process-group';
import { canSandbox, NOBODY, unitHolderCommand } from './sandbox';
import { readServiceUnit } from './unit-file';
import { UnitHolderConfig } from './unit-holder';
import { sleep, waitUntil } from '../../local/loopback';
import { LocalRedis } from '../elasticache/redis-server';
import { RehearsedApplication } from '../synthesized-tier/fleet-settings';

export { canSandbox } from './sandbox';

/** The shipped `webtier.service`'s settings (RestartSec, TimeoutStopSec, KillMode, Environment). */
const UNIT = readServiceUnit();

/**
 * The stand-in for one web server's `webtier.service` (and `webtier.socket` with socket activation), as
 * `assets/web/webtier.service` and `bootstrap-web.sh` set them up:
 * - the environment file the boot writes (PORT, INSTANCE_ID, AVAILABILITY_ZONE, REDIS_*, the application's own
 *   `environment`, its `secrets` as placeholders), mode 0600;
 * - `ExecStart=/bin/bash start-app` (the startCommand) in the application's folder, with the unit's own
 *   `Environment=` (`PYTHONDONTWRITEBYTECODE=1`...): every setting read from the shipped unit file (systemd-unit-file.ts);
 * - `Restart=always`, `RestartSec`; on stop, as systemd.kill(5) describes `KillMode=control-group`: the stop signal
 *   (SIGTERM) to every process of the unit at once, then a wait of up to `TimeoutStopSec` for all of them to exit
 *   (not only the main process: without `exec` that is bash, which exits at once), then SIGKILL to whatever is left.
 *   The unit's control group is modelled by the process group `setsid` gives the start command: a process that
 *   leaves that group (double-fork with setsid) escapes the stand-in but not systemd;
 * - with socket activation, the unit's socket (backlog 1024) held here and passed as fd 3 (`LISTEN_FDS=1`,
 *   `LISTEN_PID` the pid of bash, as systemd sets it);
 * - the sandbox, where this process can impose it (root on Linux): the application runs as an unprivileged user
 *   (`nobody`) in a copy of its folder it cannot write to (`ProtectSystem=strict`). Elsewhere the copy is writable
 *   and the rehearsal reports what the application wrote into it.
 */
export class WebServerUnit {
  /** `RestartSec=` of the shipped unit. */
  public static readonly RESTART_SECONDS = UNIT.restartSeconds;
  /** `TimeoutStopSec=` of the shipped unit. */
  public static readonly STOP_TIMEOUT_SECONDS = UNIT.timeoutStopSeconds;

  /** Each exit of the application, with when (Date.now()) and how. */
  public readonly exits: Array<{ at: number; code: number | null; signal: string | null }> = [];
  /** What the unit did, with when (Date.now()): started, crashed (SIGKILL), restarted, SIGTERM, stopped. */
  public readonly events: Array<{ at: number; event: UnitEvent }> = [];
  /** Called on each start and exit of the application's process, with when (Date.now()). */
  public onEvent?: (event: { type: 'started' | 'exited'; at: number }) => void;
  /** How long the last stop took, in milliseconds, and whether it needed SIGKILL. */
  public lastStop?: { ms: number; killed: boolean };
  private holder?: ChildProcess;
  private startedAt = 0;
  private alive = false;
  private readonly files: { env: string; startApp: string; pid: string; log: string; stop: string };

  constructor(
    private readonly app: RehearsedApplication,
    /** The application's copy of its folder (see `prepareApplicationFolder`). */
    private readonly folder: string,
    public readonly instanceId: string,
    public readonly zone: string,
    /** The port this server listens on (each local server has its own: on AWS each has its own address). */
    public readonly port: number,
    /** The tier's cache stand-in, when the application uses it (REDIS_* are set only then). */
    private readonly redis: LocalRedis | undefined,
    workDir: string,
  ) {
    const f = (suffix: string) => path.join(workDir, `${instanceId}.${suffix}`);
    this.files = { env: f('env'), startApp: f('start-app'), pid: f('pid'), log: f('log'), stop: f('stopping') };
  }

  /** When the unit last started its process (Date.now()). */
  public get startTime(): number {
    return this.startedAt;
  }

  /** Each start of the application's process (Date.now()). */
  public get starts(): number[] {
    return this.events.filter(e => e.event === 'start' || e.event === 'restart').map(e => e.at);
  }

  /** Whether the application's process is running now. */
  public get running(): boolean {
    return this.alive;
  }

  /** The end of the application's output. */
  public get log(): string {
    try {
      return fs.readFileSync(this.files.log, 'utf8').slice(-8000);
    } catch {
      return '';
    }
  }

  /** Starts the unit (and its socket, with socket activation); resolves once the holder runs the application. */
  public async start(): Promise<void> {
    const sandboxed = canSandbox();
    const env = this.environment();
    fs.writeFileSync(this.files.env, Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(''), { mode: 0o600 });
    fs.writeFileSync(this.files.startApp, `#!/usr/bin/env bash\n${this.app.startCommand}\n`, { mode: 0o755 });
    for (const file of [this.files.pid, this.files.log]) {
      fs.writeFileSync(file, '', { mode: 0o600 });
    }
    fs.rmSync(this.files.stop, { force: true });
    if (sandboxed) {
      for (const file of [this.files.env, this.files.pid, this.files.log]) {
        fs.chownSync(file, NOBODY, NOBODY);
      }
    }
    // systemd sets LISTEN_PID to the pid of the unit's main process (bash): `.` runs the script in that very bash.
    const listen = this.app.socketActivation ? 'export LISTEN_FDS=1 LISTEN_PID=$$; ' : '';
    const config: UnitHolderConfig = {
      socket: this.app.socketActivation,
      port: this.port,
      cwd: this.folder,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.folder, LANG: process.env.LANG ?? 'C.UTF-8', ...env },
      uid: sandboxed ? NOBODY : undefined,
      gid: sandboxed ? NOBODY : undefined,
      script: `echo $$ > ${JSON.stringify(this.files.pid)}; ${listen}. "$0"`,
      startApp: this.files.startApp,
      logFile: this.files.log,
      stopFile: this.files.stop,
      restartSeconds: WebServerUnit.RESTART_SECONDS,
      stopTimeoutSeconds: WebServerUnit.STOP_TIMEOUT_SECONDS,
    };
    const holder = spawn(process.execPath, [...unitHolderCommand(), JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.holder = holder;
    // Interrupted (Ctrl-C), the command kills every process of the unit and its holder at once.
    const forget = trackStarted(() => this.killEverything());
    holder.once('exit', forget);
    let buffered = '';
    let holderError = '';
    holder.stderr!.on('data', (d: Buffer) => holderError = (holderError + d.toString()).slice(-2000));
    const started = new Promise<void>((resolve, reject) => {
      holder.once('exit', code => reject(new Error(`the unit of ${this.instanceId} stopped (exit ${code}): ${holderError}`)));
      holder.stdout!.on('data', (d: Buffer) => {
        buffered += d.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
          if (event.event === 'starting') {
            this.events.push({ at: event.at, event: this.startedAt === 0 ? 'start' : 'restart' });
            this.startedAt = event.at;
            this.alive = true;
            this.onEvent?.({ type: 'started', at: event.at });
            resolve();
          } else if (event.event === 'exited') {
            this.alive = false;
            this.exits.push({ at: event.at, code: event.code, signal: event.signal });
            this.onEvent?.({ type: 'exited', at: event.at });
          } else if (event.event === 'error') {
            reject(new Error(`the socket of ${this.instanceId} on port ${this.port}: ${event.message}`));
          }
        }
      });
    });
    await started;
  }

  /** The pid of the application's main process while it runs (written by its bash, which `exec` may replace). */
  public get pid(): number | undefined {
    try {
      const pid = Number(fs.readFileSync(this.files.pid, 'utf8').trim());
      return this.alive && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** The pid of the unit's holder (the stand-in for systemd and its socket). */
  public get holderPid(): number | undefined {
    return this.holder?.pid;
  }

  /**
   * The machine is gone: every process of the application and the unit's holder (with its socket) die at once
   * (SIGKILL); nothing restarts. Returns the application's pid.
   */
  public lose(): number | undefined {
    const pid = this.pid;
    this.killEverything();
    this.alive = false;
    return pid;
  }

  /** SIGKILL to every process of the unit (whether or not its main process still runs) and to its holder. */
  private killEverything(): void {
    fs.writeFileSync(this.files.stop, '');
    const group = Number(fs.readFileSync(this.files.pid, 'utf8').trim());
    if (group > 0) {
      killGroup(group, 'SIGKILL');
    }
    this.holder?.kill('SIGKILL');
  }

  /** Sends `signal` to every process of the application now; returns its main pid (undefined when it is not running). */
  public kill(signal: NodeJS.Signals): number | undefined {
    const pid = this.pid;
    if (pid !== undefined) {
      killGroup(pid, signal);
    }
    return pid;
  }

  /** The process dies at once (a crash: SIGKILL); the unit starts it again after `RestartSec`. */
  public async crash(): Promise<void> {
    const exits = this.exits.length;
    this.events.push({ at: Date.now(), event: 'crash' });
    await this.signalApplication('SIGKILL');
    await waitUntil(`${this.instanceId} to exit`, 10_000, () => this.exits.length > exits);
  }

  /**
   * `systemctl stop`, as systemd.kill(5) and systemd.service(5) describe it for the shipped unit: `KillSignal`
   * (SIGTERM) to every process of the unit (`KillMode=control-group`), then a wait of up to `TimeoutStopSec` for every
   * one of them to exit (the main process exiting first ends nothing), then SIGKILL to what is left; no restart.
   * Resolves once the unit is gone.
   * https://www.freedesktop.org/software/systemd/man/latest/systemd.kill.html#KillMode=
   */
  public async stop(timeoutSeconds = WebServerUnit.STOP_TIMEOUT_SECONDS): Promise<void> {
    const holder = this.holder;
    if (!holder || holder.exitCode !== null || holder.signalCode !== null) {
      return;
    }
    fs.writeFileSync(this.files.stop, '');
    const started = Date.now();
    const gone = new Promise<void>(resolve => holder.once('exit', () => resolve()));
    this.events.push({ at: Date.now(), event: 'SIGTERM' });
    const group = await this.groupId();
    if (group !== undefined) {
      killGroup(group, UNIT.killSignal);
    }
    let killed = false;
    const deadline = Date.now() + timeoutSeconds * 1000;
    // Every process of the unit, not only its main one: bash without `exec` exits at once, its server finishes.
    while (Date.now() < deadline && (this.alive || (group !== undefined && processGroupAlive(group)))) {
      await sleep(50);
    }
    if (this.alive || (group !== undefined && processGroupAlive(group))) {
      killed = true;
      if (group !== undefined) {
        killGroup(group, 'SIGKILL');
      }
      await waitUntil(`${this.instanceId} to exit after SIGKILL`, 10_000,
        () => !this.alive && (group === undefined || !processGroupAlive(group)));
    }
    this.lastStop = { ms: Date.now() - started, killed };
    this.events.push({ at: Date.now(), event: 'stop' });
    await gone;
  }

  /** The unit's process group (the pid of its bash, which `setsid` made a group leader), once bash has written it. */
  private async groupId(): Promise<number | undefined> {
    let pid = NaN;
    await waitUntil(`the pid of ${this.instanceId}`, 5_000, () => {
      pid = Number(fs.readFileSync(this.files.pid, 'utf8').trim());
      return pid > 0 || !this.alive;
    }).catch(() => undefined);
    return pid > 0 ? pid : undefined;
  }

  /** Signals every process of the application (its process group), once its bash has written its pid. */
  private async signalApplication(signal: NodeJS.Signals): Promise<void> {
    const group = await this.groupId();
    if (group !== undefined) {
      killGroup(group, signal);
    }
  }

  /** REDIS_* of the environment file, naming `redis`. */
  private redisEnvironment(redis: LocalRedis): Record<string, string> {
    return {
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      REDIS_TLS: redis.tlsCaFile ? 'true' : 'false',
      REDIS_AUTH_TOKEN: redis.authToken,
      // The rehearsal's Redis has a certificate of its own CA: trusted as ElastiCache's public one is on AWS.
      ...(redis.tlsCaFile ? { REDIS_TLS_CA_FILE: redis.tlsCaFile, NODE_EXTRA_CA_CERTS: redis.tlsCaFile } : {}),
    };
  }

  /** The environment file `bootstrap-web.sh` writes, with this machine's Redis when the application uses one. */
  private environment(): Record<string, string> {
    return {
      PORT: String(this.port),
      INSTANCE_ID: this.instanceId,
      AVAILABILITY_ZONE: this.zone,
      ...(this.redis ? this.redisEnvironment(this.redis) : {}),
      WEBTIER_ENV_FILE: this.files.env,
      WEB_BIND: '0.0.0.0',
      WEB_PORT: String(this.port),
      COUNTER_KEY: 'webtier:hello:counter',
      // The unit's own `Environment=` lines (systemd.exec(5)): PYTHONDONTWRITEBYTECODE=1, as on the instance.
      ...UNIT.environment,
      ...this.app.environment,
      ...Object.fromEntries(this.app.secretNames.map(name => [name, `rehearsal-placeholder-for-${name}`])),
    };
  }
}

/** An event of a unit: `crash` is the SIGKILL of a crash, `stop` the exit after SIGTERM (or SIGKILL at TimeoutStopSec). */
export type UnitEvent = 'start' | 'restart' | 'crash' | 'SIGTERM' | 'stop';
