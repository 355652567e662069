import { AzLossResult, formatAzLossTable, missedAzLossTargets } from '../../../drill/scenarios/az-loss';
import { synthesizeExample } from '../../../drill/synthesized-example';
import { balancedSpread, placeLaunch, replacesUnhealthy } from '../../../src/stand-ins/auto-scaling/az-placement';
import { readRedisNodeAzs, readWebGroupZonalSettings, WebGroupZonalSettings, zonalShiftEnabledOnLoadBalancer } from '../../../src/stand-ins/synthesized-tier/zonal-settings';

const DEFAULTS: WebGroupZonalSettings = {
  minSize: 3, azCount: 3, strategy: 'balanced-best-effort', zonalShiftEnabled: true, impairedZoneHealthCheckBehavior: 'ReplaceUnhealthy',
};

describe('the drill\'s models of AWS behaviour in an AZ loss', () => {
  test('from the synthesized example: 3 servers over 3 AZs, balanced-best-effort, zonal shift with ReplaceUnhealthy, ALB zonal shift on, Redis primary and replica in two AZs', () => {
    const { tier } = synthesizeExample('fast');
    expect(tier.webGroupZonalSettings).toEqual(DEFAULTS);
    expect(tier.zonalShiftEnabled).toBe(true);
    // The one reader gives what each reader of synthesized-tier/ reads.
    expect(tier.webGroupZonalSettings).toEqual(readWebGroupZonalSettings(tier.template));
    expect(zonalShiftEnabledOnLoadBalancer(tier.template)).toBe(true);
    const redis = tier.redisNodeAzs!;
    expect(redis).toEqual(readRedisNodeAzs(tier.template));
    expect(redis.primary).not.toEqual(redis.replica);
  });

  test('a balanced spread puts the extra servers in the first AZs', () => {
    expect(balancedSpread(3, 3)).toEqual([1, 1, 1]);
    expect(balancedSpread(5, 3)).toEqual([2, 2, 1]);
  });

  test('without a shift, the group tries the emptiest AZ first (the dark one), then, best effort, another', () => {
    expect(placeLaunch({ settings: DEFAULTS, instancesPerAz: [0, 1, 1], darkAzs: [0] })).toEqual({ az: 1, attempts: [0, 1] });
  });

  test('with balanced-only, it keeps trying the dark AZ and launches nothing', () => {
    expect(placeLaunch({ settings: { ...DEFAULTS, strategy: 'balanced-only' }, instancesPerAz: [0, 1, 1], darkAzs: [0] }))
      .toEqual({ az: null, attempts: [0] });
  });

  test('with a zonal shift and the impairment policy, it never tries the shifted AZ', () => {
    expect(placeLaunch({ settings: DEFAULTS, instancesPerAz: [0, 1, 1], shiftedAz: 0, darkAzs: [0] })).toEqual({ az: 1, attempts: [1] });
  });

  test('with a zonal shift but no impairment policy on the group, the shift does not steer its launches', () => {
    expect(placeLaunch({ settings: { ...DEFAULTS, zonalShiftEnabled: false }, instancesPerAz: [0, 1, 1], shiftedAz: 0, darkAzs: [0] }).attempts)
      .toEqual([0, 1]);
  });

  test('IgnoreUnhealthy leaves the shifted AZ\'s servers alone; ReplaceUnhealthy replaces them', () => {
    expect(replacesUnhealthy({ ...DEFAULTS, impairedZoneHealthCheckBehavior: 'IgnoreUnhealthy' }, 0, 0)).toBe(false);
    expect(replacesUnhealthy({ ...DEFAULTS, impairedZoneHealthCheckBehavior: 'IgnoreUnhealthy' }, 1, 0)).toBe(true);
    expect(replacesUnhealthy(DEFAULTS, 0, 0)).toBe(true);
  });

  test('fails with a template whose web group has no literal MinSize', () => {
    const template = { Resources: { G: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { TargetGroupARNs: ['x'], MinSize: { Ref: 'P' }, AvailabilityZones: ['a', 'b'] } } } };
    expect(() => readWebGroupZonalSettings(template)).toThrow(/literal MinSize/);
  });
});

/** An az-loss result that meets every target; each test breaks one thing. */
const MET: AzLossResult = {
  variant: 'zonal-shift',
  startedAt: '2026-12-03T00:00:00Z',
  ratePerSecond: 20,
  group: DEFAULTS,
  loadBalancerZonalShift: true,
  serversPerAz: [['a1'], ['b1'], ['c1']],
  impairedAz: 0,
  requests: { sent: 100, succeeded: 90, failed: 10, failedBy: { 502: 10 } },
  lossToOutOfRotationSeconds: 1.1,
  outOfRotationBy: 'zonal-shift',
  lossToShiftSeconds: 1,
  webFailuresUntilOutOfRotation: 6,
  webFailuresAfterOutOfRotation: 0,
  minInRotation: 2,
  inRotationPerAzAtEnd: [0, 2, 1],
  healthyAzCapacityAtEnd: 3,
  launchAttempts: [1],
  launchesIntoImpairedAz: 0,
  lossToReplacedSeconds: 20,
  redis: { primaryLost: true, failoverSeconds: 5, unavailable: 4, lossToLastUnavailableSeconds: 5.2, counterDelta: 92 },
  processes: { started: [1, 2], leftover: [] },
};

describe('az-loss targets', () => {
  test('a run that met every target misses none, and the table shows its figures', () => {
    expect(missedAzLossTargets(MET)).toEqual([]);
    const table = formatAzLossTable([MET]);
    expect(table).toMatch(/loss -> AZ out of rotation +1\.1 s \(zonal-shift\)/);
    expect(table).toMatch(/launches into the impaired AZ +0/);
  });

  test.each<[string, Partial<AzLossResult>, RegExp]>([
    ['a failure after the shift', { webFailuresAfterOutOfRotation: 1 }, /1 requests failed after the AZ was out of rotation/],
    ['a launch into the impaired AZ with the shift', { launchesIntoImpairedAz: 1, launchAttempts: [0, 1] }, /1 launches into the impaired AZ/],
    ['a moment with 1 server in rotation', { minInRotation: 1 }, /only 1 servers in rotation/],
    ['2 servers in the healthy AZs at the end', { healthyAzCapacityAtEnd: 2 }, /2 servers in the healthy AZs at the end, fewer than 3/],
    ['a counter behind the 200s', { redis: { ...MET.redis, counterDelta: 89 } }, /counter rose by 89 for 90/],
    ['an AZ that never left rotation', { lossToOutOfRotationSeconds: null }, /never left rotation/],
  ])('with %s, a target is missed', (_, change, message) => {
    expect(missedAzLossTargets({ ...MET, ...change })).toEqual([expect.stringMatching(message)]);
  });

  test('by health checks alone, a first launch tried in the impaired AZ is reported but is no missed target', () => {
    expect(missedAzLossTargets({ ...MET, variant: 'health-checks', launchesIntoImpairedAz: 1, launchAttempts: [0, 1] })).toEqual([]);
  });
});
