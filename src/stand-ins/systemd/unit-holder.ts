/**
 * The stand-in for systemd itself, for one web server: run as its own Node.js process by `WebServerUnit`.
 *
 *   node unit-holder.js CONFIG_JSON
 *
 * With `socket`, it listens on 127.0.0.1:`port` (backlog 1024) and keeps that socket for as long as it runs, as
 * `webtier.socket` does; it never accepts on it itself: its event loop stays blocked in `spawnSync` while the
 * application runs and while it waits `restartSeconds` to start it again (`Restart=always`, `RestartSec=1`), so every
 * connection waits in the kernel's queue for the application. The application gets the socket as fd 3.
 * It writes each start and exit to stdout as a JSON line; it stops when `stopFile` exists after an exit.
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.socket.html (the socket outlives the service)
 * https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html (passed sockets start at fd 3)
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Restart=
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import { killGroup, processGroupAlive } from './process-group';

/** What `WebServerUnit` tells the holder. */
export interface UnitHolderConfig {
  readonly socket: boolean;
  readonly port: number;
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly uid?: number;
  readonly gid?: number;
  /** `bash -c script startApp` is the unit's main process. */
  readonly script: string;
  readonly startApp: string;
  /** Where the application's stdout and stderr go. */
  readonly logFile: string;
  /** Exists once the unit is stopping: no restart after the next exit. */
  readonly stopFile: string;
  readonly restartSeconds: number;
  /** `TimeoutStopSec=`: after the main process exits by itself, how long what is left of the unit gets before SIGKILL. */
  readonly stopTimeoutSeconds: number;
}

/** `setsid` of util-linux, where there is one. */
const SETSID = ['/usr/bin/setsid', '/bin/setsid'].find(file => fs.existsSync(file));

function emit(event: Record<string, unknown>): void {
  fs.writeSync(1, `${JSON.stringify(event)}\n`);
}

function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function run(config: UnitHolderConfig, fd3: number | undefined): void {
  for (;;) {
    const log = fs.openSync(config.logFile, 'a');
    emit({ event: 'starting', at: Date.now() });
    // Its own process group (setsid), as the unit's control group: a stop or a crash reaches every process it started.
    const bash = ['/bin/bash', '-c', config.script, config.startApp];
    const [command, ...args] = SETSID ? [SETSID, ...bash] : bash;
    const result = spawnSync(command, args, {
      cwd: config.cwd,
      env: config.env,
      stdio: ['ignore', log, log, ...(fd3 === undefined ? [] : [fd3])],
      uid: config.uid,
      gid: config.gid,
      maxBuffer: 0,
    });
    fs.closeSync(log);
    emit({ event: 'exited', at: Date.now(), code: result.status, signal: result.signal, error: result.error?.message });
    if (fs.existsSync(config.stopFile)) {
      return;
    }
    // systemd.service(5): when the main process exits the unit is stopped before Restart= starts it again: what is
    // left of it (a child started without exec, a daemon) gets KillSignal, then SIGKILL after TimeoutStopSec.
    if (SETSID && result.pid) {
      stopLeftovers(result.pid, config.stopTimeoutSeconds);
    }
    blockFor(config.restartSeconds * 1000);
    if (fs.existsSync(config.stopFile)) {
      return;
    }
  }
}

/** SIGTERM to what is left of the process group `group`, SIGKILL after `seconds` (the holder blocks meanwhile). */
function stopLeftovers(group: number, seconds: number): void {
  if (!processGroupAlive(group)) {
    return;
  }
  killGroup(group, 'SIGTERM');
  const deadline = Date.now() + seconds * 1000;
  while (processGroupAlive(group) && Date.now() < deadline) {
    blockFor(50);
  }
  if (processGroupAlive(group)) {
    killGroup(group, 'SIGKILL');
  }
}

function main(): void {
  const config = JSON.parse(process.argv[2]) as UnitHolderConfig;
  if (!config.socket) {
    run(config, undefined);
    process.exit(0);
  }
  const server = net.createServer();
  server.once('error', (error) => {
    emit({ event: 'error', message: error.message });
    process.exit(2);
  });
  server.listen({ port: config.port, host: '127.0.0.1', backlog: 1024 }, () => {
    const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
    emit({ event: 'listening', port: config.port });
    // From here on the event loop does not run again until the unit stops: this process never accepts.
    run(config, fd);
    process.exit(0);
  });
}

if (require.main === module) {
  main();
}
