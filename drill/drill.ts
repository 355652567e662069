/**
 * The tutorial's "kill a web server" test, reproduced on one machine and measured: the programmatic API.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RELEASE_KINDS, ScenarioKind, ScenarioResult } from './report/analysis';
import { AzLossResult, runAzLoss } from './scenarios/az-loss';
import { runScenario } from './scenarios/scenario';
import { SCENARIO_STEPS } from './scenarios/scenario-kinds';
import { PresetName, SynthesizedExample, synthesizeExample } from './synthesized-example';
import { ASSETS_DIR } from '../src/local/instance-home';
import { Cleanup } from '../src/local/processes';
import { TargetGroupHealthCheck } from '../src/stand-ins/synthesized-tier/target-group-health-check';

export interface DrillOptions {
  /**
   * The short drill: the fast preset only, every scenario, shorter warm-up and tail; about a minute and a half.
   *
   * @default false
   */
  readonly short?: boolean;
  /**
   * Health-check presets to run, in order.
   *
   * @default - ['tutorial', 'fast'], or ['fast'] when short
   */
  readonly presets?: PresetName[];
  /**
   * Scenarios to run for each preset.
   *
   * @default - every scenario (`ALL_SCENARIOS`), or `SHORT_SCENARIOS` when short
   */
  readonly scenarios?: ScenarioKind[];
  /**
   * Requests per second through the balancer.
   *
   * @default 20
   */
  readonly ratePerSecond?: number;
  /**
   * Steady load before the kill, in seconds.
   *
   * @default - 5, or 3 when short
   */
  readonly warmupSeconds?: number;
  /**
   * Instance loss: seconds from the kill until the replacement is launched.
   *
   * @default - the preset's failover window, rounded up, plus 2 s: the Auto Scaling group replaces an instance
   * once the target group reports it unhealthy
   */
  readonly replacementDelaySeconds?: number;
  /**
   * Load after the last event, in seconds.
   *
   * @default - 3, or 2 when short
   */
  readonly tailSeconds?: number;
  /**
   * The unit's restart delay.
   *
   * @default - `RestartSec=` of assets/web/webtier.service
   */
  readonly restartSeconds?: number;
  /**
   * Release scenarios: CheckpointDelay, BakeTime, alarm periods and the warmup beyond the health checks are
   * multiplied by this; the targets scale with it (they are measured, not fixed).
   *
   * @default - 1, or `SHORT_TIME_SCALE` when short
   */
  readonly timeScale?: number;
  /**
   * Progress lines.
   *
   * @default - none
   */
  readonly log?: (line: string) => void;
  /**
   * Run the az-loss scenario (both variants side by side) after the others, for each preset.
   *
   * @default - true, unless `scenarios` selects some
   */
  readonly azLoss?: boolean;
  /**
   * az-loss: seconds from the loss of the AZ to the zonal shift.
   *
   * @default 1
   */
  readonly shiftAfterSeconds?: number;
  /**
   * az-loss: ElastiCache's time to detect the primary's loss and promote the replica (AWS publishes no fixed figure).
   *
   * @default 5
   */
  readonly redisFailoverSeconds?: number;
  /** Aborts the drill (Ctrl-C); everything started is stopped. */
  readonly signal?: AbortSignal;
  /**
   * Everything the drill starts is also registered here, to stop it from outside.
   *
   * @default - a private registry
   */
  readonly registry?: Cleanup;
}

/** Every scenario, in the order the drill runs them. */
export const ALL_SCENARIOS: ScenarioKind[] = ['crash', 'deploy', 'scale-in', 'redis-failover', 'instance-loss', ...RELEASE_KINDS];

/**
 * The scenarios whose every run must fail no request (the README's zeros): all but instance loss (requests to the dead
 * instance fail until the health checks take it out) and the bad release (its canary's 500s until the gate rolls it back).
 */
export const ZERO_TARGET_SCENARIOS: ScenarioKind[] = ALL_SCENARIOS.filter((k) => k !== 'instance-loss' && k !== 'bad-release');

/** The short drill's scenarios: every one (the short drill differs in its preset and time scale). */
export const SHORT_SCENARIOS: ScenarioKind[] = ALL_SCENARIOS;

/** The short drill's release scenarios run their minutes 30 times faster (a 60 s alarm period takes 2 s; at 1 s, 20 requests a period make the p90 too noisy for the latency band). */
export const SHORT_TIME_SCALE = 1 / 30;

/** The fleet of the scaled-out scenario: it can scale from 2 to 4, and has scaled out to 4. */
// Static stability off: the fleet of minimum 2 (with it on, 2 over three AZs would be 3).
export const SCALED_OUT_FLEET = { webMinCapacity: 2, webMaxCapacity: 4, webStaticStability: false };

export interface PresetResult {
  readonly preset: PresetName;
  readonly healthCheck: TargetGroupHealthCheck;
  readonly failoverWindowSeconds: number;
  readonly healthyAfterSeconds: number;
  readonly scenarios: ScenarioResult[];
  /** The az-loss scenario, by health checks alone and with a zonal shift; empty when not run. */
  readonly azLoss?: AzLossResult[];
}

export interface DrillResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly short: boolean;
  readonly presets: PresetResult[];
}

/** `Restart=` and `RestartSec=` of the shipped unit: the unit stand-in (`WebServerUnit`) behaves the same. */
export function shippedRestartPolicy(unitFile = path.join(ASSETS_DIR, 'web', 'webtier.service')): { restart: string; restartSeconds: number } {
  const unit = fs.readFileSync(unitFile, 'utf8');
  const restart = /^Restart=(\S+)/m.exec(unit)?.[1];
  const sec = /^RestartSec=(\d+(?:\.\d+)?)s?$/m.exec(unit)?.[1];
  if (restart !== 'always' || sec === undefined) {
    throw new Error(`${unitFile}: expected Restart=always and RestartSec=<seconds>, found Restart=${restart} RestartSec=${sec}; update WebServerUnit`);
  }
  return { restart, restartSeconds: Number(sec) };
}

export async function runDrill(opts: DrillOptions = {}): Promise<DrillResult> {
  const short = opts.short ?? false;
  const startedAt = new Date().toISOString();
  const log = opts.log ?? (() => undefined);
  const registry = opts.registry ?? new Cleanup();
  const restartSeconds = opts.restartSeconds ?? shippedRestartPolicy().restartSeconds;
  const presets: PresetResult[] = [];
  try {
    const presetNames: PresetName[] = opts.presets ?? (short ? ['fast'] : ['tutorial', 'fast']);
    for (const preset of presetNames) {
      const example = synthesizeExample(preset);
      const hc = example.healthCheck;
      log(`[${preset}] synthesized the example: target group ${hc.logicalId}: ${hc.path} every ${hc.intervalSeconds} s, ` +
        `timeout ${hc.timeoutSeconds} s, healthy after ${hc.healthyThreshold}, unhealthy after ${hc.unhealthyThreshold}, ` +
        `matcher ${hc.httpCodes}; failoverWindow ${example.failoverWindowSeconds} s`);
      const timeScale = opts.timeScale ?? (short ? SHORT_TIME_SCALE : 1);
      const kinds = opts.scenarios ?? (short ? SHORT_SCENARIOS : ALL_SCENARIOS);
      if (kinds.some((k) => RELEASE_KINDS.includes(k as never))) log(releaseLine(preset, example, timeScale));
      let scaledOut: SynthesizedExample | undefined;
      const scenarios: ScenarioResult[] = [];
      for (const kind of kinds) {
        if (kind === 'scaled-out') scaledOut ??= synthesizeExample(preset, SCALED_OUT_FLEET);
        scenarios.push(await runScenario({
          kind,
          example: kind === 'scaled-out' ? scaledOut! : example,
          timeScale,
          ratePerSecond: opts.ratePerSecond ?? 20,
          warmupSeconds: opts.warmupSeconds ?? (short ? 3 : 5),
          replacementDelaySeconds: opts.replacementDelaySeconds ?? Math.ceil(example.failoverWindowSeconds) + 2,
          restartSeconds,
          tailSeconds: opts.tailSeconds ?? (short ? 2 : 3),
          progressEverySeconds: Math.max(2, hc.intervalSeconds / 5),
          log,
          signal: opts.signal,
          registry,
        }, SCENARIO_STEPS[kind]));
      }
      const azLoss = opts.azLoss ?? !opts.scenarios ? await runAzLoss({
        example,
        ratePerSecond: opts.ratePerSecond ?? 20,
        warmupSeconds: short ? 2 : 5,
        tailSeconds: opts.tailSeconds ?? 2,
        shiftAfterSeconds: opts.shiftAfterSeconds ?? 1,
        replacementDelaySeconds: opts.replacementDelaySeconds ?? Math.ceil(example.failoverWindowSeconds) + 2,
        redisFailoverSeconds: opts.redisFailoverSeconds ?? 5,
        restartSeconds,
        log,
        signal: opts.signal,
        registry,
      }) : [];
      presets.push({
        preset,
        healthCheck: hc,
        failoverWindowSeconds: example.failoverWindowSeconds,
        healthyAfterSeconds: example.healthyAfterSeconds,
        scenarios,
        azLoss,
      });
    }
  } finally {
    if (!opts.registry) await registry.run();
  }
  return { startedAt, finishedAt: new Date().toISOString(), short, presets };
}

/** What the release scenarios run: the policy's source and values, and the time scale. */
function releaseLine(preset: PresetName, example: SynthesizedExample, timeScale: number): string {
  const p = example.release;
  const source = `${p.groupLogicalId}'s AutoScalingInstanceRefresh`;
  const scale = timeScale === 1 ? 'at real length' : `with CheckpointDelay, BakeTime, alarm periods and the warmup beyond the health checks scaled by 1/${Math.round(1 / timeScale)}`;
  return `[${preset}] release scenarios: ${source}: warmup ${p.instanceWarmupSeconds} s, checkpoints ${p.checkpointPercentages.join('/')} % ` +
    `every ${p.checkpointDelaySeconds} s, bake ${p.bakeTimeSeconds} s, ${p.alarms.length} gate alarms; ${scale}`;
}
