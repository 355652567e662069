import { FAST } from './fast-health-check';
import { synthesizeExample } from '../../../drill/synthesized-example';
import { readTargetGroupHealthCheck } from '../../../src/stand-ins/synthesized-tier/target-group-health-check';

const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';

/** A template with one target group and these properties. */
function templateWith(props: Record<string, unknown>): Record<string, unknown> {
  return { Resources: { Bucket: { Type: 'AWS::S3::Bucket' }, Group: { Type: TG, Properties: { Port: 8000, Protocol: 'HTTP', ...props } } } };
}


describe('readTargetGroupHealthCheck', () => {
  test('with the fast preset, the example\'s target group checks /cgi-bin/ping.py every 5 s with a 4 s timeout, 2 to join, 2 to leave', () => {
    // WHEN
    const example = synthesizeExample('fast');

    // THEN
    // (FAST is written out by hand, from the preset's documentation and the target group's defaults in the construct.)
    expect(example.healthCheck).toEqual({ ...FAST, logicalId: expect.stringMatching(/TargetGroup/) });
  });

  test('with either preset, the construct\'s failoverWindow is interval x unhealthyThreshold + timeout of the template\'s check', () => {
    for (const preset of ['tutorial', 'fast'] as const) {
      const { healthCheck: hc, failoverWindowSeconds, healthyAfterSeconds } = synthesizeExample(preset);
      expect(failoverWindowSeconds).toBe(hc.intervalSeconds * hc.unhealthyThreshold + hc.timeoutSeconds);
      expect(healthyAfterSeconds).toBe(hc.intervalSeconds * hc.healthyThreshold);
    }
    expect(synthesizeExample('tutorial').failoverWindowSeconds).toBe(63);
  });

  test('with only Port, AWS\'s defaults are filled in (/, 30 s, 5 s, 5 healthy, 2 unhealthy, 200, round robin)', () => {
    expect(readTargetGroupHealthCheck(templateWith({}))).toEqual({
      logicalId: 'Group',
      path: '/',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      httpCodes: '200',
      targetPort: 8000,
      algorithm: 'round_robin',
      deregistrationDelaySeconds: 300,
    });
  });

  test('with numbers as strings, a matcher range and attributes, all are read', () => {
    const hc = readTargetGroupHealthCheck(templateWith({
      HealthCheckIntervalSeconds: '10',
      Matcher: { HttpCode: '200-299' },
      TargetGroupAttributes: [{ Key: 'load_balancing.algorithm.type', Value: 'weighted_random' },
        { Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
    }));
    expect(hc).toEqual(expect.objectContaining({ intervalSeconds: 10, httpCodes: '200-299', algorithm: 'weighted_random', deregistrationDelaySeconds: 30 }));
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['no target group', { Resources: { B: { Type: 'AWS::S3::Bucket' } } }, /exactly one .* found 0/],
    ['two target groups', { Resources: { G1: { Type: TG, Properties: { Port: 1 } }, G2: { Type: TG, Properties: { Port: 2 } } } }, /found 2 \(G1, G2\)/],
    ['a disabled health check', templateWith({ HealthCheckEnabled: false }), /HealthCheckEnabled is false/],
    ['an HTTPS health check', templateWith({ HealthCheckProtocol: 'HTTPS' }), /HTTP checks only/],
    ['an interval CloudFormation must resolve', templateWith({ HealthCheckIntervalSeconds: { Ref: 'Interval' } }), /only CloudFormation can resolve/],
    ['an interval of 4 s', templateWith({ HealthCheckIntervalSeconds: 4 }), /integer from 5 to 300/],
    ['a timeout as long as the interval', templateWith({ HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 5 }), /must be shorter/],
    ['a matcher that is not codes', templateWith({ Matcher: { HttpCode: '2xx' } }), /list of codes or ranges/],
    ['a path without a leading slash', templateWith({ HealthCheckPath: 'ping' }), /must start with/],
    ['a health-check port of its own, which the construct never sets', templateWith({ HealthCheckPort: '9000' }), /always checks the traffic port/],
  ];
  test.each(bad)('fails with %s', (_, template, message) => {
    expect(() => readTargetGroupHealthCheck(template)).toThrow(message);
  });
});
