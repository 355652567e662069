import { BOOT_SECONDS } from './web-fleet-settings';

/**
 * How long a release of the web fleet takes, read from a synthesized template (the group's
 * `AutoScalingInstanceRefresh` update policy, its target group, and the release checks in its user-data). The model
 * of AWS's instance refresh (https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html,
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-adding-checkpoints-instance-refresh.html):
 * - the servers are replaced in batches: each batch is what MaxHealthyPercentage leaves room for beside the desired
 *   capacity (launch before terminate, MinHealthyPercentage 100), paced to stop at each checkpoint;
 * - each batch takes a boot (`BOOT_SECONDS`: the launch before the user-data and the bootstrap), the release checks
 *   (`CHECK_SECONDS` each when they pass), then `max(InstanceWarmup, healthyThreshold x interval)` from InService,
 *   then the old servers' drain (the target group's deregistration delay, at most);
 * - `CheckpointDelay` after each checkpoint below 100 that a batch reaches, and `BakeTime` once at the end.
 * What only AWS can show: the real boot time (the image, the instance type, the install commands), how long the
 * drain lasts (it ends early once no request is in flight), and how long CloudFormation takes around the refresh.
 */
export interface ReleaseDuration {
  /** The Auto Scaling group's logical ID. */
  readonly logicalId: string;
  /** The servers a release replaces: DesiredCapacity, else MinSize (a fleet scaled out takes more batches). */
  readonly servers: number;
  /** The size of each batch, in order. */
  readonly batches: number[];
  readonly bootSeconds: number;
  readonly releaseChecks: number;
  readonly checksSeconds: number;
  readonly warmupSeconds: number;
  readonly healthyAfterSeconds: number;
  readonly drainSeconds: number;
  /** The checkpoints below 100 that the batches reach, each followed by CheckpointDelay. */
  readonly checkpointPauses: number;
  readonly checkpointDelaySeconds: number;
  readonly bakeSeconds: number;
  /** The whole release, in seconds. */
  readonly totalSeconds: number;
}

/** What one passing release check costs: a request to 127.0.0.1, well under a second. */
export const CHECK_SECONDS = 1;

/** The batches a refresh replaces `desired` servers in: MaxHealthyPercentage's headroom, paced to each checkpoint. */
export function refreshBatches(desired: number, maxHealthyPercentage: number, checkpoints: number[]): { batches: number[]; pauses: number } {
  const batches: number[] = [];
  let pauses = 0;
  let replaced = 0;
  const headroom = Math.max(1, Math.floor((desired * maxHealthyPercentage) / 100) - desired);
  while (replaced < desired) {
    const next = checkpoints.map((c) => Math.ceil((desired * c) / 100)).find((n) => n > replaced) ?? desired;
    const size = Math.max(1, Math.min(headroom, next - replaced, desired - replaced));
    const reachedBelow100 = checkpoints.filter((c) => c < 100 && Math.ceil((desired * c) / 100) > replaced &&
      Math.ceil((desired * c) / 100) <= replaced + size);
    replaced += size;
    batches.push(size);
    if (reachedBelow100.length > 0 && replaced < desired) pauses++;
  }
  return { batches, pauses };
}

/** The release duration of each Auto Scaling group of `template` that is updated by an instance refresh. */
export function releaseDurations(template: any): ReleaseDuration[] {
  const resources: Record<string, any> = template?.Resources ?? {};
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::AutoScaling::AutoScalingGroup' && r.UpdatePolicy?.AutoScalingInstanceRefresh)
    .map(([logicalId, group]) => releaseDurationOf(logicalId, group, resources));
}

function releaseDurationOf(logicalId: string, group: any, resources: Record<string, any>): ReleaseDuration {
  const p = group.UpdatePolicy.AutoScalingInstanceRefresh.Preferences ?? {};
  const servers = Number(group.Properties.DesiredCapacity ?? group.Properties.MinSize ?? 1);
  const { batches, pauses } = refreshBatches(servers, Number(p.MaxHealthyPercentage ?? 100), p.CheckpointPercentages ?? [100]);
  const targetGroup = targetGroupOf(group, resources);
  const healthyAfterSeconds = targetGroup
    ? Number(targetGroup.HealthCheckIntervalSeconds ?? 30) * Number(targetGroup.HealthyThresholdCount ?? 5) : 0;
  const drain = (targetGroup?.TargetGroupAttributes ?? []).find((a: any) => a.Key === 'deregistration_delay.timeout_seconds');
  const drainSeconds = targetGroup ? Number(drain?.Value ?? 300) : 0;
  const releaseChecks = releaseChecksOf(group, resources);
  const checksSeconds = releaseChecks * CHECK_SECONDS;
  const warmupSeconds = Number(p.InstanceWarmup ?? 0);
  const checkpointDelaySeconds = Number(p.CheckpointDelay ?? 3600);
  const bakeSeconds = Number(p.BakeTime ?? 0);
  const perBatch = BOOT_SECONDS + checksSeconds + Math.max(warmupSeconds, healthyAfterSeconds) + drainSeconds;
  return {
    logicalId,
    servers,
    batches,
    bootSeconds: BOOT_SECONDS,
    releaseChecks,
    checksSeconds,
    warmupSeconds,
    healthyAfterSeconds,
    drainSeconds,
    checkpointPauses: pauses,
    checkpointDelaySeconds,
    bakeSeconds,
    totalSeconds: batches.length * perBatch + pauses * checkpointDelaySeconds + bakeSeconds,
  };
}

/** The first target group the group registers in, by a `Ref` in TargetGroupARNs. */
function targetGroupOf(group: any, resources: Record<string, any>): any {
  const ref = (group.Properties.TargetGroupARNs ?? []).map((arn: any) => arn?.Ref).find((id: unknown) => typeof id === 'string');
  return ref ? resources[ref]?.Properties : undefined;
}

/**
 * The release checks the group's user-data exports (`WEBTIER_RELEASE_CHECKS`, one a line, as `encodeReleaseChecks`
 * writes them), decoded from their single quotes; empty when it exports none.
 */
export function releaseChecksOfGroup(group: any, resources: Record<string, any>): string {
  const templateId = group?.Properties?.LaunchTemplate?.LaunchTemplateId?.Ref;
  const userData = resources[templateId]?.Properties?.LaunchTemplateData?.UserData?.['Fn::Base64'];
  const text = typeof userData === 'string' ? userData
    : (userData?.['Fn::Join']?.[1] ?? []).filter((part: unknown) => typeof part === 'string').join('');
  const match = /^export WEBTIER_RELEASE_CHECKS='((?:[^']|'\\'')*)'$/m.exec(text);
  return match ? match[1].replace(/'\\''/g, '\'') : '';
}

function releaseChecksOf(group: any, resources: Record<string, any>): number {
  return releaseChecksOfGroup(group, resources).split('\n').filter((line) => line !== '').length;
}

/** The duration as a person reads it: minutes and seconds. */
export function minutesAndSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

/** One paragraph: the total and the formula with the template's numbers. */
export function describeReleaseDuration(d: ReleaseDuration): string {
  const batches = d.batches.length === 1 ? 'one batch' : `${d.batches.length} batches (${d.batches.join(', then ')} servers)`;
  const perBatch = `boot ${d.bootSeconds} s + ${d.releaseChecks} release checks ${d.checksSeconds} s + ` +
    `max(warmup ${d.warmupSeconds} s, healthy after ${d.healthyAfterSeconds} s) + drain ${d.drainSeconds} s`;
  return `A release of ${d.servers} servers takes about ${minutesAndSeconds(d.totalSeconds)} (${d.totalSeconds} s): ` +
    `${batches} x (${perBatch}) + ${d.checkpointPauses} x checkpoint delay ${d.checkpointDelaySeconds} s + bake ${d.bakeSeconds} s`;
}
