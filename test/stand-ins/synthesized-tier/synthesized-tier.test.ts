import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { releaseFixtureTemplate } from './release-fixture';
import { SynthesizedTier } from '../../../src/stand-ins/synthesized-tier/synthesized-tier';
import { resourcesOf } from '../../../src/stand-ins/synthesized-tier/template-resources';

describe('SynthesizedTier, the one reader the stand-ins take their numbers from', () => {
  test('reads the release policy and the health check of the template it is given', () => {
    // GIVEN
    const tier = new SynthesizedTier(releaseFixtureTemplate({ instanceWarmupSeconds: 45 }));

    // THEN
    expect(tier.releasePolicy.instanceWarmupSeconds).toBe(45);
    expect(tier.releasePolicy.groupLogicalId).toBe('WebGroup');
    // The fixture's target group sets no health check: AWS's defaults (path /, every 30 s) are filled in.
    expect(tier.healthCheck).toEqual(expect.objectContaining({ path: '/', intervalSeconds: 30 }));
  });

  test('fails, naming what is missing, on a template without the tier\'s resources', () => {
    const tier = new SynthesizedTier({ Resources: {} });
    expect(() => tier.releasePolicy).toThrow(/expected exactly one AWS::AutoScaling::AutoScalingGroup with TargetGroupARNs, found 0/);
    expect(() => tier.healthCheck).toThrow(/expected exactly one AWS::ElasticLoadBalancingV2::TargetGroup/);
    expect(() => tier.zonalShiftEnabled).toThrow(/expected exactly one load balancer/);
    expect(tier.redisNodeAzs).toBeUndefined();
  });

  test('fleetsOf refuses a folder that is no cloud assembly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-assembly-'));
    expect(() => SynthesizedTier.fleetsOf(dir)).toThrow(`${dir} is not a cloud assembly (no manifest.json)`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('resourcesOf gives a template\'s Resources, and none for anything else', () => {
    expect(resourcesOf({ Resources: { A: { Type: 'AWS::SNS::Topic' } } })).toEqual({ A: { Type: 'AWS::SNS::Topic' } });
    expect(resourcesOf(undefined)).toEqual({});
    expect(resourcesOf({})).toEqual({});
  });
});
