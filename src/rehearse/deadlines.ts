/**
 * How long a rehearsal may take: each step has a deadline computed from the settings it rehearses (the health check,
 * the deregistration delay, the unit's TimeoutStopSec, the idle timeout), printed before it starts, and enforced.
 */
import { LoadBalancerSettings } from '../stand-ins/synthesized-tier/fleet-settings';
import { readServiceUnit } from '../stand-ins/systemd/unit-file';

/** The deadlines of one rehearsal, in seconds. */
export interface RehearsalDeadlines {
  /** From a server's start to its first healthy answer (a slow boot is measured past the deploy budget, up to 120 s). */
  readonly bootSeconds: number;
  /**
   * One scenario's own work: servers healthy in the target group (healthy threshold x interval + timeout), a
   * deregistration (its delay), a stop (TimeoutStopSec), and a margin.
   */
  readonly scenarioSeconds: number;
  /** The whole rehearsal: two boots, the idle connection, and three scenarios one after the other (the longest group). */
  readonly runSeconds: number;
}

/** The deadlines for `settings`. */
export function rehearsalDeadlines(settings: LoadBalancerSettings): RehearsalDeadlines {
  const boot = Math.min(settings.readinessBudgetSeconds + 30, 120);
  const healthy = settings.healthyThreshold * settings.healthCheckIntervalSeconds + settings.healthCheckTimeoutSeconds + 5;
  const scenario = Math.ceil(healthy + settings.deregistrationDelaySeconds + readServiceUnit().timeoutStopSeconds + 30);
  return { bootSeconds: boot, scenarioSeconds: scenario, runSeconds: Math.ceil(2 * boot + settings.idleTimeoutSeconds + 3 * scenario) };
}

/** Races `work` against `seconds`: resolves with its value, or with `undefined` once the deadline passes. */
export async function withinDeadline<T>(seconds: number, work: Promise<T>): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>(resolve => { timer = setTimeout(() => resolve(undefined), seconds * 1000); });
  // The work may still fail after its deadline: that failure is part of what the deadline already reported.
  work.catch(() => undefined);
  try {
    return await Promise.race([work.then(value => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
