/**
 * Local servers: starts the real on-instance software (and what it talks to) on 127.0.0.1.
 * Shared by the drill (`drill/`) and the runtime tests (`test/runtime/harness.ts` re-exports it with the jest helpers).
 *
 * The pieces are independent so that they compose: a Redis, any number of web servers (one per
 * "instance", each with its own stand-in IMDS and config), the boot scripts, a stand-in `aws`.
 * Everything started is registered in a `Cleanup` (stop it from afterEach/afterAll) and is also
 * SIGKILLed when the jest worker exits.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CertificateFiles, commandExists, makeCertificates, redisHasTls } from '../src/rehearse/local-redis';
import { redisCommand, RedisEndpoint } from '../src/rehearse/redis-command';

export { redisCommand } from '../src/rehearse/redis-command';
export type { RedisEndpoint } from '../src/rehearse/redis-command';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const ASSETS_DIR = path.join(REPO_ROOT, 'assets');
export const WEB_SERVER_PY = path.join(ASSETS_DIR, 'web', 'webtier_server.py');
/** The distribution's interpreter, as on the instances (the `python3` on PATH may be another one). */
export const PYTHON = '/usr/bin/python3';
export const LOOPBACK = '127.0.0.1';
export const DEFAULT_COUNTER_KEY = 'webtier:hello:counter';

// ---------------------------------------------------------------------------------------------
// Cleanup registry
// ---------------------------------------------------------------------------------------------

const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** A LIFO list of things to stop. `cleanup.run()` from afterEach/afterAll stops them all, even after a failure. */
export class Cleanup {
  private readonly stops: Array<() => Promise<void>> = [];

  public add(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  public async run(): Promise<void> {
    const errors: unknown[] = [];
    for (let stop = this.stops.pop(); stop; stop = this.stops.pop()) {
      try {
        await stop();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}

/** The default registry: test files call `afterAll(() => cleanup.run())`. */
export const cleanup = new Cleanup();

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value, at most `timeoutMs`; the last error is in the message. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; Date.now() < deadline && attempt < 1000; attempt++) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export function tempDir(prefix: string, registry: Cleanup = cleanup): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `webtier-${prefix}-`));
  registry.add(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---------------------------------------------------------------------------------------------
// Prerequisites
// ---------------------------------------------------------------------------------------------

export type Prerequisite = 'redis-server' | 'redis-tls' | 'shellcheck' | 'openssl' | 'curl'
  // The rehearsal's corpus of real servers (Debian: nginx-light, gunicorn + python3-flask, uvicorn + python3-starlette).
  | 'nginx' | 'gunicorn-flask' | 'uvicorn-starlette';

// The checks and the certificates are the rehearsal's own (src/rehearse/local-redis.ts): one copy for both.
const runs = commandExists;

const CHECKS: Record<Prerequisite, () => boolean> = {
  'redis-server': () => runs('redis-server', ['--version']),
  'redis-tls': () => runs('redis-server', ['--version']) && redisHasTls(),
  'shellcheck': () => runs('shellcheck', ['--version']),
  'openssl': () => runs('openssl', ['version']),
  'curl': () => runs('curl', ['--version']),
  'nginx': () => runs('nginx', ['-v']),
  // Debian's gunicorn and uvicorn run /usr/bin/python3, where python3-flask and python3-starlette install.
  'gunicorn-flask': () => runs('gunicorn', ['--version']) && runs('/usr/bin/python3', ['-c', 'import flask']),
  'uvicorn-starlette': () => runs('uvicorn', ['--version']) && runs('/usr/bin/python3', ['-c', 'import starlette']),
};

/**
 * A Python 3.9 interpreter (Amazon Linux 2023's python3), if this machine has one: on PATH or under pyenv.
 * Debian does not package 3.9, so this is optional.
 */
export function findPython39(): string | undefined {
  const pyenvRoot = process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
  const pyenvVersions = path.join(pyenvRoot, 'versions');
  const candidates = ['python3.9', '/usr/bin/python3.9', '/usr/local/bin/python3.9'];
  if (fs.existsSync(pyenvVersions)) {
    for (const v of fs.readdirSync(pyenvVersions).filter((d) => /^3\.9\.\d+$/.test(d)).sort().reverse()) {
      candidates.push(path.join(pyenvVersions, v, 'bin', 'python3.9'));
    }
  }
  return candidates.find((c) => {
    const r = spawnSync(c, ['-c', 'import sys; print(sys.version_info[:2] == (3, 9))'], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0 && r.stdout.trim() === 'True';
  });
}

export function missingPrerequisites(needs: Prerequisite[]): Prerequisite[] {
  return needs.filter((need) => !CHECKS[need]());
}

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

export interface Proc {
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** stdout + stderr so far (the last 64 KB). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly registry?: Cleanup;
}

export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions = {}): Proc {
  const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  let out = '';
  const collect = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-65_536);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    const finish = (result: number | string) => {
      done = true;
      liveChildren.delete(child);
      resolve(result);
    };
    child.once('exit', (code, signal) => finish(code ?? signal ?? 'unknown'));
    child.once('error', (err) => finish(`spawn error: ${err.message}`));
  });
  const stop = async (graceMs = 2000) => {
    if (done) return;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  (opts.registry ?? cleanup).add(() => stop());
  return { child, exited, hasExited: () => done, output: () => out, stop };
}

export interface ScriptResult {
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `bash file` with exactly `env` (plus a minimal PATH if none is given), killed after `timeoutMs`. */
export async function runScript(file: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ScriptResult> {
  const started = Date.now();
  const child = spawn('bash', [file], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolve) => {
    child.once('close', (c, signal) => resolve(c ?? signal ?? 'unknown'));
    child.once('error', (err) => resolve(`spawn error: ${err.message}`));
  });
  clearTimeout(timer);
  liveChildren.delete(child);
  return { code, stdout, stderr, ms: Date.now() - started };
}

// ---------------------------------------------------------------------------------------------
// Redis
// ---------------------------------------------------------------------------------------------

/** How a client reaches a Redis. */

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

// ---------------------------------------------------------------------------------------------
// Stand-in instance metadata service (IMDSv2 only)
// ---------------------------------------------------------------------------------------------

export interface FakeImdsOptions {
  readonly instanceId: string;
  readonly region?: string;
  /** Answer the first N token PUTs with 503, to exercise the scripts' retries. */
  readonly failFirstTokenPuts?: number;
  readonly registry?: Cleanup;
}

export interface FakeImds {
  /** Base URL, for WEBTIER_IMDS_ENDPOINT. */
  readonly url: string;
  readonly instanceId: string;
  readonly region: string;
  /** Token PUTs received, including the failed ones. */
  readonly tokenPuts: number;
  /** Metadata GETs refused with 401 for a missing or unknown token. */
  readonly refusedGets: number;
  stop(): Promise<void>;
}

/** One stand-in per instance, like the real link-local IMDS. */
export async function startFakeImds(opts: FakeImdsOptions): Promise<FakeImds> {
  const region = opts.region ?? 'eu-west-3';
  const metadata: Record<string, string> = {
    '/latest/meta-data/instance-id': opts.instanceId,
    '/latest/meta-data/placement/region': region,
    '/latest/meta-data/placement/availability-zone': `${region}a`,
  };
  const tokens = new Set<string>();
  const stats = { tokenPuts: 0, refusedGets: 0 };
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(body);
    };
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      stats.tokenPuts++;
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (stats.tokenPuts <= (opts.failFirstTokenPuts ?? 0)) return reply(503, 'simulated outage');
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return reply(400, 'missing or invalid token TTL');
      const token = crypto.randomBytes(24).toString('base64');
      tokens.add(token);
      return reply(200, token);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed');
    const token = req.headers['x-aws-ec2-metadata-token'];
    if (typeof token !== 'string' || !tokens.has(token)) {
      stats.refusedGets++;
      return reply(401, 'Unauthorized');
    }
    const value = metadata[req.url ?? ''];
    return value === undefined ? reply(404, 'Not Found') : reply(200, value);
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const stop = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  (opts.registry ?? cleanup).add(stop);
  return {
    url: `http://${LOOPBACK}:${(server.address() as net.AddressInfo).port}`,
    instanceId: opts.instanceId,
    region,
    get tokenPuts() { return stats.tokenPuts; },
    get refusedGets() { return stats.refusedGets; },
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// Stand-in `aws` CLI
// ---------------------------------------------------------------------------------------------

export interface FakeAws {
  /** Put this first on PATH. */
  readonly binDir: string;
  /** argv of every call so far, in order. */
  calls(): string[][];
}

export interface FakeAwsOptions {
  /** What `aws secretsmanager get-secret-value` prints. */
  readonly secret?: string;
  /** Fail (exit 255) the first N calls. */
  readonly failFirst?: number;
  /**
   * What successive `aws elbv2 describe-target-health` calls print (the target's state); the last one repeats.
   * @default ['healthy']
   */
  readonly targetStates?: string[];
  /**
   * What `aws autoscaling describe-auto-scaling-instances` prints (the instance's group name; `None` when it is in none).
   * @default 'web-asg'
   */
  readonly autoScalingGroup?: string;
  /** `aws cloudformation signal-resource` fails as CloudFormation does outside a wait for signals. */
  readonly refuseSignals?: boolean;
  readonly registry?: Cleanup;
}

/** An `aws` executable that records its argv and answers like the real one would for our two calls. */
export function fakeAws(opts: FakeAwsOptions = {}): FakeAws {
  const binDir = tempDir('fake-aws', opts.registry);
  const log = path.join(binDir, 'calls.jsonl');
  fs.writeFileSync(path.join(binDir, 'aws'), `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const n = fs.readFileSync(${JSON.stringify(log)}, 'utf8').trim().split('\\n').length;
if (n <= ${opts.failFirst ?? 0}) {
  process.stderr.write('stand-in aws: simulated failure\\n');
  process.exit(255);
}
const states = ${JSON.stringify(opts.targetStates ?? ['healthy'])};
if (args[0] === 'secretsmanager') process.stdout.write(${JSON.stringify(opts.secret ?? '')} + '\\n');
else if (args[0] === 'elbv2') {
  const asked = fs.readFileSync(${JSON.stringify(log)}, 'utf8').trim().split('\\n').filter((l) => l.startsWith('["elbv2"')).length;
  process.stdout.write(states[Math.min(asked, states.length) - 1] + '\\n');
}
else if (args[0] === 'cloudformation' && ${opts.refuseSignals ?? false}) {
  process.stderr.write('An error occurred (ValidationError) when calling the SignalResource operation: Resource is not in a state to receive signals\\n');
  process.exit(254);
}
else if (args[0] === 'cloudformation') process.stdout.write('');
else if (args[0] === 'autoscaling' && args[1] === 'describe-auto-scaling-instances') process.stdout.write(${JSON.stringify(opts.autoScalingGroup ?? 'web-asg')} + '\\n');
else if (args[0] === 'autoscaling') process.stdout.write('');
else process.stdout.write('{"AssociationId": "eipassoc-0123456789abcdef0"}\\n');
`, { mode: 0o755 });
  return {
    binDir,
    calls: () => fs.existsSync(log)
      ? fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[])
      : [],
  };
}

// ---------------------------------------------------------------------------------------------
// Instance file layout and config
// ---------------------------------------------------------------------------------------------

/** Lays out assets like the user-data does: assets/<role>/* under `home`, plus common/imds.sh. */
export function installAssets(role: 'web' | 'bastion', home: string): void {
  fs.cpSync(path.join(ASSETS_DIR, role), home, { recursive: true });
  fs.mkdirSync(path.join(home, 'common'), { recursive: true });
  fs.copyFileSync(path.join(ASSETS_DIR, 'common', 'imds.sh'), path.join(home, 'common', 'imds.sh'));
}

/** Writes a config file the way bootstrap-web.sh does: KEY="VALUE" with \ " $ ` escaped, mode 0600. */
export function writeConfig(file: string, config: Record<string, string>): void {
  const quote = (v: string) => `"${v.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
  fs.writeFileSync(file, Object.entries(config).map(([k, v]) => `${k}=${quote(v)}\n`).join(''), { mode: 0o600 });
}

/** Reads a config file by sourcing it with bash, which also proves it is shell-sourceable. */
export function readConfig(file: string): Record<string, string> {
  const keys = [...fs.readFileSync(file, 'utf8').matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]);
  const script = '. "$1"; shift; for k in "$@"; do printf "%s\\0" "${!k}"; done';
  const r = spawnSync('bash', ['-c', script, 'read-config', file, ...keys], { env: {}, encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`cannot source ${file}: ${r.stderr}`);
  const values = r.stdout.split('\0');
  return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
}

/** The config of a web instance that talks to `redis`. */
export function webConfig(instanceId: string, port: number, redis: RedisEndpoint, extra: Record<string, string> = {}): Record<string, string> {
  return {
    INSTANCE_ID: instanceId,
    WEB_BIND: LOOPBACK,
    WEB_PORT: String(port),
    REDIS_HOST: redis.host,
    REDIS_PORT: String(redis.port),
    REDIS_TLS: redis.tlsCaFile ? 'true' : 'false',
    ...(redis.tlsCaFile ? { REDIS_TLS_CA_FILE: redis.tlsCaFile } : {}),
    ...(redis.password ? { REDIS_AUTH_TOKEN: redis.password } : {}),
    COUNTER_KEY: DEFAULT_COUNTER_KEY,
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Web server
// ---------------------------------------------------------------------------------------------

export interface WebServerOptions {
  /** A config written by someone else (e.g. bootstrap-web.sh); otherwise `config` is written to a temp file. */
  readonly configFile?: string;
  readonly config?: Record<string, string>;
  readonly python?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly registry?: Cleanup;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  readonly instanceId: string;
  readonly configFile: string;
  readonly proc: Proc;
  stop(): Promise<void>;
}

/** Starts `python3 webtier_server.py --config FILE` and waits until its health page answers. */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const registry = opts.registry ?? cleanup;
  let configFile = opts.configFile;
  if (!configFile) {
    if (!opts.config) throw new Error('startWebServer needs configFile or config');
    configFile = path.join(tempDir('web', registry), 'webtier.conf');
    writeConfig(configFile, opts.config);
  }
  const config = readConfig(configFile);
  if (config.WEB_BIND !== LOOPBACK) throw new Error(`tests bind 127.0.0.1 only, ${configFile} has WEB_BIND=${config.WEB_BIND}`);
  const port = Number(config.WEB_PORT);
  const proc = spawnTracked(opts.python ?? PYTHON, [WEB_SERVER_PY, '--config', configFile],
    { registry, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...opts.env } });
  const url = `http://${LOOPBACK}:${port}`;
  await waitFor(`webtier_server on port ${port}`, async () => {
    if (proc.hasExited()) throw new Error(`webtier_server exited: ${proc.output()}`);
    return (await httpGet(`${url}/cgi-bin/ping.py`, { timeoutMs: 1000 })).status === 200 ? true : undefined;
  });
  return { url, port, instanceId: config.INSTANCE_ID, configFile, proc, stop: () => proc.stop() };
}

// ---------------------------------------------------------------------------------------------
// HTTP client
// ---------------------------------------------------------------------------------------------

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly ms: number;
}

/** One request on a fresh connection; rejects after `timeoutMs` (default 5 s). */
export function httpGet(url: string, opts: { method?: string; timeoutMs?: number; headers?: http.OutgoingHttpHeaders } = {}): Promise<HttpResult> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), ms: Date.now() - started });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`${opts.method ?? 'GET'} ${url} timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** The count and instance id shown by hello.py. */
export function parseHello(body: string): { count: number; instanceId: string } {
  const count = /Counter: (\d+)/.exec(body);
  const id = /Id: ([^<\s]+)/.exec(body);
  if (!count || !id) throw new Error(`not a hello page: ${body}`);
  return { count: Number(count[1]), instanceId: id[1] };
}

/** Sends `total` GETs round-robin over `urls`, at most `concurrency` at a time (bounded by count and per-request timeout). */
export async function requestMany(urls: string[], total: number, concurrency = 4, timeoutMs = 5000): Promise<HttpResult[]> {
  const results: HttpResult[] = new Array(total);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      results[i] = await httpGet(urls[i % urls.length], { timeoutMs });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------
// TCP stand-in for an endpoint name (e.g. the Redis primary endpoint, which moves on a failover)
// ---------------------------------------------------------------------------------------------

export interface TcpSwitch {
  readonly host: string;
  readonly port: number;
  /** Where new connections go now. */
  readonly upstreamPort: number;
  /** While true, whatever the upstream answers is dropped: the client's command ran but its reply never arrives. */
  dropReplies: boolean;
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * Cuts one connection, once: at `'command'`, the next data a client sends is dropped and its connection closed
   * (the command never reaches the upstream); at `'reply'`, the next reply is dropped and its connection closed (the
   * command ran, its reply is lost). The client sees the connection closed by the server, as on a failover.
   */
  cutOnce(at: 'command' | 'reply'): void;
  /**
   * Points the endpoint at another upstream and closes every open connection, as ElastiCache does to the
   * old primary's clients on a failover. With `closeConnections` false, the open connections stay on the old
   * upstream (e.g. a primary that vanished without closing them); only new connections go to the new one.
   */
  switchTo(upstreamPort: number, closeConnections?: boolean): void;
  stop(): Promise<void>;
}

/** A TCP forwarder on 127.0.0.1 that stands in for a DNS name the client resolves at every connect. */
export async function startTcpSwitch(upstreamPort: number, registry: Cleanup = cleanup): Promise<TcpSwitch> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const state = { upstreamPort, dropReplies: false, connections: 0, cut: undefined as 'command' | 'reply' | undefined };
  const server = net.createServer((client) => {
    state.connections++;
    const upstream = net.connect({ host: LOOPBACK, port: state.upstreamPort });
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    /** Whether this is where the pending cut happens (then the connection is closed). */
    const cutHere = (at: 'command' | 'reply') => {
      if (state.cut !== at) return false;
      state.cut = undefined;
      close();
      return true;
    };
    client.on('data', (c: Buffer) => {
      if (!cutHere('command')) upstream.write(c);
    });
    upstream.on('data', (c: Buffer) => {
      if (!cutHere('reply') && !state.dropReplies) client.write(c);
    });
    for (const s of pair) {
      s.once('close', close);
      s.once('error', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const stop = () => new Promise<void>((resolve) => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    server.close(() => resolve());
  });
  registry.add(stop);
  return {
    host: LOOPBACK,
    port: (server.address() as net.AddressInfo).port,
    get upstreamPort() { return state.upstreamPort; },
    switchTo: (port: number, closeConnections = true) => {
      state.upstreamPort = port;
      for (const [a, b] of closeConnections ? [...pairs] : []) {
        a.destroy();
        b.destroy();
      }
    },
    get dropReplies() { return state.dropReplies; },
    set dropReplies(v: boolean) { state.dropReplies = v; },
    get connections() { return state.connections; },
    cutOnce: (at: 'command' | 'reply') => { state.cut = at; },
    stop,
  };
}
