/**
 * The `az-loss` scenario's measurements out of what a run recorded, its targets and its rows of the drill's table.
 * Times in seconds from the loss; the only look outside is whether a recorded pid is still alive.
 */
import { alive } from '../../src/local/process-identity';
import type { WebGroupZonalSettings } from '../../src/stand-ins/synthesized-tier/zonal-settings';
import type { AzLossOptions, AzLossRequest, AzLossResult, AzLossVariant } from '../scenarios/az-loss';

const round = (s: number) => Math.round(s * 1000) / 1000;

export interface Recorded {
  readonly variant: AzLossVariant;
  readonly startedAt: string;
  readonly o: AzLossOptions;
  readonly settings: WebGroupZonalSettings;
  readonly lbZonalShift: boolean;
  readonly serversPerAz: string[][];
  readonly impairedAz: number;
  readonly records: AzLossRequest[];
  readonly lossMs: number;
  readonly outMs?: number;
  readonly shiftMs?: number;
  readonly minInRotation: number;
  readonly inRotationPerAzAtEnd: number[];
  readonly attempts: number[];
  readonly replacedMs?: number;
  readonly primaryLost: boolean;
  readonly counterDelta: number;
  readonly pids: number[];
}

const isRedisUnavailable = (r: AzLossRequest) => r.redisUnavailable;

/** Pure: the measurements out of what a run recorded. */
export function summarize(x: Recorded): AzLossResult {
  const since = (ms: number | undefined) => (ms === undefined ? null : round((ms - x.lossMs) / 1000));
  const failed = x.records.filter((r) => r.outcome !== 200);
  const failedBy: Record<string, number> = {};
  for (const r of failed) failedBy[String(r.outcome)] = (failedBy[String(r.outcome)] ?? 0) + 1;
  const web = failed.filter((r) => !isRedisUnavailable(r) && r.sentAt >= x.lossMs);
  const out = x.outMs ?? Number.POSITIVE_INFINITY;
  const unavailable = failed.filter(isRedisUnavailable);
  return {
    variant: x.variant,
    startedAt: x.startedAt,
    ratePerSecond: x.o.ratePerSecond,
    group: x.settings,
    loadBalancerZonalShift: x.lbZonalShift,
    serversPerAz: x.serversPerAz,
    impairedAz: x.impairedAz,
    requests: { sent: x.records.length, succeeded: x.records.length - failed.length, failed: failed.length, failedBy },
    lossToOutOfRotationSeconds: since(x.outMs),
    outOfRotationBy: x.outMs === undefined ? null : x.shiftMs !== undefined && x.shiftMs <= x.outMs ? 'zonal-shift' : 'health-checks',
    lossToShiftSeconds: since(x.shiftMs),
    webFailuresUntilOutOfRotation: web.filter((r) => r.sentAt <= out).length,
    webFailuresAfterOutOfRotation: web.filter((r) => r.sentAt > out).length,
    minInRotation: Number.isFinite(x.minInRotation) ? x.minInRotation : 0,
    inRotationPerAzAtEnd: x.inRotationPerAzAtEnd,
    healthyAzCapacityAtEnd: x.inRotationPerAzAtEnd.filter((_, az) => az !== x.impairedAz).reduce((a, b) => a + b, 0),
    launchAttempts: x.attempts,
    launchesIntoImpairedAz: x.attempts.filter((az) => az === x.impairedAz).length,
    lossToReplacedSeconds: since(x.replacedMs),
    redis: {
      primaryLost: x.primaryLost,
      failoverSeconds: x.o.redisFailoverSeconds,
      unavailable: unavailable.length,
      lossToLastUnavailableSeconds: unavailable.length ? round((unavailable[unavailable.length - 1].sentAt - x.lossMs) / 1000) : null,
      counterDelta: x.counterDelta,
    },
    processes: { started: x.pids, leftover: x.pids.filter(alive) },
  };
}

/**
 * The targets an az-loss run missed, one line each: no web failure once the AZ is out of rotation; with the zonal
 * shift, none after the shift and no launch into the impaired AZ; the fewest servers in rotation and the healthy AZs'
 * capacity at the end at least what the user asked for (static stability); the counter never behind the 200s.
 */
export function missedAzLossTargets(r: AzLossResult, requestedMin = 2): string[] {
  const missed: string[] = [];
  const where = `az-loss ${r.variant}`;
  if (r.lossToOutOfRotationSeconds === null) missed.push(`${where}: the impaired AZ never left rotation`);
  if (r.webFailuresAfterOutOfRotation > 0) missed.push(`${where}: ${r.webFailuresAfterOutOfRotation} requests failed after the AZ was out of rotation`);
  if (r.variant === 'zonal-shift' && r.launchesIntoImpairedAz > 0) missed.push(`${where}: ${r.launchesIntoImpairedAz} launches into the impaired AZ`);
  if (r.minInRotation < requestedMin) missed.push(`${where}: only ${r.minInRotation} servers in rotation at one point, fewer than ${requestedMin}`);
  if (r.healthyAzCapacityAtEnd < r.group.minSize) missed.push(`${where}: ${r.healthyAzCapacityAtEnd} servers in the healthy AZs at the end, fewer than ${r.group.minSize}`);
  const ok = r.requests.succeeded;
  if (r.redis.counterDelta < ok || r.redis.counterDelta > ok + r.redis.unavailable) {
    missed.push(`${where}: Redis counter rose by ${r.redis.counterDelta} for ${ok} successful requests`);
  }
  if (r.processes.leftover.length) missed.push(`${where}: ${r.processes.leftover.length} processes left`);
  return missed;
}

const s = (v: number | null, never = 'never') => (v === null ? never : `${v.toFixed(1)} s`);

/** The scenario's rows for the drill's table, one column per variant. */
export function formatAzLossTable(results: AzLossResult[]): string {
  const rows: Array<[string, (r: AzLossResult) => string]> = [
    ['servers per AZ (AZ 0 goes dark)', (r) => r.serversPerAz.map((g) => g.length).join(' / ')],
    ['requests sent / failed', (r) => `${r.requests.sent} / ${r.requests.failed}`],
    ['loss -> zonal shift', (r) => s(r.lossToShiftSeconds, '-')],
    ['loss -> AZ out of rotation', (r) => `${s(r.lossToOutOfRotationSeconds)}${r.outOfRotationBy ? ` (${r.outOfRotationBy})` : ''}`],
    ['failed until then (web)', (r) => String(r.webFailuresUntilOutOfRotation)],
    ['failed after (web)', (r) => String(r.webFailuresAfterOutOfRotation)],
    ['fewest servers in rotation', (r) => String(r.minInRotation)],
    ['healthy-AZ servers after replacement', (r) => `${r.healthyAzCapacityAtEnd} (${r.inRotationPerAzAtEnd.join(' / ')})`],
    ['launch attempts (AZ)', (r) => r.launchAttempts.join(', ') || '-'],
    ['launches into the impaired AZ', (r) => String(r.launchesIntoImpairedAz)],
    ['Redis 503s (failover after)', (r) => (r.redis.primaryLost ? `${r.redis.unavailable} (${r.redis.failoverSeconds} s)` : '-')],
    ['processes left afterwards', (r) => String(r.processes.leftover.length)],
  ];
  const labelW = Math.max(...rows.map(([l]) => l.length)) + 2;
  const colW = Math.max(...results.flatMap((r) => [r.variant.length, ...rows.map(([, f]) => f(r).length)])) + 3;
  const line = (cells: string[]) => cells[0].padEnd(labelW) + cells.slice(1).map((c) => c.padStart(colW)).join('');
  return [
    'Scenario az-loss: an Availability Zone goes dark (its servers and the Redis primary)',
    line(['', ...results.map((r) => r.variant)]),
    ...rows.map(([label, f]) => line([label, ...results.map(f)])),
  ].join('\n');
}
