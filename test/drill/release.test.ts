import { SCALED_OUT_FLEET } from '../../drill/drill';
import { RawScenario } from '../../drill/report/analysis';
import { releaseSummary } from '../../drill/report/release-analysis';
import { missedReleaseTargets } from '../../drill/report/report';
import { scaleReleasePolicy } from '../../drill/scenarios/release';
import { synthesizeExample } from '../../drill/synthesized-example';
import { TIER_DEFAULT_SETTINGS } from '../../src/stand-ins/synthesized-tier/fleet-settings';
import { readReleasePolicy } from '../../src/stand-ins/synthesized-tier/release-policy';
import { releaseFixtureTemplate, req } from '../stand-ins/synthesized-tier/release-fixture';

describe('the release policy the drill runs', () => {
  test('scaled by 1/30 with a 10 s health-check join, minutes shrink and the warmup keeps its health-check part', () => {
    const p = scaleReleasePolicy(readReleasePolicy(releaseFixtureTemplate()), 1 / 30, 10);
    expect(p.instanceWarmupSeconds).toBeCloseTo(10 + 170 / 30, 2);
    expect([p.checkpointDelaySeconds, p.bakeTimeSeconds]).toEqual([10, 10]);
    expect(p.alarms.map((a) => a.periodSeconds)).toEqual([2, 2, 2, 2]);
    expect(p.alarms.map((a) => a.evaluationPeriods)).toEqual([2, 2, 1, 3]);
  });

  test('a warmup no longer than the health checks\' join is not scaled', () => {
    const p = readReleasePolicy(releaseFixtureTemplate({ instanceWarmupSeconds: 10 }));
    expect(scaleReleasePolicy(p, 1 / 30, 10).instanceWarmupSeconds).toBe(10);
  });

  test.each([[0], [2]])('fails with a time scale of %d', (factor) => {
    expect(() => scaleReleasePolicy(readReleasePolicy(releaseFixtureTemplate()), factor, 10)).toThrow(/time scale/);
  });

  test('the drill releases with the synthesized example\'s policy: its warmup, checkpoints, bake and the construct\'s gate alarms', () => {
    // WHEN: the example with a fleet that can scale from 2 to 4
    const example = synthesizeExample('fast', SCALED_OUT_FLEET);

    // THEN
    const p = example.release;
    expect([p.minSize, p.maxSize, p.desiredCapacity]).toEqual([2, 4, undefined]);
    expect([p.minHealthyPercentage, p.maxHealthyPercentage]).toEqual([100, 200]);
    expect(p.releaseChecks).toBe('HEAD 200 /cgi-bin/hello.py');
    expect(p.instanceWarmupSeconds).toBeGreaterThanOrEqual(example.healthyAfterSeconds);
    expect(p.checkpointPercentages[p.checkpointPercentages.length - 1]).toBe(100);
    const watched = p.alarms.map((a) => (a.expression.kind === 'rate' ? a.expression.errors.metricName : a.expression.metric.metricName));
    expect(watched).toEqual(expect.arrayContaining(['HTTPCode_Target_5XX_Count', 'HTTPCode_ELB_5XX_Count', 'TargetResponseTime', 'UnHealthyHostCount',
      'FailedReleaseChecks']));
    const checks = p.alarms.find((a) => a.expression.kind === 'metric' && a.expression.metric.metricName === 'FailedReleaseChecks')!;
    expect(checks).toEqual(expect.objectContaining({ periodSeconds: 10, threshold: 0, comparison: 'GreaterThanThreshold', treatMissingData: 'notBreaching' }));
    expect(checks.expression).toEqual({ kind: 'metric', metric: { metricName: 'FailedReleaseChecks', stat: 'Maximum', namespace: 'WebTier/ReleaseChecks' } });
  });
});

/** A bad release: 2 old servers, a canary in rotation from 10 s to 14 s as 1 of 3, 20 requests/s. */
function badRelease(failed: number, previousDropsTo = 2): RawScenario {
  const records = Array.from({ length: 400 }, (_, i) => req(i * 50, i < failed ? 500 : 200));
  const samples = Array.from({ length: 200 }, (_, i) => {
    const at = i * 100;
    const canary = at >= 10_000 && at <= 14_000 ? 1 : 0;
    const previous = at === 12_000 ? previousDropsTo : 2;
    return { at, inRotation: previous + canary, previousInRotation: previous, newInRotation: canary };
  });
  const policy = readReleasePolicy(releaseFixtureTemplate());
  return {
    kind: 'bad-release',
    preset: 'fast',
    startedAt: '',
    ratePerSecond: 20,
    loadStartMs: 0,
    endMs: 20_000,
    records,
    healthCheck: {} as never,
    failoverWindowSeconds: 14,
    healthyAfterSeconds: 10,
    restartSeconds: 1,
    instances: [],
    transitions: [],
    instanceEvents: [],
    redisCounterDelta: 0,
    pids: [],
    leftoverPids: [],
    loadBalancer: TIER_DEFAULT_SETTINGS,
    release: {
      version: 'bad',
      timeScale: 1,
      policy,
      scaledPolicy: policy,
      desiredCapacity: 2,
      alarmTransitions: [],
      models: {},
      samples,
      newServers: ['c'],
      refresh: { status: 'RolledBack', reason: 'alarm Target5xx in ALARM', startMs: 9000, failedAtMs: 13_000, endMs: 14_100, marks: [], launched: [] },
    },
  };
}
const summary = (raw: RawScenario) => releaseSummary(raw, raw.release!, raw.records);

describe('release targets', () => {

  test('with a bad release, the bound is rate x canary share x exposure, rounded up, plus one', () => {
    expect(summary(badRelease(10)).canary).toEqual({
      firstInRotationSeconds: 10, exposureSeconds: 4, share: 0.333, ratePerSecond: 20, detectionSeconds: 3, failedBound: 28, failed: 10,
    });
    expect(missedReleaseTargets('fast bad-release', summary(badRelease(10)))).toEqual([]);
  });

  test('with more failures than the bound, an old server out of rotation and failures after the rollback, each is a missed target', () => {
    // GIVEN: 300 failures (the last ones after the rollback at 14.1 s) and no server of the previous version at 12 s
    // (requests every 50 ms: those sent from 14.15 s to 14.95 s, 17, fail after the rollback)
    expect(missedReleaseTargets('fast bad-release', summary(badRelease(300, 0)))).toEqual([
      'fast bad-release: old servers left rotation (0 of 2 at the fewest, the canary replaces 1)',
      'fast bad-release: 1 servers in rotation at the fewest, fewer than the 2 before',
      'fast bad-release: 300 failed requests, more than rate x canary share x exposure (81)',
      'fast bad-release: 17 requests failed after the rollback',
    ]);
  });

  test('with a good release that ended with a server short, the capacity targets are missed', () => {
    const raw = badRelease(0);
    const samples = raw.release!.samples.map((s) => ({ ...s, inRotation: 1, previousInRotation: 0, newInRotation: 1 }));
    const good: RawScenario = { ...raw, kind: 'release', release: { ...raw.release!, version: 'good', samples, refresh: { ...raw.release!.refresh, status: 'Successful' } } };
    expect(missedReleaseTargets('fast release', summary(good))).toEqual([
      'fast release: 1 servers in rotation at the fewest, fewer than the 2 before',
      'fast release: ended with 1 new + 0 previous in rotation, expected 2 + 0',
    ]);
  });

  test('with a broken release that reached rotation and was rolled back by a 5XX alarm, the release checks targets are missed', () => {
    const raw = badRelease(0);
    const broken: RawScenario = { ...raw, kind: 'broken-release', release: { ...raw.release!, version: 'broken' } };
    expect(missedReleaseTargets('fast broken-release', summary(broken))).toEqual([
      'fast broken-release: the new version was in rotation for 4 s',
      'fast broken-release: not rolled back by the release checks alarm (none in the gate): alarm Target5xx in ALARM',
    ]);
  });

  test('with a slow release rolled back by a 5XX alarm, the latency target is missed', () => {
    const raw = badRelease(0);
    const slow: RawScenario = { ...raw, kind: 'slow-release', release: { ...raw.release!, version: 'slow' } };
    expect(missedReleaseTargets('fast slow-release', summary(slow))).toEqual([
      'fast slow-release: not rolled back by a TargetResponseTime alarm (Latency): alarm Target5xx in ALARM',
    ]);
  });
});
