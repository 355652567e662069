/**
 * One scenario of the drill, on its own Redis, load balancer stand-in and web instances, all on 127.0.0.1: the
 * set-up and the measurement every scenario shares. What each scenario does is in `scenario-kinds.ts`.
 */
import * as crypto from 'crypto';
import { sleep } from './drill-clock';
import { httpGet } from '../../src/local/http-client';
import { alive, rememberProcess } from '../../src/local/process-identity';
import { Cleanup } from '../../src/local/processes';
import { TcpSwitch } from '../../src/stand-ins/elasticache/endpoint-switch';
import { redisWithReplica } from '../../src/stand-ins/elasticache/failover';
import { readCounter, RedisServer, startRedis } from '../../src/stand-ins/elasticache/redis-server';
import { LoadBalancerStandIn } from '../../src/stand-ins/load-balancing/load-balancer';
import { TargetState } from '../../src/stand-ins/load-balancing/target-group';
import { SLOW_REQUEST_PATH, SLOW_REQUEST_SECONDS, WebVersion } from '../application-versions';
import { DrillFleet, TARGET_HEADER } from '../drill-fleet';
import { LoadGenerator, RequestRecord } from '../load-generator';
import { analyzeScenario, DrillInstance, RawScenario, RolloutRecord, ScenarioKind, ScenarioResult } from '../report/analysis';
import { SynthesizedExample } from '../synthesized-example';
import { WebInstance } from '../web-instance';

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

/** Which servers each scenario starts in rotation, and which it may launch later (the Auto Scaling group's next instances). */
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
  'broken-release': { running: ['a', 'b'], standby: ['c', 'd', 'e', 'f'] },
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
  /** The load balancer and its target group; each server is a target named by its drill name. */
  readonly alb: LoadBalancerStandIn;
  readonly load: LoadGenerator;
  /** The instances started so far, by name. */
  readonly servers: Map<string, WebInstance>;
  /** Upper bound of the whole scenario, in milliseconds. */
  readonly budgetMs: number;
  /** The target group's state of each server the scenario may run. */
  states(): Record<string, TargetState>;
  /** Starts (boots) the server of a named slot, of `version` (default good), and waits until it answers. */
  boot(name: string, version?: WebVersion, slowExtraSeconds?: number): Promise<WebInstance>;
  /** Registers a booted server in the target group as a new target (`initial` until its checks pass). */
  register(name: string): void;
  /** The first 200 a server gave to a request sent after `afterMs`. */
  firstOk(instanceId: string, afterMs: number): RequestRecord | undefined;
  /** GET `/drill/slow` through the balancer, routed to `server`; resolves when answered. */
  slowRequest(server: string): Promise<NonNullable<RolloutRecord['slowRequest']>>;
}

/** The Availability Zones the drill spreads its servers over, in the order of their names. */
const ZONES = ['eu-west-3a', 'eu-west-3b', 'eu-west-3c'];

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
    'broken-release': releaseBudget(o, 2),
  };
  return o.warmupSeconds + hc.intervalSeconds + afterEvent[o.kind] + 10 + o.tailSeconds + 5;
}

export async function runScenario(o: ScenarioOptions, steps: (ctx: ScenarioContext) => Promise<ScenarioOutcome>): Promise<ScenarioResult> {
  const registry = new Cleanup();
  o.registry.add(() => registry.run());
  const epoch = Date.now();
  const now = () => Date.now() - epoch;
  const startedAt = new Date().toISOString();
  let loadStart: number | undefined;
  const stamp = () => (loadStart === undefined ? '   setup' : `${((now() - loadStart) / 1000).toFixed(1).padStart(7)}s`);
  const log = (msg: string) => o.log(`[${o.example.preset} ${o.kind} ${stamp()}] ${msg}`);
  let progress: NodeJS.Timeout | undefined;
  try {
    const ctx = await setUp(o, registry, now, epoch, log);
    loadStart = now();
    ctx.load.start();
    log(`load: ${o.ratePerSecond} requests/s of GET ${o.example.fleet.application.pages?.[0]} through the load balancer stand-in`);
    progress = setInterval(() => log(status(ctx)), o.progressEverySeconds * 1000);
    const counterBefore = await readCounter(ctx.redis);
    const outcome = await steps(ctx);
    await sleep(o.tailSeconds * 1000, o.signal);
    clearInterval(progress);
    await ctx.load.stop();
    const endMs = now();
    log(status(ctx));
    const redisCounterDelta = (await readCounter(ctx.primary)) - counterBefore;
    await registry.run();
    const pids = [ctx.redis.proc.child.pid!, ...(ctx.failover ? [ctx.failover.replica.proc.child.pid!] : []),
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
      transitions: ctx.alb.transitions.map((t) => ({ at: t.at, server: t.target, from: t.from, to: t.to, reason: t.reason })),
      instanceEvents: [...ctx.servers.values()].flatMap((s) => s.events),
      redisCounterDelta,
      pids,
      leftoverPids: pids.filter(alive),
      loadBalancer: o.example.fleet.settings,
      ...outcome,
    });
  } finally {
    clearInterval(progress);
    await registry.run();
  }
}

/**
 * Redis (with AUTH, as the tier's), the servers in rotation registered healthy (a fleet that has run for a while)
 * behind the load balancer stand-in with the synthesized target group's settings, and the (not yet started) load.
 */
async function setUp(o: ScenarioOptions, registry: Cleanup, now: () => number, epoch: number, log: (msg: string) => void): Promise<ScenarioContext> {
  const password = crypto.randomBytes(16).toString('hex');
  const redis = await startRedis({ registry, password });
  const failover = o.kind === 'redis-failover' ? await redisWithReplica(redis, registry) : undefined;
  for (const r of [redis, failover?.replica]) if (r?.proc.child.pid) rememberProcess(r.proc.child.pid);
  const layout = LAYOUT[o.kind];
  const names = [...layout.running, ...layout.standby];
  const fleet = new DrillFleet({
    example: o.example,
    redis: { port: failover?.endpoint.port ?? redis.port, password },
    zoneOf: (name) => ZONES[names.indexOf(name) % ZONES.length],
    now,
    epoch,
    registry,
    onEvent: (e) => log(`${e.instance}: ${e.type}${e.pid ? ` (pid ${e.pid})` : ''}${e.detail ? ` ${e.detail}` : ''}`),
  });
  const url = await fleet.listen();
  await Promise.all(layout.running.map((name) => fleet.boot(name)));
  for (const name of layout.running) fleet.register(name, true);

  const budgetMs = budgetSeconds(o) * 1000;
  const load = new LoadGenerator({
    url: `${url}${fleet.mainPage}`,
    ratePerSecond: o.ratePerSecond,
    maxDurationMs: budgetMs,
    maxRequests: Math.ceil(o.ratePerSecond * budgetMs / 1000),
    now,
  });
  registry.add(() => load.stop());
  const servers = fleet.servers;
  log(`redis :${redis.port}, load balancer stand-in ${url}, ` +
    `${layout.running.map((n) => `${n} ${servers.get(n)!.instanceId} :${servers.get(n)!.port}`).join(', ')}`);
  return {
    o,
    registry,
    now,
    log,
    redis,
    failover,
    primary: redis,
    alb: fleet.alb,
    load,
    servers,
    budgetMs,
    states: () => fleet.states(names),
    boot: (name, version, slowExtraSeconds) => fleet.boot(name, version, slowExtraSeconds),
    register: (name) => fleet.register(name),
    firstOk: (instanceId, afterMs) => load.records.filter((r) => r.outcome === 200 && r.instanceId === instanceId && r.sentAt > afterMs)
      .sort((x, y) => x.doneAt - y.doneAt)[0],
    slowRequest: (server) => slowRequest(url, server, now, log),
  };
}

/** GET the slow page through the balancer, routed to `server`. */
async function slowRequest(url: string, server: string, now: () => number, log: (msg: string) => void) {
  const sentAt = now();
  const outcome = await httpGet(`${url}${SLOW_REQUEST_PATH}`, { timeoutMs: (SLOW_REQUEST_SECONDS + 30) * 1000, headers: { [TARGET_HEADER]: server } })
    .then((r) => r.status, (e: Error) => (/timed out/.test(e.message) ? 'timeout' : 'error'));
  log(`slow request to ${server}: ${outcome} after ${((now() - sentAt) / 1000).toFixed(1)} s`);
  return { sentAt, doneAt: now(), outcome, server };
}

/** One progress line: requests so far and the servers' states. */
function status(ctx: ScenarioContext): string {
  const done = ctx.load.records;
  const failed = done.filter((r) => r.outcome !== 200);
  const by = new Map<string, number>();
  for (const r of failed) by.set(String(r.outcome), (by.get(String(r.outcome)) ?? 0) + 1);
  const states = Object.entries(ctx.states()).map(([k, v]) => `${k} ${v}`).join(', ');
  return `sent ${ctx.load.requestsSent}, ok ${done.length - failed.length}, failed ${failed.length}` +
    `${by.size ? ` (${[...by].map(([k, v]) => `${k} x${v}`).join(', ')})` : ''} | ${states}`;
}
