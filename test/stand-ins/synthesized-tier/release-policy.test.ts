import { fixtureWith, prefs, releaseFixtureTemplate, Template } from './release-fixture';
import { readReleasePolicy } from '../../../src/stand-ins/synthesized-tier/release-policy';

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
