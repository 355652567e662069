import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rehearsalDeadlines, withinDeadline } from './deadlines';
import { Finding, FINDINGS } from './findings';
import { releaseChecksFinding, ReleaseChecksRun, runReleaseChecks } from './release-checks-rehearsal';
import { scenarioFindings } from './scenario-findings';
import { SCENARIOS, ScenarioName, ScenarioResult } from './scenario-record';
import * as runs from './scenario-runs';
import { ScenarioContext } from './scenario-runs';
import { serverKind } from './server-kind';
import { accepts, answerHeaders, bootSeconds, nonLoopbackAddress } from './server-probes';
import { freePort } from '../local/loopback';
import { folderChanges, folderSnapshot, prepareApplicationFolder } from '../stand-ins/ec2/application-folder';
import { LocalRedis, startLocalRedis } from '../stand-ins/elasticache/redis-server';
import { LoadBalancerStandIn } from '../stand-ins/load-balancing/load-balancer';
import { RehearsalTarget } from '../stand-ins/synthesized-tier/fleet-settings';
import { canSandbox, WebServerUnit } from '../stand-ins/systemd/service';
import { describeReleaseDuration } from '../web-fleet/release-duration';

export { SCENARIOS } from './scenario-record';
export type { ScenarioName, ScenarioResult } from './scenario-record';

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
  /** The deadlines the rehearsal kept (seconds): a scenario's own work, the whole run. */
  readonly deadlines?: { readonly scenarioSeconds: number; readonly runSeconds: number };
  /** Facts worth knowing that are no flaw (a server that closes every connection: no keep-alive race, a connection per request). */
  readonly notes?: string[];
  readonly date: string;
  readonly machine: string;
  readonly redis: string;
  readonly sandbox: string;
  readonly bootSeconds?: number;
  /** The tier's release checks against a booted server, when it has some. */
  readonly releaseChecks?: ReleaseChecksRun;
  /** How long a release takes with the synthesized settings (`describeReleaseDuration`), when the template is known. */
  readonly releaseDuration?: string;
  readonly scenarios: ScenarioResult[];
  readonly findings: Finding[];
  /** 0 clean, 1 a scenario missed its target or a finding is an error. */
  readonly exitCode: 0 | 1;
}

/**
 * Rehearses one tier's application on this machine: web servers behind load balancer stand-ins, against a real
 * `redis-server`, through each scenario (those that share no server at the same time: see scenario-runs.ts); then
 * what the application did wrong, with the fixes.
 */
export async function rehearse(target: RehearsalTarget, options: RehearsalOptions = {}): Promise<RehearsalReport> {
  const { application: app, settings } = target;
  const wanted = new Set(options.scenarios ?? SCENARIOS);
  const pages = options.pages ?? app.pages ?? ['/'];
  const rate = options.rate ?? 20;
  const log = options.log ?? (() => undefined);
  const deadlines = rehearsalDeadlines(settings);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-rehearsal-'));
  fs.chmodSync(workDir, 0o755);
  const findings: Finding[] = [];
  const notes: string[] = [];
  const scenarios: ScenarioResult[] = [];
  const units: WebServerUnit[] = [];
  let redis: LocalRedis | undefined;
  const redises: LocalRedis[] = [];
  const albs: LoadBalancerStandIn[] = [];
  let boot: number | undefined;
  let checked: ReleaseChecksRun | undefined;
  let folder: string | undefined;
  let before: Map<string, string> | undefined;
  let kind = serverKind(app.startCommand);
  /** Set once the rehearsal is over (or past its deadline): nothing starts after it. */
  let closed = false;
  const open = () => {
    if (closed) {
      throw new Error('the rehearsal is over: nothing more is started');
    }
  };
  log(`deadlines: each scenario ${deadlines.scenarioSeconds} s, the whole rehearsal ${deadlines.runSeconds} s ` +
    `(a server's boot ${deadlines.bootSeconds} s)`);
  try {
    const done = await withinDeadline(deadlines.runSeconds, run());
    if (done === undefined) {
      log(`the rehearsal did not finish within its deadline of ${deadlines.runSeconds} s: stopping everything it started`);
      findings.push(FINDINGS.overDeadline('the rehearsal', deadlines.runSeconds));
    }
    return finish();
  } finally {
    closed = true;
    await Promise.all(units.map(u => u.stop(5)));
    await Promise.all(albs.map(alb => alb.close()));
    redises.forEach(r => r.stop());
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  async function run(): Promise<void> {
    // A redis-server in a folder of its own, whose CA the application's user can read.
    const newRedis = async () => {
      open();
      const redisDir = path.join(workDir, `redis-${redises.length}`);
      fs.mkdirSync(redisDir, { mode: 0o755 });
      const started = await startLocalRedis(redisDir);
      redises.push(started);
      if (closed) {
        started.stop();
      }
      for (const file of fs.readdirSync(redisDir)) {
        fs.chmodSync(path.join(redisDir, file), file.endsWith('.key') ? 0o600 : 0o644);
      }
      return started;
    };
    if (app.usesRedis ?? true) {
      redis = await newRedis();
      log(`Redis: a local redis-server for the tier's cache (${redis.description}); REDIS_* name it`);
    } else {
      log('Redis: none (the application does not use the tier\'s cache: give --redis if it does); REDIS_* are not set');
    }
    folder = prepareApplicationFolder(app.directory, path.join(workDir, 'app'));
    before = folderSnapshot(folder);
    const budget = deadlines.bootSeconds;
    const newUnit = async (name: string, zone: string, own?: LocalRedis) => {
      const port = await freePort();
      open();
      const unit = new WebServerUnit(app, folder!, `i-rehearsal-${name}`, zone, port, own ?? redis, workDir);
      units.push(unit);
      await unit.start();
      if (closed) {
        await unit.stop(5);
      }
      return unit;
    };
    // A slow boot is measured past the budget (and reported as slow); one that never answers is given up on, and one
    // whose start command exits is given up on at once.
    const booted = async (unit: WebServerUnit) => {
      const exits = unit.exits.length;
      return bootSeconds(unit.port, app.healthCheckPath, settings.healthyHttpCodes, unit.startTime, budget * 1000, () => unit.exits.length > exits);
    };

    log(`starting two web servers of ${app.name} (boot deadline ${budget} s)`);
    const [a, b] = [await newUnit('a', 'rehearsal-1a'), await newUnit('b', 'rehearsal-1b')];
    const boots = await Promise.all([booted(a), booted(b)]);
    if (boots.some(s => s === undefined)) {
      // A write refused by the read-only folder is the cause when there is one (finish() reports it), exited or not.
      if (refusedWrites().length > 0) {
        return;
      }
      const exited = [a, b].find(u => u.exits.length > 0);
      if (exited) {
        const { code, signal } = exited.exits[0];
        const finding = FINDINGS.startCommandExited(signal ? `killed by ${signal}` : `exit code ${code}`, lastLines(exited.log, 10));
        log(`${finding.id}: ${finding.message}`);
        findings.push(finding);
      } else {
        const listening = await accepts('127.0.0.1', a.port);
        findings.push(listening || app.socketActivation
          ? FINDINGS.neverHealthy(app.healthCheckPath, budget, lastLines(a.log, 3).split('\n').join(' | ').slice(0, 300), app.socketActivation)
          : FINDINGS.portIgnored(a.port, kind));
      }
      return;
    }
    boot = Math.max(...(boots as number[]));
    if (boot > settings.readinessBudgetSeconds) {
      findings.push(FINDINGS.bootSlow(boot, settings.readinessBudgetSeconds));
    }
    checked = await runReleaseChecks(app.releaseChecks ?? '', a.port);
    const failedCheck = releaseChecksFinding(checked);
    if (failedCheck) {
      findings.push(failedCheck);
    }
    kind = serverKind(app.startCommand, await answerHeaders(a.port, app.healthCheckPath));
    const address = nonLoopbackAddress();
    if (!app.socketActivation && address !== undefined && !(await accepts(address, a.port))) {
      findings.push(FINDINGS.loopbackOnly(a.port, address, kind));
    }

    // The groups of scenarios that share no server run at once (see scenario-runs.ts); the idle connection is the
    // load balancer's to server b, whose scale-in waits for it.
    const ctx: ScenarioContext = {
      app,
      settings,
      pages,
      rate,
      log,
      redis,
      scenarioSeconds: deadlines.scenarioSeconds,
      newRedis,
      units,
      newUnit,
      booted,
      standIn: () => {
        const alb = new LoadBalancerStandIn(settings, app.healthCheckPath);
        albs.push(alb);
        return alb;
      },
    };
    const idle = wanted.has('idle-connection') ? runs.idle(ctx, b) : undefined;
    const [main, released, stopped, idled] = await settled([
      runs.steadyCrashScaleIn(ctx, a, b, wanted, idle ?? Promise.resolve()),
      wanted.has('release') ? runs.release(ctx) : undefined,
      wanted.has('sigterm') ? runs.sigterm(ctx) : undefined,
      idle,
    ]);
    scenarios.push(...main.results);
    if (released) {
      scenarios.push(released);
    }
    const steady = main.steady;
    if (steady?.healthPagePassed && Object.keys(steady.applicationErrors).length > 0) {
      findings.push(FINDINGS.healthHidesFailures(app.healthCheckPath, pages.join(', '),
        Object.entries(steady.applicationErrors).map(([s, n]) => `${s} x${n}`).join(', ')));
    }
    if (stopped) {
      scenarios.push(stopped.result);
      if (stopped.probe.inFlight && stopped.probe.failure) {
        findings.push(FINDINGS.sigterm(stopped.probe.failure, kind));
      }
      if (stopped.killed) {
        findings.push(FINDINGS.stopNeedsSigkill(WebServerUnit.STOP_TIMEOUT_SECONDS, kind));
      }
    }
    if (idled) {
      scenarios.push(idled.result);
      if (idled.probe.connectionClose) {
        notes.push('every answer says Connection: close: the load balancer never reuses a connection to this server, so it ' +
          'cannot race the idle timeout (no keep-alive finding); the cost is a new connection per request');
      } else if (idled.probe.closedAfterSeconds !== undefined) {
        findings.push(FINDINGS.keepAlive(idled.probe.closedAfterSeconds, settings.idleTimeoutSeconds, kind));
      }
    }
    scenarios.sort((x, y) => SCENARIOS.indexOf(x.name) - SCENARIOS.indexOf(y.name));
    findings.push(...scenarioFindings(scenarios, findings, app.socketActivation, kind));
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
      deadlines: { scenarioSeconds: deadlines.scenarioSeconds, runSeconds: deadlines.runSeconds },
      notes: [...notes],
      date: new Date().toISOString(),
      machine: `${os.hostname()}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}, Node.js ${process.version}`,
      redis: redis?.description ?? 'none (the application does not use the tier\'s cache)',
      sandbox: canSandbox()
        ? 'an unprivileged user (nobody) in a read-only copy of the folder, as the unit'
        : 'none (not root): what the application writes into its folder is reported instead',
      bootSeconds: boot,
      releaseChecks: checked,
      releaseDuration: target.releaseDuration && describeReleaseDuration(target.releaseDuration),
      // Copies: work stopped at the deadline may still finish in the background; the report is what was done by then.
      scenarios: [...scenarios],
      findings: [...findings],
      exitCode: missed || error ? 1 : 0,
    };
  }
}

/** What a write refused by the read-only folder prints (Node.js, Python, the shell). */
const READ_ONLY = /EACCES|EROFS|EPERM|[Pp]ermission denied|[Rr]ead-only file system/;

/** Waits for every promise (undefined stands for a group not run), then rethrows the first failure. */
async function settled<T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const outcomes = await Promise.allSettled(promises);
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) {
    throw failure.reason;
  }
  return outcomes.map(o => (o as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/** The last `n` lines of an output, each cut at 200 characters. */
function lastLines(log: string, n: number): string {
  return log.trim().split('\n').slice(-n).map(line => line.slice(0, 200)).join('\n');
}
