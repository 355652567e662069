/**
 * The release scenarios: the template's instance refresh (`instance-refresh.ts`) replaces the servers behind the
 * stand-in ALB with a new version while the gate alarms (`cloudwatch-alarm.ts`) watch what the load generator sees.
 */
import { DrillInstance, inRotation, ReleaseKind } from './analysis';
import { CloudWatchAlarms, HostSample, MIN_STD_DEV_SECONDS, statistic } from './cloudwatch-alarm';
import { RefreshFleet, RefreshInstance, ReleaseVersion, runInstanceRefresh } from './instance-refresh';
import { FleetSample, ReleaseRecord } from './release-analysis';
import { scaleReleasePolicy } from './release-policy';
import { layoutOf, RELEASE_HISTORY_PERIODS, ScenarioContext, ScenarioOutcome, sleep } from './scenario';
import { WebVersion } from './web-server-supervisor';

/** The version each release scenario deploys. */
export const RELEASE_VERSIONS: Record<ReleaseKind, WebVersion> = {
  'release': 'good',
  'bad-release': 'bad',
  'slow-release': 'slow',
  'never-healthy': 'never-healthy',
  'scaled-out': 'good',
};

/** How many times slower the `slow` version answers than the old one. */
export const SLOW_FACTOR = 10;

/**
 * What the `slow` version adds to each answer: `SLOW_FACTOR` times the old version's median, and at least ten times
 * the band's least standard deviation (a loopback median of 3 ms times 10 would still sit inside that band).
 */
export function slowExtraSecondsFor(baselineSeconds: number): number {
  return Math.max((SLOW_FACTOR - 1) * baselineSeconds, 10 * MIN_STD_DEV_SECONDS);
}

/**
 * HAProxy's results of a health check that failed (https://docs.haproxy.org/2.6/management.html, check_status);
 * `show stat` prefixes "* " while a check runs. Passed checks (L4OK, L6OK, L7OK, L7OKC) and INI are not failures.
 */
const FAILED_CHECK = /^(\* )?(L4TOUT|L4CON|L6TOUT|L6RSP|L7TOUT|L7RSP|L7STS|SOCKERR)$/;

/** Whether HAProxy's check result is a failed check. */
export function failedCheck(checkStatus: string): boolean {
  return FAILED_CHECK.test(checkStatus);
}

/** The target group's view of the drill's servers: healthy, initial (new, not yet judged) or unhealthy, as on the ALB. */
class TargetGroupHealth {
  private readonly registeredAt = new Map<string, number>();
  private readonly everHealthy = new Set<string>();
  /** Since when the server's last check result has been a failure, without a passed check in between. */
  private readonly failingSince = new Map<string, number>();

  constructor(private readonly ctx: ScenarioContext, running: string[]) {
    for (const name of running) {
      this.registeredAt.set(name, -Infinity);
      this.everHealthy.add(name);
    }
  }

  public registered(name: string): void { this.registeredAt.set(name, this.ctx.now()); }
  public deregistered(name: string): void { this.registeredAt.delete(name); }
  public names(): string[] { return [...this.registeredAt.keys()]; }

  /**
   * ALB: a new target is `initial` until it passes HealthyThresholdCount checks in a row (healthy) or fails
   * UnhealthyThresholdCount in a row (unhealthy) (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html).
   * APPROXIMATION: HAProxy shows the last result only, not how many failed in a row. The drill counts a new target
   * unhealthy once its last result has stayed a failure for (UnhealthyThresholdCount - 1) intervals plus one
   * timeout: by then that many checks in a row have failed, as no passed check replaced the result. A single
   * failed check of a busy machine, followed by a pass, leaves the target `initial`, as on the ALB.
   * Called every 100 ms (the release's sampling), which is the precision of "in a row".
   */
  public health(name: string): 'healthy' | 'initial' | 'unhealthy' {
    const now = this.ctx.now();
    const failed = failedCheck(this.ctx.watcher.checkStatus(name));
    if (!failed) this.failingSince.delete(name);
    else if (!this.failingSince.has(name)) this.failingSince.set(name, now);
    const status = this.ctx.watcher.status(name);
    if (inRotation(status)) {
      this.everHealthy.add(name);
      return 'healthy';
    }
    if (this.everHealthy.has(name)) return 'unhealthy';
    const hc = this.ctx.o.example.healthCheck;
    const since = now - (this.registeredAt.get(name) ?? now);
    const failing = failed ? now - this.failingSince.get(name)! : 0;
    const inARow = ((hc.unhealthyThreshold - 1) * hc.intervalSeconds + hc.timeoutSeconds) * 1000;
    return since >= hc.unhealthyThreshold * hc.intervalSeconds * 1000 && failing >= inARow ? 'unhealthy' : 'initial';
  }
}

/** The Auto Scaling group on the drill's slots: launch boots a server of the version and registers it; terminate drains and stops. */
function drillFleet(ctx: ScenarioContext, kind: ReleaseKind, slowExtraSeconds: number, tg: TargetGroupHealth,
  versions: Map<string, ReleaseVersion>): RefreshFleet {
  const free = [...layoutOf(kind).standby];
  return {
    launch: async (v: ReleaseVersion): Promise<RefreshInstance> => {
      const name = free.shift();
      if (!name) throw new Error('the drill has no standby slot left for another instance');
      const s = await ctx.boot(name, v === 'new' ? RELEASE_VERSIONS[kind] : 'good', slowExtraSeconds);
      versions.set(name, v);
      await ctx.haproxy.register(name);
      tg.registered(name);
      return { name, instanceId: s.instanceId, version: v, inServiceAt: ctx.now() };
    },
    targetHealth: (i) => tg.health(i.name),
    terminate: async (instances) => {
      const delay = ctx.o.example.healthCheck.deregistrationDelaySeconds;
      await Promise.all(instances.map(async (i) => {
        tg.deregistered(i.name);
        await ctx.haproxy.drain(i.name, delay);
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
    const up = Object.entries(ctx.watcher.snapshot()).filter(([, st]) => inRotation(st)).map(([n]) => versions.get(n));
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
    const slowExtraSeconds = version === 'slow' ? slowExtraSecondsFor(baseline) : 0;
    const fleet = drillFleet(ctx, kind, slowExtraSeconds, tg, versions);
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
