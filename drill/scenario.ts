/**
 * One scenario of the drill, on its own Redis, HAProxy and web servers, all on 127.0.0.1.
 */
import * as crypto from 'crypto';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { analyzeScenario, DrillInstance, inRotation, ScenarioKind, ScenarioResult } from './analysis';
import { SynthesizedExample } from './example-template';
import { startHaproxy } from './haproxy';
import { haproxyConfig } from './haproxy-config';
import { LoadGenerator, RequestRecord } from './load-generator';
import { ServerStateWatcher } from './server-state-watcher';
import { WebServerSupervisor } from './web-server-supervisor';
import { Cleanup, freePort, LOOPBACK, readCounter, startRedis, tempDir, webConfig, writeConfig } from '../tools/local-servers';

export interface ScenarioOptions {
  readonly kind: ScenarioKind;
  readonly example: SynthesizedExample;
  /** Requests per second through the balancer. */
  readonly ratePerSecond: number;
  /** Steady load before the kill, in seconds. */
  readonly warmupSeconds: number;
  /** Instance loss: seconds from the kill until the replacement is launched. */
  readonly replacementDelaySeconds: number;
  /** The supervisor's `RestartSec`. */
  readonly restartSeconds: number;
  /** Load after the last event, in seconds. */
  readonly tailSeconds: number;
  /** Seconds between two progress lines. */
  readonly progressEverySeconds: number;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Everything the scenario starts is also stopped with this registry (e.g. on Ctrl-C). */
  readonly registry: Cleanup;
}

/** How often the admin socket is polled, in milliseconds: the precision of the UP/DOWN times. */
export const STATE_POLL_MS = 50;

/** An instance id shaped like EC2's (`i-` and 17 hex digits). */
export function newInstanceId(): string {
  return `i-0${crypto.randomBytes(8).toString('hex')}`;
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const registry = new Cleanup();
  o.registry.add(() => registry.run());
  const origin = performance.now();
  const now = () => performance.now() - origin;
  const startedAt = new Date().toISOString();
  const hc = o.example.healthCheck;
  let loadStart: number | undefined;
  const stamp = () => (loadStart === undefined ? '   setup' : `${((now() - loadStart) / 1000).toFixed(1).padStart(7)}s`);
  const log = (msg: string) => o.log(`[${o.example.preset} ${o.kind} ${stamp()}] ${msg}`);
  const pids: number[] = [];
  const supervisors: WebServerSupervisor[] = [];
  let progress: NodeJS.Timeout | undefined;

  try {
    const dir = tempDir('drill', registry);
    const redis = await startRedis({ registry });
    pids.push(redis.proc.child.pid!);
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await freePort());
    const [portA, portB, portC, frontendPort] = [...ports];

    const instance = (name: string, port: number) => {
      const instanceId = newInstanceId();
      const configFile = path.join(dir, `webtier-${name}.conf`);
      writeConfig(configFile, webConfig(instanceId, port, redis));
      const s = new WebServerSupervisor({
        name,
        instanceId,
        configFile,
        port,
        registry,
        now,
        restartSeconds: o.restartSeconds,
        healthCheckPath: hc.path,
        onEvent: (e) => {
          if (loadStart !== undefined) log(`${e.instance}: ${e.type}${e.pid ? ` (pid ${e.pid})` : ''}${e.detail ? ` ${e.detail}` : ''}`);
        },
      });
      supervisors.push(s);
      return s;
    };
    const a = instance('a', portA);
    const b = instance('b', portB);
    await Promise.all([a.start(10_000), b.start(10_000)]);

    const adminSocket = path.join(dir, 'admin.sock');
    const config = haproxyConfig({
      healthCheck: hc,
      frontend: { host: LOOPBACK, port: frontendPort },
      adminSocket,
      targets: [
        { name: 'a', host: LOOPBACK, port: portA },
        { name: 'b', host: LOOPBACK, port: portB },
        // The slot the Auto Scaling group's replacement instance registers into (instance loss).
        { name: 'c', host: LOOPBACK, port: portC, standby: true },
      ],
    });
    const haproxy = await startHaproxy({ config, dir, frontendPort, adminSocket, backend: 'targets', registry });
    pids.push(haproxy.proc.child.pid!);
    // Both targets have been healthy for a long time: a dead one needs UnhealthyThresholdCount failed checks.
    await haproxy.markFullyHealthy('a');
    await haproxy.markFullyHealthy('b');

    // Upper bound of the whole scenario, to bound every loop in it.
    const interval = hc.intervalSeconds;
    const afterKill = o.kind === 'crash'
      ? o.example.failoverWindowSeconds + o.example.healthyAfterSeconds + interval + 10
      : o.replacementDelaySeconds + o.example.healthyAfterSeconds + interval + 10;
    const budgetMs = (o.warmupSeconds + interval + afterKill + o.tailSeconds + 5) * 1000;

    const watcher = new ServerStateWatcher({
      haproxy,
      now,
      everyMs: STATE_POLL_MS,
      maxDurationMs: budgetMs + 10_000,
      onTransition: (t) => log(`HAProxy: ${t.server} ${t.from} -> ${t.to}${t.checkStatus ? ` (${t.checkStatus})` : ''}`),
    });
    await watcher.start();
    registry.add(() => watcher.stop());
    if (watcher.status('a') !== 'UP' || watcher.status('b') !== 'UP') {
      throw new Error(`targets not UP after start: ${JSON.stringify(watcher.snapshot())}`);
    }

    const counterBefore = await readCounter(redis);
    let killMs: number | undefined;
    const firstOkAfterKill = new Map<string, RequestRecord>();
    const load = new LoadGenerator({
      url: `${haproxy.url}/cgi-bin/hello.py`,
      ratePerSecond: o.ratePerSecond,
      maxDurationMs: budgetMs,
      maxRequests: Math.ceil(o.ratePerSecond * budgetMs / 1000),
      now,
      onRecord: (r) => {
        if (killMs !== undefined && r.sentAt > killMs && r.outcome === 200 && r.instanceId && !firstOkAfterKill.has(r.instanceId)) {
          firstOkAfterKill.set(r.instanceId, r);
          const who = supervisors.find((s) => s.instanceId === r.instanceId);
          if (who && who !== b) log(`first request served by ${who.name} (${who.instanceId}) since the kill`);
        }
      },
    });
    registry.add(() => load.stop());
    log(`redis :${redis.port}, haproxy :${frontendPort} (admin ${adminSocket}), a ${a.instanceId} :${portA}, b ${b.instanceId} :${portB}`);
    loadStart = now();
    load.start();
    log(`load: ${o.ratePerSecond} requests/s of GET /cgi-bin/hello.py through HAProxy`);

    const status = () => {
      const done = load.records;
      const failed = done.filter((r) => r.outcome !== 200);
      const by = new Map<string, number>();
      for (const r of failed) by.set(String(r.outcome), (by.get(String(r.outcome)) ?? 0) + 1);
      const states = Object.entries(watcher.snapshot()).map(([k, v]) => `${k} ${v}`).join(', ');
      return `sent ${load.requestsSent}, ok ${done.length - failed.length}, failed ${failed.length}` +
        `${by.size ? ` (${[...by].map(([k, v]) => `${k} x${v}`).join(', ')})` : ''} | ${states}`;
    };
    progress = setInterval(() => log(status()), o.progressEverySeconds * 1000);

    // The health checks run on their own schedule, which knows nothing of the kill: kill at a random point of it.
    const killPhaseSeconds = Math.random() * interval;
    await sleep((o.warmupSeconds + killPhaseSeconds) * 1000, o.signal);

    // Kill at a quiet instant (no request in flight), so that no request dies between Redis INCR and its answer:
    // then the counter must equal the number of 200s exactly. At 20 requests/s of ~5 ms each this takes a few ms.
    for (let i = 0; i < 200 && load.inFlight > 0; i++) await sleep(2, o.signal);
    if (o.kind === 'instance-loss') a.stopRestarting();
    const inFlightAtKill = load.inFlight;
    const killedPid = a.kill9();
    killMs = now();
    log(`kill -9 ${killedPid} (a, ${a.instanceId}): ${o.kind === 'crash'
      ? `its supervisor restarts it after ${o.restartSeconds} s (Restart=always, RestartSec=${o.restartSeconds})`
      : 'the instance is gone, nothing restarts it'}`);

    let replacementRegisteredMs: number | undefined;
    let c: WebServerSupervisor | undefined;
    if (o.kind === 'crash') {
      // Watch for a full failover window (plus a second) whether the balancer takes a out; if it did, until a is back.
      const observeUntil = killMs + (o.example.failoverWindowSeconds + 1) * 1000;
      await until(() => firstOkAfterKill.has(a.instanceId) && now() >= observeUntil && watcher.status('a') === 'UP',
        killMs + afterKill * 1000, now, o.signal);
    } else {
      await until(() => false, killMs + o.replacementDelaySeconds * 1000, now, o.signal);
      if (inRotation(watcher.status('a'))) log(`a is still in rotation ${o.replacementDelaySeconds} s after the kill`);
      // The Auto Scaling group terminates the unhealthy instance (the target group deregisters it) and launches a new
      // one, which the target group gets as a new target: it receives traffic once it has passed HealthyThresholdCount
      // checks. It is registered once its web server answers, so that the time to join is the health checks' alone.
      await haproxy.deregister('a');
      c = instance('c', portC);
      await c.start(10_000);
      await haproxy.register('c');
      replacementRegisteredMs = now();
      log(`ASG: a terminated and deregistered; replacement c (${c.instanceId}) launched, registered`);
      await until(() => firstOkAfterKill.has(c!.instanceId) && watcher.status('c') === 'UP',
        replacementRegisteredMs + (o.example.healthyAfterSeconds + interval + 10) * 1000, now, o.signal);
    }
    await sleep(o.tailSeconds * 1000, o.signal);
    clearInterval(progress);
    await load.stop();
    const endMs = now();
    await watcher.stop();
    log(status());
    const redisCounterDelta = (await readCounter(redis)) - counterBefore;

    const instances: DrillInstance[] = [
      { name: 'a', instanceId: a.instanceId, role: 'killed' },
      { name: 'b', instanceId: b.instanceId, role: 'survivor' },
      ...(c ? [{ name: 'c', instanceId: c.instanceId, role: 'replacement' as const }] : []),
    ];
    await registry.run();
    for (const s of supervisors) pids.push(...s.pids);
    const leftoverPids = pids.filter(alive);
    return analyzeScenario({
      kind: o.kind,
      preset: o.example.preset,
      startedAt,
      healthCheck: hc,
      failoverWindowSeconds: o.example.failoverWindowSeconds,
      healthyAfterSeconds: o.example.healthyAfterSeconds,
      restartSeconds: o.restartSeconds,
      ratePerSecond: o.ratePerSecond,
      replacementDelaySeconds: o.kind === 'instance-loss' ? o.replacementDelaySeconds : undefined,
      instances,
      loadStartMs: loadStart,
      endMs,
      killMs,
      killedPid,
      inFlightAtKill,
      killedHealthChecks: a.healthChecks,
      replacementRegisteredMs,
      records: load.records,
      transitions: watcher.transitions,
      supervisorEvents: supervisors.flatMap((s) => s.events),
      redisCounterDelta,
      pids,
      leftoverPids,
      statePollMs: STATE_POLL_MS,
      haproxyConfig: config,
    });
  } finally {
    clearInterval(progress);
    await registry.run();
  }
}

/** Whether a process still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** setTimeout as a promise that rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error(`aborted: ${String(signal.reason)}`));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error(`aborted: ${String(signal?.reason)}`));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls `condition` every 50 ms until it holds or the clock passes `deadlineMs`; returns whether it held. */
export async function until(condition: () => boolean, deadlineMs: number, now: () => number, signal?: AbortSignal): Promise<boolean> {
  while (now() < deadlineMs) {
    if (condition()) return true;
    await sleep(Math.min(50, deadlineMs - now()), signal);
  }
  return condition();
}
