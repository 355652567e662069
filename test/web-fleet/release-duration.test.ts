import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../../src';
import { describeReleaseDuration, refreshBatches, releaseChecksOfGroup, releaseDurations } from '../../src/web-fleet/release-duration';
import { logicalId, newStack } from '../util';

/** The template of a stack with one web tier, and the group's logical ID. */
function templateOf(props: ZeroDowntimeWebTierProps = {}) {
  const stack = newStack();
  const tier = new ZeroDowntimeWebTier(stack, 'Tier', props);
  return { template: Template.fromStack(stack).toJSON(), groupId: logicalId(tier.webAutoScalingGroup) };
}

describe('how long a release takes', () => {
  const { template, groupId } = templateOf();

  test.each<[number, number, number[], number[], number]>([
    [3, 200, [33, 100], [1, 2], 1],
    [3, 150, [33, 100], [1, 1, 1], 1],
    [4, 200, [25, 100], [1, 3], 1],
    [10, 200, [20, 50, 100], [2, 3, 5], 2],
    [2, 200, [50, 100], [1, 1], 1],
    [1, 200, [100], [1], 0],
  ])('%d servers, MaxHealthyPercentage %d, checkpoints %j: batches %j, %d checkpoint delays', (desired, max, checkpoints, batches, pauses) => {
    expect(refreshBatches(desired, max, checkpoints)).toEqual({ batches, pauses });
  });

  test('with the defaults (3 servers), a release takes at most 20 minutes: the canary, then the two others together', () => {
    const [d] = releaseDurations(template);
    expect(d).toEqual(expect.objectContaining({
      logicalId: groupId,
      servers: 3,
      batches: [1, 2],
      bootSeconds: 210,
      releaseChecks: 1,
      checksSeconds: 1,
      warmupSeconds: 300,
      healthyAfterSeconds: 60,
      drainSeconds: 30,
      checkpointPauses: 1,
      checkpointDelaySeconds: 30,
      bakeSeconds: 30,
    }));
    // 2 x (210 + 1 + max(300, 60) + 30) + 30 + 30
    expect(d.totalSeconds).toBe(1142);
    expect(d.totalSeconds).toBeLessThanOrEqual(20 * 60);
    expect(describeReleaseDuration(d)).toBe('A release of 3 servers takes about 19 min 2 s (1142 s): 2 batches (1, then 2 servers) x ' +
      '(boot 210 s + 1 release checks 1 s + max(warmup 300 s, healthy after 60 s) + drain 30 s) + 1 x checkpoint delay 30 s + bake 30 s');
  });

  test('with the previous policy (MaxHealthyPercentage 150, 5-minute bakes), the same fleet took about 37 minutes', () => {
    const old = JSON.parse(JSON.stringify(template));
    const previous = { MaxHealthyPercentage: 150, CheckpointDelay: 300, BakeTime: 300 };
    Object.assign(old.Resources[groupId].UpdatePolicy.AutoScalingInstanceRefresh.Preferences, previous);
    expect(releaseDurations(old)[0].totalSeconds).toBe(3 * 541 + 300 + 300);
  });

  test('with releaseBakeTime 5 minutes, 4 release checks and a fleet of 4 to 8, the template\'s numbers change the total', () => {
    const custom = templateOf({
      releaseBakeTime: Duration.minutes(5),
      webMinCapacity: 4,
      webMaxCapacity: 8,
      webCpuTargetUtilization: 50,
      releaseChecks: [{ path: '/' }, { path: '/a' }, { path: '/b' }, { path: '/c' }],
    });
    const [d] = releaseDurations(custom.template);
    // MinSize: 4 servers plus one for static stability across 3 zones is the tier's business; read it from the template
    const servers = Number(custom.template.Resources[custom.groupId].Properties.MinSize);
    expect(d.servers).toBe(servers);
    expect(d.releaseChecks).toBe(4);
    expect(d.totalSeconds).toBe(d.batches.length * (210 + 4 + 300 + 30) + d.checkpointPauses * 300 + 300);
  });

  test('the release checks are read back from the user-data as the tier wrote them, quotes and tabs included', () => {
    const custom = templateOf({ releaseChecks: [{ path: '/' }, { path: '/about', bodyContains: 'It\'s "us"' }] });
    expect(releaseChecksOfGroup(custom.template.Resources[custom.groupId], custom.template.Resources)).toBe('GET 200 /\nGET 200 /about\tIt\'s "us"');
    expect(releaseChecksOfGroup(template.Resources[groupId], template.Resources)).toBe('HEAD 200 /cgi-bin/hello.py');
  });
});
