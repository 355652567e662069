/**
 * Stand-in for the tier's ElastiCache replication group: a real `redis-server` on 127.0.0.1, with AUTH and, where the
 * build has it, TLS, as the tier's cache requires both
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html,
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html); the server's own settings as
 * https://redis.io/docs/latest/operate/oss_and_stack/management/config/ documents them.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { redisCommand, RedisEndpoint } from './redis-command';
import { DEFAULT_COUNTER_KEY } from '../../local/instance-home';
import { freePort, LOOPBACK, waitFor, waitUntil } from '../../local/loopback';
import { Cleanup, cleanup, Proc, spawnTracked, tempDir } from '../../local/processes';
import { trackStarted } from '../systemd/process-group';

/** The stand-in for the tier's ElastiCache: a real `redis-server` on 127.0.0.1 with AUTH, and TLS where it can. */
export interface LocalRedis {
  readonly port: number;
  readonly authToken: string;
  /** The CA that signed its certificate, when it serves TLS. */
  readonly tlsCaFile?: string;
  /** "TLS and AUTH", or why only AUTH. */
  readonly description: string;
  stop(): void;
}

/** Whether `command` runs here. */
export function commandExists(command: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return r.error === undefined && r.status === 0;
}

/** Whether this `redis-server` was built with TLS (a build without it refuses tls-* directives as "Bad directive"). */
export function redisHasTls(): boolean {
  const r = spawnSync('redis-server', ['--port', '0', '--tls-port', '1', '--tls-cert-file', '/nonexistent', '--tls-key-file', '/nonexistent'],
    { encoding: 'utf8', timeout: 10_000 });
  return r.error === undefined && !/Bad directive/.test(`${r.stdout}${r.stderr}`);
}

/** A CA and a server certificate it signed, as files. */
export interface CertificateFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * A throwaway CA and a server certificate, written into `dir` with openssl. The certificate names
 * `subjectAltName` (default: 127.0.0.1 and localhost, the names local clients connect to).
 */
export function makeCertificates(dir: string, subjectAltName = 'IP:127.0.0.1,DNS:localhost'): CertificateFiles {
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) {
      throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
    }
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-days', '2', '-subj', '/CN=webtier local CA', '-keyout', f('ca.key'), '-out', f('ca.crt'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', ...ec, '-subj', '/CN=webtier local server', '-keyout', f('server.key'), '-out', f('server.csr'));
  fs.writeFileSync(f('server.ext'), [
    `subjectAltName=${subjectAltName}`, 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid',
  ].join('\n'));
  openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2',
    '-extfile', f('server.ext'), '-out', f('server.crt'));
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

/** Starts `redis-server` in `dir` (which it may write to), with AUTH and, when this machine can, TLS as the tier's Redis. */
export async function startLocalRedis(dir: string): Promise<LocalRedis> {
  const port = await freePort();
  const authToken = crypto.randomBytes(24).toString('hex');
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--requirepass', authToken];
  let tlsCaFile: string | undefined;
  let description = 'TLS and AUTH, as the tier\'s ElastiCache';
  if (!commandExists('openssl', ['version'])) {
    description = 'AUTH only: TLS needs openssl on this machine';
  } else if (!redisHasTls()) {
    description = 'AUTH only: this redis-server was built without TLS';
  } else {
    const files = makeCertificates(dir);
    tlsCaFile = files.caFile;
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', files.certFile, '--tls-key-file', files.keyFile,
      '--tls-ca-cert-file', files.caFile, '--tls-auth-clients', 'no');
  }
  if (tlsCaFile === undefined) {
    args.push('--port', String(port));
  }
  const proc: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Interrupted (Ctrl-C), the command kills it with everything else it started.
  const forget = trackStarted(() => proc.kill('SIGKILL'));
  proc.once('exit', forget);
  let output = '';
  proc.stdout!.on('data', (d: Buffer) => output = (output + d.toString()).slice(-4000));
  proc.stderr!.on('data', (d: Buffer) => output = (output + d.toString()).slice(-4000));
  await waitUntil(`redis-server on 127.0.0.1:${port}`, 10_000, async () => {
    if (proc.exitCode !== null) {
      throw new Error(`redis-server exited: ${output}`);
    }
    return canConnect(port);
  });
  return { port, authToken, tlsCaFile, description, stop: () => proc.kill('SIGKILL') };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** How `withRedisPaused` held Redis: its writes (Redis 6.2 and later), or every command (an older Redis). */
export type RedisPause = 'writes' | 'all commands';

/**
 * Runs `during` while `redis` holds the commands that write (`CLIENT PAUSE ms WRITE`; an older Redis, which refuses
 * WRITE, holds every command instead) for at most `ms`, then lets them go (`CLIENT UNPAUSE`, even when `during`
 * failed; an older Redis without UNPAUSE lets them go when the pause ends). A page that writes to Redis waits.
 */
export async function withRedisPaused<T>(redis: LocalRedis, ms: number, during: (pause: RedisPause) => Promise<T>): Promise<T> {
  const endpoint: RedisEndpoint = { host: '127.0.0.1', port: redis.port, password: redis.authToken, tlsCaFile: redis.tlsCaFile };
  let pause: RedisPause = 'writes';
  try {
    await redisCommand(endpoint, ['CLIENT', 'PAUSE', String(ms), 'WRITE']);
  } catch {
    pause = 'all commands';
    await redisCommand(endpoint, ['CLIENT', 'PAUSE', String(ms)]);
  }
  try {
    return await during(pause);
  } finally {
    await redisCommand(endpoint, ['CLIENT', 'UNPAUSE']).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// A redis-server for the drill and the runtime tests, tracked by a `Cleanup`
// ---------------------------------------------------------------------------------------------

export type TlsFiles = CertificateFiles;

export interface RedisOptions {
  /** Reuse a port, e.g. to restart Redis where the web servers expect it. */
  readonly port?: number;
  readonly password?: string;
  readonly tls?: TlsFiles;
  /** The name in the TLS certificate, when it is not 127.0.0.1. */
  readonly tlsServerName?: string;
  readonly registry?: Cleanup;
}

export interface RedisServer extends RedisEndpoint {
  readonly proc: Proc;
  stop(): Promise<void>;
  /** SIGSTOP: Redis accepts connections but never answers. */
  freeze(): void;
  thaw(): void;
}

export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  const registry = opts.registry ?? cleanup;
  const port = opts.port ?? await freePort();
  const dir = tempDir('redis', registry);
  const args = ['--bind', LOOPBACK, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'];
  if (opts.tls) {
    args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', opts.tls.certFile, '--tls-key-file', opts.tls.keyFile,
      '--tls-ca-cert-file', opts.tls.caFile, '--tls-auth-clients', 'no');
  } else {
    args.push('--port', String(port));
  }
  if (opts.password) args.push('--requirepass', opts.password);
  const proc = spawnTracked('redis-server', args, { registry });
  const endpoint: RedisEndpoint = { host: LOOPBACK, port, password: opts.password, tlsCaFile: opts.tls?.caFile, tlsServerName: opts.tlsServerName };
  await waitFor(`redis-server on port ${port}`, async () => {
    if (proc.hasExited()) throw new Error(`redis-server exited: ${proc.output()}`);
    return await redisCommand(endpoint, ['PING'], 1000) === 'PONG' ? true : undefined;
  });
  return {
    ...endpoint,
    proc,
    stop: () => proc.stop(),
    freeze: () => { proc.child.kill('SIGSTOP'); },
    thaw: () => { proc.child.kill('SIGCONT'); },
  };
}

/** The counter as an integer (0 when the key does not exist). */
export async function readCounter(endpoint: RedisEndpoint, key = DEFAULT_COUNTER_KEY): Promise<number> {
  return Number(await redisCommand(endpoint, ['GET', key]) ?? 0);
}

/**
 * A throwaway CA and a server certificate, written into `dir`. The certificate names `subjectAltName`
 * (default: 127.0.0.1 and localhost, the names tests connect to).
 */
export const makeTlsFiles: (dir: string, subjectAltName?: string) => TlsFiles = makeCertificates;
