/**
 * The release scenarios: the template's instance refresh (`instance-refresh.ts`) replaces the servers behind the
 * stand-in ALB with a new version while the gate alarms (`cloudwatch-alarm.ts`) watch what the load generator sees.
 */
import * as path from 'path';
import { sleep } from './drill-clock';
import { layoutOf, RELEASE_HISTORY_PERIODS, ScenarioContext, ScenarioOutcome } from './scenario';
import { ASSETS_DIR } from '../../src/local/instance-home';
import { runScript } from '../../src/local/processes';
import { RefreshFleet, RefreshInstance, ReleaseVersion, runInstanceRefresh } from '../../src/stand-ins/auto-scaling/instance-refresh';
import { CloudWatchAlarms, HostSample, MIN_STD_DEV_SECONDS, statistic } from '../../src/stand-ins/cloudwatch/alarm';
import { ReleasePolicy } from '../../src/stand-ins/synthesized-tier/release-policy';
import { RELEASE_CHECKS_METRIC, RELEASE_CHECKS_NAMESPACE } from '../../src/web-fleet/release-checks-alarm';
import { WebVersion } from '../application-versions';
import { DrillInstance, inRotation, ReleaseKind } from '../report/analysis';
import { FleetSample, ReleaseRecord } from '../report/release-analysis';
import { WebInstance } from '../web-instance';

/** The version each release scenario deploys. */
export const RELEASE_VERSIONS: Record<ReleaseKind, WebVersion> = {
  'release': 'good',
  'bad-release': 'bad',
  'slow-release': 'slow',
  'never-healthy': 'never-healthy',
  'scaled-out': 'good',
  'broken-release': 'broken',
};

/** How many times slower the `slow` version answers than the old one. */
export const SLOW_FACTOR = 10;

/**
 * What the `slow` version adds to each answer: `SLOW_FACTOR` times the old version's median, at least ten times
 * the band's least standard deviation (a loopback median of 3 ms times 10 would still sit inside that band), and,
 * given the band the drill trained (`upperBandSeconds`: expected + stdDevs x sigma), at least that band's top: on a
 * machine loaded by other work, the old version's jitter widens the band beyond ten times its median, and a version
 * inside the band is no slow release for any gate.
 */
export function slowExtraSecondsFor(baselineSeconds: number, upperBandSeconds = 0): number {
  return Math.max((SLOW_FACTOR - 1) * baselineSeconds, 10 * MIN_STD_DEV_SECONDS, upperBandSeconds);
}

/**
 * The target group's view of the drill's servers, as the refresh reads it (its group uses ELB health checks): the
 * stand-in's state of each target, decided by its checks in a row (healthy, initial, unhealthy); a target no longer
 * registered, or draining, counts as unhealthy.
 */
class TargetGroupHealth {
  private readonly registered: Set<string>;

  constructor(private readonly ctx: ScenarioContext, running: string[]) {
    this.registered = new Set(running);
  }

  public added(name: string): void { this.registered.add(name); }
  public removed(name: string): void { this.registered.delete(name); }
  public names(): string[] { return [...this.registered]; }

  public health(name: string): 'healthy' | 'initial' | 'unhealthy' {
    const state = this.ctx.alb.state(name);
    return state === 'healthy' || state === 'initial' ? state : 'unhealthy';
  }
}

/**
 * What a new server does before it completes its launch lifecycle action, as signal-ready.sh does it: the shipped
 * release checks runner (assets/web/release-checks.sh, with its real tries, pause and timeout) against the server's
 * own port; on a failure, PutMetricData of 1 to the release checks' metric. Resolves whether the checks passed.
 */
async function releaseChecksPass(ctx: ScenarioContext, s: WebInstance, checks: string, alarms: CloudWatchAlarms): Promise<boolean> {
  if (checks === '') return true;
  const result = await runScript(path.join(ASSETS_DIR, 'web', 'release-checks.sh'), {
    WEBTIER_HOME: ASSETS_DIR, WEBTIER_WEB_PORT: String(s.port), WEBTIER_RELEASE_CHECKS: checks,
  }, 120_000);
  for (const line of result.stderr.trim().split('\n').filter(Boolean)) ctx.log(`${s.name}: ${line}`);
  if (result.code === 0) return true;
  alarms.publish({ atMs: ctx.now(), namespace: RELEASE_CHECKS_NAMESPACE, metricName: RELEASE_CHECKS_METRIC, value: 1 });
  ctx.log(`${s.name}: PutMetricData ${RELEASE_CHECKS_NAMESPACE} ${RELEASE_CHECKS_METRIC} 1; launch abandoned: terminated, never registered`);
  await s.stop();
  return false;
}

/**
 * The Auto Scaling group on the drill's slots: launch boots a server of the version, runs its release checks and
 * registers it (or abandons it); terminate drains and stops.
 */
function drillFleet(ctx: ScenarioContext, kind: ReleaseKind, slowExtraSeconds: number, tg: TargetGroupHealth,
  versions: Map<string, ReleaseVersion>, checks: string, alarms: CloudWatchAlarms): RefreshFleet {
  const free = [...layoutOf(kind).standby];
  return {
    launch: async (v: ReleaseVersion): Promise<RefreshInstance | 'abandoned'> => {
      const name = free.shift();
      if (!name) throw new Error('the drill has no standby slot left for another instance');
      const s = await ctx.boot(name, v === 'new' ? RELEASE_VERSIONS[kind] : 'good', slowExtraSeconds);
      versions.set(name, v);
      if (!await releaseChecksPass(ctx, s, checks, alarms)) return 'abandoned';
      ctx.register(name);
      tg.added(name);
      return { name, instanceId: s.instanceId, version: v, inServiceAt: ctx.now() };
    },
    targetHealth: (i) => tg.health(i.name),
    terminate: async (instances) => {
      await Promise.all(instances.map(async (i) => {
        tg.removed(i.name);
        await ctx.alb.deregister(i.name);
        await ctx.servers.get(i.name)!.stop();
      }));
      ctx.log(`ASG: ${instances.map((i) => i.name).join(', ')} deregistered, drained and terminated`);
    },
  };
}

/** Median response time of the 200s answered so far, after the first second of load (seconds). */
function medianLatency(ctx: ScenarioContext, fromMs: number): number {
  const xs = ctx.load.records.filter((r) => r.outcome === 200 && r.sentAt > fromMs + 1000).map((r) => (r.doneAt - r.sentAt) / 1000);
  return statistic(xs, 'p50') ?? 0.005;
}

/** A release of the scenario's version through the template's instance refresh, gated by its alarms. */
export async function runRelease(ctx: ScenarioContext, kind: ReleaseKind): Promise<ScenarioOutcome> {
  const version = RELEASE_VERSIONS[kind];
  const running = layoutOf(kind).running;
  const policy = scaleReleasePolicy(ctx.o.example.release, ctx.o.timeScale, ctx.o.example.healthyAfterSeconds);
  const origin = ctx.now();
  const tg = new TargetGroupHealth(ctx, running);
  const hostSamples: HostSample[] = [];
  const fleetSamples: FleetSample[] = [];
  const versions = new Map<string, ReleaseVersion>(running.map((n) => [n, 'previous']));
  const alarms = new CloudWatchAlarms(policy.alarms, () => ctx.load.records, () => hostSamples, origin);
  const sample = () => {
    const at = ctx.now();
    const health = tg.names().map((n) => tg.health(n));
    hostSamples.push({ at, healthy: health.filter((h) => h === 'healthy').length, unhealthy: health.filter((h) => h === 'unhealthy').length });
    const up = Object.entries(ctx.states()).filter(([, st]) => inRotation(st)).map(([n]) => versions.get(n));
    fleetSamples.push({ at, inRotation: up.length, previousInRotation: up.filter((v) => v === 'previous').length, newInRotation: up.filter((v) => v === 'new').length });
    alarms.tick(at);
  };
  const timer = setInterval(sample, 100);
  try {
    sample();
    const period = Math.max(...policy.alarms.map((a) => a.periodSeconds), 1);
    ctx.log(`release of the ${version} version: ${RELEASE_HISTORY_PERIODS} alarm periods (${period} s each) of history from the old version first`);
    await sleep(RELEASE_HISTORY_PERIODS * period * 1000, ctx.o.signal);
    alarms.train(ctx.now());
    for (const [id, m] of alarms.models) ctx.log(`anomaly band of ${id}: expected ${(m.expected * 1000).toFixed(1)} ms, sigma ${(m.stdDev * 1000).toFixed(1)} ms (${m.trainedOn} datapoints)`);
    const baseline = medianLatency(ctx, origin);
    const bands = policy.alarms.filter((a) => a.stdDevs !== undefined && alarms.models.has(a.logicalId))
      .map((a) => alarms.models.get(a.logicalId)!.expected + a.stdDevs! * alarms.models.get(a.logicalId)!.stdDev);
    const slowExtraSeconds = version === 'slow' ? slowExtraSecondsFor(baseline, Math.max(0, ...bands)) : 0;
    const fleet = drillFleet(ctx, kind, slowExtraSeconds, tg, versions, policy.releaseChecks, alarms);
    const hc = ctx.o.example.healthCheck;
    const refresh = await runInstanceRefresh({
      policy,
      desiredCapacity: running.length,
      instances: running.map((name) => ({ name, instanceId: ctx.servers.get(name)!.instanceId, version: 'previous', inServiceAt: -Infinity })),
      fleet,
      alarms,
      replacementTimeoutSeconds: policy.instanceWarmupSeconds + ctx.o.example.healthyAfterSeconds + 2 * hc.intervalSeconds + 30,
      now: ctx.now,
      sleep: (ms) => sleep(ms, ctx.o.signal),
      log: ctx.log,
    });
    sample();
    const instances: DrillInstance[] = [...ctx.servers.values()].map((s) => ({
      name: s.name,
      instanceId: s.instanceId,
      role: running.includes(s.name) ? 'old' : versions.get(s.name) === 'new' ? 'new' : 'rollback',
    }));
    const release: ReleaseRecord = {
      version,
      timeScale: ctx.o.timeScale,
      policy: ctx.o.example.release,
      scaledPolicy: policy,
      desiredCapacity: running.length,
      refresh,
      alarmTransitions: alarms.transitions,
      models: Object.fromEntries(alarms.models),
      samples: fleetSamples,
      newServers: [...versions].filter(([, v]) => v === 'new').map(([n]) => n),
      baselineLatencySeconds: baseline,
      slowExtraSeconds: version === 'slow' ? slowExtraSeconds : undefined,
    };
    return { instances, release };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The policy with its minutes shortened by `factor` (the short drill): CheckpointDelay, BakeTime and every alarm
 * Period. The health checks run at their real speed, so only the part of InstanceWarmup beyond `healthyAfterSeconds`
 * (the time a new target needs to pass its checks) is shortened: a warmup chosen to outlast a detection keeps
 * outlasting it.
 */
export function scaleReleasePolicy(policy: ReleasePolicy, factor: number, healthyAfterSeconds: number): ReleasePolicy {
  if (!(factor > 0 && factor <= 1)) throw new Error(`time scale ${factor}: expected more than 0 and at most 1`);
  const s = (seconds: number) => Math.round(seconds * factor * 1000) / 1000;
  const warmup = policy.instanceWarmupSeconds;
  return {
    ...policy,
    instanceWarmupSeconds: warmup <= healthyAfterSeconds ? warmup : healthyAfterSeconds + s(warmup - healthyAfterSeconds),
    checkpointDelaySeconds: s(policy.checkpointDelaySeconds),
    bakeTimeSeconds: s(policy.bakeTimeSeconds),
    alarms: policy.alarms.map((a) => ({ ...a, periodSeconds: s(a.periodSeconds) })),
  };
}
