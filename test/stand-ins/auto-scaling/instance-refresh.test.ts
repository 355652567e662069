import { nextBatchSize, reachedCheckpoint, RefreshFleet, RefreshInstance, RefreshOptions, runInstanceRefresh } from '../../../src/stand-ins/auto-scaling/instance-refresh';
import { CloudWatchAlarms } from '../../../src/stand-ins/cloudwatch/alarm';
import { readReleasePolicy, ReleasePolicy } from '../../../src/stand-ins/synthesized-tier/release-policy';
import { releaseFixtureTemplate } from '../synthesized-tier/release-fixture';

describe('instance refresh pacing', () => {
  const table: Array<[number, number, number, number[], number]> = [
    [2, 0, 150, [50, 100], 1],
    [4, 0, 150, [50, 100], 2],
    [4, 2, 200, [100], 2],
    [10, 0, 200, [20, 50, 100], 2],
    [2, 0, 110, [100], 1],
  ];
  test.each(table)('with %d desired, %d replaced, MaxHealthy %d %% and checkpoints %j, a step launches %d', (desired, replaced, max, checkpoints, n) => {
    expect(nextBatchSize(desired, replaced, max, checkpoints)).toBe(n);
  });

  test('with 2 instances and checkpoints [10, 40, 100], replacing one reaches 40 and skips 10, as AWS documents', () => {
    expect(reachedCheckpoint(2, 1, 0, [10, 40, 100])).toBe(40);
    expect(reachedCheckpoint(2, 2, 1, [10, 40, 100])).toBe(100);
    expect(reachedCheckpoint(4, 1, 0, [50, 100])).toBeUndefined();
  });
});

/** A fake group on a fake clock: instances turn healthy `healthyAfterMs` after launch (never for `neverHealthy`). */
function fakeRefresh(policy: ReleasePolicy, opts: { healthyAfterMs: number; alarmAtMs?: number; neverHealthy?: boolean; abandonNew?: boolean }) {
  let t = 0;
  const events: string[] = [];
  let n = 0;
  const launchedAt = new Map<string, number>();
  const fleet: RefreshFleet = {
    launch: async (version) => {
      const name = `n${++n}`;
      launchedAt.set(name, t);
      events.push(`${t} launch ${name} ${version}`);
      if (version === 'new' && opts.abandonNew) {
        events.push(`${t} abandon ${name}`);
        return 'abandoned';
      }
      return { name, instanceId: `i-${name}`, version, inServiceAt: t };
    },
    targetHealth: (i: RefreshInstance) => {
      if (i.version === 'new' && opts.neverHealthy) return t - launchedAt.get(i.name)! >= 10_000 ? 'unhealthy' : 'initial';
      return t - launchedAt.get(i.name)! >= opts.healthyAfterMs ? 'healthy' : 'initial';
    },
    terminate: async (instances) => { events.push(`${t} terminate ${instances.map((i) => i.name).join(',')}`); },
  };
  const alarms = { tick: () => (opts.alarmAtMs !== undefined && t >= opts.alarmAtMs ? ['Gate'] : []) } as unknown as CloudWatchAlarms;
  const o: RefreshOptions = {
    policy,
    desiredCapacity: 2,
    fleet,
    alarms,
    replacementTimeoutSeconds: 600,
    instances: ['a', 'b'].map((name) => ({ name, instanceId: `i-${name}`, version: 'previous' as const, inServiceAt: -Infinity })),
    now: () => t,
    sleep: async (ms) => { t += Math.max(1, ms); },
    log: () => undefined,
  };
  return { run: () => runInstanceRefresh(o), events };
}

describe('runInstanceRefresh', () => {
  // warmup 30 s, checkpoints 50/100 with 300 s between, bake 300 s
  const policy = readReleasePolicy(releaseFixtureTemplate({ instanceWarmupSeconds: 30 }));

  test('a good release launches one at a time, stops an old one only once its replacement counts, waits at 50 %, then bakes', async () => {
    // GIVEN: new instances healthy 10 s after launch (the warmup, 30 s, is longer)
    const { run, events } = fakeRefresh(policy, { healthyAfterMs: 10_000 });

    // WHEN
    const r = await run();

    // THEN
    expect(r.status).toBe('Successful');
    expect(events).toEqual(['0 launch n1 new', '30000 terminate a', '330000 launch n2 new', '360000 terminate b']);
    expect(r.endMs).toBe(660_000);
    expect(r.marks.map((m) => m.kind)).toEqual(['refresh-start', 'launch', 'counted', 'checkpoint', 'launch', 'counted', 'bake', 'successful']);
  });

  test('with a gate alarm in ALARM during the checkpoint delay, the counted canary is replaced by the previous version, launched first', async () => {
    const { run, events } = fakeRefresh(policy, { healthyAfterMs: 10_000, alarmAtMs: 100_000 });
    const r = await run();
    expect(r).toEqual(expect.objectContaining({ status: 'RolledBack', reason: 'alarm Gate in ALARM', failedAtMs: 100_000 }));
    expect(events).toEqual(['0 launch n1 new', '30000 terminate a', '100000 launch n2 previous', '130000 terminate n1']);
  });

  test('with a gate alarm before the canary counts, the canary is terminated and no old instance ever stopped', async () => {
    const { run, events } = fakeRefresh(policy, { healthyAfterMs: 10_000, alarmAtMs: 20_000 });
    expect((await run()).status).toBe('RolledBack');
    expect(events).toEqual(['0 launch n1 new', '20000 terminate n1']);
  });

  test('with a canary that abandons its launch (release checks failed), the release checks alarm fails the refresh: no old instance stopped, nothing to roll back', async () => {
    const { run, events } = fakeRefresh(policy, { healthyAfterMs: 10_000, alarmAtMs: 5_000, abandonNew: true });
    const r = await run();
    expect(r).toEqual(expect.objectContaining({ status: 'RolledBack', reason: 'alarm Gate in ALARM', failedAtMs: 5_000 }));
    expect(events).toEqual(['0 launch n1 new', '0 abandon n1']);
    expect(r.marks.map((m) => m.kind)).toEqual(['refresh-start', 'abandoned', 'refresh-failed', 'rollback-done']);
  });

  test('with an abandoned launch and no alarm, the refresh fails after the replacement timeout', async () => {
    const { run } = fakeRefresh(policy, { healthyAfterMs: 10_000, abandonNew: true });
    const r = await run();
    expect(r).toEqual(expect.objectContaining({ status: 'RolledBack', reason: '1 new instance(s) abandoned their launch for 600 s' }));
  });

  test('with a replacement the target group reports unhealthy, the refresh fails and the replacement goes', async () => {
    const { run, events } = fakeRefresh(policy, { healthyAfterMs: 10_000, neverHealthy: true });
    expect(await run()).toEqual(expect.objectContaining({ status: 'RolledBack', reason: 'n1 reported unhealthy by the target group' }));
    expect(events).toEqual(['0 launch n1 new', '10000 terminate n1']);
  });
});
