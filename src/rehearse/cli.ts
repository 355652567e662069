#!/usr/bin/env node
/**
 * `npx cdk-zero-downtime-web-tier rehearse`: the application of each tier, rehearsed on this machine before it
 * ships. Exit 0 clean, 1 a scenario missed its target or a finding is an error, 2 it could not run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rehearse, RehearsalReport, ScenarioName, SCENARIOS } from './rehearsal';
import { formatRepeats, formatReport, rehearsalTimeline } from './report';
import { timelineSvg } from './timeline-svg';
import { commandExists } from '../stand-ins/elasticache/redis-server';
import { AssemblyFleet } from '../stand-ins/synthesized-tier/cloud-assembly';
import { RehearsalTarget, TIER_DEFAULT_SETTINGS } from '../stand-ins/synthesized-tier/fleet-settings';
import { SynthesizedTier } from '../stand-ins/synthesized-tier/synthesized-tier';
import { stopEverything } from '../stand-ins/systemd/process-group';

const USAGE = `usage:
  cdk-zero-downtime-web-tier rehearse [--app cdk.out]            every tier of the synthesized app
  cdk-zero-downtime-web-tier rehearse --dir ./app --start "exec node server.js" [--health /healthz] [--port 8000] [--socket-activation] [--redis]
         (--redis: the application uses the tier's Redis; a local redis-server is started only then)
options: --page PATH (repeatable; default /)  --scenarios ${SCENARIOS.join(',')}  --json FILE
         --out DIR (writes DIR/rehearsal.json, the report, and DIR/rehearsal.svg, its timeline picture)
         --repeat N (a benchmark: every scenario N times, with the failed requests of each run)`;

/** A usage or prerequisite problem: one line, exit 2. */
class CannotRun extends Error {}

interface Args {
  readonly [key: string]: string | string[] | boolean | undefined;
}

function parse(argv: string[]): Args {
  const args: Record<string, string | string[] | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      throw new CannotRun(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`);
    }
    const key = arg.slice(2);
    if (key === 'socket-activation' || key === 'help' || key === 'redis') {
      args[key] = true;
    } else if (i + 1 >= argv.length) {
      throw new CannotRun(`${arg} needs a value\n${USAGE}`);
    } else if (key === 'page') {
      args.page = [...((args.page as string[] | undefined) ?? []), argv[++i]];
    } else if (['app', 'dir', 'start', 'health', 'port', 'scenarios', 'json', 'repeat', 'out'].includes(key)) {
      args[key] = argv[++i];
    } else {
      throw new CannotRun(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return args;
}

/** The targets the arguments name: one `--dir` application, or every fleet of the cloud assembly. */
function targets(args: Args, unpackDir: string): RehearsalTarget[] {
  if (args.dir !== undefined) {
    const dir = path.resolve(String(args.dir));
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new CannotRun(`--dir ${dir} is not a folder`);
    }
    if (typeof args.start !== 'string' || args.start.trim() === '') {
      throw new CannotRun(`--dir needs --start, the command that starts the application (the tier's startCommand)\n${USAGE}`);
    }
    checkPath('--health', args.health);
    const port = args.port === undefined ? 8000 : Number(args.port);
    if (!Number.isInteger(port) || port < 1024 || port > 65535) {
      throw new CannotRun(`--port ${args.port}: must be a whole number from 1024 to 65535 (the tier's webPort)`);
    }
    return [{
      application: {
        name: dir,
        directory: dir,
        startCommand: args.start,
        port,
        healthCheckPath: String(args.health ?? '/'),
        socketActivation: args['socket-activation'] === true,
        environment: {},
        secretNames: [],
        installCommands: [],
        usesRedis: args.redis === true,
      },
      settings: TIER_DEFAULT_SETTINGS,
    }];
  }
  let fleets: AssemblyFleet[];
  try {
    fleets = SynthesizedTier.fleetsOf(path.resolve(String(args.app ?? 'cdk.out')));
  } catch (error) {
    throw new CannotRun((error as Error).message);
  }
  return fleets.map((fleet, i) => fleet.asset.zip
    ? { ...fleet, application: { ...fleet.application, directory: unzip(fleet.asset.path, path.join(unpackDir, String(i))) } }
    : fleet);
}

/** Unpacks a zip asset as the boot does (`unzip`), or with Python's zipfile where there is no unzip. */
function unzip(file: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const r = commandExists('unzip', ['-v'])
    ? spawnSync('unzip', ['-q', '-o', file, '-d', dir], { encoding: 'utf8' })
    : commandExists('python3')
      ? spawnSync('python3', ['-m', 'zipfile', '-e', file, dir], { encoding: 'utf8' })
      : undefined;
  if (r === undefined) {
    throw new CannotRun(`${file} is a zip: install unzip (Debian/Ubuntu: apt-get install unzip) to rehearse it`);
  }
  if (r.status !== 0) {
    throw new CannotRun(`cannot unpack ${file}: ${r.stderr}`);
  }
  return dir;
}

/**
 * A page as the target group takes it: the tier's own rule for healthCheckPath (src/application/web-application-checks.ts:
 * starts with "/", at most 1024 characters, no spaces or control characters).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html (HealthCheckPath)
 */
function checkPath(flag: string, value: string | string[] | boolean | undefined): void {
  for (const page of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
    if (typeof page !== 'string' || !page.startsWith('/') || /[\s\x00-\x1f\x7f]/.test(page) || page.length > 1024) {
      throw new CannotRun(`${flag} ${JSON.stringify(page)}: must start with "/", be at most 1024 characters and hold no spaces ` +
        '(the tier refuses such a healthCheckPath)');
    }
  }
}

function scenariosOf(args: Args): ScenarioName[] | undefined {
  if (args.scenarios === undefined) {
    return undefined;
  }
  const names = String(args.scenarios).split(',').map(s => s.trim());
  const unknown = names.filter(n => !(SCENARIOS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new CannotRun(`--scenarios: unknown ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`);
  }
  return names as ScenarioName[];
}

/** Runs the command; resolves with its exit code. */
export async function main(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const unpackDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-rehearse-assets-'));
  try {
    if (argv[0] !== 'rehearse') {
      throw new CannotRun(USAGE);
    }
    const args = parse(argv.slice(1));
    if (args.help) {
      out(USAGE);
      return 0;
    }
    checkPath('--page', args.page);
    if (args.redis === true && args.dir === undefined) {
      throw new CannotRun('--redis goes with --dir: a synthesized tier always has its cache, and the rehearsal starts a redis-server for it');
    }
    const scenarios = scenariosOf(args);
    const repeat = args.repeat === undefined ? 1 : Number(args.repeat);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) {
      throw new CannotRun(`--repeat ${args.repeat}: must be a whole number from 1 to 100`);
    }
    const pages = (args.page as string[] | undefined) ?? undefined;
    const outDir = typeof args.out === 'string' ? path.resolve(args.out) : undefined;
    if (outDir !== undefined) {
      try {
        fs.mkdirSync(outDir, { recursive: true });
      } catch (error) {
        throw new CannotRun(`--out ${outDir}: cannot make the folder (${(error as Error).message})`);
      }
    }
    const all = targets(args, unpackDir);
    const needed: Array<[string, string]> = [];
    if (all.some(t => t.application.usesRedis ?? true)) {
      needed.push(['redis-server', 'redis-server (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)']);
    }
    needed.push(['bash', 'bash']);
    for (const [command, install] of needed) {
      if (!commandExists(command, ['--version'])) {
        throw new CannotRun(`${command} is missing: install ${install}`);
      }
    }
    const reports: RehearsalReport[] = [];
    for (const target of all) {
      fs.chmodSync(unpackDir, 0o755);
      const skipped = target.application.installCommands.length;
      if (skipped > 0) {
        out(`${target.application.name}: its ${skipped} installCommands are not run here (they install packages on the instance, as root)`);
      }
      const runs: RehearsalReport[] = [];
      for (let run = 1; run <= repeat; run++) {
        const report = await rehearse(target, { scenarios, pages, log: line => out(`  ${repeat > 1 ? `run ${run}/${repeat}: ` : ''}${line}`) });
        runs.push(report);
        out(formatReport(report, target.settings));
        out('');
      }
      reports.push(...runs);
      if (repeat > 1) {
        out(formatRepeats(target.application.name, runs));
        out('');
      }
    }
    const json = JSON.stringify({ reports }, null, 2);
    if (typeof args.json === 'string') {
      fs.writeFileSync(args.json, json);
      out(`The report: ${path.resolve(args.json)}`);
    }
    if (outDir !== undefined) {
      fs.writeFileSync(path.join(outDir, 'rehearsal.json'), json);
      fs.writeFileSync(path.join(outDir, 'rehearsal.svg'), timelineSvg(rehearsalTimeline(reports)));
      out(`The report: ${path.join(outDir, 'rehearsal.json')}; its timeline (requests per second by server, failures, events): ` +
        path.join(outDir, 'rehearsal.svg'));
    }
    return reports.some(r => r.exitCode !== 0) ? 1 : 0;
  } catch (error) {
    if (error instanceof CannotRun) {
      err(`rehearse: ${error.message}`);
      return 2;
    }
    err(`rehearse: could not run: ${(error as Error).message}`);
    return 2;
  } finally {
    fs.rmSync(unpackDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  // Ctrl-C or SIGTERM: every process the rehearsal started (servers, their unit holders, redis-servers) goes at once.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      console.error(`rehearse: ${signal}: stopping every process it started`);
      stopEverything();
      process.exit(code);
    });
  }
  void main(process.argv.slice(2)).then(code => process.exit(code));
}
