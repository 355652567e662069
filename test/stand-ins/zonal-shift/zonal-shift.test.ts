import { ShiftableLoadBalancer, ZonalShift } from '../../../src/stand-ins/zonal-shift/zonal-shift';

/** A load balancer that records what the shift asks of it. */
function recordingLoadBalancer(): ShiftableLoadBalancer & { calls: string[] } {
  const calls: string[] = [];
  return { calls, shiftAway: (zone) => calls.push(`away ${zone}`), endShift: (zone) => calls.push(`end ${zone}`) };
}

describe('ZonalShift', () => {
  test('starting a shift takes the zone away from the load balancer at once, and ending it gives it back', () => {
    // GIVEN
    const alb = recordingLoadBalancer();
    const shift = new ZonalShift(alb);

    // WHEN
    shift.start('eu-west-3a');
    const during = shift.awayFrom;
    shift.end();

    // THEN
    expect(during).toBe('eu-west-3a');
    expect(shift.awayFrom).toBeUndefined();
    expect(alb.calls).toEqual(['away eu-west-3a', 'end eu-west-3a']);
  });

  test('fails to start a second shift while one is active (ARC: ZonalShiftAlreadyExists), and the first stays', () => {
    const alb = recordingLoadBalancer();
    const shift = new ZonalShift(alb);
    shift.start('eu-west-3a');

    expect(() => shift.start('eu-west-3b')).toThrow(/already active/);
    expect(shift.awayFrom).toBe('eu-west-3a');
    expect(alb.calls).toEqual(['away eu-west-3a']);
  });

  test('ending a shift that is not active does nothing; a new shift may start after the end', () => {
    const alb = recordingLoadBalancer();
    const shift = new ZonalShift(alb);

    shift.end();
    shift.start('eu-west-3c');
    shift.end();
    shift.start('eu-west-3b');

    expect(alb.calls).toEqual(['away eu-west-3c', 'end eu-west-3c', 'away eu-west-3b']);
  });
});
