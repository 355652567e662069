import { ClientResult, failed } from './client-load';
import { ForwardedRequest, TargetEvent } from '../stand-ins/load-balancing/load-balancer';
import { UnitEvent, WebServerUnit } from '../stand-ins/systemd/service';

/** The scenarios, in the order the report lists them. */
export const SCENARIOS = ['steady', 'idle-connection', 'crash', 'release', 'sigterm', 'scale-in'] as const;
export type ScenarioName = typeof SCENARIOS[number];

/** One scenario's outcome. */
export interface ScenarioResult {
  readonly name: ScenarioName;
  readonly description: string;
  readonly requests: number;
  readonly failed: number;
  /** How many answers of each status (0: no answer). */
  readonly statuses: Record<string, number>;
  /** Whether the tier promises 0 failed requests here (else the count is measured, and a finding may say why). */
  readonly zeroTarget: boolean;
  readonly seconds: number;
  /** The causes of the failed requests, as the load balancer stand-in gave them. */
  readonly causes: string[];
  /** Requests a killed process had in flight (lost on any server; not in `failed`). */
  readonly lostInFlight?: number;
  /** For the sigterm probe: what held its request in flight when SIGTERM landed. */
  readonly heldInFlightBy?: string;
  /**
   * Why the scenario could not rehearse what it names, when it could not (the sigterm probe: every answer came before
   * SIGTERM, so none was in flight): neither a pass nor a failure, and no effect on the exit code.
   */
  readonly notExercised?: string;
  /** Set when the scenario's event did not finish within its deadline (seconds): the load was stopped at it. */
  readonly overDeadlineSeconds?: number;
  /** What the timeline picture (`--out`) draws. */
  readonly timeline: ScenarioTimeline;
}

/** What happened during a scenario, on its own clock: seconds since it started. */
export interface ScenarioTimeline {
  /** When the scenario started (ISO 8601). */
  readonly startedAt: string;
  /** Each request: [seconds since the start, the server that answered ("" none), the status the client got (0 none)]. */
  readonly requests: Array<[number, string, number]>;
  /** What the units and the load balancer stand-in did: crash, restart, register, healthy, deregister, SIGTERM, stop, ... */
  readonly events: Array<{ readonly t: number; readonly server: string; readonly event: TimelineEvent }>;
}

/** An event a timeline shows; `closed-idle`: the application closed the load balancer's idle connection. */
export type TimelineEvent = UnitEvent | TargetEvent['event'] | 'closed-idle';

/** The server's short name in reports and pictures: "a" for i-rehearsal-a. */
export function serverName(instanceId: string): string {
  return instanceId.replace(/^i-rehearsal-/, '');
}

const seconds = (from: number, at: number) => Math.round(at - from) / 1000;

/**
 * The timeline of a scenario run through a stand-in: its requests (`forwarded`), and the events of the stand-in and of
 * the units it ever registered, from `started` until now.
 */
export function standInTimeline(started: number, forwarded: ForwardedRequest[], events: TargetEvent[], units: WebServerUnit[]): ScenarioTimeline {
  const ended = Date.now();
  const registered = new Set(events.filter(e => e.event === 'register').map(e => e.target));
  const all = [
    ...events,
    ...units.filter(u => registered.has(u.instanceId)).flatMap(u => u.events.map(e => ({ ...e, target: u.instanceId }))),
  ].filter(e => e.at >= started && e.at <= ended).sort((x, y) => x.at - y.at);
  return {
    startedAt: new Date(started).toISOString(),
    requests: forwarded.map(r => [seconds(started, r.at), r.target ? serverName(r.target) : '', r.status]),
    events: all.map(e => ({ t: seconds(started, e.at), server: serverName(e.target), event: e.event })),
  };
}

/**
 * The timeline of a probe straight to servers: its requests ([when, status, the server asked]) and the events of those
 * servers since `started`, with `extra` events of theirs.
 */
export function probeTimeline(started: number, requests: Array<[number, number, WebServerUnit]>,
  extra: Array<{ at: number; event: TimelineEvent; unit: WebServerUnit }> = []): ScenarioTimeline {
  const units = [...new Set(requests.map(([, , unit]) => unit))];
  return {
    startedAt: new Date(started).toISOString(),
    requests: requests.map(([at, status, unit]) => [seconds(started, at), status === 0 ? '' : serverName(unit.instanceId), status]),
    events: [...units.flatMap(unit => unit.events.map(e => ({ ...e, unit }))), ...extra]
      .filter(e => e.at >= started && e.at <= Date.now()).sort((x, y) => x.at - y.at)
      .map(e => ({ t: seconds(started, e.at), server: serverName(e.unit.instanceId), event: e.event })),
  };
}

/** `lostInFlight`: failed requests the server had in flight when it was killed, reported apart from `failed`. */
export function summarize(name: ScenarioName, description: string, zeroTarget: boolean, results: ClientResult[],
  causes: Array<string | undefined>, started: number, timeline: ScenarioTimeline, lostInFlight = 0): ScenarioResult {
  const clientErrors = results.filter(r => r.error).map(r => `no answer: ${r.error}`);
  return {
    name,
    description,
    zeroTarget,
    statuses: countStatuses(results),
    requests: results.length,
    failed: results.filter(failed).length - lostInFlight,
    lostInFlight,
    seconds: (Date.now() - started) / 1000,
    causes: [...causes.filter((c): c is string => c !== undefined), ...clientErrors],
    timeline,
  };
}

/** How many answers of each status (0: no answer). */
export function countStatuses(results: Array<{ status: number }>): Record<string, number> {
  const statuses: Record<string, number> = {};
  for (const r of results) {
    statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  }
  return statuses;
}
