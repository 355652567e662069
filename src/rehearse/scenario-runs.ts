/**
 * How each scenario runs. Scenarios that do not share a server run at the same time, each group of them on its own
 * servers and its own load balancer stand-in: the wall time is that of the longest group (the idle connection, just
 * under the load balancer's idle timeout), not the sum of the waits for health checks.
 */
import { clientLoad } from './client-load';
import { withinDeadline } from './deadlines';
import { countStatuses, probeTimeline, ScenarioName, ScenarioResult, standInTimeline, summarize } from './scenario-record';
import { getThroughSigterm, idleConnection, IdleConnectionResult, requestThroughSigterm, SigtermResult } from './server-probes';
import { sleep, waitUntil } from '../local/loopback';
import { LocalRedis, withRedisPaused } from '../stand-ins/elasticache/redis-server';
import { ForwardedRequest, IN_FLIGHT_RESET, LoadBalancerStandIn } from '../stand-ins/load-balancing/load-balancer';
import { healthCheck } from '../stand-ins/load-balancing/target-group';
import { LoadBalancerSettings, RehearsedApplication } from '../stand-ins/synthesized-tier/fleet-settings';
import { WebServerUnit } from '../stand-ins/systemd/service';

/** What the scenarios share: the application, its settings, and how to start a server of it. */
export interface ScenarioContext {
  readonly app: RehearsedApplication;
  readonly settings: LoadBalancerSettings;
  readonly pages: string[];
  readonly rate: number;
  readonly log: (line: string) => void;
  /** The rehearsal's redis-server, which the application's environment names (none when it uses no Redis). */
  readonly redis?: LocalRedis;
  /** The deadline of each scenario's own work, in seconds (deadlines.ts). */
  readonly scenarioSeconds: number;
  /** Every unit started so far (the rehearsal stops them all at the end). */
  readonly units: WebServerUnit[];
  /** Another redis-server, of one scenario alone (stopped by the rehearsal at the end). */
  newRedis(): Promise<LocalRedis>;
  /** Starts a server of the application, its environment naming `redis` (default: the rehearsal's). */
  newUnit(name: string, zone: string, redis?: LocalRedis): Promise<WebServerUnit>;
  /** Seconds from the unit's start to its first healthy answer, or undefined within the boot budget. */
  booted(unit: WebServerUnit): Promise<number | undefined>;
  /** A new load balancer stand-in (closed by the rehearsal at the end). */
  standIn(): LoadBalancerStandIn;
}

/** A stand-in listening, with its port. */
interface Listening {
  readonly alb: LoadBalancerStandIn;
  readonly port: number;
}

/** A stand-in with `members` registered, once they are all healthy. */
async function standInWith(ctx: ScenarioContext, members: WebServerUnit[]): Promise<Listening> {
  const alb = ctx.standIn();
  const port = await alb.listen();
  for (const unit of members) {
    alb.register(unit.instanceId, unit.port);
  }
  const s = ctx.settings;
  ctx.log(`${members.map(u => u.instanceId).join(', ')}: registered, healthy after ${s.healthyThreshold} checks ${s.healthCheckIntervalSeconds} s apart`);
  await waitHealthy(alb, members, s);
  return { alb, port };
}

/** Waits until the stand-in reports each of `units` healthy: at most `healthyThreshold x interval` and a margin. */
async function waitHealthy(alb: LoadBalancerStandIn, units: WebServerUnit[], s: LoadBalancerSettings): Promise<void> {
  const ms = (s.healthyThreshold * s.healthCheckIntervalSeconds + s.healthCheckTimeoutSeconds + 5) * 1000;
  await waitUntil(`${units.map(u => u.instanceId).join(', ')} healthy in the target group`, ms,
    () => units.every(u => alb.state(u.instanceId) === 'healthy'));
}

/** Client load through the stand-in for at least `seconds` and until `during` is done. */
async function loadScenario(ctx: ScenarioContext, { alb, port }: Listening, name: ScenarioName, description: string,
  zeroTarget: boolean, seconds: number, during?: () => Promise<void>): Promise<{ result: ScenarioResult; forwarded: ForwardedRequest[] }> {
  ctx.log(`${name}: ${description} (deadline ${ctx.scenarioSeconds} s)`);
  const started = Date.now();
  const first = alb.requests.length;
  let late = false;
  const bounded = async () => {
    late = (await withinDeadline(ctx.scenarioSeconds, (during ?? (async () => undefined))())) === undefined;
    if (late) {
      ctx.log(`${name}: not done within its deadline of ${ctx.scenarioSeconds} s: stopped`);
    }
  };
  const results = await clientLoad(port, ctx.pages, ctx.rate, seconds, bounded, ctx.scenarioSeconds + seconds);
  const forwarded = alb.requests.slice(first);
  const lost = name === 'crash' ? forwarded.filter(r => r.cause === IN_FLIGHT_RESET).length : 0;
  const timeline = standInTimeline(started, forwarded, alb.events, ctx.units);
  const result = summarize(name, description, zeroTarget, results, forwarded.map(r => r.cause), started, timeline, lost);
  ctx.log(`${name}: done in ${result.seconds.toFixed(0)} s (${result.requests} requests, ${result.failed} failed)`);
  return { result: late ? { ...result, overDeadlineSeconds: ctx.scenarioSeconds } : result, forwarded };
}

/** What steady load showed of the pages against the health page. */
export interface SteadyFacts {
  /** Answers of 500 and above that the application itself sent (not the stand-in's 502/503/504), by status. */
  readonly applicationErrors: Record<string, number>;
  /** Whether the health page passed throughout: both servers healthy in the target group, and a check right after. */
  readonly healthPagePassed: boolean;
}

/**
 * Servers a and b behind one stand-in: steady load, then a's crash, then (once the idle connection to b is done)
 * b's scale-in.
 */
export async function steadyCrashScaleIn(ctx: ScenarioContext, a: WebServerUnit, b: WebServerUnit, wanted: Set<ScenarioName>,
  idleDone: Promise<unknown>): Promise<{ results: ScenarioResult[]; steady?: SteadyFacts }> {
  const { app, settings, rate } = ctx;
  const results: ScenarioResult[] = [];
  let steady: SteadyFacts | undefined;
  if (!['steady', 'crash', 'scale-in'].some(name => wanted.has(name as ScenarioName))) {
    return { results };
  }
  const stand = await standInWith(ctx, [a, b]);
  if (wanted.has('steady')) {
    const { result, forwarded } = await loadScenario(ctx, stand, 'steady', `${rate} requests a second for 5 s over two servers`, true, 5);
    results.push(result);
    const passes = await healthCheck(a.port, app.healthCheckPath, settings.healthCheckTimeoutSeconds * 1000, settings.healthyHttpCodes);
    steady = {
      applicationErrors: countStatuses(forwarded.filter(r => r.status >= 500 && r.cause === undefined)),
      healthPagePassed: passes && [a, b].every(u => stand.alb.state(u.instanceId) === 'healthy'),
    };
  }
  if (wanted.has('crash')) {
    // The requests a crashed process had in flight are lost on any server; what the tier promises is that no
    // request after the crash fails (with socket activation the kernel queues them until the restart).
    results.push((await loadScenario(ctx, stand, 'crash', 'server a is killed (SIGKILL) and restarted by its unit after RestartSec',
      app.socketActivation, 4, async () => {
        await sleep(1_000);
        await a.crash();
        await waitUntil('server a to restart', 20_000, () => a.running);
        await ctx.booted(a);
      })).result);
  }
  if (wanted.has('scale-in')) {
    // b holds the idle connection until just under the idle timeout: it is scaled in after.
    await idleDone;
    if (a.running && stand.alb.state(a.instanceId) === 'healthy') {
      results.push((await loadScenario(ctx, stand, 'scale-in', 'server b deregistered, drained and stopped (SIGTERM)', true, 2, async () => {
        await stand.alb.deregister(b.instanceId);
        await b.stop();
        await sleep(1_000);
      })).result);
    }
  }
  return { results, steady };
}

/** Servers c and d behind a stand-in of their own; under load, a new server e registered, healthy, then c drained and stopped. */
export async function release(ctx: ScenarioContext): Promise<ScenarioResult> {
  const [c, d] = [await ctx.newUnit('c', 'rehearsal-1a'), await ctx.newUnit('d', 'rehearsal-1b')];
  await Promise.all([ctx.booted(c), ctx.booted(d)]);
  const stand = await standInWith(ctx, [c, d]);
  return (await loadScenario(ctx, stand, 'release', 'a new server e beside c and d, healthy, then c deregistered, drained and stopped (SIGTERM)',
    true, 2, async () => {
      const e = await ctx.newUnit('e', 'rehearsal-1c');
      await ctx.booted(e);
      stand.alb.register(e.instanceId, e.port);
      await waitHealthy(stand.alb, [e], ctx.settings);
      await stand.alb.deregister(c.instanceId);
      await c.stop();
      await sleep(1_000);
    })).result;
}

/**
 * How long the sigterm probe holds the writes of the application's Redis when the request's body cannot hold it in flight:
 * SIGTERM lands 300 ms in, and the rest is shorter than a usual Redis client timeout (the starter's is 2 s), so a
 * graceful application answers the page as it would. */
const REDIS_PAUSE_MS = 1_500;

/**
 * A request in flight when SIGTERM lands, straight to a server of its own. First one whose body is still arriving
 * (server f); an application that answers before reading the body answers it before SIGTERM, so then a `GET` of the
 * first page while a Redis of its own holds its writes (server g: f may be stopping). When neither is still
 * unanswered 300 ms after it was sent, SIGTERM is not sent and the scenario is not exercised (neither pass nor failure).
 */
export async function sigterm(ctx: ScenarioContext): Promise<{ result: ScenarioResult; probe: SigtermResult; killed: boolean }> {
  ctx.log('sigterm: a request in flight when SIGTERM lands (its body still arriving, else its Redis paused), straight to a server of its own');
  const f = await ctx.newUnit('f', 'rehearsal-1c');
  await ctx.booted(f);
  const started = Date.now();
  const requests: Array<[number, number, WebServerUnit]> = [];
  const stopped: WebServerUnit[] = [];
  const through = async (unit: WebServerUnit, send: typeof requestThroughSigterm) => {
    let stopping: Promise<void> | undefined;
    const at = Date.now();
    const result = await send(unit.port, ctx.pages[0], () => { stopping = unit.stop(); stopped.push(unit); });
    await stopping;
    requests.push([at, result.status ?? 0, unit]);
    return result;
  };
  let probe = await through(f, requestThroughSigterm);
  let held = `POST ${ctx.pages[0]} with its body still arriving`;
  if (!probe.inFlight && ctx.redis !== undefined) {
    // A redis-server of g's own: pausing the shared one would slow the scenarios running beside this one.
    const own = await ctx.newRedis();
    const g = await ctx.newUnit('g', 'rehearsal-1a', own);
    await ctx.booted(g);
    probe = await withRedisPaused(own, REDIS_PAUSE_MS, async pause => {
      held = `GET ${ctx.pages[0]} waiting on Redis (its ${pause} paused)`;
      return through(g, getThroughSigterm);
    });
  }
  // Any answer of the application's own counts (a POST may well be 404 or 501): what fails is no answer at all.
  const failure = probe.inFlight && probe.failure ? `${held}: ${probe.failure}` : undefined;
  return {
    result: {
      name: 'sigterm',
      description: 'a request in flight through SIGTERM',
      requests: requests.length,
      failed: failure ? 1 : 0,
      statuses: countStatuses(requests.map(([, status]) => ({ status }))),
      zeroTarget: true,
      seconds: (Date.now() - started) / 1000,
      causes: failure ? [failure] : [],
      heldInFlightBy: probe.inFlight ? held : undefined,
      notExercised: probe.inFlight ? undefined
        : `every answer came before SIGTERM${ctx.redis === undefined ? ' (and without Redis no page can be held on it)' : ''}`,
      timeline: probeTimeline(started, requests),
    },
    probe: { ...probe, failure },
    killed: stopped.some(unit => unit.lastStop?.killed === true),
  };
}

/** The load balancer's connection to server b, idle until just under the idle timeout, then used again. */
export async function idle(ctx: ScenarioContext, b: WebServerUnit): Promise<{ result: ScenarioResult; probe: IdleConnectionResult }> {
  const started = Date.now();
  ctx.log(`idle-connection: a request, then the connection left idle ${ctx.settings.idleTimeoutSeconds - 1} s, then a second one`);
  const probe = await idleConnection(b.port, ctx.app.healthCheckPath, ctx.settings.idleTimeoutSeconds);
  const ok = probe.secondStatus !== undefined && probe.secondStatus < 500;
  const closed = probe.closedAfterSeconds === undefined ? [] : [{ at: started + probe.closedAfterSeconds * 1000, event: 'closed-idle' as const, unit: b }];
  return {
    result: {
      name: 'idle-connection',
      description: `a request on a connection left idle for ${ctx.settings.idleTimeoutSeconds - 1} s`,
      requests: 2,
      failed: ok ? 0 : 1,
      statuses: countStatuses([{ status: 200 }, { status: probe.secondStatus ?? 0 }]),
      zeroTarget: true,
      seconds: (Date.now() - started) / 1000,
      causes: probe.failure ? [probe.failure] : [],
      timeline: probeTimeline(started, [[started, 200, b], [Date.now(), probe.secondStatus ?? 0, b]], closed),
    },
    probe,
  };
}
