/**
 * The release scenarios' measurements: what the instance refresh did, what the gate alarms saw, the servers in
 * rotation over time, and the bound on failed requests of a bad release. Pure: no clock, no I/O.
 */
import type { RawScenario } from './scenario-record';
import { nextBatchSize, RefreshResult } from '../../src/stand-ins/auto-scaling/instance-refresh';
import { AlarmTransition, AnomalyModel, GateAlarm } from '../../src/stand-ins/cloudwatch/alarm';
import { ReleasePolicy } from '../../src/stand-ins/synthesized-tier/release-policy';
import { WebVersion } from '../application-versions';
import { RequestRecord } from '../load-generator';

/** The servers in rotation at one moment, by version. */
export interface FleetSample {
  readonly at: number;
  readonly inRotation: number;
  readonly previousInRotation: number;
  readonly newInRotation: number;
}

/** What a release scenario recorded besides the load. */
export interface ReleaseRecord {
  readonly version: WebVersion;
  /** Every time of the policy and every alarm period is multiplied by this (1: real length). */
  readonly timeScale: number;
  /** The policy as the template has it, and as the drill ran it (scaled). */
  readonly policy: ReleasePolicy;
  readonly scaledPolicy: ReleasePolicy;
  readonly desiredCapacity: number;
  readonly refresh: RefreshResult;
  readonly alarmTransitions: AlarmTransition[];
  readonly models: Record<string, AnomalyModel>;
  readonly samples: FleetSample[];
  /** Names of the servers of the new version (the refresh's) and of the previous one (at the start and the rollback's). */
  readonly newServers: string[];
  /** `slow` only: the old version's median response time and what the slow version added to each answer. */
  readonly baselineLatencySeconds?: number;
  readonly slowExtraSeconds?: number;
}

export interface ReleaseSummary {
  readonly version: WebVersion;
  readonly timeScale: number;
  readonly status: RefreshResult['status'];
  readonly reason: string | null;
  /** Refresh start -> successful, or -> rolled back. */
  readonly refreshSeconds: number;
  /** Refresh start -> failure; failure -> rollback done. Null when successful. */
  readonly toFailureSeconds: number | null;
  readonly rollbackSeconds: number | null;
  readonly capacityBefore: number;
  readonly minInRotation: number;
  readonly endInRotation: number;
  /** At the end, by version. */
  readonly endNewInRotation: number;
  readonly endPreviousInRotation: number;
  /** The fewest servers of the previous version in rotation at any moment. */
  readonly minPreviousInRotation: number;
  /** Old servers the refresh's first step replaces (the canary's): MaxHealthyPercentage's headroom, paced to the first checkpoint. */
  readonly canaryBatch: number;
  /** Failed requests sent after the rollback was done. */
  readonly failedAfterRollback: number;
  /**
   * The new version's exposure: first new server in rotation -> last one out (or the end); the largest share of
   * the servers in rotation it had; the rate; the detection (first in rotation -> refresh failed); failures allowed:
   * rate x share x exposure, rounded up, plus one for a request in flight at either end.
   */
  readonly canary: {
    readonly firstInRotationSeconds: number;
    readonly exposureSeconds: number;
    readonly share: number;
    readonly ratePerSecond: number;
    readonly detectionSeconds: number | null;
    readonly failedBound: number;
    readonly failed: number;
  } | null;
  readonly gate: Array<{ readonly alarm: string; readonly watches: string; readonly periodSeconds: number; readonly rule: string }>;
  readonly alarmTransitions: Array<{
    readonly t: number; readonly alarm: string; readonly from: string; readonly to: string; readonly value: number | null;
  }>;
  readonly models: Record<string, AnomalyModel>;
  readonly baselineLatencySeconds: number | null;
  readonly slowExtraSeconds: number | null;
  readonly policy: ReleasePolicy;
  readonly scaledPolicy: ReleasePolicy;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

/** "HTTPCode_Target_5XX_Count / RequestCount (rate)", "TargetResponseTime p90". */
export function describeAlarm(a: GateAlarm): { watches: string; rule: string } {
  const e = a.expression;
  const watches = e.kind === 'rate' ? `100 x ${e.errors.metricName} / ${e.requests.metricName} (%)`
    : `${e.metric.metricName} ${e.metric.stat}`;
  const when = a.stdDevs !== undefined ? `${a.comparison} of a ${a.stdDevs}-sigma band` : `${a.comparison} ${a.threshold}`;
  return { watches, rule: `${when}, ${a.datapointsToAlarm} of ${a.evaluationPeriods}, missing: ${a.treatMissingData}` };
}

function canarySummary(raw: RawScenario, r: ReleaseRecord, failed: RequestRecord[]): ReleaseSummary['canary'] {
  const withNew = r.samples.filter((s) => s.newInRotation > 0);
  if (!withNew.length) return null;
  const first = withNew[0].at;
  const last = withNew[withNew.length - 1].at;
  // Rounded as recorded, so that the bound follows from the JSON's own numbers.
  const share = round(Math.max(...withNew.map((s) => s.newInRotation / Math.max(1, s.inRotation))));
  const exposureSeconds = round((last - first) / 1000);
  const failedAt = r.refresh.failedAtMs;
  return {
    firstInRotationSeconds: round((first - raw.loadStartMs) / 1000),
    exposureSeconds,
    share,
    ratePerSecond: raw.ratePerSecond,
    detectionSeconds: failedAt === undefined ? null : round(Math.max(0, failedAt - first) / 1000),
    failedBound: Math.ceil(raw.ratePerSecond * share * exposureSeconds) + 1,
    failed: failed.length,
  };
}

export function releaseSummary(raw: RawScenario, r: ReleaseRecord, records: RequestRecord[]): ReleaseSummary {
  const failed = records.filter((x) => x.outcome !== 200);
  const samples = r.samples.length ? r.samples : [{ at: raw.loadStartMs, inRotation: 0, previousInRotation: 0, newInRotation: 0 }];
  const end = samples[samples.length - 1];
  const f = r.refresh;
  return {
    version: r.version,
    timeScale: r.timeScale,
    status: f.status,
    reason: f.reason ?? null,
    refreshSeconds: round((f.endMs - f.startMs) / 1000),
    toFailureSeconds: f.failedAtMs === undefined ? null : round((f.failedAtMs - f.startMs) / 1000),
    rollbackSeconds: f.failedAtMs === undefined ? null : round((f.endMs - f.failedAtMs) / 1000),
    capacityBefore: r.desiredCapacity,
    minInRotation: Math.min(...samples.map((s) => s.inRotation)),
    endInRotation: end.inRotation,
    endNewInRotation: end.newInRotation,
    endPreviousInRotation: end.previousInRotation,
    minPreviousInRotation: Math.min(...samples.map((s) => s.previousInRotation)),
    canaryBatch: nextBatchSize(r.desiredCapacity, 0, r.scaledPolicy.maxHealthyPercentage, r.scaledPolicy.checkpointPercentages),
    failedAfterRollback: f.status === 'RolledBack' ? failed.filter((x) => x.sentAt > f.endMs).length : 0,
    canary: canarySummary(raw, r, failed),
    gate: r.scaledPolicy.alarms.map((a) => ({ alarm: a.logicalId, periodSeconds: a.periodSeconds, ...describeAlarm(a) })),
    alarmTransitions: r.alarmTransitions.map((t) => ({
      t: round((t.atMs - raw.loadStartMs) / 1000), alarm: t.alarm, from: t.from, to: t.to, value: t.value ?? null,
    })),
    models: r.models,
    baselineLatencySeconds: r.baselineLatencySeconds ?? null,
    slowExtraSeconds: r.slowExtraSeconds ?? null,
    policy: r.policy,
    scaledPolicy: r.scaledPolicy,
  };
}
