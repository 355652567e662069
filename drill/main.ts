/**
 * `npm run drill`: the tutorial's "kill a web server" test, on this machine, measured.
 *
 *   npx ts-node --project tsconfig.dev.json drill/main.ts [--short] [--preset tutorial|fast]... [--scenario NAME]...
 *                                                          [--rate N] [--replacement-delay S] [--time-scale F] [--out DIR]
 *
 * Runs a real Redis, web "instances" (the shipped assets/web files, each under a stand-in for systemd that holds
 * the listening socket) and HAProxy standing in for the ALB, configured from the synthesized example's target group.
 * Per preset: process crash, deploy, scale-in, instance loss, and the releases of issue #19 (a good, a bad, a slow and
 * a never-healthy version, and a scaled-out fleet) through the template's instance refresh and gate alarms; a table
 * at the end, JSON and SVG under results/.
 */
import * as path from 'path';
import { ScenarioKind } from './analysis';
import { missedAzLossTargets } from './az-loss';
import { ALL_SCENARIOS, DrillOptions, runDrill } from './drill';
import { PresetName, PRESETS } from './example-template';
import { missingDrillPrerequisites, prerequisiteHint } from './prerequisites';
import { formatTable, missedTargets, writeResults } from './report';
import { Cleanup, REPO_ROOT } from '../tools/local-servers';

const USAGE = `usage: drill/main.ts [--short] [--preset tutorial|fast]... [--scenario NAME]... [--rate N] [--replacement-delay SECONDS]
                     [--time-scale F] [--out DIR]
  --short               fast preset only, every scenario, release minutes x 1/30 (about 5 minutes)
  --preset NAME         run this preset (repeatable; default: tutorial and fast; the releases at real length take hours)
  --scenario NAME       run this scenario only (repeatable): ${ALL_SCENARIOS.join(', ')}
  --time-scale F        release scenarios: multiply CheckpointDelay, BakeTime and alarm periods by F (0 < F <= 1)
  --rate N              requests per second through the balancer (default 20)
  --replacement-delay S instance loss: seconds from the kill to the replacement (default: failover window + 2)
  --out DIR             where the JSON and SVG go (default: results/)`;

interface Args extends DrillOptions { readonly out: string }

export function parseArgs(argv: string[]): Args {
  const presets: PresetName[] = [];
  const scenarios: ScenarioKind[] = [];
  let timeScale: number | undefined;
  let short = false;
  let ratePerSecond: number | undefined;
  let replacementDelaySeconds: number | undefined;
  let out = path.join(REPO_ROOT, 'results');
  const number = (flag: string, v: string | undefined, min: number, max: number) => {
    const x = Number(v);
    if (v === undefined || !Number.isFinite(x) || x < min || x > max) throw new Error(`${flag} needs a number from ${min} to ${max}, got ${v}`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case '--short':
        short = true;
        break;
      case '--preset': {
        const p = argv[++i];
        if (!(p in PRESETS)) throw new Error(`--preset needs one of ${Object.keys(PRESETS).join(', ')}, got ${p}`);
        presets.push(p as PresetName);
        break;
      }
      case '--scenario': {
        const k = argv[++i];
        if (!ALL_SCENARIOS.includes(k as ScenarioKind)) throw new Error(`--scenario needs one of ${ALL_SCENARIOS.join(', ')}, got ${k}`);
        scenarios.push(k as ScenarioKind);
        break;
      }
      case '--time-scale':
        timeScale = number(arg, argv[++i], 0.001, 1);
        break;
      case '--rate':
        ratePerSecond = number(arg, argv[++i], 1, 200);
        break;
      case '--replacement-delay':
        replacementDelaySeconds = number(arg, argv[++i], 0, 600);
        break;
      case '--out':
        out = path.resolve(argv[++i] ?? '');
        break;
      default:
        throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  return {
    short,
    presets: presets.length ? presets : undefined,
    scenarios: scenarios.length ? scenarios : undefined,
    timeScale,
    ratePerSecond,
    replacementDelaySeconds,
    out,
  };
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const missing = missingDrillPrerequisites();
  if (missing.length) {
    console.error(prerequisiteHint(missing));
    return 1;
  }

  const registry = new Cleanup();
  const abort = new AbortController();
  let signals = 0;
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      // A second Ctrl-C: exit now; the harness SIGKILLs every child it still tracks on exit.
      console.error(`${signal} again: killing what is left and exiting`);
      process.exit(signal === 'SIGTERM' ? 143 : 130);
    }
    console.error(`${signal}: stopping the drill and everything it started...`);
    abort.abort(signal);
    // Processes may sit in a wait that does not watch the signal (a start-up, a request): stop them directly too.
    stopping = registry.run().catch((e) => console.error(`clean-up: ${e}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = Date.now();
  try {
    const result = await runDrill({ ...args, registry, signal: abort.signal, log: (line) => console.log(line) });
    console.log('');
    console.log(formatTable(result));
    console.log('');
    for (const file of writeResults(result, args.out)) console.log(`wrote ${path.relative(process.cwd(), file)}`);
    console.log(`drill finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const missed = result.presets.flatMap((p) => [...p.scenarios.flatMap(missedTargets), ...(p.azLoss ?? []).flatMap((r) => missedAzLossTargets(r))]);
    for (const line of missed) console.error(`target missed: ${line}`);
    if (!missed.length) console.log('every zero-downtime target met');
    return missed.length ? 1 : 0;
  } catch (e) {
    console.error(abort.signal.aborted ? `drill aborted (${String(abort.signal.reason)})` : `drill failed: ${(e as Error).stack ?? e}`);
    // 128 + the signal number, as a shell reports a process killed by it.
    return abort.signal.aborted ? (abort.signal.reason === 'SIGTERM' ? 143 : 130) : 1;
  } finally {
    await stopping;
    await registry.run().catch((e) => console.error(`clean-up: ${e}`));
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
