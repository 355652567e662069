/**
 * Turns what a scenario recorded (requests, the target group's transitions, the instances' events) into the drill's measurements.
 *
 * Pure: no clock, no I/O. All times in the result are seconds since the load started.
 */
import { RequestRecord } from '../load-generator';
import { releaseSummary } from './release-analysis';
import { inRotation, isKill, RawScenario, SCENARIO_TITLES, ScenarioResult, SecondBucket, TimelineMark } from './scenario-record';

export * from './scenario-record';

const round = (s: number) => Math.round(s * 1000) / 1000;

/** Seconds since the load started. */
const secondsSince = (raw: RawScenario) => (ms: number) => round((ms - raw.loadStartMs) / 1000);

function requestStats(records: RequestRecord[], byId: Map<string, string>) {
  const ok = records.filter((r) => r.outcome === 200);
  const failed = records.filter((r) => r.outcome !== 200);
  const failedBy: Record<string, number> = {};
  for (const r of failed) failedBy[String(r.outcome)] = (failedBy[String(r.outcome)] ?? 0) + 1;
  const servedBy: Record<string, number> = {};
  for (const r of ok) {
    const name = byId.get(r.instanceId ?? '') ?? r.instanceId ?? 'unknown';
    servedBy[name] = (servedBy[name] ?? 0) + 1;
  }
  return { ok, failed, failedBy, servedBy };
}

function perSecondBuckets(raw: RawScenario, records: RequestRecord[], byId: Map<string, string>): SecondBucket[] {
  const seconds = Math.max(1, Math.ceil((raw.endMs - raw.loadStartMs) / 1000));
  const buckets = Array.from({ length: seconds }, (_, second) => ({ second, sent: 0, ok: {} as Record<string, number>, failed: 0 }));
  for (const r of records) {
    const b = buckets[Math.min(seconds - 1, Math.max(0, Math.floor((r.sentAt - raw.loadStartMs) / 1000)))];
    b.sent++;
    if (r.outcome === 200) {
      const name = byId.get(r.instanceId ?? '') ?? 'unknown';
      b.ok[name] = (b.ok[name] ?? 0) + 1;
    } else {
      b.failed++;
    }
  }
  return buckets;
}

const NO_KILL: ScenarioResult['measured'] = {
  killToOutOfRotationSeconds: null,
  outOfRotationBy: null,
  killToListeningSeconds: null,
  killToFirstServedSeconds: null,
  killToLastFailureSeconds: null,
  killToBackInRotationSeconds: null,
  killToReplacementRegisteredSeconds: null,
  registeredToBackInRotationSeconds: null,
  registeredToFirstServedSeconds: null,
  lastCheckBeforeKillSeconds: null,
  expectedDetectionSeconds: null,
};

/** Crash and instance loss: detection, restart or replacement, measured from the kill. */
function killMeasurements(raw: RawScenario, ok: RequestRecord[], failed: RequestRecord[]) {
  const killMs = raw.killMs!;
  const sec = secondsSince(raw);
  const since = (ms: number | undefined) => (ms === undefined ? null : round((ms - killMs) / 1000));
  const registered = raw.replacementRegisteredMs;
  const sinceRegistered = (ms: number | undefined) => (ms === undefined || registered === undefined ? null : round((ms - registered) / 1000));
  const killed = raw.instances.find((i) => i.role === 'killed');
  if (!killed) throw new Error('no killed instance in the scenario');
  const comeback = raw.kind === 'crash' ? killed : raw.instances.find((i) => i.role === 'replacement');
  const out = raw.transitions.find((t) => t.server === killed.name && t.at > killMs && !inRotation(t.to));
  const after = raw.replacementRegisteredMs ?? out?.at ?? killMs;
  const backIn = comeback && (raw.kind === 'instance-loss' || out)
    ? raw.transitions.find((t) => t.server === comeback.name && t.at > after && t.to === 'healthy') : undefined;
  const listening = comeback && raw.instanceEvents.find((e) => e.instance === comeback.name && e.type === 'listening' && e.at > killMs);
  const firstServed = comeback && ok.filter((r) => r.instanceId === comeback.instanceId && r.sentAt > killMs).sort((x, y) => x.doneAt - y.doneAt)[0];
  const lastCheck = (raw.killedHealthChecks ?? []).filter((t) => t < killMs).pop();
  const sinceLastCheck = lastCheck === undefined ? null : round((killMs - lastCheck) / 1000);
  const hc = raw.healthCheck;

  const marks: TimelineMark[] = [{ t: sec(killMs), kind: 'kill', label: `kill -9 ${killed.name}` }];
  if (out) marks.push({ t: sec(out.at), kind: 'out-of-rotation', label: `${killed.name} out of rotation` });
  if (raw.kind === 'crash' && listening) marks.push({ t: sec(listening.at), kind: 'restarted', label: `${killed.name} restarted` });
  if (raw.replacementRegisteredMs !== undefined && comeback) {
    marks.push({ t: sec(raw.replacementRegisteredMs), kind: 'replacement-registered', label: `${comeback.name} registered` });
  }
  if (backIn) {
    marks.push({ t: sec(backIn.at), kind: 'back-in-rotation', label: `${backIn.server} in rotation` });
  } else if (raw.kind === 'crash' && !out && firstServed) {
    marks.push({ t: sec(firstServed.doneAt), kind: 'back-in-rotation', label: `${killed.name} serves again` });
  }
  const measured: ScenarioResult['measured'] = {
    killToOutOfRotationSeconds: since(out?.at),
    outOfRotationBy: out ? (out.to === 'draining' ? 'deregistration' : 'health-checks') : null,
    killToListeningSeconds: since(listening?.at),
    killToFirstServedSeconds: since(firstServed?.doneAt),
    killToLastFailureSeconds: lastFailureAfter(failed, killMs),
    killToBackInRotationSeconds: since(backIn?.at),
    killToReplacementRegisteredSeconds: since(raw.replacementRegisteredMs),
    registeredToBackInRotationSeconds: sinceRegistered(backIn?.at),
    registeredToFirstServedSeconds: sinceRegistered(firstServed?.doneAt),
    lastCheckBeforeKillSeconds: sinceLastCheck,
    expectedDetectionSeconds: sinceLastCheck === null || sinceLastCheck > hc.intervalSeconds ? null
      : round(hc.intervalSeconds - sinceLastCheck + (hc.unhealthyThreshold - 1) * hc.intervalSeconds),
  };
  return { marks, measured, failedAfterOutOfRotation: out ? failed.filter((r) => r.sentAt > out.at).length : 0 };
}

/** Deploy and scale-in: the moments of the rollout and what it kept. */
function rolloutSummary(raw: RawScenario): ScenarioResult['rollout'] {
  const r = raw.rollout;
  if (!r) return null;
  const sec = secondsSince(raw);
  const slow = r.slowRequest;
  return {
    slowRequest: slow ? { sentSeconds: sec(slow.sentAt), doneSeconds: sec(slow.doneAt), outcome: slow.outcome, server: slow.server } : null,
    minInRotation: r.minInRotation,
    signals: r.signals.map((x) => ({ instance: x.instance, status: x.status, t: sec(x.atMs) })),
    deregistrationDelaySeconds: r.deregistrationDelaySeconds,
    inFlightWhenStopped: r.inFlightWhenStopped,
  };
}

/** Seconds from `fromMs` to the sending of the last failed request after it; null without one. */
function lastFailureAfter(failed: RequestRecord[], fromMs: number): number | null {
  const last = failed.filter((r) => r.sentAt >= fromMs).pop();
  return last ? round((last.sentAt - fromMs) / 1000) : null;
}

/** A release's refresh marks, in seconds of load, with the short labels of a timeline ("launched c", "checkpoint 50 %"). */
function refreshMarks(raw: RawScenario): TimelineMark[] {
  const short = (label: string) => label.split(/[:;]/)[0].replace(/ \((new|previous) version\)$/, '');
  return (raw.release?.refresh.marks ?? []).map((m) => ({ t: secondsSince(raw)(m.atMs), kind: m.kind, label: m.kind === 'refresh-start' ? 'refresh started' : short(m.label) }));
}

export function analyzeScenario(raw: RawScenario): ScenarioResult {
  const sec = secondsSince(raw);
  const byId = new Map(raw.instances.map((i) => [i.instanceId, i.name]));
  const records = [...raw.records].sort((x, y) => x.sentAt - y.sentAt);
  const { ok, failed, failedBy, servedBy } = requestStats(records, byId);
  const kill = isKill(raw.kind) && raw.killMs !== undefined ? killMeasurements(raw, ok, failed) : undefined;
  const rolloutMarks: TimelineMark[] = (raw.rollout?.marks ?? []).map((m) => ({ t: sec(m.atMs), kind: m.kind, label: m.label }));
  if (raw.failoverMs !== undefined) rolloutMarks.push({ t: sec(raw.failoverMs), kind: 'failover', label: 'replica promoted, endpoint switched' });
  const hc = raw.healthCheck;
  return {
    kind: raw.kind,
    title: SCENARIO_TITLES[raw.kind],
    preset: raw.preset,
    startedAt: raw.startedAt,
    durationSeconds: round((raw.endMs - raw.loadStartMs) / 1000),
    ratePerSecond: raw.ratePerSecond,
    instances: raw.instances,
    requests: {
      sent: records.length,
      succeeded: ok.length,
      failed: failed.length,
      failedBy,
      servedBy,
      failedAfterOutOfRotation: kill?.failedAfterOutOfRotation ?? 0,
    },
    measured: kill?.measured ?? NO_KILL,
    predicted: {
      failoverWindowSeconds: raw.failoverWindowSeconds,
      detectionLowerBoundSeconds: (hc.unhealthyThreshold - 1) * hc.intervalSeconds,
      joinLowerBoundSeconds: (hc.healthyThreshold - 1) * hc.intervalSeconds,
      healthyAfterSeconds: raw.healthyAfterSeconds,
      restartSeconds: raw.restartSeconds,
      replacementDelaySeconds: raw.replacementDelaySeconds ?? null,
    },
    redis: {
      counterDelta: raw.redisCounterDelta,
      succeededHellos: ok.length,
      matches: raw.redisCounterDelta === ok.length,
      inFlightAtKill: raw.inFlightAtKill ?? 0,
    },
    rollout: rolloutSummary(raw),
    redisFailover: raw.failoverMs === undefined ? null : {
      failoverToLastFailureSeconds: lastFailureAfter(failed, raw.failoverMs),
      countedButFailed: raw.redisCounterDelta - ok.length,
    },
    release: raw.release ? releaseSummary(raw, raw.release, records) : null,
    processes: { started: raw.pids, leftover: raw.leftoverPids },
    marks: [...(kill?.marks ?? []), ...rolloutMarks, ...refreshMarks(raw)]
      .sort((x, y) => x.t - y.t),
    perSecond: perSecondBuckets(raw, records, byId),
    transitions: raw.transitions.map((t) => ({ t: sec(t.at), server: t.server, from: t.from, to: t.to, reason: t.reason })),
    events: raw.instanceEvents.map((e) => ({ t: sec(e.at), instance: e.instance, type: e.type, pid: e.pid, detail: e.detail })),
    requestLog: records.map((r) => [sec(r.sentAt), sec(r.doneAt), r.outcome, r.instanceId ? byId.get(r.instanceId) ?? r.instanceId : '']),
    healthCheck: hc,
    loadBalancer: raw.loadBalancer,
  };
}
