// The README's own summaries against the construct: the one-liner's defaults it states, the parts it lists, and how
// long a release takes (README and docs/releases.md). The pages' other claims are checked by the tests that read them.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { docSection, readDoc } from './pages';
import * as library from '../../src';
import { releaseDurations } from '../../src/web-fleet/release-duration';

/** The template of the one-liner in a new app (the README's first example: the recommended feature flags). */
function newAppTemplate(): any {
  const stack = new Stack(new App({ context: library.WebTierFeatureFlags.recommended() }), 'WebTier');
  new library.ZeroDowntimeWebTier(stack, 'WebTier');
  return Template.fromStack(stack).toJSON();
}

function resourcesOf(template: any, type: string): any[] {
  return Object.values(template.Resources).filter((r: any) => r.Type === type);
}

describe('the README\'s summaries', () => {
  const template = newAppTemplate();

  test('the one-liner\'s defaults it states are the template\'s: ports, health check, cache engine and version', () => {
    const summary = docSection('README.md', '### The one-liner in your CDK app').replace(/\s+/g, ' ');
    const [targetGroup] = resourcesOf(template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    const [listener] = resourcesOf(template, 'AWS::ElasticLoadBalancingV2::Listener');
    const [cache] = resourcesOf(template, 'AWS::ElastiCache::ReplicationGroup');
    const [vpc] = resourcesOf(template, 'AWS::EC2::VPC');
    expect(summary).toContain(`\`${vpc.Properties.CidrBlock}\` over 3 AZs`);
    expect(summary).toContain(`the ALB on port ${listener.Properties.Port} in front of the web servers on ${targetGroup.Properties.Port}`);
    expect(summary).toContain(`(health check \`${targetGroup.Properties.HealthCheckPath}\` every ${targetGroup.Properties.HealthCheckIntervalSeconds} s)`);
    const engine = { valkey: 'Valkey', redis: 'Redis OSS' }[cache.Properties.Engine as 'valkey' | 'redis'];
    expect(summary).toContain(`${engine} ${cache.Properties.EngineVersion} on ${cache.Properties.Port}`);
    expect(resourcesOf(template, 'AWS::EC2::Subnet').map((s: any) => s.Properties.AvailabilityZone['Fn::Select'][0])).toEqual(
      expect.arrayContaining([0, 1, 2]));
  });

  test('every part of its table is a construct the library exports', () => {
    const parts = [...docSection('README.md', '### Every part is yours to reach').matchAll(/^\| `(\w+)` \| `src\//gm)].map(m => m[1]);
    expect(parts.length).toBe(7);
    expect(parts.filter(name => typeof (library as Record<string, unknown>)[name] !== 'function')).toEqual([]);
  });

  test('how long a release takes with the defaults, in the README and docs/releases.md, is the template\'s', () => {
    const [release] = releaseDurations(template);
    const minutes = Math.round(release.totalSeconds / 60);
    expect(readDoc('docs/releases.md')).toContain(`**${release.totalSeconds} s, about ${minutes} minutes**`);
    expect(docSection('README.md', '## How releases work').replace(/\s+/g, ' ')).toContain(`a release takes about ${minutes} minutes`);
  });
});
