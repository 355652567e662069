// `rehearse` misused and interrupted: flags refused before anything starts (exit 2 at once), a start command that
// exits by itself reported as soon as it happens, and Ctrl-C or SIGTERM to the command leaving no process behind.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CORPUS_DIR } from './server-corpus';
import { main } from '../../src/rehearse/cli';
import { rehearse } from '../../src/rehearse/rehearsal';
import { RehearsalTarget, TIER_DEFAULT_SETTINGS } from '../../src/stand-ins/synthesized-tier/fleet-settings';
import { descendants } from '../local/process-tree';
import { describeWith } from '../runtime/harness';

const CLI = path.join(__dirname, '..', '..', 'src', 'rehearse', 'cli.ts');
const NODE_APP = path.join(CORPUS_DIR, 'node-http');

async function run(argv: string[]): Promise<{ code: number; output: string; ms: number }> {
  const lines: string[] = [];
  const started = Date.now();
  const code = await main(argv, l => lines.push(l), l => lines.push(l));
  return { code, output: lines.join('\n'), ms: Date.now() - started };
}

describe('rehearse refuses bad flags before anything starts: exit 2 at once', () => {
  let corrupt: string;
  beforeAll(() => {
    corrupt = fs.mkdtempSync(path.join(os.tmpdir(), 'corrupt-cdk-out-'));
    fs.writeFileSync(path.join(corrupt, 'manifest.json'), '{"version": "54.0.0", "artifacts": {');
  });
  afterAll(() => fs.rmSync(corrupt, { recursive: true, force: true }));

  test.each([
    [['--health', 'healthz'], /--health "healthz": must start with "\/"/],
    [['--health', '/health z'], /--health "\/health z": must start with "\/", be at most 1024 characters and hold no spaces/],
    [['--page', 'index.html'], /--page "index.html": must start with "\/"/],
  ])('%j', async (flags, message) => {
    const { code, output, ms } = await run(['rehearse', '--dir', NODE_APP, '--start', 'node server.js', ...flags]);
    expect(code).toBe(2);
    expect(output).toMatch(message);
    expect(output).not.toContain('starting two web servers');
    expect(ms).toBeLessThan(2_000);
  });

  test('--redis without --dir', async () => {
    const { code, output } = await run(['rehearse', '--redis']);
    expect(code).toBe(2);
    expect(output).toMatch(/--redis goes with --dir/);
  });

  test('a corrupt manifest.json: the message names the file', async () => {
    const { code, output, ms } = await run(['rehearse', '--app', corrupt]);
    expect(code).toBe(2);
    expect(output).toContain(`${path.join(corrupt, 'manifest.json')} is not valid JSON`);
    expect(ms).toBeLessThan(2_000);
  });
});

describe('a start command that exits by itself (a typo: node sever.js)', () => {
  test('is its own finding, with its exit code and the last lines of its output, as soon as it happens', async () => {
    const { code, output, ms } = await run(['rehearse', '--dir', NODE_APP, '--start', 'node sever.js', '--scenarios', 'steady']);
    expect(code).toBe(1);
    expect(output).toMatch(/start-command-exited: the start command exited by itself \(exit code 1\) before the health page answered/);
    expect(output).toMatch(/Cannot find module '.*sever\.js'/);
    expect(output).not.toContain('port-ignored');
    // Not the boot budget of 120 s: the exit is seen within seconds of the start (a few on an idle machine; the bound
    // leaves room for a loaded CI runner).
    expect(ms).toBeLessThan(60_000);
  }, 90_000);
});

/** A Node.js app in `directory` (started with exec, no Redis), health-checked every 2 s. */
function steadyOnly(directory: string, healthCheckPath: string): RehearsalTarget {
  return {
    application: {
      name: path.basename(directory),
      directory,
      startCommand: 'exec node server.js',
      port: 8000,
      healthCheckPath,
      socketActivation: false,
      environment: {},
      secretNames: [],
      installCommands: [],
      usesRedis: false,
    },
    settings: { ...TIER_DEFAULT_SETTINGS, healthCheckIntervalSeconds: 2, healthCheckTimeoutSeconds: 1 },
  };
}

describe('progress', () => {
  test('the deadlines first, then a line as each long step starts and ends', async () => {
    const lines: string[] = [];
    const report = await rehearse(steadyOnly(NODE_APP, '/'), { scenarios: ['steady'], log: l => lines.push(l) });
    expect(report.scenarios.map(s => s.name)).toEqual(['steady']);
    expect(lines[0]).toMatch(/^deadlines: each scenario \d+ s, the whole rehearsal \d+ s \(a server's boot \d+ s\)$/);
    expect(lines).toEqual(expect.arrayContaining([
      'Redis: none (the application does not use the tier\'s cache: give --redis if it does); REDIS_* are not set',
      'i-rehearsal-a, i-rehearsal-b: registered, healthy after 2 checks 2 s apart',
      expect.stringMatching(/^steady: 20 requests a second for 5 s over two servers \(deadline \d+ s\)$/),
      expect.stringMatching(/^steady: done in \d+ s \(100 requests, 0 failed\)$/),
    ]));
  }, 60_000);
});

describe('a server slower than the clients\' rate (every page takes 5 s)', () => {
  test('the load stops at 64 requests waiting instead of queueing without end: a finding that says so, in bounded time', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slow-pages-'));
    fs.writeFileSync(path.join(dir, 'server.js'), 'require("http").createServer((req, res) => req.url === "/healthz" ? res.end("ok") : ' +
      'setTimeout(() => res.end("slow"), 5000)).listen(Number(process.env.PORT), "0.0.0.0");\n');
    fs.chmodSync(dir, 0o755);
    const started = Date.now();
    try {
      const report = await rehearse(steadyOnly(dir, '/healthz'), { scenarios: ['steady'] });
      const steady = report.scenarios[0];
      expect(steady.causes).toEqual(expect.arrayContaining([expect.stringMatching(/^no answer: not sent: 64 requests already waiting/)]));
      expect(report.findings.map(f => f.id)).toEqual(['requests-failed']);
      expect(report.findings[0].fix).toContain('more workers or threads');
      expect(Date.now() - started).toBeLessThan(45_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
  } catch {
    return false;
  }
}

const linuxWithRedis = os.platform() === 'linux' ? describeWith(['redis-server']) : describe.skip;

linuxWithRedis('interrupting the command leaves no process behind', () => {
  const started: ChildProcess[] = [];
  /** Every process seen under the command: killed after the tests, also when one fails. */
  const seen: number[] = [];
  afterAll(() => {
    started.forEach(c => c.exitCode === null && c.kill('SIGKILL'));
    seen.filter(alive).forEach(pid => process.kill(pid, 'SIGKILL'));
  });

  test.each(['SIGINT', 'SIGTERM'] as const)('%s: servers, unit holders and redis-server all gone', async (signal) => {
    const cli = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, 'rehearse', '--dir', NODE_APP, '--start', 'node server.js',
      '--redis', '--scenarios', 'idle-connection,sigterm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(cli);
    let output = '';
    cli.stdout!.on('data', (d: Buffer) => output += d.toString());
    cli.stderr!.on('data', (d: Buffer) => output += d.toString());
    const exited = new Promise<number | null>(resolve => cli.once('exit', code => resolve(code)));
    // Mid-rehearsal: the servers are up and the sigterm scenario has begun (its servers, the holders, the redis-server).
    const deadline = Date.now() + 60_000;
    while (!output.includes('sigterm: a request in flight') && Date.now() < deadline && cli.exitCode === null) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(output).toContain('sigterm: a request in flight');
    const tree = descendants(cli.pid!);
    seen.push(...tree);
    const names = tree.map(pid => { try { return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; } });
    expect(names).toEqual(expect.arrayContaining(['redis-server', 'node', 'bash']));
    cli.kill(signal);
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    const until = Date.now() + 5_000;
    while (tree.some(alive) && Date.now() < until) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    expect(tree.filter(alive)).toEqual([]);
    expect(output).toContain(`rehearse: ${signal}: stopping every process it started`);
  }, 90_000);
});
