import { slowExtraSecondsFor, SLOW_FACTOR } from '../../../drill/scenarios/release';
import { AlarmState, breaches, CloudWatchAlarms, datapoint, evaluate, expressionValue, GateAlarm, MIN_STD_DEV_SECONDS, statistic, trainAnomalyModel } from '../../../src/stand-ins/cloudwatch/alarm';
import { req } from '../synthesized-tier/release-fixture';

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
