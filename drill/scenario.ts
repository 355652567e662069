/**
 * One scenario of the drill, on its own Redis, HAProxy and web servers, all on 127.0.0.1: the set-up and the
 * measurement every scenario shares. What each scenario does is in `scenario-kinds.ts`.
 */
import * as crypto from 'crypto';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { analyzeScenario, DrillInstance, RawScenario, RolloutRecord, ScenarioKind, ScenarioResult } from './analysis';
import { SynthesizedExample } from './example-template';
import { Haproxy, startHaproxy } from './haproxy';
import { haproxyConfig } from './haproxy-config';
import { LoadGenerator, RequestRecord } from './load-generator';
import { ServerStateWatcher } from './server-state-watcher';
import { SLOW_REQUEST_PATH, SLOW_REQUEST_SECONDS, WebServerSupervisor, WebVersion } from './web-server-supervisor';
import {
  Cleanup, freePort, httpGet, LOOPBACK, readCounter, redisCommand, RedisEndpoint, RedisServer, startRedis, startTcpSwitch, TcpSwitch, tempDir,
  webConfig, writeConfig,
} from '../tools/local-servers';

export interface ScenarioOptions {
  readonly kind: ScenarioKind;
  readonly example: SynthesizedExample;
  /** Requests per second through the balancer. */
  readonly ratePerSecond: number;
  /** Steady load before the event, in seconds. */
  readonly warmupSeconds: number;
  /** Instance loss: seconds from the kill until the replacement is launched. */
  readonly replacementDelaySeconds: number;
  /** The supervisor's `RestartSec`. */
  readonly restartSeconds: number;
  /** Load after the last event, in seconds. */
  readonly tailSeconds: number;
  /** Seconds between two progress lines. */
  readonly progressEverySeconds: number;
  /**
   * Release scenarios: CheckpointDelay, BakeTime, alarm periods and the warmup beyond the health checks are
   * multiplied by this (1: real length).
   */
  readonly timeScale: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Everything the scenario starts is also stopped with this registry (e.g. on Ctrl-C). */
  readonly registry: Cleanup;
}

/** How often the admin socket is polled, in milliseconds: the precision of the UP/DOWN times. */
export const STATE_POLL_MS = 50;

/** Which servers each scenario starts in rotation, and which wait as standby slots of the target group. */
const LAYOUT: Record<ScenarioKind, { readonly running: string[]; readonly standby: string[] }> = {
  'crash': { running: ['a', 'b'], standby: [] },
  'instance-loss': { running: ['a', 'b'], standby: ['c'] },
  'deploy': { running: ['a', 'b'], standby: ['c', 'd'] },
  'scale-in': { running: ['a', 'b', 'c'], standby: [] },
  'redis-failover': { running: ['a', 'b'], standby: [] },
  // A release of 2 launches at most 2 new servers and, on a rollback, 2 of the previous version.
  'release': { running: ['a', 'b'], standby: ['c', 'd', 'e', 'f'] },
  'bad-release': { running: ['a', 'b'], standby: ['c', 'd', 'e', 'f'] },
  'slow-release': { running: ['a', 'b'], standby: ['c', 'd', 'e', 'f'] },
  'never-healthy': { running: ['a', 'b'], standby: ['c', 'd', 'e', 'f'] },
  'scaled-out': { running: ['a', 'b', 'c', 'd'], standby: ['e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'] },
};

/** The servers a scenario starts in rotation and the standby slots of the target group. */
export function layoutOf(kind: ScenarioKind): { readonly running: string[]; readonly standby: string[] } {
  return LAYOUT[kind];
}

/** What a scenario's steps add to the record. */
export type ScenarioOutcome = Pick<RawScenario, 'killMs' | 'killedPid' | 'inFlightAtKill' | 'killedHealthChecks' | 'replacementRegisteredMs' | 'failoverMs' | 'release'> & {
  readonly instances: DrillInstance[];
  readonly rollout?: RolloutRecord;
};

/** Everything a running scenario shares with its steps. */
export interface ScenarioContext {
  readonly o: ScenarioOptions;
  readonly registry: Cleanup;
  readonly now: () => number;
  readonly log: (msg: string) => void;
  /** The Redis primary at the start. */
  readonly redis: RedisServer;
  /**
   * Redis failover only: a replica of `redis` and the stand-in for the primary endpoint's name, which the web
   * servers connect to.
   */
  readonly failover?: { readonly replica: RedisServer; readonly endpoint: TcpSwitch };
  /** The Redis primary now (the promoted replica after a failover). */
  primary: RedisServer;
  readonly haproxy: Haproxy;
  readonly watcher: ServerStateWatcher;
  readonly load: LoadGenerator;
  readonly ports: Record<string, number>;
  /** The supervisors started so far, by name. */
  readonly servers: Map<string, WebServerSupervisor>;
  /** Upper bound of the whole scenario, in milliseconds. */
  readonly budgetMs: number;
  /** Starts (boots) the server of a named slot, of `version` (default good), and waits until it answers. */
  boot(name: string, version?: WebVersion, slowExtraSeconds?: number): Promise<WebServerSupervisor>;
  /** The first 200 a server gave to a request sent after `afterMs`. */
  firstOk(instanceId: string, afterMs: number): RequestRecord | undefined;
  /** GET `/drill/slow` through the balancer, routed to `server`; resolves when answered. */
  slowRequest(server: string): Promise<NonNullable<RolloutRecord['slowRequest']>>;
}

/** An instance id shaped like EC2's (`i-` and 17 hex digits). */
export function newInstanceId(): string {
  return `i-0${crypto.randomBytes(8).toString('hex')}`;
}

/**
 * A release's longest run, in seconds: the latency history, then per replacement (and as many again for a rollback)
 * a launch, the health checks, the warmup and a drain; every checkpoint delay; the bake.
 */
function releaseBudget(o: ScenarioOptions, desired: number): number {
  const p = o.example.release;
  const hc = o.example.healthCheck;
  const period = Math.max(1, ...p.alarms.map((a) => a.periodSeconds)) * o.timeScale;
  const perReplacement = 10 + o.example.healthyAfterSeconds + 2 * hc.intervalSeconds + p.instanceWarmupSeconds + SLOW_REQUEST_SECONDS + 5;
  return RELEASE_HISTORY_PERIODS * period + 2 * desired * perReplacement +
    (p.checkpointPercentages.length * p.checkpointDelaySeconds + p.bakeTimeSeconds) * o.timeScale + 30;
}

/** Periods of latency history the drill gathers from the old version before a release (the band's training). */
export const RELEASE_HISTORY_PERIODS = 8;

/** The longest the scenario may take after the warm-up, in seconds, to bound every loop in it. */
function budgetSeconds(o: ScenarioOptions): number {
  const hc = o.example.healthCheck;
  const drain = SLOW_REQUEST_SECONDS + hc.deregistrationDelaySeconds;
  const afterEvent: Record<ScenarioKind, number> = {
    'crash': o.example.failoverWindowSeconds + o.example.healthyAfterSeconds + hc.intervalSeconds,
    'instance-loss': o.replacementDelaySeconds + o.example.healthyAfterSeconds + hc.intervalSeconds,
    'deploy': 10 + o.example.healthyAfterSeconds + 2 * hc.intervalSeconds + drain,
    'scale-in': drain,
    'redis-failover': 10,
    'release': releaseBudget(o, 2),
    'bad-release': releaseBudget(o, 2),
    'slow-release': releaseBudget(o, 2),
    'never-healthy': releaseBudget(o, 2),
    'scaled-out': releaseBudget(o, 4),
  };
  return o.warmupSeconds + hc.intervalSeconds + afterEvent[o.kind] + 10 + o.tailSeconds + 5;
}

export async function runScenario(o: ScenarioOptions, steps: (ctx: ScenarioContext) => Promise<ScenarioOutcome>): Promise<ScenarioResult> {
  const registry = new Cleanup();
  o.registry.add(() => registry.run());
  const origin = performance.now();
  const now = () => performance.now() - origin;
  const startedAt = new Date().toISOString();
  let loadStart: number | undefined;
  const stamp = () => (loadStart === undefined ? '   setup' : `${((now() - loadStart) / 1000).toFixed(1).padStart(7)}s`);
  const log = (msg: string) => o.log(`[${o.example.preset} ${o.kind} ${stamp()}] ${msg}`);
  let progress: NodeJS.Timeout | undefined;
  try {
    const ctx = await setUp(o, registry, now, log);
    loadStart = now();
    ctx.load.start();
    log(`load: ${o.ratePerSecond} requests/s of GET /cgi-bin/hello.py through HAProxy`);
    progress = setInterval(() => log(status(ctx)), o.progressEverySeconds * 1000);
    const counterBefore = await readCounter(ctx.redis);
    const outcome = await steps(ctx);
    await sleep(o.tailSeconds * 1000, o.signal);
    clearInterval(progress);
    await ctx.load.stop();
    const endMs = now();
    await ctx.watcher.stop();
    log(status(ctx));
    const redisCounterDelta = (await readCounter(ctx.primary)) - counterBefore;
    const config = ctx.haproxy.config;
    await registry.run();
    const pids = [ctx.redis.proc.child.pid!, ...(ctx.failover ? [ctx.failover.replica.proc.child.pid!] : []), ctx.haproxy.proc.child.pid!,
      ...[...ctx.servers.values()].flatMap((s) => s.pids)];
    return analyzeScenario({
      kind: o.kind,
      preset: o.example.preset,
      startedAt,
      healthCheck: o.example.healthCheck,
      failoverWindowSeconds: o.example.failoverWindowSeconds,
      healthyAfterSeconds: o.example.healthyAfterSeconds,
      restartSeconds: o.restartSeconds,
      ratePerSecond: o.ratePerSecond,
      replacementDelaySeconds: o.kind === 'instance-loss' ? o.replacementDelaySeconds : undefined,
      loadStartMs: loadStart,
      endMs,
      records: ctx.load.records,
      transitions: ctx.watcher.transitions,
      supervisorEvents: [...ctx.servers.values()].flatMap((s) => s.events),
      redisCounterDelta,
      pids,
      leftoverPids: pids.filter(alive),
      statePollMs: STATE_POLL_MS,
      haproxyConfig: config,
      ...outcome,
    });
  } finally {
    clearInterval(progress);
    await registry.run();
  }
}

/** Redis, the servers in rotation, HAProxy with every slot, the state watcher and the (not yet started) load. */
async function setUp(o: ScenarioOptions, registry: Cleanup, now: () => number, log: (msg: string) => void): Promise<ScenarioContext> {
  const hc = o.example.healthCheck;
  const dir = tempDir('drill', registry);
  const redis = await startRedis({ registry });
  const failover = o.kind === 'redis-failover' ? await redisWithReplica(redis, registry) : undefined;
  const redisEndpoint: RedisEndpoint = failover?.endpoint ?? redis;
  const layout = LAYOUT[o.kind];
  const names = [...layout.running, ...layout.standby];
  const ports = await distinctPorts([...names, 'frontend']);
  const servers = new Map<string, WebServerSupervisor>();
  const boot = async (name: string, version?: WebVersion, slowExtraSeconds?: number) => {
    const instanceId = newInstanceId();
    const configFile = path.join(dir, `webtier-${name}.conf`);
    writeConfig(configFile, webConfig(instanceId, ports[name], redisEndpoint));
    const s = new WebServerSupervisor({
      name,
      instanceId,
      configFile,
      port: ports[name],
      registry,
      now,
      restartSeconds: o.restartSeconds,
      healthCheckPath: hc.path,
      version,
      slowExtraSeconds,
      onEvent: (e) => log(`${e.instance}: ${e.type}${e.pid ? ` (pid ${e.pid})` : ''}${e.detail ? ` ${e.detail}` : ''}`),
    });
    servers.set(name, s);
    await s.start(10_000);
    return s;
  };
  await Promise.all(layout.running.map((name) => boot(name)));

  const haproxy = await standInAlb(o, ports, dir, registry);

  const budgetMs = budgetSeconds(o) * 1000;
  const watcher = new ServerStateWatcher({
    haproxy,
    now,
    everyMs: STATE_POLL_MS,
    maxDurationMs: budgetMs + 10_000,
    onTransition: (t) => log(`HAProxy: ${t.server} ${t.from} -> ${t.to}${t.checkStatus ? ` (${t.checkStatus})` : ''}`),
  });
  await watcher.start();
  registry.add(() => watcher.stop());
  const notUp = layout.running.filter((name) => watcher.status(name) !== 'UP');
  if (notUp.length) throw new Error(`targets not UP after start: ${JSON.stringify(watcher.snapshot())}`);

  const load = new LoadGenerator({
    url: `${haproxy.url}/cgi-bin/hello.py`,
    ratePerSecond: o.ratePerSecond,
    maxDurationMs: budgetMs,
    maxRequests: Math.ceil(o.ratePerSecond * budgetMs / 1000),
    now,
  });
  registry.add(() => load.stop());
  log(`redis :${redis.port}, haproxy :${ports.frontend} (admin ${haproxy.adminSocket}), ` +
    `${layout.running.map((n) => `${n} ${servers.get(n)!.instanceId} :${ports[n]}`).join(', ')}`);
  return {
    o,
    registry,
    now,
    log,
    redis,
    failover,
    primary: redis,
    haproxy,
    watcher,
    load,
    ports,
    servers,
    budgetMs,
    boot,
    firstOk: (instanceId, afterMs) => load.records.filter((r) => r.outcome === 200 && r.instanceId === instanceId && r.sentAt > afterMs)
      .sort((x, y) => x.doneAt - y.doneAt)[0],
    slowRequest: (server) => slowRequest(haproxy, server, now, log),
  };
}

/** A port for each name, free a moment ago and distinct from the others. */
async function distinctPorts(names: string[]): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const name of names) {
    let port = await freePort();
    for (let i = 0; i < 100 && Object.values(ports).includes(port); i++) port = await freePort();
    ports[name] = port;
  }
  return ports;
}

/** HAProxy with a slot per server of the layout; the servers in rotation start fully healthy. */
async function standInAlb(o: ScenarioOptions, ports: Record<string, number>, dir: string, registry: Cleanup): Promise<Haproxy> {
  const layout = LAYOUT[o.kind];
  const adminSocket = path.join(dir, 'admin.sock');
  const config = haproxyConfig({
    healthCheck: o.example.healthCheck,
    frontend: { host: LOOPBACK, port: ports.frontend },
    adminSocket,
    targets: [...layout.running, ...layout.standby]
      .map((name) => ({ name, host: LOOPBACK, port: ports[name], standby: layout.standby.includes(name) })),
  });
  const haproxy = await startHaproxy({ config, dir, frontendPort: ports.frontend, adminSocket, backend: 'targets', registry });
  // The targets in rotation have been healthy for a long time: a dead one needs UnhealthyThresholdCount failed checks.
  for (const name of layout.running) await haproxy.markFullyHealthy(name);
  return haproxy;
}

/** GET the slow page through the balancer, routed to `server`. */
async function slowRequest(haproxy: Haproxy, server: string, now: () => number, log: (msg: string) => void) {
  const sentAt = now();
  const outcome = await httpGet(`${haproxy.url}${SLOW_REQUEST_PATH}`, { timeoutMs: (SLOW_REQUEST_SECONDS + 30) * 1000, headers: { 'x-drill-server': server } })
    .then((r) => r.status, (e: Error) => (/timed out/.test(e.message) ? 'timeout' : 'error'));
  log(`slow request to ${server}: ${outcome} after ${((now() - sentAt) / 1000).toFixed(1)} s`);
  return { sentAt, doneAt: now(), outcome, server };
}

/** A replica of `primary` in sync, and a stand-in for the primary endpoint's name in front of `primary`. */
async function redisWithReplica(primary: RedisServer, registry: Cleanup): Promise<{ replica: RedisServer; endpoint: TcpSwitch }> {
  const replica = await startRedis({ registry });
  await redisCommand(replica, ['REPLICAOF', primary.host, String(primary.port)]);
  for (let i = 0; i < 100 && !/master_link_status:up/.test(String(await redisCommand(replica, ['INFO', 'replication']))); i++) {
    await sleep(50);
  }
  return { replica, endpoint: await startTcpSwitch(primary.port, registry) };
}

/** One progress line: requests so far and the servers' states. */
function status(ctx: ScenarioContext): string {
  const done = ctx.load.records;
  const failed = done.filter((r) => r.outcome !== 200);
  const by = new Map<string, number>();
  for (const r of failed) by.set(String(r.outcome), (by.get(String(r.outcome)) ?? 0) + 1);
  const states = Object.entries(ctx.watcher.snapshot()).map(([k, v]) => `${k} ${v}`).join(', ');
  return `sent ${ctx.load.requestsSent}, ok ${done.length - failed.length}, failed ${failed.length}` +
    `${by.size ? ` (${[...by].map(([k, v]) => `${k} x${v}`).join(', ')})` : ''} | ${states}`;
}

/** Whether a process still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** setTimeout as a promise that rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error(`aborted: ${String(signal.reason)}`));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error(`aborted: ${String(signal?.reason)}`));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls `condition` every 50 ms until it holds or the clock passes `deadlineMs`; returns whether it held. */
export async function until(condition: () => boolean, deadlineMs: number, now: () => number, signal?: AbortSignal): Promise<boolean> {
  while (now() < deadlineMs) {
    if (condition()) return true;
    await sleep(Math.min(50, deadlineMs - now()), signal);
  }
  return condition();
}
