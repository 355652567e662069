/**
 * The drill's `az-loss` scenario: every server of one Availability Zone vanishes at once, and the Redis primary with
 * them (the template puts it in that AZ first). Run twice, side by side: the load balancer left to find out by its
 * health checks alone, and with a zonal shift started a moment after the loss.
 *
 * What it reports: the requests that failed until the AZ was out of rotation, those after (none, with the shift), the
 * fewest servers in rotation, the capacity in the healthy AZs once the group has replaced the lost servers, and every
 * AZ a replacement was tried in (none in the impaired AZ with the zonal-shift policy).
 */
import * as crypto from 'crypto';
import { sleep, until } from './drill-clock';
import { httpGet } from '../../src/local/http-client';
import { rememberProcess } from '../../src/local/process-identity';
import { Cleanup } from '../../src/local/processes';
import { balancedSpread, placeLaunch, replacesUnhealthy } from '../../src/stand-ins/auto-scaling/az-placement';
import { promoteReplica, redisWithReplica } from '../../src/stand-ins/elasticache/failover';
import { readCounter, startRedis } from '../../src/stand-ins/elasticache/redis-server';
import { WebGroupZonalSettings } from '../../src/stand-ins/synthesized-tier/zonal-settings';
import { ZonalShift } from '../../src/stand-ins/zonal-shift/zonal-shift';
import { DrillFleet } from '../drill-fleet';
import { inRotation } from '../report/analysis';
import { summarize } from '../report/az-loss-analysis';
import { SynthesizedExample } from '../synthesized-example';

export { formatAzLossTable, missedAzLossTargets, summarize } from '../report/az-loss-analysis';

/** The web servers' page when Redis is unavailable (assets/web/cgi-bin/hello.py, ERROR_PAGE). */
const REDIS_UNAVAILABLE_PAGE = 'The counter is unavailable';

/** One request of the scenario's load; `redisUnavailable` when the web server answered its Redis-unavailable page. */
export interface AzLossRequest {
  readonly sentAt: number;
  readonly doneAt: number;
  readonly outcome: number | 'timeout' | 'error';
  readonly redisUnavailable: boolean;
}

/**
 * Steady load through the stand-in ALB that keeps whether a failure was the web server's own Redis-unavailable page
 * (its 503, which the ALB passes on unchanged) or the load balancer's (502, 503, 504): the web tier's or Redis's.
 */
class AzLossLoad {
  public readonly records: AzLossRequest[] = [];
  private readonly pending = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private sent = 0;
  constructor(private readonly url: string, private readonly ratePerSecond: number, private readonly maxRequests: number,
    private readonly now: () => number) {}
  public get inFlight(): number { return this.pending.size; }
  public start(): void {
    const startedAt = this.now();
    const tick = () => {
      const due = Math.min(this.maxRequests, Math.floor((this.now() - startedAt) * this.ratePerSecond / 1000) + 1);
      while (this.sent < due) this.send();
      if (this.sent < this.maxRequests) this.timer = setTimeout(tick, Math.max(0, startedAt + this.sent * 1000 / this.ratePerSecond - this.now()));
    };
    tick();
  }
  public async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.sent = this.maxRequests;
    await Promise.all([...this.pending]);
  }
  private send(): void {
    this.sent++;
    const sentAt = this.now();
    const p = httpGet(this.url, { timeoutMs: 15_000 }).then(
      (res) => {
        const redisUnavailable = res.status === 503 && res.body.includes(REDIS_UNAVAILABLE_PAGE);
        this.records.push({ sentAt, doneAt: this.now(), outcome: res.status, redisUnavailable });
      },
      (e: Error) => { this.records.push({ sentAt, doneAt: this.now(), outcome: /timed out/.test(e.message) ? 'timeout' : 'error', redisUnavailable: false }); },
    ).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}

export type AzLossVariant = 'health-checks' | 'zonal-shift';

export interface AzLossOptions {
  readonly example: SynthesizedExample;
  readonly ratePerSecond: number;
  readonly warmupSeconds: number;
  readonly tailSeconds: number;
  /** Seconds from the loss to the zonal shift (zonal-shift variant). */
  readonly shiftAfterSeconds: number;
  /** Seconds from the loss until the group launches replacements: the group acts on the target group's health report. */
  readonly replacementDelaySeconds: number;
  /** ElastiCache's detection and promotion time (an input: AWS publishes no fixed figure). */
  readonly redisFailoverSeconds: number;
  readonly restartSeconds: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly registry: Cleanup;
}

/** What one run of the scenario measured; times in seconds from the loss. */
export interface AzLossResult {
  readonly variant: AzLossVariant;
  readonly startedAt: string;
  readonly ratePerSecond: number;
  /** The group's settings read from the template: servers, AZs, strategy, impairment policy. */
  readonly group: WebGroupZonalSettings;
  /** The ALB's `zonal_shift.config.enabled`. */
  readonly loadBalancerZonalShift: boolean;
  /** Servers per AZ at the start, by name; AZ 0 is the impaired one. */
  readonly serversPerAz: string[][];
  readonly impairedAz: number;
  readonly requests: { readonly sent: number; readonly succeeded: number; readonly failed: number; readonly failedBy: Record<string, number> };
  /** Loss -> the last of the AZ's servers out of rotation (unhealthy by health checks, or shifted away from). */
  readonly lossToOutOfRotationSeconds: number | null;
  readonly outOfRotationBy: 'health-checks' | 'zonal-shift' | null;
  /** Loss -> the zonal shift started; null without one. */
  readonly lossToShiftSeconds: number | null;
  /** Requests the web tier failed (not Redis's 503s) sent from the loss until the AZ was out of rotation. */
  readonly webFailuresUntilOutOfRotation: number;
  /** Requests the web tier failed sent after the AZ was out of rotation (target 0). */
  readonly webFailuresAfterOutOfRotation: number;
  /** The fewest servers in rotation at any poll. */
  readonly minInRotation: number;
  /** Servers in rotation per AZ at the end, after the replacements. */
  readonly inRotationPerAzAtEnd: number[];
  /** Servers in rotation in the healthy AZs at the end. */
  readonly healthyAzCapacityAtEnd: number;
  /** Every AZ a replacement launch was tried in, in order. */
  readonly launchAttempts: number[];
  /** How many of those went to the impaired AZ (target 0 with the zonal-shift policy). */
  readonly launchesIntoImpairedAz: number;
  /** Loss -> the last replacement in rotation; null when none joined. */
  readonly lossToReplacedSeconds: number | null;
  readonly redis: {
    /** Whether the primary was in the impaired AZ (and so was lost). */
    readonly primaryLost: boolean;
    readonly failoverSeconds: number;
    /** Requests the web servers answered with their Redis-unavailable page (503, which the ALB passes on). */
    readonly unavailable: number;
    /** Loss -> the last 503 was sent; null without one. */
    readonly lossToLastUnavailableSeconds: number | null;
    /** The counter rose by the 200s, plus at most the 503s whose INCR ran before its reply was lost. */
    readonly counterDelta: number;
  };
  readonly processes: { readonly started: number[]; readonly leftover: number[] };
}

/** Runs both variants at once (each on its own Redis, load balancer and servers), so the drill takes the time of one. */
export async function runAzLoss(o: AzLossOptions): Promise<AzLossResult[]> {
  return Promise.all((['health-checks', 'zonal-shift'] as const).map((variant) => runVariant(o, variant)));
}

async function runVariant(o: AzLossOptions, variant: AzLossVariant): Promise<AzLossResult> {
  const registry = new Cleanup();
  o.registry.add(() => registry.run());
  const epoch = Date.now();
  const now = () => Date.now() - epoch;
  const log = (msg: string) => o.log(`[${o.example.preset} az-loss ${variant} ${(now() / 1000).toFixed(1).padStart(6)}s] ${msg}`);
  const startedAt = new Date().toISOString();
  const settings = o.example.tier.webGroupZonalSettings;
  const lbZonalShift = o.example.tier.zonalShiftEnabled;
  if (variant === 'zonal-shift' && !(lbZonalShift && settings.zonalShiftEnabled)) {
    throw new Error('az-loss zonal-shift: the template enables zonal shift on neither the load balancer nor the web group');
  }
  const redisAzs = o.example.tier.redisNodeAzs;
  const hc = o.example.healthCheck;
  try {
    // Redis: the primary in AZ 0 (the first of PreferredCacheClusterAZs), its replica in AZ 1, behind the endpoint's name.
    const password = crypto.randomBytes(16).toString('hex');
    const primary = await startRedis({ registry, password });
    const { replica, endpoint } = await redisWithReplica(primary, registry);
    for (const r of [primary, replica]) if (r.proc.child.pid) rememberProcess(r.proc.child.pid);

    const spread = balancedSpread(settings.minSize, settings.azCount);
    const serversPerAz = spread.map((n, az) => Array.from({ length: n }, (_, i) => `${String.fromCharCode(97 + az)}${i + 1}`));
    const impairedAz = 0;
    const lost = serversPerAz[impairedAz];
    const spares = lost.map((_, i) => `r${i + 1}`);
    const zoneName = (az: number) => `az-${az}`;
    const zones = new Map(serversPerAz.flatMap((group, az) => group.map((name) => [name, zoneName(az)] as const)));
    const fleet = new DrillFleet({
      example: o.example, redis: { port: endpoint.port, password }, zoneOf: (name) => zones.get(name)!, now, epoch, registry,
    });
    const url = await fleet.listen();
    await Promise.all(serversPerAz.flat().map((name) => fleet.boot(name)));
    for (const name of serversPerAz.flat()) fleet.register(name, true);
    const alb = fleet.alb;
    const afterLossSeconds = o.replacementDelaySeconds + o.example.healthyAfterSeconds + 2 * hc.intervalSeconds;
    const budgetMs = (o.warmupSeconds + afterLossSeconds + o.tailSeconds + 20) * 1000;
    const load = new AzLossLoad(`${url}${fleet.mainPage}`, o.ratePerSecond, Math.ceil(o.ratePerSecond * budgetMs / 1000), now);
    registry.add(() => load.stop());
    let minInRotation = Number.POSITIVE_INFINITY;
    const routable = (names: string[]) => names.filter((name) => alb.routable(name)).length;
    const sample = () => { minInRotation = Math.min(minInRotation, routable([...zones.keys()])); };
    const sampler = setInterval(sample, 50);
    registry.add(async () => clearInterval(sampler));

    const counterBefore = await readCounter(primary);
    load.start();
    await sleep(o.warmupSeconds * 1000, o.signal);

    // The AZ goes dark: its servers, sockets and all, and the Redis primary.
    for (let i = 0; i < 200 && load.inFlight > 0; i++) await sleep(2, o.signal);
    const lossMs = now();
    for (const name of lost) fleet.servers.get(name)!.loseInstance();
    const primaryLost = redisAzs !== undefined;
    const primaryStopped = primaryLost ? primary.stop() : Promise.resolve();
    log(`AZ ${impairedAz} dark: ${lost.join(', ')} gone${primaryLost ? ', Redis primary gone' : ''}`);
    const failover = primaryLost ? sleep(o.redisFailoverSeconds * 1000, o.signal).then(async () => {
      await promoteReplica(replica, endpoint);
      log(`ElastiCache: replica promoted, endpoint moved (${o.redisFailoverSeconds} s after the loss)`);
    }) : Promise.resolve();

    let shiftMs: number | undefined;
    if (variant === 'zonal-shift') {
      await sleep(Math.max(0, lossMs + o.shiftAfterSeconds * 1000 - now()), o.signal);
      new ZonalShift(alb).start(zoneName(impairedAz));
      shiftMs = now();
      log(`zonal shift away from AZ ${impairedAz} started`);
    }
    const outOfRotation = () => routable(lost) === 0;
    await until(outOfRotation, lossMs + (o.example.failoverWindowSeconds + 2) * 1000, now, o.signal);
    const leftAt = (name: string) => Math.min(shiftMs ?? Infinity,
      alb.transitions.find((t) => t.target === name && t.at >= lossMs && !inRotation(t.to))?.at ?? Infinity);
    const outMs = outOfRotation() ? Math.max(...lost.map(leftAt)) : undefined;
    log(`AZ ${impairedAz} out of rotation: ${outMs === undefined ? 'never' : `${((outMs - lossMs) / 1000).toFixed(1)} s after the loss`}`);

    // The group replaces the lost servers once the target group reports them unhealthy.
    await sleep(Math.max(0, lossMs + o.replacementDelaySeconds * 1000 - now()), o.signal);
    const perAz = spread.map((n, az) => (az === impairedAz ? 0 : n));
    const shiftedAz = shiftMs === undefined ? undefined : impairedAz;
    const attempts: number[] = [];
    const joined: string[] = [];
    for (const [i, name] of lost.entries()) {
      await alb.deregister(name);
      if (!replacesUnhealthy(settings, impairedAz, shiftedAz)) continue;
      const placement = placeLaunch({ settings, instancesPerAz: perAz, shiftedAz, darkAzs: [impairedAz] });
      attempts.push(...placement.attempts);
      if (placement.az === null) continue;
      perAz[placement.az]++;
      zones.set(spares[i], zoneName(placement.az));
      await fleet.boot(spares[i]);
      fleet.register(spares[i]);
      joined.push(spares[i]);
      serversPerAz[placement.az].push(spares[i]);
      log(`ASG: ${name} replaced by ${spares[i]} in AZ ${placement.az} (tried AZ ${placement.attempts.join(', then AZ ')})`);
    }
    const allJoined = () => joined.every((name) => inRotation(alb.state(name)));
    await until(allJoined, now() + (o.example.healthyAfterSeconds + hc.intervalSeconds + 10) * 1000, now, o.signal);
    const replacedMs = joined.length && allJoined()
      ? Math.max(...joined.map((name) => alb.transitions.find((t) => t.target === name && t.to === 'healthy')?.at ?? now())) : undefined;
    await Promise.all([failover, primaryStopped]);
    await sleep(o.tailSeconds * 1000, o.signal);
    await load.stop();
    clearInterval(sampler);
    sample();
    const inRotationPerAzAtEnd = serversPerAz.map(routable);
    const counterDelta = (await readCounter(replica)) - counterBefore;
    const pids = [primary.proc.child.pid!, replica.proc.child.pid!, ...fleet.pids()];
    await registry.run();
    return summarize({
      variant,
      startedAt,
      o,
      settings,
      lbZonalShift,
      serversPerAz: spread.map((n, az) => serversPerAz[az].slice(0, n)),
      impairedAz,
      records: load.records,
      lossMs,
      outMs,
      shiftMs,
      minInRotation,
      inRotationPerAzAtEnd,
      attempts,
      replacedMs,
      primaryLost,
      counterDelta,
      pids,
    });
  } finally {
    await registry.run();
  }
}
