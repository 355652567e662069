/**
 * The stand-in for CloudFormation's `AutoScalingInstanceRefresh` update policy and the EC2 Auto Scaling instance
 * refresh it starts, with automatic rollback. AWS rules followed:
 * - Rolling, launch before terminate: with MinHealthyPercentage 100 no old instance stops before its replacement
 *   counts; at most MaxHealthyPercentage of the desired capacity is in service or pending, so a batch is
 *   floor(desired x max / 100) - desired instances, at least one
 *   (https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html);
 * - a new instance counts once it is InService, the target group reports it healthy (the group uses ELB health
 *   checks) and InstanceWarmup has passed since InService
 *   (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html, PercentageComplete);
 * - checkpoints: the refresh paces replacements to stop at each checkpoint percentage of new instances (rounded
 *   up; a checkpoint already passed is skipped), then waits CheckpointDelay; the last one, 100, ends the refresh
 *   without a delay (https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-adding-checkpoints-instance-refresh.html);
 * - BakeTime: CloudFormation waits that long after the refresh before it considers the update successful;
 * - any alarm of AlarmSpecification in ALARM fails the refresh; so does a replacement that never becomes healthy;
 * - a new instance whose release checks fail abandons its launch lifecycle action: the group terminates it
 *   (https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html) and it never enters service; the
 *   instance published its failure first, and the release checks alarm (10-second period) fails the refresh. The
 *   group would launch another instance in its place; the drill, whose alarm fires within a period, does not, and
 *   counts the batch as failed after `replacementTimeoutSeconds` when no alarm fires;
 * - on failure, the rollback replaces the instances deployed so far with the previous configuration (the previous
 *   launch template version), launching before terminating again; the stack update rolls back with it
 *   (https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html).
 * The drill's reading where AWS documents no number: a replacement counts as never healthy once the target group
 * reports it unhealthy (UnhealthyThresholdCount failed checks), or after `replacementTimeoutSeconds`.
 */
import { CloudWatchAlarms } from '../cloudwatch/alarm';
import { ReleasePolicy } from '../synthesized-tier/release-policy';

export type ReleaseVersion = 'previous' | 'new';

/** An instance of the group, as the refresh sees it. */
export interface RefreshInstance {
  readonly name: string;
  readonly instanceId: string;
  readonly version: ReleaseVersion;
  /** When it entered InService (drill clock, ms). */
  readonly inServiceAt: number;
}

/** What the refresh asks of the group and its target group. */
export interface RefreshFleet {
  /**
   * Launches an instance of `version`; resolves once it is InService and registered in the target group, or with
   * 'abandoned' when it abandoned its launch (its release checks failed: it was terminated, never registered).
   */
  launch(version: ReleaseVersion): Promise<RefreshInstance | 'abandoned'>;
  /** The target group's health of the instance ('initial' while it passes its first checks). */
  targetHealth(instance: RefreshInstance): 'healthy' | 'initial' | 'unhealthy';
  /** Deregisters the instances (deregistration delay), then terminates them. */
  terminate(instances: RefreshInstance[]): Promise<void>;
}

export type RefreshMarkKind = 'refresh-start' | 'launch' | 'abandoned' | 'counted' | 'checkpoint' | 'bake' | 'alarm' | 'refresh-failed' | 'rollback-done' | 'successful';

export interface RefreshMark {
  readonly atMs: number;
  readonly kind: RefreshMarkKind;
  readonly label: string;
}

export interface RefreshOptions {
  readonly policy: ReleasePolicy;
  /** The group's desired capacity when the release starts. */
  readonly desiredCapacity: number;
  /** The instances in service before the release (previous version). */
  readonly instances: RefreshInstance[];
  readonly fleet: RefreshFleet;
  readonly alarms: CloudWatchAlarms;
  /** The longest a replacement may take to count before the refresh fails, in seconds. */
  readonly replacementTimeoutSeconds: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
}

export interface RefreshResult {
  readonly status: 'Successful' | 'RolledBack';
  /** Why the refresh failed: the alarm(s) in ALARM, or the replacement that never became healthy. */
  readonly reason?: string;
  readonly startMs: number;
  readonly failedAtMs?: number;
  readonly endMs: number;
  readonly marks: RefreshMark[];
  /** Every instance the refresh and its rollback launched. */
  readonly launched: RefreshInstance[];
}

/** How many instances one step launches: the headroom MaxHealthyPercentage gives, paced to the next checkpoint. */
export function nextBatchSize(desired: number, replaced: number, maxHealthyPercentage: number, checkpoints: number[]): number {
  const headroom = Math.max(1, Math.floor((desired * maxHealthyPercentage) / 100) - desired);
  const target = checkpoints.map((c) => Math.ceil((desired * c) / 100)).find((n) => n > replaced) ?? desired;
  return Math.max(0, Math.min(headroom, target - replaced, desired - replaced));
}

/** The highest checkpoint percentage `replaced` of `desired` has reached, above the ones reached before `before`. */
export function reachedCheckpoint(desired: number, replaced: number, before: number, checkpoints: number[]): number | undefined {
  const reached = checkpoints.filter((c) => Math.ceil((desired * c) / 100) <= replaced && Math.ceil((desired * c) / 100) > before);
  return reached.length ? reached[reached.length - 1] : undefined;
}

class RefreshFailure extends Error {}

const POLL_MS = 100;

/** Runs the refresh; on failure, the rollback. Resolves with what happened (throws only when the rollback itself fails). */
export async function runInstanceRefresh(o: RefreshOptions): Promise<RefreshResult> {
  const marks: RefreshMark[] = [];
  const launched: RefreshInstance[] = [];
  const mark = (kind: RefreshMarkKind, label: string) => {
    marks.push({ atMs: o.now(), kind, label });
    o.log(`instance refresh: ${label}`);
  };
  const startMs = o.now();
  const p = o.policy;
  mark('refresh-start', `started: desired ${o.desiredCapacity}, MinHealthy ${p.minHealthyPercentage} %, MaxHealthy ${p.maxHealthyPercentage} %, ` +
    `warmup ${p.instanceWarmupSeconds} s, checkpoints ${p.checkpointPercentages.join('/')} % every ${p.checkpointDelaySeconds} s, bake ${p.bakeTimeSeconds} s`);
  const old = [...o.instances];
  const counted: RefreshInstance[] = [];
  const pending: RefreshInstance[] = [];
  try {
    let replaced = 0;
    while (replaced < o.desiredCapacity) {
      const n = nextBatchSize(o.desiredCapacity, replaced, p.maxHealthyPercentage, p.checkpointPercentages);
      const results = await Promise.all(Array.from({ length: n }, () => o.fleet.launch('new')));
      const batch = results.filter((r): r is RefreshInstance => r !== 'abandoned');
      launched.push(...batch);
      pending.push(...batch);
      if (batch.length) mark('launch', `launched ${batch.map((i) => i.name).join(', ')} (new version)`);
      if (batch.length < n) {
        mark('abandoned', `${n - batch.length} new instance(s) abandoned the launch lifecycle action (release checks failed): terminated, never in service`);
        await watch(o, o.replacementTimeoutSeconds);
        throw new RefreshFailure(`${n - batch.length} new instance(s) abandoned their launch for ${o.replacementTimeoutSeconds} s`);
      }
      await waitCounted(o, batch, true);
      pending.splice(0, pending.length);
      counted.push(...batch);
      await o.fleet.terminate(old.splice(0, n));
      const before = replaced;
      replaced += n;
      mark('counted', `${batch.map((i) => i.name).join(', ')} healthy and warm; ${replaced}/${o.desiredCapacity} replaced`);
      const c = reachedCheckpoint(o.desiredCapacity, replaced, before, p.checkpointPercentages);
      if (c !== undefined && c < 100) {
        mark('checkpoint', `checkpoint ${c} %: waiting ${p.checkpointDelaySeconds} s`);
        await watch(o, p.checkpointDelaySeconds);
      }
    }
    mark('bake', `all replaced: baking ${p.bakeTimeSeconds} s`);
    await watch(o, p.bakeTimeSeconds);
    mark('successful', `successful after ${((o.now() - startMs) / 1000).toFixed(1)} s`);
    return { status: 'Successful', startMs, endMs: o.now(), marks, launched };
  } catch (e) {
    if (!(e instanceof RefreshFailure)) throw e;
    const failedAtMs = o.now();
    mark('refresh-failed', `failed (${e.message}): rolling back to the previous launch template version`);
    await rollback(o, counted, pending, launched);
    mark('rollback-done', `rolled back after ${((o.now() - failedAtMs) / 1000).toFixed(1)} s; the stack update rolls back (UPDATE_ROLLBACK_COMPLETE)`);
    return { status: 'RolledBack', reason: e.message, startMs, failedAtMs, endMs: o.now(), marks, launched };
  }
}

/** Throws a RefreshFailure when a gate alarm is in ALARM. */
function checkAlarms(o: RefreshOptions): void {
  const firing = o.alarms.tick(o.now());
  if (firing.length) throw new RefreshFailure(`alarm ${firing.join(', ')} in ALARM`);
}

/** Waits `seconds` while the alarms are watched. */
async function watch(o: RefreshOptions, seconds: number): Promise<void> {
  const end = o.now() + seconds * 1000;
  for (let i = 0; i < 1e7 && o.now() < end; i++) {
    checkAlarms(o);
    await o.sleep(Math.min(POLL_MS, end - o.now()));
  }
  checkAlarms(o);
}

/** Waits until every instance of the batch counts (healthy, and warm); `gated`: the alarms can fail the wait. */
async function waitCounted(o: RefreshOptions, batch: RefreshInstance[], gated: boolean): Promise<void> {
  const deadline = o.now() + o.replacementTimeoutSeconds * 1000;
  const warm = (i: RefreshInstance) => o.now() >= i.inServiceAt + o.policy.instanceWarmupSeconds * 1000;
  for (let n = 0; n < 1e7; n++) {
    if (gated) checkAlarms(o);
    const unhealthy = batch.filter((i) => o.fleet.targetHealth(i) === 'unhealthy');
    if (unhealthy.length) throw new RefreshFailure(`${unhealthy.map((i) => i.name).join(', ')} reported unhealthy by the target group`);
    if (batch.every((i) => o.fleet.targetHealth(i) === 'healthy' && warm(i))) return;
    if (o.now() > deadline) throw new RefreshFailure(`${batch.map((i) => i.name).join(', ')} not healthy after ${o.replacementTimeoutSeconds} s`);
    await o.sleep(POLL_MS);
  }
}

/**
 * The rollback: replacements still pending are terminated (their old instances never stopped); each one that
 * counted is replaced by an instance of the previous version, launched first, in batches of the same headroom.
 */
async function rollback(o: RefreshOptions, counted: RefreshInstance[], pending: RefreshInstance[], launched: RefreshInstance[]): Promise<void> {
  if (pending.length) await o.fleet.terminate(pending);
  const headroom = nextBatchSize(o.desiredCapacity, 0, o.policy.maxHealthyPercentage, [100]);
  while (counted.length) {
    const out = counted.splice(0, headroom);
    const results = await Promise.all(out.map(() => o.fleet.launch('previous')));
    const back = results.filter((r): r is RefreshInstance => r !== 'abandoned');
    launched.push(...back);
    if (back.length < results.length) throw new Error('the rollback failed: an instance of the previous version abandoned its launch');
    o.log(`instance refresh: rollback launched ${back.map((i) => i.name).join(', ')} (previous version) for ${out.map((i) => i.name).join(', ')}`);
    try {
      await waitCounted(o, back, false);
    } catch (e) {
      throw new Error(`the rollback failed: ${(e as Error).message}`);
    }
    await o.fleet.terminate(out);
  }
}
