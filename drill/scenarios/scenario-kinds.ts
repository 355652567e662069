/**
 * What each scenario does once the load runs: kill a process, lose an instance, deploy, scale in.
 */
import { sleep, until } from './drill-clock';
import { runRelease } from './release';
import { ScenarioContext, ScenarioOutcome } from './scenario';
import { Readiness } from '../../src/stand-ins/auto-scaling/launch-readiness';
import { plannedFailover } from '../../src/stand-ins/elasticache/failover';
import { SLOW_REQUEST_SECONDS } from '../application-versions';
import { inRotation, isKill, RolloutMark, ScenarioKind } from '../report/analysis';
import { WebInstance } from '../web-instance';

/**
 * Waits out the warm-up; before a kill, also a random phase of the health-check schedule (which knows nothing of the
 * kill), so that detection times sample the whole range.
 */
async function warmUp(ctx: ScenarioContext): Promise<void> {
  const phase = isKill(ctx.o.kind) ? Math.random() * ctx.o.example.healthCheck.intervalSeconds : 0;
  await sleep((ctx.o.warmupSeconds + phase) * 1000, ctx.o.signal);
}

/**
 * After the warm-up, waits for an instant without a request in flight (at most 400 ms) and kills then, so that no
 * request dies between Redis INCR and its answer: then the counter must equal the number of 200s exactly. At 20
 * requests/s of ~5 ms each this takes a few ms.
 */
async function killAtQuietInstant(ctx: ScenarioContext, kill: () => number) {
  await warmUp(ctx);
  for (let i = 0; i < 200 && ctx.load.inFlight > 0; i++) await sleep(2, ctx.o.signal);
  const inFlightAtKill = ctx.load.inFlight;
  const killedPid = kill();
  return { killedPid, killMs: ctx.now(), inFlightAtKill };
}

/** Process crash: kill -9 of a's server; the holder keeps its socket and restarts it after RestartSec. */
export async function runCrash(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b] = [ctx.servers.get('a')!, ctx.servers.get('b')!];
  const { killedPid, killMs, inFlightAtKill } = await killAtQuietInstant(ctx, () => a.kill9());
  ctx.log(`kill -9 ${killedPid} (a, ${a.instanceId}): the socket stays open, its unit restarts the server after ` +
    `${ctx.o.restartSeconds} s (Restart=always, RestartSec=${ctx.o.restartSeconds})`);
  // Watch for a full failover window (plus a second) whether the balancer takes a out; if it did, until a is back.
  const observeUntil = killMs + (ctx.o.example.failoverWindowSeconds + 1) * 1000;
  await until(() => ctx.firstOk(a.instanceId, killMs) !== undefined && ctx.now() >= observeUntil && inRotation(ctx.alb.state('a')),
    ctx.budgetMs, ctx.now, ctx.o.signal);
  return {
    killMs,
    killedPid,
    inFlightAtKill,
    killedHealthChecks: checksOf(ctx, 'a'),
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'killed' }, { name: 'b', instanceId: b.instanceId, role: 'survivor' }],
  };
}

/** Instance loss: server and socket of a die; after the replacement delay, the Auto Scaling group launches c. */
export async function runInstanceLoss(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b] = [ctx.servers.get('a')!, ctx.servers.get('b')!];
  const { killedPid, killMs, inFlightAtKill } = await killAtQuietInstant(ctx, () => a.loseInstance());
  ctx.log(`kill -9 ${killedPid} and its socket (a, ${a.instanceId}): the instance is gone, nothing restarts it`);
  await sleep(ctx.o.replacementDelaySeconds * 1000, ctx.o.signal);
  if (inRotation(ctx.alb.state('a'))) ctx.log(`a is still in rotation ${ctx.o.replacementDelaySeconds} s after the kill`);
  // The Auto Scaling group terminates the unhealthy instance (the target group deregisters it) and launches a new
  // one, which the target group gets as a new target: it receives traffic once it has passed HealthyThresholdCount
  // checks. It is registered once its web server answers, so that the time to join is the health checks' alone.
  await ctx.alb.deregister('a');
  const c = await ctx.boot('c');
  ctx.register('c');
  const replacementRegisteredMs = ctx.now();
  ctx.log(`ASG: a terminated and deregistered; replacement c (${c.instanceId}) launched, registered`);
  const hc = ctx.o.example.healthCheck;
  await until(() => ctx.firstOk(c.instanceId, killMs) !== undefined && inRotation(ctx.alb.state('c')),
    replacementRegisteredMs + (ctx.o.example.healthyAfterSeconds + hc.intervalSeconds + 10) * 1000, ctx.now, ctx.o.signal);
  return {
    killMs,
    killedPid,
    inFlightAtKill,
    killedHealthChecks: checksOf(ctx, 'a'),
    replacementRegisteredMs,
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'killed' }, { name: 'b', instanceId: b.instanceId, role: 'survivor' },
      { name: 'c', instanceId: c.instanceId, role: 'replacement' }],
  };
}

/** Samples how many servers are in rotation, every 50 ms; `stop()` returns the fewest seen. */
function capacityProbe(ctx: ScenarioContext): { stop: () => number } {
  let min = Number.POSITIVE_INFINITY;
  const sample = () => {
    min = Math.min(min, Object.values(ctx.states()).filter(inRotation).length);
  };
  sample();
  const timer = setInterval(sample, 50);
  return { stop: () => { clearInterval(timer); sample(); return min; } };
}

/**
 * Removes servers as the target group does when their instances are deregistered (a deploy's old group deleted,
 * a scale-in): no new requests, the ones in flight finish within the deregistration delay; then each instance
 * shuts down (SIGTERM to the server). A slow request to the first one is in flight all along.
 */
async function drainAndStop(ctx: ScenarioContext, removed: WebInstance[], marks: RolloutMark[]) {
  const delay = ctx.o.example.healthCheck.deregistrationDelaySeconds;
  const slow = ctx.slowRequest(removed[0].name);
  await sleep(500, ctx.o.signal);
  marks.push({ atMs: ctx.now(), kind: 'deregister', label: `${removed.map((s) => s.name).join(', ')} deregistered` });
  ctx.log(`target group: deregistering ${removed.map((s) => s.name).join(', ')} (deregistration delay ${delay} s; ` +
    `a ${SLOW_REQUEST_SECONDS} s request to ${removed[0].name} in flight)`);
  const inFlight = await Promise.all(removed.map((s) => ctx.alb.deregister(s.name)));
  marks.push({ atMs: ctx.now(), kind: 'drained', label: 'drained' });
  await Promise.all(removed.map((s) => s.stop()));
  marks.push({ atMs: ctx.now(), kind: 'stopped', label: `${removed.map((s) => s.name).join(', ')} stopped (SIGTERM)` });
  ctx.log(`${removed.map((s) => s.name).join(', ')}: drained (${inFlight.reduce((x, y) => x + y, 0)} left in flight) and stopped`);
  return { slowRequest: await slow, inFlightWhenStopped: inFlight.reduce((x, y) => x + y, 0), deregistrationDelaySeconds: delay };
}

/**
 * Deploy: the replacing update builds new servers c and d from the shipped files beside a and b; each is registered
 * at launch, and the real signal-ready.sh signals once the target group reports it healthy. Once both have
 * signalled, CloudFormation deletes the old group: a and b are deregistered, drained and stopped.
 */
export async function runDeploy(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b] = [ctx.servers.get('a')!, ctx.servers.get('b')!];
  const marks: RolloutMark[] = [];
  const capacity = capacityProbe(ctx);
  const readiness = new Readiness({ targetState: (name) => ctx.alb.state(name), registry: ctx.registry });
  await warmUp(ctx);
  marks.push({ atMs: ctx.now(), kind: 'launch', label: 'c, d launched' });
  const fresh = await Promise.all(['c', 'd'].map(async (name) => {
    const s = await ctx.boot(name);
    readiness.register(s.instanceId, name);
    ctx.register(name);
    return s;
  }));
  ctx.log('ASG (new group): c and d launched and registered; signal-ready.sh waits for the target group to report them healthy');
  const timeout = ctx.o.example.healthyAfterSeconds + 2 * ctx.o.example.healthCheck.intervalSeconds + 10;
  const signals = await Promise.all(fresh.map(async (s) => {
    const r = await readiness.signalReady(s.instanceId, s.port, timeout);
    ctx.log(`signal-ready.sh for ${s.name}: ${r.status} (exit ${r.exitCode})`);
    return { instance: s.name, status: r.status, atMs: ctx.now() };
  }));
  marks.push({ atMs: ctx.now(), kind: 'ready', label: `c, d signalled ${[...new Set(signals.map((x) => x.status))].join('/')}` });
  if (signals.some((x) => x.status !== 'SUCCESS')) throw new Error(`deploy: a new server did not signal SUCCESS: ${JSON.stringify(signals)}`);
  const drained = await drainAndStop(ctx, [a, b], marks);
  return {
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'old' }, { name: 'b', instanceId: b.instanceId, role: 'old' },
      ...fresh.map((s) => ({ name: s.name, instanceId: s.instanceId, role: 'new' as const }))],
    rollout: { marks, signals, minInRotation: capacity.stop(), ...drained },
  };
}

/** Scale-in: the Auto Scaling group removes c of a, b, c: deregistered, drained, then terminated. */
export async function runScaleIn(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b, c] = ['a', 'b', 'c'].map((n) => ctx.servers.get(n)!);
  const marks: RolloutMark[] = [];
  const capacity = capacityProbe(ctx);
  await warmUp(ctx);
  const drained = await drainAndStop(ctx, [c], marks);
  return {
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'survivor' }, { name: 'b', instanceId: b.instanceId, role: 'survivor' },
      { name: 'c', instanceId: c.instanceId, role: 'removed' }],
    rollout: { marks, signals: [], minInRotation: capacity.stop(), ...drained },
  };
}

/**
 * Redis failover, as ElastiCache's planned failover does it (`plannedFailover`): writes held, the replica caught up
 * and promoted, the primary endpoint's name moved to it, the old primary's connections closed, the old primary gone.
 * The web servers reconnect on their own; each visit counted once (the counter equals the 200s).
 */
export async function runRedisFailover(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const [a, b] = [ctx.servers.get('a')!, ctx.servers.get('b')!];
  const { replica, endpoint } = ctx.failover!;
  await warmUp(ctx);
  const { heldMs, offset } = await plannedFailover(ctx.redis, replica, endpoint);
  const failoverMs = ctx.now();
  ctx.primary = replica;
  await ctx.redis.stop();
  ctx.log(`Redis failover: writes held ${heldMs} ms until the replica :${replica.port} reached offset ${offset}; promoted, ` +
    `endpoint moved to it, old primary :${ctx.redis.port} stopped`);
  // Until 5 s have passed and the last 10 requests succeeded.
  await until(() => {
    const last = ctx.load.records.slice(-10);
    return ctx.now() > failoverMs + 5000 && last.length === 10 && last.every((r) => r.outcome === 200);
  }, failoverMs + 15_000, ctx.now, ctx.o.signal);
  return {
    failoverMs,
    instances: [{ name: 'a', instanceId: a.instanceId, role: 'survivor' }, { name: 'b', instanceId: b.instanceId, role: 'survivor' }],
  };
}

/** When the target group's health checks of `name` passed (drill clock, ms): the checks the server answered. */
function checksOf(ctx: ScenarioContext, name: string): number[] {
  return ctx.alb.healthChecks.filter((c) => c.target === name && c.passed).map((c) => c.at);
}

export const SCENARIO_STEPS: Record<ScenarioKind, (ctx: ScenarioContext) => Promise<ScenarioOutcome>> = {
  'crash': runCrash,
  'instance-loss': runInstanceLoss,
  'deploy': runDeploy,
  'scale-in': runScaleIn,
  'redis-failover': runRedisFailover,
  'release': (ctx) => runRelease(ctx, 'release'),
  'bad-release': (ctx) => runRelease(ctx, 'bad-release'),
  'slow-release': (ctx) => runRelease(ctx, 'slow-release'),
  'never-healthy': (ctx) => runRelease(ctx, 'never-healthy'),
  'scaled-out': (ctx) => runRelease(ctx, 'scaled-out'),
  'broken-release': (ctx) => runRelease(ctx, 'broken-release'),
};
