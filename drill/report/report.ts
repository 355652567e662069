/**
 * The drill's report: a side-by-side table for the terminal, and JSON + SVG files per preset.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SCENARIO_TITLES, ScenarioKind, ScenarioResult } from './analysis';
import { DrillResult, PresetResult } from '../drill';
import { timelineSvg } from './timeline-svg';
import { formatAzLossTable } from '../scenarios/az-loss';

const seconds = (s: number | null, never = 'never') => (s === null ? never : `${s.toFixed(1)} s`);
const failures = (s: ScenarioResult) => {
  const by = Object.entries(s.requests.failedBy).map(([k, v]) => `${k} x${v}`).join(', ');
  return `${s.requests.failed}${by ? ` (${by})` : ''}`;
};

type Row = [label: string, value: (s: ScenarioResult) => string];

const COMMON_HEAD: Row[] = [
  ['requests sent', (s) => `${s.requests.sent} (${s.ratePerSecond}/s, ${s.durationSeconds.toFixed(0)} s)`],
  ['succeeded (200)', (s) => String(s.requests.succeeded)],
  ['failed', failures],
];
const COMMON_TAIL: Row[] = [
  ['Redis counter = 200s', (s) => `${s.redis.counterDelta} ${s.redis.matches ? '=' : '!='} ${s.redis.succeededHellos}`],
  ['processes left afterwards', (s) => String(s.processes.leftover.length)],
];
const ROLLOUT_ROWS: Row[] = [
  ['slow request during the drain', (s) => {
    const r = s.rollout?.slowRequest;
    return r ? `${r.outcome} after ${(r.doneSeconds - r.sentSeconds).toFixed(1)} s` : '-';
  }],
  ['in flight when stopped', (s) => String(s.rollout?.inFlightWhenStopped ?? '-')],
];
const rel = (s: ScenarioResult) => s.release!;
const RELEASE_ROWS: Row[] = [
  ...COMMON_HEAD,
  ['instance refresh', (s) => `${rel(s).status}${rel(s).reason ? ` (${rel(s).reason})` : ''}`],
  ['  refresh start -> end', (s) => `${rel(s).refreshSeconds.toFixed(1)} s${rel(s).timeScale === 1 ? '' : ` (times x 1/${Math.round(1 / rel(s).timeScale)})`}`],
  ['  start -> failure, rollback', (s) => (rel(s).toFailureSeconds === null ? '-' : `${rel(s).toFailureSeconds!.toFixed(1)} s, ${rel(s).rollbackSeconds!.toFixed(1)} s`)],
  ['fewest in rotation / before', (s) => `${rel(s).minInRotation} / ${rel(s).capacityBefore}`],
  ['fewest of the previous version', (s) => `${rel(s).minPreviousInRotation} (the canary replaces ${rel(s).canaryBatch})`],
  ['at the end: new + previous', (s) => `${rel(s).endNewInRotation} + ${rel(s).endPreviousInRotation}`],
  ['new version in rotation -> failure', (s) => seconds(rel(s).canary?.detectionSeconds ?? null, '-')],
  ['  failed <= rate x share x exposure', (s) => {
    const c = rel(s).version === 'bad' ? rel(s).canary : null;
    return c ? `${c.failed} <= ${c.ratePerSecond} x ${c.share} x ${c.exposureSeconds.toFixed(1)} s (${c.failedBound})` : '-';
  }],
  ['failed after the rollback', (s) => String(rel(s).failedAfterRollback)],
  ...COMMON_TAIL,
];

const ROWS: Record<ScenarioKind, Row[]> = {
  'release': RELEASE_ROWS,
  'bad-release': RELEASE_ROWS,
  'slow-release': RELEASE_ROWS,
  'never-healthy': RELEASE_ROWS,
  'scaled-out': RELEASE_ROWS,
  'broken-release': RELEASE_ROWS,
  'crash': [
    ...COMMON_HEAD,
    ['kill -> out of rotation (unhealthy)', (s) => seconds(s.measured.killToOutOfRotationSeconds, 'never (stayed healthy)')],
    ['  failover window (construct)', (s) => `${s.predicted.failoverWindowSeconds} s`],
    ['  last check before the kill', (s) => seconds(s.measured.lastCheckBeforeKillSeconds, 'none seen')],
    ['kill -> restarted server listening', (s) => seconds(s.measured.killToListeningSeconds)],
    ['kill -> restarted server served', (s) => seconds(s.measured.killToFirstServedSeconds)],
    ['  RestartSec (webtier.service)', (s) => `${s.predicted.restartSeconds} s`],
    ['kill -> last failed request sent', (s) => seconds(s.measured.killToLastFailureSeconds, 'no failure')],
    ['requests in flight at the kill', (s) => String(s.redis.inFlightAtKill)],
    ...COMMON_TAIL,
  ],
  'deploy': [
    ...COMMON_HEAD,
    ['new servers signalled (signal-ready.sh)', (s) => s.rollout?.signals.map((x) => `${x.instance} ${x.status}`).join(', ') || '-'],
    ['fewest servers in rotation', (s) => String(s.rollout?.minInRotation ?? '-')],
    ...ROLLOUT_ROWS,
    ...COMMON_TAIL,
  ],
  'redis-failover': [
    ...COMMON_HEAD,
    ['failover -> last failed request sent', (s) => seconds(s.redisFailover?.failoverToLastFailureSeconds ?? null, 'no failure')],
    ['visits counted but answered 503', (s) => String(s.redisFailover?.countedButFailed ?? '-')],
    ['processes left afterwards', (s) => String(s.processes.leftover.length)],
  ],
  'scale-in': [
    ...COMMON_HEAD,
    ['fewest servers in rotation', (s) => String(s.rollout?.minInRotation ?? '-')],
    ...ROLLOUT_ROWS,
    ...COMMON_TAIL,
  ],
  'instance-loss': [
    ...COMMON_HEAD,
    ['kill -> out of rotation (unhealthy)', (s) => seconds(s.measured.killToOutOfRotationSeconds) +
      (s.measured.outOfRotationBy === 'deregistration' ? ' (deregistered before unhealthy)' : '')],
    ['  predicted (fall-1) x interval .. window', (s) => `${s.predicted.detectionLowerBoundSeconds} .. ${s.predicted.failoverWindowSeconds} s`],
    ['  last check before the kill', (s) => seconds(s.measured.lastCheckBeforeKillSeconds, 'none seen')],
    ['  expected from that check\'s phase', (s) => seconds(s.measured.expectedDetectionSeconds, '-')],
    ['failed after out of rotation', (s) => String(s.requests.failedAfterOutOfRotation)],
    ['kill -> replacement registered', (s) => seconds(s.measured.killToReplacementRegisteredSeconds)],
    ['registered -> replacement in rotation (healthy)', (s) => seconds(s.measured.registeredToBackInRotationSeconds)],
    ['registered -> replacement served', (s) => seconds(s.measured.registeredToFirstServedSeconds)],
    ['  predicted (rise-1) x interval .. healthyAfter', (s) => `${s.predicted.joinLowerBoundSeconds} .. ${s.predicted.healthyAfterSeconds} s`],
    ['kill -> replacement served', (s) => seconds(s.measured.killToFirstServedSeconds)],
    ...COMMON_TAIL,
  ],
};

/**
 * The zero-downtime targets a scenario missed, one line each: a crash fails at most the requests in flight at the
 * kill (at least 1 allowed); a deploy, a scale-in and a Redis failover fail none; the slow request completes; the
 * Redis counter equals the 200s (after a failover: exceeds them by at most the failures); no process is left.
 * Instance loss has no zero target: its failures are what only AWS can shrink.
 */
export function missedTargets(s: ScenarioResult): string[] {
  const missed: string[] = [];
  const where = `${s.preset} ${s.kind}`;
  const allowed = s.kind === 'crash' ? Math.max(1, s.redis.inFlightAtKill)
    : s.kind === 'instance-loss' || s.kind === 'bad-release' ? Number.POSITIVE_INFINITY : 0;
  if (s.requests.failed > allowed) missed.push(`${where}: ${s.requests.failed} failed requests, target at most ${allowed}`);
  const slow = s.rollout?.slowRequest;
  if (slow && slow.outcome !== 200) missed.push(`${where}: the slow request during the drain got ${slow.outcome}`);
  const extra = s.redisFailover ? s.redisFailover.countedButFailed : 0;
  if (!s.redis.matches && !(extra > 0 && extra <= s.requests.failed)) {
    missed.push(`${where}: Redis counter rose by ${s.redis.counterDelta} for ${s.redis.succeededHellos} successful requests`);
  }
  if (s.processes.leftover.length) missed.push(`${where}: ${s.processes.leftover.length} processes left`);
  if (s.release) missed.push(...missedReleaseTargets(where, s.release));
  return missed;
}

/**
 * A good release (and a scaled-out one) succeeds, never has fewer servers in rotation than before and ends with as
 * many, all new; a bad, slow or never-healthy one is rolled back and ends with the previous version at the capacity
 * before; a bad one keeps in rotation every old server the canary did not replace and never has fewer servers in
 * rotation than before, fails at most rate x canary share x exposure requests and none after the rollback; a slow one is rolled back by a TargetResponseTime alarm.
 */
export function missedReleaseTargets(where: string, r: NonNullable<ScenarioResult['release']>): string[] {
  const missed: string[] = [];
  const good = r.version === 'good';
  const expected = good ? 'Successful' : 'RolledBack';
  if (r.status !== expected) missed.push(`${where}: the instance refresh ended ${r.status}${r.reason ? ` (${r.reason})` : ''}, expected ${expected}`);
  if (good && r.minInRotation < r.capacityBefore) missed.push(`${where}: ${r.minInRotation} servers in rotation at the fewest, fewer than the ${r.capacityBefore} before`);
  const [endNew, endPrevious] = good ? [r.capacityBefore, 0] : [0, r.capacityBefore];
  if (r.endNewInRotation !== endNew || r.endPreviousInRotation !== endPrevious) {
    missed.push(`${where}: ended with ${r.endNewInRotation} new + ${r.endPreviousInRotation} previous in rotation, expected ${endNew} + ${endPrevious}`);
  }
  const set = r.policy.desiredCapacity;
  if (r.capacityBefore > r.policy.minSize && set !== undefined && set !== r.capacityBefore) {
    missed.push(`${where}: the template sets DesiredCapacity ${set}: each deploy would reset the group from ${r.capacityBefore} to ${set}`);
  }
  if (r.version === 'bad') {
    // The old servers the canary did not replace serve throughout, and the fleet never has fewer in rotation than before.
    if (r.minPreviousInRotation < r.capacityBefore - r.canaryBatch) {
      missed.push(`${where}: old servers left rotation (${r.minPreviousInRotation} of ${r.capacityBefore} at the fewest, the canary replaces ${r.canaryBatch})`);
    }
    if (r.minInRotation < r.capacityBefore) missed.push(`${where}: ${r.minInRotation} servers in rotation at the fewest, fewer than the ${r.capacityBefore} before`);
    if (r.canary && r.canary.failed > r.canary.failedBound) {
      missed.push(`${where}: ${r.canary.failed} failed requests, more than rate x canary share x exposure (${r.canary.failedBound})`);
    }
    if (r.failedAfterRollback > 0) missed.push(`${where}: ${r.failedAfterRollback} requests failed after the rollback`);
  }
  if (r.version === 'broken') {
    // Caught by the release checks before any request: no old server stopped, the new one never in rotation.
    if (r.minPreviousInRotation < r.capacityBefore) {
      missed.push(`${where}: old servers left rotation (${r.minPreviousInRotation} of ${r.capacityBefore} at the fewest)`);
    }
    if (r.canary) missed.push(`${where}: the new version was in rotation for ${r.canary.exposureSeconds} s`);
    const checks = r.gate.filter((g) => g.watches.startsWith('FailedReleaseChecks')).map((g) => g.alarm);
    if (!checks.some((id) => (r.reason ?? '').includes(id))) {
      missed.push(`${where}: not rolled back by the release checks alarm (${checks.join(', ') || 'none in the gate'}): ${r.reason ?? 'no failure'}`);
    }
  }
  const latency = r.gate.filter((g) => g.watches.startsWith('TargetResponseTime')).map((g) => g.alarm);
  if (r.version === 'slow' && !latency.some((id) => (r.reason ?? '').includes(id))) {
    missed.push(`${where}: not rolled back by a TargetResponseTime alarm (${latency.join(', ') || 'none in the gate'}): ${r.reason ?? 'no failure'}`);
  }
  return missed;
}

export function presetLabel(p: PresetResult): string {
  const hc = p.healthCheck;
  return `${p.preset} (${hc.intervalSeconds} s x ${hc.unhealthyThreshold})`;
}

/** One section per scenario, one column per preset. */
export function formatTable(result: DrillResult): string {
  const presets = result.presets;
  const kinds = [...new Set(presets.flatMap((p) => p.scenarios.map((s) => s.kind)))];
  const labelW = Math.max(...Object.values(ROWS).flat().map(([l]) => l.length)) + 2;
  const cells = kinds.map((kind) => ROWS[kind].map(([label, value]) =>
    [label, ...presets.map((p) => {
      const s = p.scenarios.find((x) => x.kind === kind);
      return s ? value(s) : '-';
    })]));
  const colW = presets.map((p, i) => Math.max(presetLabel(p).length,
    ...cells.flat().map((row) => row[i + 1].length)) + 3);
  const line = (cols: string[]) => cols[0].padEnd(labelW) + cols.slice(1).map((c, i) => c.padStart(colW[i])).join('');
  const out: string[] = [line(['', ...presets.map(presetLabel)])];
  kinds.forEach((kind, k) => {
    out.push(`Scenario ${k + 1}: ${SCENARIO_TITLES[kind]}`);
    for (const row of cells[k]) out.push(line(row));
  });
  for (const p of presets.filter((x) => x.azLoss?.length)) out.push(`[${presetLabel(p)}] ${formatAzLossTable(p.azLoss!)}`);
  return out.join('\n');
}

/** Writes results/drill-<preset>-<timestamp>.json and .svg for each preset; returns the paths. */
export function writeResults(result: DrillResult, dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const written: string[] = [];
  for (const p of result.presets) {
    const base = path.join(dir, `drill-${p.preset}-${stamp}`);
    const json = JSON.stringify({
      drill: 'zero-downtime',
      short: result.short,
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
      ...p,
    }, null, 2);
    // Arrays of plain values (one a request in requestLog) on one line each.
    fs.writeFileSync(`${base}.json`, json.replace(/\[\n\s+([^[\]{}]*?)\n\s+\]/g, (_, inner: string) => `[${inner.split(/,\n\s+/).join(', ')}]`) + '\n');
    fs.writeFileSync(`${base}.svg`, timelineSvg(`Zero-downtime drill: ${presetLabel(p)}, failover window ${p.failoverWindowSeconds} s`, p.scenarios));
    written.push(`${base}.json`, `${base}.svg`);
  }
  return written;
}
