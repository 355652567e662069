/**
 * What a drill scenario is and what it records: the scenario kinds and their titles, the raw record of a run (requests,
 * the target group's transitions, the instances' events, a release's record) and the measured result.
 */
import { RefreshMarkKind } from '../../src/stand-ins/auto-scaling/instance-refresh';
import { TargetState } from '../../src/stand-ins/load-balancing/target-group';
import { LoadBalancerSettings } from '../../src/stand-ins/synthesized-tier/fleet-settings';
import { TargetGroupHealthCheck } from '../../src/stand-ins/synthesized-tier/target-group-health-check';
import { RequestRecord } from '../load-generator';
import { InstanceEvent } from '../web-instance';
import { ReleaseRecord, ReleaseSummary } from './release-analysis';

export type ScenarioKind = 'crash' | 'instance-loss' | 'deploy' | 'scale-in' | 'redis-failover' | ReleaseKind;

/** The release scenarios: an instance refresh with the template's update policy, of one version each. */
export type ReleaseKind = 'release' | 'bad-release' | 'slow-release' | 'never-healthy' | 'scaled-out' | 'broken-release';

export const RELEASE_KINDS: ReleaseKind[] = ['release', 'bad-release', 'slow-release', 'never-healthy', 'scaled-out', 'broken-release'];

export function isRelease(kind: ScenarioKind): kind is ReleaseKind {
  return (RELEASE_KINDS as string[]).includes(kind);
}

/** The scenarios that kill a process. */
export function isKill(kind: ScenarioKind): kind is 'crash' | 'instance-loss' {
  return kind === 'crash' || kind === 'instance-loss';
}

/**
 * Whether the load balancer sends requests to a target in this state: a healthy one (a target failing its checks
 * stays healthy, and gets traffic, until it has failed UnhealthyThresholdCount in a row).
 */
export function inRotation(state: TargetState | undefined): boolean {
  return state === 'healthy';
}

/** A change of a server's state in the target group (the stand-in's record, by the drill's server name). */
export interface ServerTransition {
  /** Milliseconds on the drill's clock. */
  readonly at: number;
  readonly server: string;
  readonly from: TargetState;
  readonly to: TargetState;
  readonly reason: string;
}

export const SCENARIO_TITLES: Record<ScenarioKind, string> = {
  'crash': 'process crash (kill -9; the socket stays, the unit restarts the server)',
  'instance-loss': 'instance loss (kill -9 of server and socket, replaced by a new instance)',
  'deploy': 'deploy (new servers ready, then the old ones drained and stopped)',
  'scale-in': 'scale-in (one of three servers drained and stopped)',
  'redis-failover': 'Redis failover (replica promoted, endpoint switched, old primary gone)',
  'release': 'release of a good version (instance refresh: canary, checkpoints, bake)',
  'bad-release': 'bad release (health page 200, one answer in three of the other pages 500): the gate rolls it back',
  'slow-release': 'slow release (ten times slower): the latency gate rolls it back',
  'never-healthy': 'release that never passes its health check: rolled back',
  'scaled-out': 'release of a fleet scaled out to 4 (minimum 2)',
  'broken-release': 'broken release (health page 200, main page 500): its release checks fail, rolled back before any request',
};

export interface DrillInstance {
  /** "a", "b" (the two instances at the start), "c" (the replacement). */
  readonly name: string;
  readonly instanceId: string;
  readonly role: 'killed' | 'survivor' | 'replacement' | 'old' | 'new' | 'removed' | 'rollback';
}

/** A moment of a deploy or scale-in, on the scenario's clock. */
export interface RolloutMark {
  readonly atMs: number;
  readonly kind: 'launch' | 'ready' | 'deregister' | 'drained' | 'stopped';
  readonly label: string;
}

/** What a deploy or scale-in recorded besides the load. */
export interface RolloutRecord {
  readonly marks: RolloutMark[];
  /** The drill's slow request, sent to a server about to be deregistered. */
  readonly slowRequest?: { readonly sentAt: number; readonly doneAt: number; readonly outcome: number | string; readonly server: string };
  /** The fewest servers in rotation at any poll during the scenario. */
  readonly minInRotation: number;
  /** What signal-ready.sh signalled for each new server (deploy only). */
  readonly signals: Array<{ readonly instance: string; readonly status: string; readonly atMs: number }>;
  /** The target group's deregistration delay, in seconds. */
  readonly deregistrationDelaySeconds: number;
  /** Requests still in flight on the removed servers when the delay ran out (0: they all finished). */
  readonly inFlightWhenStopped: number;
}

/** Everything a scenario run recorded, on its own millisecond clock. */
export interface RawScenario {
  readonly kind: ScenarioKind;
  readonly preset: string;
  readonly startedAt: string;
  readonly healthCheck: TargetGroupHealthCheck;
  readonly failoverWindowSeconds: number;
  readonly healthyAfterSeconds: number;
  readonly restartSeconds: number;
  readonly ratePerSecond: number;
  readonly replacementDelaySeconds?: number;
  readonly instances: DrillInstance[];
  readonly loadStartMs: number;
  readonly endMs: number;
  /** Crash and instance loss: when the kill happened. */
  readonly killMs?: number;
  readonly killedPid?: number;
  /** Requests sent before the kill and not answered yet when it happened (the drill waits for a quiet instant). */
  readonly inFlightAtKill?: number;
  /** When health checks reached the killed instance's server (from its request log). */
  readonly killedHealthChecks?: number[];
  /** Deploy and scale-in. */
  readonly rollout?: RolloutRecord;
  /** Redis failover: when the endpoint moved to the promoted replica. */
  readonly failoverMs?: number;
  /** Release scenarios: the refresh, the alarms and the fleet over time. */
  readonly release?: ReleaseRecord;
  /** When the replacement, started and answering its health page, was registered in the target group (instance loss only). */
  readonly replacementRegisteredMs?: number;
  readonly records: RequestRecord[];
  readonly transitions: ServerTransition[];
  readonly instanceEvents: InstanceEvent[];
  /** How much the Redis counter rose during the scenario. */
  readonly redisCounterDelta: number;
  /** Pids of every process the scenario started. */
  readonly pids: number[];
  /** Those still alive after the clean-up (should be none). */
  readonly leftoverPids: number[];
  /** The settings the load balancer stand-in ran with, read from the synthesized cloud assembly. */
  readonly loadBalancer: LoadBalancerSettings;
}

export interface TimelineMark {
  readonly t: number;
  readonly kind: 'kill' | 'out-of-rotation' | 'restarted' | 'replacement-registered' | 'back-in-rotation' | 'failover' | RolloutMark['kind']
  | RefreshMarkKind;
  readonly label: string;
}

export interface SecondBucket {
  /** Start of the second, since the load started. */
  readonly second: number;
  readonly sent: number;
  /** 200 answers, by instance name. */
  readonly ok: Record<string, number>;
  readonly failed: number;
}

export interface ScenarioResult {
  readonly kind: ScenarioKind;
  readonly title: string;
  readonly preset: string;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly ratePerSecond: number;
  readonly instances: DrillInstance[];
  readonly requests: {
    readonly sent: number;
    readonly succeeded: number;
    readonly failed: number;
    /** Failed requests by HTTP status or `timeout` / `error` / `skipped`. */
    readonly failedBy: Record<string, number>;
    /** 200 answers by instance name. */
    readonly servedBy: Record<string, number>;
    /** Failed requests sent after the balancer took the dead instance out of rotation. */
    readonly failedAfterOutOfRotation: number;
  };
  readonly measured: {
    /** Kill -> the load balancer stops routing to the killed server (unhealthy, or draining once deregistered); null when it never did. */
    readonly killToOutOfRotationSeconds: number | null;
    /**
     * What took the killed server out: its failed health checks (unhealthy), or its deregistration (draining) when the
     * replacement came first (a replacement delay shorter than the detection); null when it stayed in rotation.
     */
    readonly outOfRotationBy: 'health-checks' | 'deregistration' | null;
    /** Kill -> the restarted (crash) or replacement (instance loss) server answers its health page directly. */
    readonly killToListeningSeconds: number | null;
    /** Kill -> first 200 through the balancer from the restarted or replacement server. */
    readonly killToFirstServedSeconds: number | null;
    /** Kill -> the last failed request was sent; null without failures. */
    readonly killToLastFailureSeconds: number | null;
    /** Kill -> the target group reports the replacement (or the restarted server, if it had left) healthy. */
    readonly killToBackInRotationSeconds: number | null;
    /** Instance loss: kill -> replacement registered (it was started just before and answers its health page). */
    readonly killToReplacementRegisteredSeconds: number | null;
    /** Instance loss: replacement registered -> the target group reports it healthy. */
    readonly registeredToBackInRotationSeconds: number | null;
    /** Instance loss: replacement registered -> its first 200 through the balancer. */
    readonly registeredToFirstServedSeconds: number | null;
    /** Time from the last health check the killed server answered to the kill (the kill's phase in the check schedule). */
    readonly lastCheckBeforeKillSeconds: number | null;
    /**
     * The detection time the check schedule implies: the next check comes `interval - lastCheckBeforeKill` after
     * the kill and fails, then `unhealthyThreshold - 1` more, one interval apart.
     */
    readonly expectedDetectionSeconds: number | null;
  };
  readonly predicted: {
    /** `tier.failoverWindow`: interval x unhealthyThreshold + timeout. */
    readonly failoverWindowSeconds: number;
    /** (unhealthyThreshold - 1) x interval: a dead target fails its first check at the soonest right away. */
    readonly detectionLowerBoundSeconds: number;
    /** (healthyThreshold - 1) x interval: a new target passes its first check at the soonest right away. */
    readonly joinLowerBoundSeconds: number;
    /** `healthyAfter` of the construct: healthyThreshold x interval. */
    readonly healthyAfterSeconds: number;
    readonly restartSeconds: number;
    readonly replacementDelaySeconds: number | null;
  };
  readonly redis: {
    readonly counterDelta: number;
    readonly succeededHellos: number;
    /** Nothing lost, nothing counted twice. */
    readonly matches: boolean;
    readonly inFlightAtKill: number;
  };
  /** Deploy and scale-in: the slow request, capacity and readiness signals; null for the kill scenarios. */
  readonly rollout: {
    readonly slowRequest: {
      readonly sentSeconds: number;
      readonly doneSeconds: number;
      readonly outcome: number | string;
      readonly server: string;
    } | null;
    readonly minInRotation: number;
    readonly signals: Array<{ readonly instance: string; readonly status: string; readonly t: number }>;
    readonly deregistrationDelaySeconds: number;
    readonly inFlightWhenStopped: number;
  } | null;
  /**
   * Redis failover: failures from the switch on, and how long they lasted; visits counted but answered 503 (their INCR
   * ran, the reply was lost) make the counter exceed the 200s by at most the failures. Null for the other scenarios.
   */
  readonly redisFailover: { readonly failoverToLastFailureSeconds: number | null; readonly countedButFailed: number } | null;
  /** Release scenarios: what the refresh did, what the gate saw, the fleet kept and the failure bound; null otherwise. */
  readonly release: ReleaseSummary | null;
  /** Pids of every process the scenario started, and those still alive after its clean-up (none, normally). */
  readonly processes: { readonly started: number[]; readonly leftover: number[] };
  readonly marks: TimelineMark[];
  readonly perSecond: SecondBucket[];
  readonly transitions: Array<{ readonly t: number; readonly server: string; readonly from: string; readonly to: string; readonly reason: string }>;
  readonly events: Array<{ readonly t: number; readonly instance: string; readonly type: string; readonly pid?: number; readonly detail?: string }>;
  /** One row per request: [sent, answered, outcome, instance name or ""] in seconds since the load started. */
  readonly requestLog: Array<[number, number, string | number, string]>;
  readonly healthCheck: TargetGroupHealthCheck;
  readonly loadBalancer: LoadBalancerSettings;
}
