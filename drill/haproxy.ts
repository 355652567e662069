/**
 * A running HAProxy (the stand-in ALB) and its admin socket.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Cleanup, Proc, spawnTracked, waitFor } from '../tools/local-servers';

/** One command on the admin socket (non-interactive mode: one connection per command); rejects after `timeoutMs`. */
export function adminCommand(socketPath: string, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path: socketPath });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`haproxy admin "${command}" timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => socket.write(`${command}\n`));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve(Buffer.concat(chunks).toString());
    });
  });
}

/** One server line of `show stat`. */
export interface ServerStat {
  readonly backend: string;
  readonly server: string;
  /** "UP", "DOWN", "MAINT", or transitional: "UP 1/2" (going down), "DOWN 1/2" (going up). */
  readonly status: string;
  /** "L7OK", "L4CON", "L7STS", ... ("" before the first check). */
  readonly checkStatus: string;
  /** Requests the server is handling now (`scur`). */
  readonly sessions: number;
}

/** Parses the CSV of `show stat` (first line "# pxname,svname,..."), server lines only. */
export function parseShowStat(csv: string): ServerStat[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || !lines[0].startsWith('# ')) throw new Error(`not a "show stat" answer: ${csv.slice(0, 200)}`);
  const header = lines[0].slice(2).split(',');
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`"show stat" has no ${name} column`);
    return i;
  };
  const [px, sv, status, check, scur] = [col('pxname'), col('svname'), col('status'), col('check_status'), col('scur')];
  return lines.slice(1).map((l) => l.split(','))
    .filter((f) => f[sv] !== 'FRONTEND' && f[sv] !== 'BACKEND')
    .map((f) => ({ backend: f[px], server: f[sv], status: f[status], checkStatus: f[check] ?? '', sessions: Number(f[scur] || 0) }));
}

export interface Haproxy {
  readonly url: string;
  /** The configuration it runs. */
  readonly config: string;
  readonly adminSocket: string;
  readonly backend: string;
  readonly proc: Proc;
  command(command: string): Promise<string>;
  servers(): Promise<ServerStat[]>;
  /** Sets a server's health to the top (as after many passed checks): the drill starts from a steady state. */
  markFullyHealthy(server: string): Promise<void>;
  /**
   * Registers a standby server as the target group registers a new instance: it receives no traffic
   * until it has passed `HealthyThresholdCount` checks.
   */
  register(server: string): Promise<void>;
  /**
   * Takes a server out for good, as the target group does when its instance is deregistered: no new requests;
   * the ones in flight go on.
   */
  deregister(server: string): Promise<void>;
  /**
   * Deregisters a server and waits, as the target group's deregistration delay does, until it has no request in
   * flight or `delaySeconds` have passed; resolves with the requests still in flight then (0 normally).
   */
  drain(server: string, delaySeconds: number): Promise<number>;
  stop(): Promise<void>;
}

export interface HaproxyOptions {
  readonly config: string;
  readonly dir: string;
  readonly frontendPort: number;
  readonly adminSocket: string;
  readonly backend: string;
  readonly registry: Cleanup;
}

/** Validates the config with `haproxy -c`, then runs `haproxy -db` (foreground) and waits for the admin socket and the listener. */
export async function startHaproxy(opts: HaproxyOptions): Promise<Haproxy> {
  const file = path.join(opts.dir, 'haproxy.cfg');
  fs.writeFileSync(file, opts.config);
  const check = checkHaproxyConfig(file);
  if (!check.ok) throw new Error(`haproxy -c rejected ${file}:\n${check.output}`);

  const proc = spawnTracked('haproxy', ['-db', '-f', file], { registry: opts.registry });
  const url = `http://127.0.0.1:${opts.frontendPort}`;
  const command = (c: string) => adminCommand(opts.adminSocket, c);
  const servers = async () => parseShowStat(await command('show stat')).filter((s) => s.backend === opts.backend);
  let ready = false;
  // Fail at once if HAProxy exits (waitFor would retry its probe until the timeout).
  await Promise.race([
    waitFor('haproxy admin socket', async () => {
      if (proc.hasExited()) return true;
      return (await servers()).length > 0 ? true : undefined;
    }),
    proc.exited.then((code) => {
      if (!ready) throw new Error(`haproxy exited (${code}): ${proc.output()}`);
    }),
  ]);
  ready = true;
  await waitFor(`haproxy listener on port ${opts.frontendPort}`, () => new Promise<true | undefined>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: opts.frontendPort });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(undefined));
  }));
  const run = async (c: string) => {
    const answer = (await command(c)).trim();
    // Successful state changes answer nothing; anything else is an error message.
    if (answer !== '') throw new Error(`haproxy "${c}": ${answer}`);
  };
  const sv = (server: string) => `${opts.backend}/${server}`;
  return {
    url,
    config: opts.config,
    adminSocket: opts.adminSocket,
    backend: opts.backend,
    proc,
    command,
    servers,
    markFullyHealthy: (server) => run(`set server ${sv(server)} health up`),
    register: async (server) => {
      // Leaving maintenance puts a server straight into rotation ("UP 1/2") before any check. A new ALB target
      // gets no traffic before it passes the healthy threshold: so weight 0 first, then health down (0 checks
      // passed), then the weight back. HAProxy runs the commands of one line in order.
      const answer = await command(`set weight ${sv(server)} 0; set server ${sv(server)} state ready; ` +
        `set server ${sv(server)} health down; set weight ${sv(server)} 100%`);
      if (answer.trim() !== '') throw new Error(`haproxy register ${server}: ${answer.trim()}`);
    },
    deregister: (server) => run(`set server ${sv(server)} state maint`),
    drain: async (server, delaySeconds) => {
      await run(`set server ${sv(server)} state maint`);
      const deadline = Date.now() + delaySeconds * 1000;
      let inFlight = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 100_000 && Date.now() < deadline; i++) {
        inFlight = (await servers()).find((x) => x.server === server)?.sessions ?? 0;
        if (inFlight === 0) return 0;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return inFlight;
    },
    stop: () => proc.stop(),
  };
}

/** `haproxy -c -f file`. */
export function checkHaproxyConfig(file: string): { ok: boolean; output: string } {
  const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8', timeout: 10_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}
