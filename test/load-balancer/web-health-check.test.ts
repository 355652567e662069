import { Duration, Lazy, Token } from 'aws-cdk-lib';
import { WebHealthCheck, WebHealthCheckPresets, WebLoadBalancer, WebTierNetwork } from '../../src';
import { expectInvalidProp, newStack } from '../util';

describe('WebHealthCheck', () => {
  // GIVEN one network; each test adds its own load balancer (construction is all these tests need)
  const stack = newStack();
  const vpc = new WebTierNetwork(stack, 'Network').vpc;
  let count = 0;
  const loadBalancer = (healthCheck?: WebHealthCheck) => new WebLoadBalancer(stack, `LoadBalancer${count++}`, { vpc, healthCheck });

  test.each<[string, number, WebHealthCheck | undefined]>([
    ['the default', 63, undefined],
    ['WebHealthCheckPresets.tutorial()', 63, WebHealthCheckPresets.tutorial()],
    ['WebHealthCheckPresets.fast()', 14, WebHealthCheckPresets.fast()],
    ['interval 10 s, 3 failures, timeout 5 s', 35, { interval: Duration.seconds(10), unhealthyThreshold: 3, timeout: Duration.seconds(5) }],
    ['interval 5 min, 10 failures, timeout 2 min', 3120, { interval: Duration.minutes(5), unhealthyThreshold: 10, timeout: Duration.minutes(2) }],
  ])('with %s, failoverWindow is interval x unhealthyThreshold + timeout = %i s', (_case, seconds, healthCheck) => {
    // WHEN
    const { failoverWindow } = loadBalancer(healthCheck);
    // THEN
    expect(failoverWindow.toSeconds()).toBe(seconds);
  });

  test('WebHealthCheckPresets.tutorial() is the tutorial: every 30 s, timeout 3 s, 2 and 2, the path left to the application', () => {
    // WHEN
    const preset = WebHealthCheckPresets.tutorial();
    // THEN
    expect({ ...preset, interval: preset.interval?.toSeconds(), timeout: preset.timeout?.toSeconds() }).toEqual({
      interval: 30, timeout: 3, healthyThreshold: 2, unhealthyThreshold: 2, healthyHttpCodes: '200',
    });
  });

  test('WebHealthCheckPresets.fast() checks every 5 s with a 4 s timeout, 2 and 2, the path left to the application', () => {
    // WHEN
    const preset = WebHealthCheckPresets.fast();
    // THEN
    expect({ ...preset, interval: preset.interval?.toSeconds(), timeout: preset.timeout?.toSeconds() }).toEqual({
      interval: 5, timeout: 4, healthyThreshold: 2, unhealthyThreshold: 2, healthyHttpCodes: '200',
    });
  });

  test.each<[string, WebHealthCheck, string, string, RegExp]>([
    ['interval 4 s', { interval: Duration.seconds(4) }, 'healthCheck.interval', '4 seconds', /from 5 to 300 seconds/],
    ['interval 301 s', { interval: Duration.seconds(301) }, 'healthCheck.interval', '5 minutes 1 second', /from 5 to 300 seconds/],
    ['timeout 1 s', { timeout: Duration.seconds(1) }, 'healthCheck.timeout', '1 second', /from 2 to 120 seconds/],
    ['timeout 121 s', { interval: Duration.seconds(300), timeout: Duration.seconds(121) }, 'healthCheck.timeout', '2 minutes 1 second', /from 2 to 120 seconds/],
    ['timeout equal to interval', { interval: Duration.seconds(10), timeout: Duration.seconds(10) }, 'healthCheck.timeout', '10 seconds', /shorter than healthCheck\.interval \(10 seconds\)/],
    ['timeout longer than interval', { interval: Duration.seconds(5), timeout: Duration.seconds(6) }, 'healthCheck.timeout', '6 seconds', /shorter than healthCheck\.interval \(5 seconds\)/],
    ['healthyThreshold 1', { healthyThreshold: 1 }, 'healthCheck.healthyThreshold', '1', /whole number from 2 to 10/],
    ['healthyThreshold 11', { healthyThreshold: 11 }, 'healthCheck.healthyThreshold', '11', /whole number from 2 to 10/],
    ['unhealthyThreshold 1', { unhealthyThreshold: 1 }, 'healthCheck.unhealthyThreshold', '1', /whole number from 2 to 10/],
    ['unhealthyThreshold 11', { unhealthyThreshold: 11 }, 'healthCheck.unhealthyThreshold', '11', /whole number from 2 to 10/],
    ['unhealthyThreshold 2.5', { unhealthyThreshold: 2.5 }, 'healthCheck.unhealthyThreshold', '2.5', /whole number from 2 to 10/],
    ['a path without a leading /', { path: 'cgi-bin/ping.py' }, 'healthCheck.path', '"cgi-bin/ping.py"', /must start with "\/" and be at most 1024 characters long/],
    ['a path of 1025 characters', { path: `/${'a'.repeat(1024)}` }, 'healthCheck.path', `"/${'a'.repeat(1024)}"`, /at most 1024 characters/],
    ['healthyHttpCodes "OK"', { healthyHttpCodes: 'OK' }, 'healthCheck.healthyHttpCodes', '"OK"', /HTTP codes such as "200", "200-299" or "200,204"/],
    ['healthyHttpCodes "199"', { healthyHttpCodes: '199' }, 'healthCheck.healthyHttpCodes', '"199"', /only codes from 200 to 499.*\(199 is outside\)/],
    ['healthyHttpCodes "200,500"', { healthyHttpCodes: '200,500' }, 'healthCheck.healthyHttpCodes', '"200,500"', /only codes from 200 to 499.*\(500 is outside\)/],
    ['healthyHttpCodes "200-599"', { healthyHttpCodes: '200-599' }, 'healthCheck.healthyHttpCodes', '"200-599"', /only codes from 200 to 499.*\(200-599 is outside\)/],
    ['healthyHttpCodes "299-200"', { healthyHttpCodes: '299-200' }, 'healthCheck.healthyHttpCodes', '"299-200"', /each range low to high \(299-200 descends\)/],
    ['healthyHttpCodes 200 (a number)', { healthyHttpCodes: 200 as unknown as string }, 'healthCheck.healthyHttpCodes', '200', /HTTP codes such as/],
    ['a path with a space', { path: '/cgi-bin/ping.py ?x=1' }, 'healthCheck.path', '"/cgi-bin/ping.py ?x=1"', /no spaces or control characters/],
    ['a path with a tab', { path: '/ping\t' }, 'healthCheck.path', '"/ping\\t"', /no spaces or control characters/],
    ['a path with a newline', { path: '/ping\n' }, 'healthCheck.path', '"/ping\\n"', /no spaces or control characters/],
    ['a path that is not a string', { path: 42 as unknown as string }, 'healthCheck.path', '42', /must start with "\/"/],
    ['an interval of 15.5 seconds', { interval: Duration.millis(15500) }, 'healthCheck.interval', '15 seconds 500 millis', /whole number of seconds/],
    ['an interval given as a number', { interval: 30 as unknown as Duration }, 'healthCheck.interval', '30', /must be a Duration such as Duration\.seconds\(30\)/],
    ['a healthyThreshold of NaN', { healthyThreshold: NaN }, 'healthCheck.healthyThreshold', 'NaN', /whole number from 2 to 10/],
    ['an unhealthyThreshold of Infinity', { unhealthyThreshold: Infinity }, 'healthCheck.unhealthyThreshold', 'Infinity', /whole number from 2 to 10/],
  ])('fails with %s', (_case, healthCheck, prop, received, rule) => {
    // WHEN / THEN
    expectInvalidProp(() => loadBalancer(healthCheck), { prop, received, rule });
  });

  test('with a path of exactly 1024 characters, the health check is accepted', () => {
    // WHEN / THEN
    expect(() => loadBalancer({ path: `/${'a'.repeat(1023)}` })).not.toThrow();
  });

  test.each<[string, WebHealthCheck]>([
    ['healthyHttpCodes "200-499", the widest AWS accepts', { healthyHttpCodes: '200-499' }],
    ['healthyHttpCodes "200,204,301-308"', { healthyHttpCodes: '200,204,301-308' }],
    ['a path with a query string', { path: '/cgi-bin/ping.py?full=1&x=%20' }],
  ])('with %s, the health check is accepted', (_case, healthCheck) => {
    // WHEN
    const { targetGroup } = loadBalancer(healthCheck);
    // THEN
    expect(targetGroup).toBeDefined();
  });

  test('with an unresolved path, the check is skipped', () => {
    // WHEN / THEN
    expect(() => loadBalancer({ path: Token.asString({ Ref: 'HealthCheckPath' }) })).not.toThrow();
  });

  // failoverWindow and healthyAfter are deferred to synthesis when an input is a token, instead of multiplying
  // token-encoded numbers (which gives a meaningless negative number).
  test.each<[string, WebHealthCheck]>([
    ['healthyThreshold', { healthyThreshold: Lazy.number({ produce: () => 3 }) }],
    ['unhealthyThreshold', { unhealthyThreshold: Lazy.number({ produce: () => 3 }) }],
    ['interval', { interval: Duration.seconds(Token.asNumber({ Ref: 'Interval' })) }],
  ])('with an unresolved %s, the check is skipped', (_prop, healthCheck) => {
    // WHEN / THEN
    expect(() => loadBalancer(healthCheck)).not.toThrow();
  });
});
