import { releaseFixtureTemplate } from './release-fixture';
import { SCALED_OUT_FLEET } from '../../drill/drill';
import { RequestRecord } from '../../drill/load-generator';
import { RawScenario } from '../../drill/report/analysis';
import { releaseSummary } from '../../drill/report/release-analysis';
import { missedReleaseTargets } from '../../drill/report/report';
import { slowExtraSecondsFor, SLOW_FACTOR, scaleReleasePolicy } from '../../drill/scenarios/release';
import { synthesizeExample } from '../../drill/synthesized-example';
import { nextBatchSize, reachedCheckpoint, RefreshFleet, RefreshInstance, RefreshOptions, runInstanceRefresh } from '../../src/stand-ins/auto-scaling/instance-refresh';
import {
  AlarmState, breaches, CloudWatchAlarms, datapoint, evaluate, expressionValue, GateAlarm, MIN_STD_DEV_SECONDS, statistic,
  trainAnomalyModel,
} from '../../src/stand-ins/cloudwatch/alarm';
import { TIER_DEFAULT_SETTINGS } from '../../src/stand-ins/synthesized-tier/fleet-settings';
import { readReleasePolicy, ReleasePolicy } from '../../src/stand-ins/synthesized-tier/release-policy';

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; UpdatePolicy?: Record<string, any> }> };

/** The fixture, changed by `edit`. */
function fixtureWith(edit: (t: Template) => void): Template {
  const t = releaseFixtureTemplate() as Template;
  edit(t);
  return t;
}
const prefs = (t: Template) => t.Resources.WebGroup.UpdatePolicy!.AutoScalingInstanceRefresh.Preferences;

describe('readReleasePolicy', () => {
  test('with the fixture template, the web group\'s instance refresh and its four gate alarms are read', () => {
    // WHEN
    const p = readReleasePolicy(releaseFixtureTemplate());

    // THEN
    expect(p).toEqual(expect.objectContaining({
      groupLogicalId: 'WebGroup',
      minSize: 2,
      maxSize: 2,
      desiredCapacity: undefined,
      minHealthyPercentage: 100,
      maxHealthyPercentage: 150,
      instanceWarmupSeconds: 180,
      checkpointPercentages: [50, 100],
      checkpointDelaySeconds: 300,
      bakeTimeSeconds: 300,
    }));
    expect(p.alarms.map((a) => a.logicalId)).toEqual(['Target5xx', 'Elb5xx', 'Unhealthy', 'Latency']);
  });

  test('a metric-math rate alarm is read as errors over requests, with its threshold and M out of N', () => {
    const a = readReleasePolicy(releaseFixtureTemplate()).alarms[0];
    expect(a).toEqual({
      logicalId: 'Target5xx',
      expression: { kind: 'rate', errors: { metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum' }, requests: { metricName: 'RequestCount', stat: 'Sum' } },
      periodSeconds: 60,
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
      comparison: 'GreaterThanThreshold',
      threshold: 5,
      stdDevs: undefined,
      treatMissingData: 'notBreaching',
    });
  });

  test('a plain metric alarm and an anomaly detection band alarm are read with their statistic and band width', () => {
    const [, , unhealthy, latency] = readReleasePolicy(releaseFixtureTemplate()).alarms;
    expect(unhealthy).toEqual(expect.objectContaining({ expression: { kind: 'metric', metric: { metricName: 'UnHealthyHostCount', stat: 'Maximum' } }, threshold: 0 }));
    expect(latency).toEqual(expect.objectContaining({
      expression: { kind: 'metric', metric: { metricName: 'TargetResponseTime', stat: 'p90' } },
      periodSeconds: 60,
      stdDevs: 3,
      comparison: 'GreaterThanUpperThreshold',
      threshold: undefined,
      datapointsToAlarm: 3,
    }));
  });

  test('without CheckpointPercentages and AlarmSpecification, the refresh has one checkpoint (100) and no gate', () => {
    const p = readReleasePolicy(fixtureWith((t) => {
      delete prefs(t).CheckpointPercentages;
      delete prefs(t).AlarmSpecification;
    }));
    expect(p.checkpointPercentages).toEqual([100]);
    expect(p.alarms).toEqual([]);
  });

  const bad: Array<[string, (t: Template) => void, RegExp]> = [
    ['no web group (no TargetGroupARNs)', (t) => { delete t.Resources.WebGroup.Properties.TargetGroupARNs; }, /exactly one .*TargetGroupARNs, found 0/],
    ['no AutoScalingInstanceRefresh', (t) => { delete t.Resources.WebGroup.UpdatePolicy; }, /has no UpdatePolicy.AutoScalingInstanceRefresh/],
    ['the ReplaceRootVolume strategy', (t) => { t.Resources.WebGroup.UpdatePolicy!.AutoScalingInstanceRefresh.Strategy = 'ReplaceRootVolume'; }, /"Rolling" only/],
    ['MinHealthyPercentage 90 (terminate before launch)', (t) => { prefs(t).MinHealthyPercentage = 90; }, /launch-before-terminate \(100\) only/],
    ['checkpoints that do not end with 100', (t) => { prefs(t).CheckpointPercentages = [50]; }, /must rise and end with 100/],
    ['an InstanceWarmup CloudFormation must resolve', (t) => { prefs(t).InstanceWarmup = { Ref: 'Warmup' }; }, /InstanceWarmup is .*literal number/],
    ['a gate alarm that is not an alarm of the template', (t) => { prefs(t).AlarmSpecification.Alarms = [{ Ref: 'TargetGroup' }]; }, /not an AWS::CloudWatch::Alarm/],
    ['an expression the drill cannot evaluate', (t) => { (t.Resources.Target5xx.Properties.Metrics as any)[2].Expression = 'errors + requests'; }, /evaluates "100 \* FILL/],
    ['a metric of another namespace', (t) => { t.Resources.Unhealthy.Properties.Namespace = 'AWS/EC2'; }, /AWS\/ApplicationELB metrics and WebTier\/ReleaseChecks only/],
  ];
  test.each(bad)('fails with %s', (_, edit, message) => {
    expect(() => readReleasePolicy(fixtureWith(edit))).toThrow(message);
  });
});

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

/** A request answered `status` `ms` after it was sent at `at`. */
const req = (at: number, status: number, ms = 5): RequestRecord => ({ index: 0, sentAt: at, doneAt: at + ms, outcome: status });

const alarm = (over: Partial<GateAlarm> = {}): GateAlarm => ({
  logicalId: 'A',
  expression: { kind: 'metric', metric: { metricName: 'UnHealthyHostCount', stat: 'Maximum' } },
  periodSeconds: 1,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  comparison: 'GreaterThanThreshold',
  threshold: 0,
  treatMissingData: 'notBreaching',
  ...over,
});

describe('CloudWatch metrics from the drill\'s observations', () => {
  test('percentiles are nearest-rank, as CloudWatch\'s pNN; the other statistics are the usual ones', () => {
    const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect([statistic(xs, 'p90'), statistic(xs, 'p50'), statistic(xs, 'Sum'), statistic(xs, 'Maximum'), statistic(xs, 'SampleCount')]).toEqual([9, 5, 55, 10, 10]);
    expect(statistic([], 'p90')).toBeUndefined();
  });

  test('a period\'s counts tell the target\'s 500s from the balancer\'s 502s, and its latency is of the targets\' answers', () => {
    const records = [req(0, 200, 4), req(100, 500, 6), req(200, 502, 90), req(300, 200, 8), req(1200, 500)];
    const m = (metricName: string, stat = 'Sum') => datapoint({ metricName, stat }, records, [], 0, 1000);
    expect([m('RequestCount'), m('HTTPCode_Target_5XX_Count'), m('HTTPCode_ELB_5XX_Count')]).toEqual([4, 1, 1]);
    expect(m('TargetResponseTime', 'Maximum')).toBeCloseTo(0.008, 6);
    expect(datapoint({ metricName: 'HTTPCode_ELB_5XX_Count', stat: 'Sum' }, records, [], 1000, 2000)).toBeUndefined();
  });

  test('the rate is 100 x errors / requests; no errors is 0 %, no requests no datapoint', () => {
    const e = { kind: 'rate' as const, errors: { metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum' }, requests: { metricName: 'RequestCount', stat: 'Sum' } };
    const records = [req(0, 200), req(10, 500), req(20, 200), req(30, 200), req(1500, 200)];
    expect(expressionValue(e, records, [], 0, 1000)).toBe(25);
    expect(expressionValue(e, records, [], 1000, 2000)).toBe(0);
    expect(expressionValue(e, records, [], 2000, 3000)).toBeUndefined();
  });

  test('a metric the servers publish has a datapoint in the periods they published in, and none in the others', () => {
    const published = [{ atMs: 1200, namespace: 'WebTier/ReleaseChecks', metricName: 'FailedReleaseChecks', value: 1 },
      { atMs: 1300, namespace: 'Other', metricName: 'FailedReleaseChecks', value: 7 }];
    const metric = { metricName: 'FailedReleaseChecks', stat: 'Maximum', namespace: 'WebTier/ReleaseChecks' };
    expect(datapoint(metric, [], [], 1000, 2000, published)).toBe(1);
    expect(datapoint(metric, [], [], 0, 1000, published)).toBeUndefined();
  });

  test('the host counts are the samples\' statistic over the period', () => {
    const samples = [{ at: 100, healthy: 2, unhealthy: 0 }, { at: 600, healthy: 2, unhealthy: 1 }, { at: 1100, healthy: 3, unhealthy: 0 }];
    expect(datapoint({ metricName: 'UnHealthyHostCount', stat: 'Maximum' }, [], samples, 0, 1000)).toBe(1);
    expect(datapoint({ metricName: 'HealthyHostCount', stat: 'Minimum' }, [], samples, 1000, 2000)).toBe(3);
  });
});

describe('CloudWatch alarm evaluation', () => {
  const table: Array<[string, Partial<GateAlarm>, Array<number | undefined>, AlarmState]> = [
    ['2 of 3 breaching', {}, [1, 0, 1], 'ALARM'],
    ['1 of 3 breaching', {}, [1, 0, 0], 'OK'],
    ['only the last N count', {}, [1, 1, 0, 0, 1], 'OK'],
    ['missing as not breaching', {}, [1, undefined, undefined], 'OK'],
    ['missing as breaching', { treatMissingData: 'breaching' }, [1, undefined, 0], 'ALARM'],
    ['all missing, treated as missing', { treatMissingData: 'missing' }, [undefined, undefined, undefined], 'INSUFFICIENT_DATA'],
    ['all missing, ignored: the state stays', { treatMissingData: 'ignore' }, [undefined, undefined, undefined], 'ALARM'],
  ];
  test.each(table)('with %s, the state is as CloudWatch sets it', (_, over, window, state) => {
    expect(evaluate(alarm(over), window, 'ALARM')).toBe(state);
  });

  test('the anomaly band is the history\'s mean +- stdDevs standard deviations', () => {
    const model = trainAnomalyModel([8, 10, 12, undefined], 0);
    expect(model).toEqual({ expected: 10, stdDev: 2, trainedOn: 3 });
    const band = alarm({ stdDevs: 3, threshold: undefined, comparison: 'GreaterThanUpperThreshold' });
    expect([breaches(band, 16.1, model), breaches(band, 15.9, model), breaches(band, 1, model)]).toEqual([true, false, false]);
    expect(() => trainAnomalyModel([1])).toThrow(/at least 2 datapoints/);
  });

  test('a history of a few seconds draws a band no narrower than half the expected value on each side of it, per sigma', () => {
    expect(trainAnomalyModel([9, 10, 11])).toEqual({ expected: 10, stdDev: 5, trainedOn: 3 });
  });

  test('a latency band is at least MIN_STD_DEV_SECONDS wide per sigma: a loaded machine\'s jitter of a few ms stays inside it', () => {
    // GIVEN: a loopback history of 3 ms +- 0.1 ms
    const records = Array.from({ length: 80 }, (_, i) => req(i * 100, 200, 3 + (i % 2) / 10));
    const band = alarm({
      expression: { kind: 'metric', metric: { metricName: 'TargetResponseTime', stat: 'p90' } },
      stdDevs: 3,
      threshold: undefined,
      comparison: 'GreaterThanUpperThreshold',
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
    const alarms = new CloudWatchAlarms([band], () => records, () => [], 0);

    // WHEN
    alarms.train(8000);

    // THEN: sigma is the floor, not the history's 0.05 ms
    expect(alarms.models.get('A')!.stdDev).toBe(MIN_STD_DEV_SECONDS);
    const model = alarms.models.get('A')!;
    expect([breaches(band, 0.025, model), breaches(band, 0.04, model)]).toEqual([false, true]);
  });

  test('the slow version adds ten times the median, and never less than ten band sigmas', () => {
    expect(slowExtraSecondsFor(0.003)).toBeCloseTo(10 * MIN_STD_DEV_SECONDS);
    expect(slowExtraSecondsFor(0.05)).toBeCloseTo((SLOW_FACTOR - 1) * 0.05);
    // A band widened by a loaded machine (expected 37 ms, sigma 41 ms: its top at 160 ms): the slow version leaves it
    expect(slowExtraSecondsFor(0.01, 0.037 + 3 * 0.041)).toBeCloseTo(0.16);
  });

  test('a rate alarm goes to ALARM only once the first bad period is over: detection takes a full period', () => {
    // GIVEN: 10 requests/s, fine for 3 s, then every other one a 500
    const records = Array.from({ length: 60 }, (_, i) => req(i * 100, i >= 30 && i % 2 ? 500 : 200));
    const rate = alarm({
      expression: { kind: 'rate', errors: { metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum' }, requests: { metricName: 'RequestCount', stat: 'Sum' } },
      evaluationPeriods: 2,
      datapointsToAlarm: 1,
      threshold: 5,
    });
    const alarms = new CloudWatchAlarms([rate], () => records, () => [], 0);

    // WHEN / THEN
    expect(alarms.tick(3990)).toEqual([]);
    expect(alarms.tick(4000)).toEqual(['A']);
    expect(alarms.transitions.map((t) => [t.to, t.periodStartMs, t.value])).toEqual([['OK', 0, 0], ['ALARM', 3000, 50]]);
  });

  test('a band alarm is judged only after its training, on the periods after it', () => {
    const records = Array.from({ length: 100 }, (_, i) => req(i * 100, 200, i >= 60 ? 50 : 4 + (i % 3)));
    const band = alarm({
      expression: { kind: 'metric', metric: { metricName: 'TargetResponseTime', stat: 'p90' } },
      stdDevs: 2,
      threshold: undefined,
      comparison: 'GreaterThanUpperThreshold',
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
    const alarms = new CloudWatchAlarms([band], () => records, () => [], 0);
    expect(alarms.tick(5000)).toEqual([]);
    alarms.train(5000);
    expect(alarms.tick(7000)).toEqual([]);
    expect(alarms.tick(8000)).toEqual(['A']);
    expect(alarms.datapoints.get('A')!.map((d) => d.startMs)).toEqual([5000, 6000, 7000]);
  });
});

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
