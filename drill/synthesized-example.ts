import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { WebHealthCheck, WebHealthCheckPresets, WebTierFeatureFlags, ZeroDowntimeWebTier, ZeroDowntimeWebTierProps } from '../src';
import { AssemblyFleet } from '../src/stand-ins/synthesized-tier/cloud-assembly';
import { ReleasePolicy } from '../src/stand-ins/synthesized-tier/release-policy';
import { SynthesizedTier } from '../src/stand-ins/synthesized-tier/synthesized-tier';
import { TargetGroupHealthCheck } from '../src/stand-ins/synthesized-tier/target-group-health-check';

/** The health-check presets the drill knows, by their `WebHealthCheckPresets` method name. */
export const PRESETS: Record<string, () => WebHealthCheck> = {
  tutorial: () => WebHealthCheckPresets.tutorial(),
  fast: () => WebHealthCheckPresets.fast(),
};

export type PresetName = 'tutorial' | 'fast';

/** What the drill takes from the synthesized example. */
export interface SynthesizedExample {
  readonly preset: PresetName;
  /** The target group's health check, read out of the template. */
  readonly healthCheck: TargetGroupHealthCheck;
  /** `tier.failoverWindow`, in seconds: the construct's promise for kill -> out of rotation. */
  readonly failoverWindowSeconds: number;
  /** `tier.webLoadBalancer.healthyAfter`, in seconds: the construct's figure for a new server to get traffic. */
  readonly healthyAfterSeconds: number;
  /** The web group's release policy (instance refresh and gate alarms), read out of the template. */
  readonly release: ReleasePolicy;
  /** The synthesized template, read for the stand-ins (the AZ settings of the az-loss scenario, for one). */
  readonly tier: SynthesizedTier;
  /**
   * The web fleet as the rehearsal reads it from the cloud assembly: the application's asset (a folder that lives
   * until this process exits), its start command and settings, and the load balancer's and target group's settings.
   */
  readonly fleet: AssemblyFleet;
}

/** The cloud assemblies synthesized by this process: their assets are read until it exits. */
const assemblies = new Set<string>();
process.once('exit', () => {
  for (const dir of assemblies) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Synthesizes the tutorial example (`examples/tutorial-app.ts`: one `ZeroDowntimeWebTier` with its defaults),
 * with the given health-check preset, in process and into a throw-away directory.
 *
 * `tutorialApp()` takes no props, so the same stack is built here with `healthCheck` set. The stack has
 * the tutorial's region: the ALB's access logging needs a concrete region to find the ELB account.
 */
export function synthesizeExample(preset: PresetName, props: Partial<ZeroDowntimeWebTierProps> = {}): SynthesizedExample {
  const makePreset = PRESETS[preset];
  if (!makePreset) throw new Error(`unknown preset ${JSON.stringify(preset)}, expected one of ${Object.keys(PRESETS).join(', ')}`);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-drill-synth-'));
  let keep = false;
  try {
    const app = new App({ outdir, context: WebTierFeatureFlags.recommended() });
    const stack = new Stack(app, 'ZeroDowntimeWebTierExample', {
      description: 'Tutorial 07: a load-balanced, zero-downtime web tier (cdk-zero-downtime-web-tier example)',
      env: { region: 'eu-west-3' },
    });
    const construct = new ZeroDowntimeWebTier(stack, 'WebTier', { ...props, healthCheck: makePreset() });
    const template = app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
    const tier = new SynthesizedTier(template);
    const fleets = SynthesizedTier.fleetsOf(outdir);
    if (fleets.length !== 1 || fleets[0].asset.zip) throw new Error(`${outdir}: expected one web fleet with a folder asset, found ${fleets.length}`);
    keep = true;
    return {
      fleet: fleets[0],
      release: tier.releasePolicy,
      preset,
      healthCheck: tier.healthCheck,
      failoverWindowSeconds: construct.failoverWindow.toSeconds(),
      healthyAfterSeconds: construct.webLoadBalancer.healthyAfter.toSeconds(),
      tier,
    };
  } finally {
    if (keep) assemblies.add(outdir);
    else fs.rmSync(outdir, { recursive: true, force: true });
  }
}

