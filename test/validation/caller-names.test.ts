import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ImpairedZoneHealthCheckBehavior, WebFleet, WebTierNetwork, ZeroDowntimeWebTier } from '../../src';
import { expectInvalidProp, newStack } from '../util';

describe('what the parts report names the prop as the caller spelled it', () => {
  test('the one-liner fails with an unknown webImpairedZoneHealthCheckBehavior in its own name, not the web fleet\'s', () => {
    expectInvalidProp(() => new ZeroDowntimeWebTier(newStack(), 'Tier', { webImpairedZoneHealthCheckBehavior: 'x' as ImpairedZoneHealthCheckBehavior }),
      { prop: 'Invalid webImpairedZoneHealthCheckBehavior:', received: '"x"', rule: /REPLACE_UNHEALTHY or IGNORE_UNHEALTHY/ });
  });

  test('WebFleet alone names impairedZoneHealthCheckBehavior', () => {
    const stack = newStack();
    const network = new WebTierNetwork(stack, 'Network');
    expectInvalidProp(() => new WebFleet(stack, 'WebFleet', { vpc: network.vpc, impairedZoneHealthCheckBehavior: 'x' as ImpairedZoneHealthCheckBehavior }),
      { prop: 'Invalid impairedZoneHealthCheckBehavior:', received: '"x"', rule: /REPLACE_UNHEALTHY or IGNORE_UNHEALTHY/ });
  });

  test('the one-liner\'s webStaticStability false warns in the one-liner\'s names', () => {
    const stack = newStack();
    new ZeroDowntimeWebTier(stack, 'Tier', { webStaticStability: false });
    Annotations.fromStack(stack).hasWarning('/Stack/Tier/WebFleet',
      Match.stringLikeRegexp('^webStaticStability is false: 2 web servers over 3 AZs leave 1 .* fewer than webMinCapacity \\(2\\)'));
  });

  test.each([
    ['the one-liner', (retention: logs.RetentionDays) => new ZeroDowntimeWebTier(newStack(), 'Tier', { applicationLogRetention: retention })],
    ['WebFleet alone', (retention: logs.RetentionDays) => {
      const stack = newStack();
      new WebFleet(stack, 'WebFleet', { vpc: new WebTierNetwork(stack, 'Network').vpc, applicationLogRetention: retention });
    }],
  ])('%s fails with applicationLogRetention 42 days, which CloudWatch Logs refuses', (_case, build) => {
    expectInvalidProp(() => build(42 as logs.RetentionDays), { prop: 'applicationLogRetention', received: '42', rule: /retention periods CloudWatch Logs accepts/ });
  });
});
