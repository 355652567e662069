/**
 * The web group's `UpdatePolicy.AutoScalingInstanceRefresh` against AWS's documented ranges. cfn-lint 1.51.0 predates
 * this update policy (its E3016 on the block is allow-listed in test/security/cfn-lint-allowlist.ts): this test is
 * the check it cannot make.
 *
 * The ranges, from
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html
 * (AutoScalingInstanceRefresh: Strategy `Rolling`, Preferences as in the instance refresh API) and
 * https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html:
 * - MinHealthyPercentage 0 to 100; MaxHealthyPercentage 100 to 200, at most 100 above MinHealthyPercentage;
 * - InstanceWarmup 0 to 2147483647 seconds; CheckpointDelay and BakeTime 0 to 172800 seconds;
 * - CheckpointPercentages whole percentages 1 to 100, ascending, the last 100 to replace every instance; a
 *   CheckpointDelay only with CheckpointPercentages;
 * - AlarmSpecification.Alarms: 1 to 10 alarms.
 */
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { logicalId, newStack } from '../util';

type Refresh = { Strategy?: unknown; Preferences?: Record<string, any> };

const isInt = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** What in an AutoScalingInstanceRefresh block breaks AWS's documented ranges; empty when nothing does. */
function refreshViolations(block: Refresh): string[] {
  const p = block.Preferences ?? {};
  const out: string[] = [];
  if (block.Strategy !== 'Rolling') out.push(`Strategy ${JSON.stringify(block.Strategy)} is not Rolling`);
  const ranges: Array<[string, number, number]> = [
    ['MinHealthyPercentage', 0, 100], ['MaxHealthyPercentage', 100, 200],
    ['InstanceWarmup', 0, 2147483647], ['CheckpointDelay', 0, 172800], ['BakeTime', 0, 172800],
  ];
  for (const [name, min, max] of ranges) {
    if (p[name] !== undefined && !isInt(p[name], min, max)) out.push(`${name} ${JSON.stringify(p[name])} is not a whole number from ${min} to ${max}`);
  }
  if (isInt(p.MinHealthyPercentage, 0, 100) && isInt(p.MaxHealthyPercentage, 100, 200) && p.MaxHealthyPercentage - p.MinHealthyPercentage > 100) {
    out.push('MaxHealthyPercentage is more than 100 above MinHealthyPercentage');
  }
  const checkpoints = p.CheckpointPercentages as unknown[] | undefined;
  if (checkpoints !== undefined) {
    const ascending = (c: unknown, i: number) => isInt(c, 1, 100) && (i === 0 || (c as number) > (checkpoints[i - 1] as number));
    const ok = Array.isArray(checkpoints) && checkpoints.length > 0 && checkpoints.every(ascending);
    if (!ok) out.push(`CheckpointPercentages ${JSON.stringify(checkpoints)} are not ascending whole percentages from 1 to 100`);
    else if (checkpoints[checkpoints.length - 1] !== 100) out.push('the last of CheckpointPercentages is not 100: the refresh would leave old instances');
  } else if (p.CheckpointDelay !== undefined) {
    out.push('CheckpointDelay without CheckpointPercentages');
  }
  const alarms = p.AlarmSpecification?.Alarms as unknown[] | undefined;
  if (p.AlarmSpecification !== undefined && (!Array.isArray(alarms) || alarms.length < 1 || alarms.length > 10)) {
    out.push(`AlarmSpecification.Alarms has ${Array.isArray(alarms) ? alarms.length : 'no list of'} alarms, not 1 to 10`);
  }
  return out;
}

function refreshOf(props: (stack: ReturnType<typeof newStack>) => ZeroDowntimeWebTierProps): Refresh {
  const stack = newStack();
  const tier = new ZeroDowntimeWebTier(stack, 'WebTier', props(stack));
  const group = Template.fromStack(stack).toJSON().Resources[logicalId(tier.webAutoScalingGroup)];
  return group.UpdatePolicy.AutoScalingInstanceRefresh;
}

describe('the web group\'s AutoScalingInstanceRefresh update policy, against AWS\'s ranges', () => {
  test('the one-liner\'s defaults are within them', () => {
    const block = refreshOf(() => ({}));
    expect(block.Preferences).toMatchObject({ MinHealthyPercentage: 100, MaxHealthyPercentage: 200, CheckpointPercentages: [33, 100] });
    expect(refreshViolations(block)).toEqual([]);
  });

  // The refresh watches at most 10 alarms: the gate's 4, the release checks' 1 and 5 of the user's; without release
  // checks, 6 of the user's.
  test.each<[string, number, { releaseChecks?: [] }]>([
    ['5 alarms of the user beside the release checks\' alarm', 5, {}],
    ['6 alarms of the user without release checks', 6, { releaseChecks: [] }],
  ])('the largest settings the tier accepts are within them (48 h bake, %s, 10 checkpoints, 48 h warm-up)', (_, alarms, extra) => {
    const block = refreshOf((stack) => ({
      ...extra,
      releaseBakeTime: Duration.hours(48),
      webInstanceWarmup: Duration.hours(48),
      releaseCheckpoints: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
      releaseAlarms: Array.from({ length: alarms }, (_a, i) => cloudwatch.Alarm.fromAlarmArn(stack, `A${i}`, `arn:aws:cloudwatch:eu-west-3:111111111111:alarm:a${i}`)),
    }));
    expect(block.Preferences).toMatchObject({ BakeTime: 172800, CheckpointDelay: 172800, InstanceWarmup: 172800 });
    expect(block.Preferences!.AlarmSpecification.Alarms).toHaveLength(10);
    expect(refreshViolations(block)).toEqual([]);
  });

  // The check can fail: each broken block is reported.
  const good = { Strategy: 'Rolling', Preferences: { MinHealthyPercentage: 100, MaxHealthyPercentage: 150, CheckpointPercentages: [33, 100], CheckpointDelay: 300, BakeTime: 300 } };
  test.each<[string, Refresh, RegExp]>([
    ['another strategy', { ...good, Strategy: 'AllAtOnce' }, /Strategy "AllAtOnce"/],
    ['a max healthy of 201', { ...good, Preferences: { ...good.Preferences, MaxHealthyPercentage: 201 } }, /MaxHealthyPercentage 201/],
    ['max 150 over min 40', { ...good, Preferences: { ...good.Preferences, MinHealthyPercentage: 40 } }, /more than 100 above/],
    ['a bake time of 172801 s', { ...good, Preferences: { ...good.Preferences, BakeTime: 172801 } }, /BakeTime 172801/],
    ['checkpoints that end below 100', { ...good, Preferences: { ...good.Preferences, CheckpointPercentages: [33, 66] } }, /last .* is not 100/],
    ['checkpoints out of order', { ...good, Preferences: { ...good.Preferences, CheckpointPercentages: [50, 50, 100] } }, /not ascending/],
    ['11 alarms', { ...good, Preferences: { ...good.Preferences, AlarmSpecification: { Alarms: Array(11).fill({ Ref: 'A' }) } } }, /11 alarms/],
  ])('reports %s', (_, block, message) => {
    expect(refreshViolations(good)).toEqual([]);
    expect(refreshViolations(block)).toEqual([expect.stringMatching(message)]);
  });
});
