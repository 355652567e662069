import { balancedSpread, placeLaunch, readWebGroupZonalSettings, replacesUnhealthy, WebGroupZonalSettings } from '../../drill/auto-scaling-az-placement';
import { readRedisNodeAzs } from '../../drill/elasticache-failover';
import { synthesizeExample } from '../../drill/example-template';
import { zonalShiftEnabledOnLoadBalancer } from '../../drill/zonal-shift';

const DEFAULTS: WebGroupZonalSettings = {
  minSize: 3, azCount: 3, strategy: 'balanced-best-effort', zonalShiftEnabled: true, impairedZoneHealthCheckBehavior: 'ReplaceUnhealthy',
};

describe('the drill\'s models of AWS behaviour in an AZ loss', () => {
  test('from the synthesized example: 3 servers over 3 AZs, balanced-best-effort, zonal shift with ReplaceUnhealthy, ALB zonal shift on, Redis primary and replica in two AZs', () => {
    const { template } = synthesizeExample('fast');
    expect(readWebGroupZonalSettings(template)).toEqual(DEFAULTS);
    expect(zonalShiftEnabledOnLoadBalancer(template)).toBe(true);
    const redis = readRedisNodeAzs(template)!;
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
