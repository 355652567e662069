/**
 * An instance's files as the user-data lays them out, on this machine: the shipped assets under a home folder, the
 * configuration file bootstrap-web.sh writes, and the web server it starts (`webtier_server.py`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { httpGet } from './http-client';
import { LOOPBACK, waitFor } from './loopback';
import { Cleanup, cleanup, Proc, spawnTracked, tempDir } from './processes';
import { ASSETS_DIR } from '../instance-files';
import type { RedisEndpoint } from '../stand-ins/elasticache/redis-command';

export { ASSETS_DIR } from '../instance-files';
/** The repository (or the installed package) root: the folder that holds `assets/`. */
export const REPO_ROOT = path.dirname(ASSETS_DIR);
export const WEB_SERVER_PY = path.join(ASSETS_DIR, 'web', 'webtier_server.py');
/** The distribution's interpreter, as on the instances (the `python3` on PATH may be another one). */
export const PYTHON = '/usr/bin/python3';
export const DEFAULT_COUNTER_KEY = 'webtier:hello:counter';

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
