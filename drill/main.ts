/**
 * `npm run drill`: the tutorial's "kill a web server" test, on this machine, measured.
 *
 *   npx ts-node --project tsconfig.dev.json drill/main.ts [--short] [--preset tutorial|fast]... [--scenario NAME]...
 *                                                          [--rate N] [--replacement-delay S] [--time-scale F] [--out DIR]
 *
 * Runs a real Redis, web "instances" (the synthesized example's application and start command, each under the
 * rehearsal's stand-in for its systemd unit, which holds the listening socket) and the rehearsal's load balancer
 * stand-in, with the settings of the synthesized example's load balancer and target group.
 * Per preset: process crash, deploy, scale-in, instance loss, and the releases of issue #19 (a good, a bad, a slow and
 * a never-healthy version, and a scaled-out fleet) through the template's instance refresh and gate alarms; a table
 * at the end, JSON and SVG under results/.
 */
import * as path from 'path';
import { ALL_SCENARIOS, DrillOptions, runDrill, ZERO_TARGET_SCENARIOS } from './drill';
import { missingDrillPrerequisites, prerequisiteHint } from './prerequisites';
import { ScenarioKind } from './report/analysis';
import { formatTable, missedTargets, writeResults } from './report/report';
import { missedAzLossTargets } from './scenarios/az-loss';
import { PresetName, PRESETS } from './synthesized-example';
import { REPO_ROOT } from '../src/local/instance-home';
import { Cleanup } from '../src/local/processes';

const USAGE = `usage: drill/main.ts [--short] [--preset tutorial|fast]... [--scenario NAME]... [--rate N] [--replacement-delay SECONDS]
                     [--time-scale F] [--out DIR] [--repeat N]
  --short               fast preset only, every scenario, release minutes x 1/30 (about 5 minutes)
  --preset NAME         run this preset (repeatable; default: tutorial and fast; the releases at real length take hours)
  --scenario NAME       run this scenario only (repeatable): ${ALL_SCENARIOS.join(', ')}
  --time-scale F        release scenarios: multiply CheckpointDelay, BakeTime and alarm periods by F (0 < F <= 1)
  --rate N              requests per second through the balancer (default 20)
  --replacement-delay S instance loss: seconds from the kill to the replacement (default: failover window + 2)
  --out DIR             where the JSON and SVG go (default: results/)
  --repeat N            a benchmark: each zero-target scenario (of --scenario, or all: ${ZERO_TARGET_SCENARIOS.join(', ')})
                        N times (1 to 100), then a line per scenario with the failed requests of every run; no table,
                        no files; exit 1 if any run failed a request or missed a target`;

interface Args extends DrillOptions { readonly out: string; readonly repeat?: number }

export function parseArgs(argv: string[]): Args {
  const presets: PresetName[] = [];
  const scenarios: ScenarioKind[] = [];
  let timeScale: number | undefined;
  let short = false;
  let ratePerSecond: number | undefined;
  let replacementDelaySeconds: number | undefined;
  let out = path.join(REPO_ROOT, 'results');
  let repeat: number | undefined;
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
      case '--repeat':
        repeat = number(arg, argv[++i], 1, 100);
        if (!Number.isInteger(repeat)) throw new Error(`--repeat needs a whole number from 1 to 100, got ${repeat}`);
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
    repeat,
  };
}

/** One line per scenario: its name and the failed requests of each run, then whether every run met the targets. */
export function formatRepeat(runs: Map<ScenarioKind, Array<{ failed: number; missed: string[] }>>): string[] {
  const width = Math.max(...[...runs.keys()].map((k) => k.length)) + 1;
  return [...runs].map(([kind, xs]) => `${`${kind}:`.padEnd(width)} ${xs.map((x) => x.failed).join(' ')}` +
    (xs.some((x) => x.failed > 0 || x.missed.length) ? `   <- ${xs.filter((x) => x.failed > 0 || x.missed.length).length} of ${xs.length} runs failed` : ''));
}

/** `--repeat N`: each zero-target scenario N times, one preset after the other; resolves with the exit code. */
async function benchmark(args: Args, repeat: number, run: (opts: DrillOptions) => ReturnType<typeof runDrill>): Promise<number> {
  const kinds = (args.scenarios ?? ZERO_TARGET_SCENARIOS).filter((k) => ZERO_TARGET_SCENARIOS.includes(k));
  const skipped = (args.scenarios ?? []).filter((k) => !kinds.includes(k));
  if (skipped.length) console.log(`not repeated (no zero target): ${skipped.join(', ')}`);
  if (!kinds.length) return 2;
  let missedAny = false;
  for (const preset of args.presets ?? (args.short ? ['fast' as const] : ['tutorial' as const, 'fast' as const])) {
    const runs = new Map<ScenarioKind, Array<{ failed: number; missed: string[] }>>(kinds.map((k) => [k, []]));
    for (let n = 1; n <= repeat; n++) {
      const result = await run({ ...args, presets: [preset], scenarios: kinds, azLoss: false });
      for (const s of result.presets[0].scenarios) {
        const missed = missedTargets(s);
        runs.get(s.kind)!.push({ failed: s.requests.failed, missed });
        for (const line of missed) console.error(`run ${n}: target missed: ${line}`);
      }
      console.log(`[${preset}] run ${n}/${repeat}: ${result.presets[0].scenarios.map((s) => `${s.kind} ${s.requests.failed} failed`).join(', ')}`);
    }
    console.log('');
    console.log(`failed requests per run (${preset} preset, ${repeat} runs):`);
    for (const line of formatRepeat(runs)) console.log(line);
    missedAny ||= [...runs.values()].some((xs) => xs.some((x) => x.failed > 0 || x.missed.length));
  }
  return missedAny ? 1 : 0;
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
    if (args.repeat !== undefined) {
      const quiet = (line: string) => (/target missed|drill failed/.test(line) ? console.log(line) : undefined);
      const code = await benchmark(args, args.repeat, (opts) => runDrill({ ...opts, registry, signal: abort.signal, log: quiet }));
      console.log(`benchmark finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return code;
    }
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
