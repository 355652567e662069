import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClientResult, clientLoad, failed } from './client-load';
import { Finding, FINDINGS } from './findings';
import { IN_FLIGHT_RESET, LoadBalancerStandIn } from './load-balancer-stand-in';
import { freePort, sleep, waitUntil } from './local-process';
import { LocalRedis, startLocalRedis } from './local-redis';
import { RehearsalTarget } from './rehearsal-target';
import { accepts, bootSeconds, idleConnection, IdleConnectionResult, nonLoopbackAddress, requestThroughSigterm } from './server-probes';
import { canSandbox, folderChanges, folderSnapshot, prepareApplicationFolder, WebServerUnit } from './web-server-unit';

/** The scenarios, in the order they run. */
export const SCENARIOS = ['steady', 'idle-connection', 'crash', 'release', 'sigterm', 'scale-in'] as const;
export type ScenarioName = typeof SCENARIOS[number];

/** One scenario's outcome. */
export interface ScenarioResult {
  readonly name: ScenarioName;
  readonly description: string;
  readonly requests: number;
  readonly failed: number;
  /** How many answers of each status (0: no answer). */
  readonly statuses: Record<string, number>;
  /** Whether the tier promises 0 failed requests here (else the count is measured, and a finding may say why). */
  readonly zeroTarget: boolean;
  readonly seconds: number;
  /** The causes of the failed requests, as the load balancer stand-in gave them. */
  readonly causes: string[];
  /** Requests a killed process had in flight (lost on any server; not in `failed`). */
  readonly lostInFlight?: number;
}

export interface RehearsalOptions {
  /** The scenarios to run (default all). */
  readonly scenarios?: readonly ScenarioName[];
  /** The pages the clients ask (default `/`). */
  readonly pages?: string[];
  /** Client requests per second (default 20). */
  readonly rate?: number;
  /** Prints progress lines. */
  readonly log?: (line: string) => void;
}

export interface RehearsalReport {
  readonly application: string;
  readonly date: string;
  readonly machine: string;
  readonly redis: string;
  readonly sandbox: string;
  readonly bootSeconds?: number;
  readonly scenarios: ScenarioResult[];
  readonly findings: Finding[];
  /** 0 clean, 1 a scenario missed its target or a finding is an error. */
  readonly exitCode: 0 | 1;
}

/**
 * Rehearses one tier's application on this machine: two web servers behind the load balancer stand-in, against a
 * real `redis-server`, through each scenario; then what the application did wrong, with the fixes.
 */
export async function rehearse(target: RehearsalTarget, options: RehearsalOptions = {}): Promise<RehearsalReport> {
  const { application: app, settings } = target;
  const wanted = new Set(options.scenarios ?? SCENARIOS);
  const pages = options.pages ?? app.pages ?? ['/'];
  const rate = options.rate ?? 20;
  const log = options.log ?? (() => undefined);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-rehearsal-'));
  fs.chmodSync(workDir, 0o755);
  const findings: Finding[] = [];
  const scenarios: ScenarioResult[] = [];
  const units: WebServerUnit[] = [];
  let redis: LocalRedis | undefined;
  let alb: LoadBalancerStandIn | undefined;
  let boot: number | undefined;
  let folder: string | undefined;
  let before: Map<string, string> | undefined;
  try {
    const redisDir = path.join(workDir, 'redis');
    fs.mkdirSync(redisDir, { mode: 0o755 });
    redis = await startLocalRedis(redisDir);
    for (const file of fs.readdirSync(redisDir)) {
      fs.chmodSync(path.join(redisDir, file), file.endsWith('.key') ? 0o600 : 0o644);
    }
    folder = prepareApplicationFolder(app.directory, path.join(workDir, 'app'));
    before = folderSnapshot(folder);
    // A slow boot is measured past the budget (and reported as slow); one that never answers is given up on.
    const budget = Math.min(settings.readinessBudgetSeconds + 30, 120);
    const newUnit = async (name: string, zone: string) => {
      const unit = new WebServerUnit(app, folder!, `i-rehearsal-${name}`, zone, await freePort(), redis!, workDir);
      units.push(unit);
      await unit.start();
      return unit;
    };
    const booted = async (unit: WebServerUnit) =>
      bootSeconds(unit.port, app.healthCheckPath, settings.healthyHttpCodes, unit.startTime, budget * 1000);

    log(`starting two web servers of ${app.name}`);
    const [a, b] = [await newUnit('a', 'rehearsal-1a'), await newUnit('b', 'rehearsal-1b')];
    const boots = await Promise.all([booted(a), booted(b)]);
    if (boots.some(s => s === undefined)) {
      // A write refused by the read-only folder is the cause when there is one (finish() reports it).
      if (refusedWrites().length === 0) {
        const open = await accepts('127.0.0.1', a.port);
        findings.push(open || app.socketActivation
          ? FINDINGS.neverHealthy(app.healthCheckPath, budget, lastLine(a.log), app.socketActivation)
          : FINDINGS.portIgnored(a.port));
      }
      return finish();
    }
    boot = Math.max(...(boots as number[]));
    if (boot > settings.readinessBudgetSeconds) {
      findings.push(FINDINGS.bootSlow(boot, settings.readinessBudgetSeconds));
    }
    const address = nonLoopbackAddress();
    if (!app.socketActivation && address !== undefined && !(await accepts(address, a.port))) {
      findings.push(FINDINGS.loopbackOnly(a.port, address));
    }

    // The idle connection (the load balancer's to server b) runs beside everything until scale-in, which stops b.
    const idle: Promise<IdleConnectionResult> | undefined = wanted.has('idle-connection')
      ? idleConnection(b.port, app.healthCheckPath, settings.idleTimeoutSeconds)
      : undefined;
    alb = new LoadBalancerStandIn(settings, app.healthCheckPath);
    const albPort = await alb.listen();
    alb.register(a.instanceId, a.port);
    alb.register(b.instanceId, b.port);
    if (['steady', 'crash', 'release', 'scale-in'].some(name => wanted.has(name as ScenarioName))) {
      await waitHealthy(alb, [a, b], settings);
    }

    const scenario = async (name: ScenarioName, description: string, zeroTarget: boolean, seconds: number, during?: () => Promise<void>) => {
      log(`${name}: ${description}`);
      const started = Date.now();
      const first = alb!.requests.length;
      const results = await clientLoad(albPort, pages, rate, seconds, during);
      const forwarded = alb!.requests.slice(first);
      const result = summarize(name, description, zeroTarget, results, forwarded.map(r => r.cause), started,
        name === 'crash' ? forwarded.filter(r => r.cause === IN_FLIGHT_RESET).length : 0);
      scenarios.push(result);
      return result;
    };

    if (wanted.has('steady')) {
      const steady = await scenario('steady', `${rate} requests a second for 5 s over two servers`, true, 5);
      const healthy = await booted(a) !== undefined;
      const bad = Object.entries(steady.statuses).filter(([status]) => Number(status) >= 500);
      if (healthy && steady.failed === steady.requests && steady.requests > 0) {
        findings.push(FINDINGS.healthHidesFailures(app.healthCheckPath, pages.join(', '), bad.map(([s, n]) => `${s} x${n}`).join(', ')));
      }
    }
    if (wanted.has('crash')) {
      // The requests a crashed process had in flight are lost on any server; what the tier promises is that no
      // request after the crash fails (with socket activation the kernel queues them until the restart).
      await scenario('crash', 'server a is killed (SIGKILL) and restarted by its unit after RestartSec', app.socketActivation, 4, async () => {
        await sleep(1_000);
        await a.crash();
        await waitUntil('server a to restart', 20_000, () => a.running);
        await booted(a);
      });
    }
    if (wanted.has('release')) {
      await scenario('release', 'a new server beside a, healthy, then a deregistered, drained and stopped (SIGTERM)', true, 2, async () => {
        const c = await newUnit('c', 'rehearsal-1a');
        await booted(c);
        alb!.register(c.instanceId, c.port);
        await waitHealthy(alb!, [c], settings);
        await alb!.deregister(a.instanceId);
        await a.stop();
        await sleep(1_000);
      });
    }
    if (wanted.has('sigterm')) {
      log('sigterm: a request whose body is still arriving when SIGTERM lands, straight to a server of its own');
      const d = await newUnit('d', 'rehearsal-1c');
      await booted(d);
      let stopping: Promise<void> | undefined;
      const started = Date.now();
      const result = await requestThroughSigterm(d.port, pages[0], () => { stopping = d.stop(); });
      await stopping;
      // Any answer of the application's own counts (a POST may well be 404 or 501): what fails is no answer at all.
      const ok = result.status !== undefined;
      scenarios.push({
        name: 'sigterm',
        description: 'a request in flight through SIGTERM',
        requests: 1,
        failed: ok ? 0 : 1,
        statuses: { [String(result.status ?? 0)]: 1 },
        zeroTarget: true,
        seconds: (Date.now() - started) / 1000,
        causes: result.failure ? [result.failure] : [],
      });
      if (result.failure) {
        findings.push(FINDINGS.sigterm(result.failure));
      }
      if (d.lastStop?.killed) {
        findings.push(FINDINGS.stopNeedsSigkill(WebServerUnit.STOP_TIMEOUT_SECONDS));
      }
    }
    if (idle) {
      const started = Date.now();
      const result = await idle;
      const ok = result.secondStatus !== undefined && result.secondStatus < 500;
      scenarios.push({
        name: 'idle-connection',
        description: `a request on a connection left idle for ${settings.idleTimeoutSeconds - 1} s`,
        requests: 2,
        failed: ok ? 0 : 1,
        statuses: countStatuses([{ status: 200 }, { status: result.secondStatus ?? 0 }]),
        zeroTarget: true,
        seconds: (Date.now() - started) / 1000,
        causes: result.failure ? [result.failure] : [],
      });
      if (result.closedAfterSeconds !== undefined) {
        findings.push(FINDINGS.keepAlive(result.closedAfterSeconds, settings.idleTimeoutSeconds));
      }
    }
    if (wanted.has('scale-in')) {
      const last = units.find(u => u.running && alb!.state(u.instanceId) === 'healthy' && u !== b);
      if (last) {
        await scenario('scale-in', 'server b deregistered, drained and stopped (SIGTERM)', true, 2, async () => {
          await alb!.deregister(b.instanceId);
          await b.stop();
          await sleep(1_000);
        });
      }
    }
    const crash = scenarios.find(s => s.name === 'crash');
    if (crash && !app.socketActivation && crash.failed > 0) {
      findings.push(FINDINGS.restartRefuses(crash.failed));
    }
    const explained = new Set<ScenarioName>(['sigterm', 'idle-connection']);
    if (findings.some(f => f.id === 'health-page-hides-failures')) {
      explained.add('steady');
    }
    for (const s of scenarios) {
      if (s.zeroTarget && s.failed > 0 && !explained.has(s.name)) {
        findings.push(FINDINGS.requestsFailed(s.name, s.failed, [...new Set(s.causes)].join('; ')));
      }
    }
    return finish();
  } finally {
    await Promise.all(units.map(u => u.stop(5)));
    await alb?.close();
    redis?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  /** In the sandbox writes into the folder fail instead: the lines of the application's output that say so. */
  function refusedWrites(): string[] {
    return units.map(u => u.log.split('\n').find(line => line.includes(folder ?? '\0') && READ_ONLY.test(line)))
      .filter((line): line is string => line !== undefined);
  }

  function finish(): RehearsalReport {
    const written = folder && before ? folderChanges(before, folderSnapshot(folder)) : [];
    const refused = refusedWrites();
    if (written.length > 0 || refused.length > 0) {
      findings.push(FINDINGS.writesOwnFolder(written.length > 0 ? written : [refused[0].trim().slice(0, 200)]));
    }
    const missed = scenarios.some(s => s.zeroTarget && s.failed > 0);
    const error = findings.some(f => f.severity === 'error');
    return {
      application: app.name,
      date: new Date().toISOString(),
      machine: `${os.hostname()}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}, Node.js ${process.version}`,
      redis: redis?.description ?? 'not started',
      sandbox: canSandbox()
        ? 'an unprivileged user (nobody) in a read-only copy of the folder, as the unit'
        : 'none (not root): what the application writes into its folder is reported instead',
      bootSeconds: boot,
      scenarios,
      findings,
      exitCode: missed || error ? 1 : 0,
    };
  }
}

/** What a write refused by the read-only folder prints (Node.js, Python, the shell). */
const READ_ONLY = /EACCES|EROFS|EPERM|[Pp]ermission denied|[Rr]ead-only file system/;

/** Waits until the stand-in reports each of `units` healthy: at most `healthyThreshold x interval` and a margin. */
async function waitHealthy(alb: LoadBalancerStandIn, units: WebServerUnit[], s: RehearsalTarget['settings']): Promise<void> {
  const ms = (s.healthyThreshold * s.healthCheckIntervalSeconds + s.healthCheckTimeoutSeconds + 5) * 1000;
  await waitUntil(`${units.map(u => u.instanceId).join(', ')} healthy in the target group`, ms,
    () => units.every(u => alb.state(u.instanceId) === 'healthy'));
}

/** `lostInFlight`: failed requests the server had in flight when it was killed, reported apart from `failed`. */
function summarize(name: ScenarioName, description: string, zeroTarget: boolean, results: ClientResult[],
  causes: Array<string | undefined>, started: number, lostInFlight = 0): ScenarioResult {
  const statuses = countStatuses(results);
  const clientErrors = results.filter(r => r.error).map(r => `no answer: ${r.error}`);
  return {
    name,
    description,
    zeroTarget,
    statuses,
    requests: results.length,
    failed: results.filter(failed).length - lostInFlight,
    lostInFlight,
    seconds: (Date.now() - started) / 1000,
    causes: [...causes.filter((c): c is string => c !== undefined), ...clientErrors],
  };
}

/** How many answers of each status (0: no answer). */
function countStatuses(results: Array<{ status: number }>): Record<string, number> {
  const statuses: Record<string, number> = {};
  for (const r of results) {
    statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  }
  return statuses;
}

function lastLine(log: string): string {
  return log.trim().split('\n').slice(-3).join(' | ').slice(0, 300);
}
