import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeDrill } from './describe-drill';
import { DrillResult, runDrill, SHORT_SCENARIOS, SHORT_TIME_SCALE } from '../../drill/drill';
import { RELEASE_KINDS, ReleaseKind, SCENARIO_TITLES, ScenarioKind } from '../../drill/report/analysis';
import { missedTargets, writeResults } from '../../drill/report/report';
import { escapeXml } from '../../drill/report/timeline-svg';
import { AzLossVariant, missedAzLossTargets } from '../../drill/scenarios/az-loss';
import { synthesizeExample } from '../../drill/synthesized-example';
import { alive } from '../../src/local/process-identity';

describeDrill('the drill, short mode (fast preset: crash, deploy, scale-in, Redis failover, instance loss, the releases)', () => {
  let result: DrillResult;
  const log: string[] = [];

  beforeAll(async () => {
    result = await runDrill({ short: true, log: (line) => log.push(line) });
  }, 600_000);

  const scenario = (kind: ScenarioKind) => {
    const s = result.presets[0].scenarios.find((x) => x.kind === kind);
    if (!s) throw new Error(`no ${kind} scenario; log:\n${log.join('\n')}`);
    return s;
  };
  /** The time of a rollout mark, in seconds of load. */
  const markAt = (kind: ScenarioKind, mark: string) => scenario(kind).marks.find((m) => m.kind === mark)!.t;

  test('runs the fast preset only, with every scenario', () => {
    expect(result.presets.map((p) => p.preset)).toEqual(['fast']);
    expect(result.presets[0].scenarios.map((s) => s.kind)).toEqual(['crash', 'deploy', 'scale-in', 'redis-failover', 'instance-loss', ...RELEASE_KINDS]);
  });

  test('the load balancer stand-in ran with the synthesized load balancer\'s and target group\'s settings', () => {
    expect(scenario('crash').loadBalancer).toEqual(synthesizeExample('fast').fleet.settings);
  });

  test('process crash: no request fails beyond the ones in flight at the kill (the socket outlives the process)', () => {
    const s = scenario('crash');
    expect(s.requests.failed).toBeLessThanOrEqual(Math.max(1, s.redis.inFlightAtKill));
  });

  test('process crash: the unit restarts the server after RestartSec, and it serves again', () => {
    const s = scenario('crash');
    const listening = s.measured.killToListeningSeconds!;
    expect(listening).toBeGreaterThanOrEqual(s.predicted.restartSeconds);
    expect(listening).toBeLessThan(s.predicted.restartSeconds + 3);
    expect(s.measured.killToFirstServedSeconds!).toBeLessThan(listening + 1);
  });

  test('process crash: the target group never reports the restarting server unhealthy (its checks wait in the socket\'s queue)', () => {
    expect(scenario('crash').measured.killToOutOfRotationSeconds).toBeNull();
  });

  test('deploy: no request fails', () => {
    expect(scenario('deploy').requests.failed).toBe(0);
  });

  test('deploy: each new server is ready when the real signal-ready.sh signals SUCCESS from the target group\'s report', () => {
    expect(scenario('deploy').rollout!.signals.map((x) => [x.instance, x.status])).toEqual([['c', 'SUCCESS'], ['d', 'SUCCESS']]);
  });

  test('deploy: the old servers leave only after the new ones signalled, so at least 2 serve at every moment', () => {
    const s = scenario('deploy');
    expect(markAt('deploy', 'ready')).toBeLessThan(markAt('deploy', 'deregister'));
    expect(s.rollout!.minInRotation).toBeGreaterThanOrEqual(2);
    expect(s.requests.servedBy.c).toBeGreaterThan(0);
    expect(s.requests.servedBy.d).toBeGreaterThan(0);
  });

  test('deploy: a slow request (>= 2 s) in flight when the old servers are deregistered completes with 200', () => {
    const slow = scenario('deploy').rollout!.slowRequest!;
    expect(slow.outcome).toBe(200);
    expect(slow.doneSeconds - slow.sentSeconds).toBeGreaterThanOrEqual(2);
    expect(slow.sentSeconds).toBeLessThan(markAt('deploy', 'deregister'));
    expect(slow.doneSeconds).toBeGreaterThan(markAt('deploy', 'deregister'));
  });

  test('deploy: the old servers are stopped only once their requests finished, before the deregistration delay ran out', () => {
    const s = scenario('deploy');
    expect(s.rollout!.inFlightWhenStopped).toBe(0);
    expect(markAt('deploy', 'stopped')).toBeGreaterThanOrEqual(s.rollout!.slowRequest!.doneSeconds - 0.1);
  });

  test('scale-in: no request fails, and the slow request to the removed server completes', () => {
    const s = scenario('scale-in');
    expect(s.requests.failed).toBe(0);
    expect(s.rollout!.slowRequest!.outcome).toBe(200);
    expect(s.rollout!.minInRotation).toBe(2);
  });

  test('Redis failover: no request fails through the promotion and the endpoint switch, and no visit is lost', () => {
    const s = scenario('redis-failover');
    expect(s.redisFailover).not.toBeNull();
    expect(s.requests.sent).toBeGreaterThan(100);
    expect(s.requests.failed).toBe(0);
    expect(s.redisFailover!.countedButFailed).toBe(0);
    expect(s.redis.matches).toBe(true);
  });

  test('instance loss: the balancer takes the dead instance out within the window failoverWindow predicts', () => {
    const s = scenario('instance-loss');
    const hc = s.healthCheck;
    const detected = s.measured.killToOutOfRotationSeconds;
    // After the kill, the first check fails at some phase p in (0, interval]: unhealthy comes at p + (fall - 1) x interval.
    // failoverWindow = fall x interval + timeout is the construct's worst case. Slack: 0.25 s below for timer and
    // kill granularity; 1 s above for event-loop and check-scheduling delays.
    expect(detected).not.toBeNull();
    expect(detected!).toBeGreaterThanOrEqual((hc.unhealthyThreshold - 1) * hc.intervalSeconds - 0.25);
    expect(detected!).toBeLessThanOrEqual(s.predicted.failoverWindowSeconds + 1);
  });

  test('instance loss: the detection time matches the phase of the last check the dead server answered', () => {
    const s = scenario('instance-loss');
    expect(s.measured.expectedDetectionSeconds).not.toBeNull();
    expect(Math.abs(s.measured.killToOutOfRotationSeconds! - s.measured.expectedDetectionSeconds!)).toBeLessThanOrEqual(0.5);
  });

  test('instance loss: requests fail (502) only until the balancer takes the dead instance out', () => {
    const s = scenario('instance-loss');
    expect(s.requests.failed).toBeGreaterThan(0);
    expect(Object.keys(s.requests.failedBy)).toEqual(['502']);
    expect(s.requests.failedAfterOutOfRotation).toBe(0);
  });

  test('instance loss: the replacement serves after about healthyThreshold x interval', () => {
    const s = scenario('instance-loss');
    const hc = s.healthCheck;
    const joined = s.measured.registeredToFirstServedSeconds;
    expect(joined).not.toBeNull();
    expect(joined!).toBeGreaterThanOrEqual((hc.healthyThreshold - 1) * hc.intervalSeconds - 0.25);
    expect(joined!).toBeLessThanOrEqual(s.predicted.healthyAfterSeconds + 1.5);
    expect(s.requests.servedBy.c).toBeGreaterThan(0);
  });

  test.each<ScenarioKind>(SHORT_SCENARIOS)('%s: the Redis counter rose by exactly the number of 200 answers', (kind) => {
    const s = scenario(kind);
    expect(s.redis.inFlightAtKill).toBe(0);
    expect(s.redis.counterDelta).toBe(s.requests.succeeded);
  });

  test.each<ScenarioKind>(SHORT_SCENARIOS)('%s: every process the scenario started is gone afterwards', (kind) => {
    const s = scenario(kind);
    // Redis, and for each instance its unit's holder and its application's process (a crash adds the restarted one).
    expect(s.processes.started.length).toBeGreaterThanOrEqual(1 + 2 * s.instances.length + (kind === 'crash' ? 1 : 0));
    expect(s.processes.leftover).toEqual([]);
    expect(s.processes.started.filter(alive)).toEqual([]);
  });

  /** A release scenario's summary. */
  const release = (kind: ReleaseKind) => scenario(kind).release!;
  /** Median response time, in seconds, of the 200s a server gave. */
  const medianOf = (kind: ReleaseKind, servers: string[]) => {
    const xs = scenario(kind).requestLog.filter(([, , outcome, name]) => outcome === 200 && servers.includes(name))
      .map(([sent, done]) => done - sent).sort((x, y) => x - y);
    return xs[Math.floor(xs.length / 2)];
  };

  test('the release scenarios run the minutes of their policy 30 times faster, and say so', () => {
    for (const kind of RELEASE_KINDS) expect(release(kind).timeScale).toBe(SHORT_TIME_SCALE);
    expect(release('release').scaledPolicy.bakeTimeSeconds).toBeCloseTo(release('release').policy.bakeTimeSeconds / 30, 3);
    expect(log.join('\n')).toMatch(/release scenarios: .* scaled by 1\/30/);
  });

  test('release: the good version replaces every server with no failed request and never fewer in rotation than before', () => {
    const r = release('release');
    expect(r.status).toBe('Successful');
    expect(scenario('release').requests.failed).toBe(0);
    expect(r.minInRotation).toBeGreaterThanOrEqual(r.capacityBefore);
    expect([r.endNewInRotation, r.endPreviousInRotation]).toEqual([r.capacityBefore, 0]);
    // The rollout's duration, printed: at least the checkpoint delay and the bake.
    expect(r.refreshSeconds).toBeGreaterThanOrEqual(r.scaledPolicy.checkpointDelaySeconds + r.scaledPolicy.bakeTimeSeconds);
    expect(log.join('\n')).toMatch(/\[fast release .*instance refresh: successful after \d+\.\d s/);
  });

  test('bad release: its canary passes the release checks (one answer in three fails), a 5XX gate alarm rolls it back; the old servers the canary did not replace never leave rotation; nothing fails after', () => {
    const r = release('bad-release');
    expect(log.join('\n')).toMatch(/\[fast bad-release .*release check HEAD \/cgi-bin\/hello\.py: passed/);
    expect(r.status).toBe('RolledBack');
    expect(r.reason).toMatch(/^alarm .* in ALARM$/);
    const fired = r.gate.filter((g) => r.reason!.includes(g.alarm));
    expect(fired.length).toBeGreaterThan(0);
    expect(fired.every((g) => /5XX/.test(g.watches))).toBe(true);
    expect(r.minPreviousInRotation).toBeGreaterThanOrEqual(r.capacityBefore - r.canaryBatch);
    expect(r.minInRotation).toBeGreaterThanOrEqual(r.capacityBefore);
    expect(r.failedAfterRollback).toBe(0);
    expect([r.endNewInRotation, r.endPreviousInRotation]).toEqual([0, r.capacityBefore]);
  });

  test('bad release: its 500s are at most rate x canary share x detection time, and the JSON records all three and the bound', () => {
    const s = scenario('bad-release');
    const c = s.release!.canary!;
    expect(s.requests.failed).toBeGreaterThan(0);
    expect(Object.keys(s.requests.failedBy)).toEqual(['500']);
    expect(s.requests.failed).toBeLessThanOrEqual(c.failedBound);
    expect(c.failedBound).toBe(Math.ceil(c.ratePerSecond * c.share * c.exposureSeconds) + 1);
    expect(c.share).toBeGreaterThan(0);
    expect(c.share).toBeLessThanOrEqual(0.5);
    // A period's datapoint exists once the period is over: the alarm fires at a period's end, within DatapointsToAlarm + 1 periods.
    const fired = s.release!.scaledPolicy.alarms.find((a) => s.release!.reason!.includes(a.logicalId))!;
    expect(c.detectionSeconds!).toBeLessThanOrEqual((fired.datapointsToAlarm + 1) * fired.periodSeconds + 0.5);
    const toAlarm = s.release!.alarmTransitions.find((t) => t.alarm === fired.logicalId && t.to === 'ALARM')!;
    const sinceLoad = toAlarm.t % fired.periodSeconds;
    expect(Math.min(sinceLoad, fired.periodSeconds - sinceLoad)).toBeLessThan(0.3);
  });

  test('slow release: the new version answers about ten times slower, and the latency gate rolls it back', () => {
    const r = release('slow-release');
    expect(r.status).toBe('RolledBack');
    const latency = r.gate.filter((g) => g.watches.startsWith('TargetResponseTime')).map((g) => g.alarm);
    expect(latency.some((id) => r.reason!.includes(id))).toBe(true);
    const newServers = scenario('slow-release').instances.filter((i) => i.role === 'new').map((i) => i.name);
    expect(medianOf('slow-release', newServers)).toBeGreaterThan(5 * medianOf('slow-release', ['a', 'b']));
    expect(scenario('slow-release').requests.failed).toBe(0);
  });

  test('never healthy: the new server never gets traffic, the refresh fails and rolls back with no failed request', () => {
    const r = release('never-healthy');
    expect(r.status).toBe('RolledBack');
    expect(r.canary).toBeNull();
    expect(scenario('never-healthy').requests.failed).toBe(0);
    expect(r.minPreviousInRotation).toBe(r.capacityBefore);
  });

  test('scaled out to 4: the release keeps at least 4 in rotation and ends at 4, all new', () => {
    const r = release('scaled-out');
    expect(r.capacityBefore).toBe(4);
    expect(r.status).toBe('Successful');
    expect(r.minInRotation).toBeGreaterThanOrEqual(4);
    expect([r.endNewInRotation, r.endPreviousInRotation]).toEqual([4, 0]);
    expect(scenario('scaled-out').requests.failed).toBe(0);
  });

  test('broken release: the canary\'s release checks fail before it serves, and the release checks alarm rolls it back: 0 failed, no old server stopped', () => {
    const s = scenario('broken-release');
    const r = s.release!;
    expect(r.status).toBe('RolledBack');
    const checks = r.gate.filter((g) => g.watches.startsWith('FailedReleaseChecks'));
    expect(checks).toHaveLength(1);
    expect(checks[0].periodSeconds).toBeCloseTo(10 * SHORT_TIME_SCALE, 2);
    expect(r.reason).toBe(`alarm ${checks[0].alarm} in ALARM`);
    expect(s.requests.failed).toBe(0);
    expect(r.canary).toBeNull();
    expect(r.minPreviousInRotation).toBe(r.capacityBefore);
    expect([r.endNewInRotation, r.endPreviousInRotation]).toEqual([0, r.capacityBefore]);
    expect(s.marks.map((m) => m.kind)).toContain('abandoned');
    expect(log.join('\n')).toMatch(/\[fast broken-release .*release check HEAD \/cgi-bin\/hello\.py FAILED after 3 tries: answered 500, expected 200/);
  });

  test('no scenario missed a zero-downtime target', () => {
    expect(result.presets[0].scenarios.flatMap(missedTargets)).toEqual([]);
  });

  const azLoss = (variant: AzLossVariant) => result.presets[0].azLoss!.find((r) => r.variant === variant)!;

  test('az-loss: both variants ran, with the template\'s three servers over three AZs (static stability) and zonal shift on', () => {
    expect(result.presets[0].azLoss!.map((r) => r.variant)).toEqual(['health-checks', 'zonal-shift']);
    for (const r of result.presets[0].azLoss!) {
      expect(r.serversPerAz.map((az) => az.length)).toEqual([1, 1, 1]);
      expect(r.group).toEqual(expect.objectContaining({ zonalShiftEnabled: true, strategy: 'balanced-best-effort' }));
      expect(r.loadBalancerZonalShift).toBe(true);
    }
  });

  test('az-loss by health checks alone: requests fail until the AZ is unhealthy, none after, within the failover window', () => {
    const r = azLoss('health-checks');
    expect(r.outOfRotationBy).toBe('health-checks');
    expect(r.lossToOutOfRotationSeconds!).toBeLessThanOrEqual(result.presets[0].failoverWindowSeconds + 1);
    expect(r.webFailuresUntilOutOfRotation).toBeGreaterThan(0);
    expect(r.webFailuresAfterOutOfRotation).toBe(0);
  });

  test('az-loss with a zonal shift 1 s after the loss: the AZ leaves at the shift, and no request fails because of it afterwards', () => {
    const r = azLoss('zonal-shift');
    expect(r.outOfRotationBy).toBe('zonal-shift');
    expect(r.lossToOutOfRotationSeconds!).toBeLessThan(r.lossToShiftSeconds! + 0.5);
    expect(r.webFailuresAfterOutOfRotation).toBe(0);
    expect(r.webFailuresUntilOutOfRotation).toBeLessThan(azLoss('health-checks').webFailuresUntilOutOfRotation);
  });

  test('az-loss: the two healthy AZs keep the 2 servers asked for at every moment, and get back to 3 after the replacement', () => {
    for (const r of result.presets[0].azLoss!) {
      expect(r.minInRotation).toBeGreaterThanOrEqual(2);
      expect(r.healthyAzCapacityAtEnd).toBe(3);
      expect(r.inRotationPerAzAtEnd[r.impairedAz]).toBe(0);
    }
  });

  test('az-loss: with the zonal shift, no replacement is tried in the impaired AZ; by health checks alone, the first try goes there', () => {
    expect(azLoss('zonal-shift').launchesIntoImpairedAz).toBe(0);
    expect(azLoss('zonal-shift').launchAttempts).toHaveLength(1);
    expect(azLoss('health-checks').launchAttempts[0]).toBe(0);
  });

  test('az-loss: the Redis primary went with the AZ; 503s last about the failover time, and the counter lost no visit', () => {
    for (const r of result.presets[0].azLoss!) {
      expect(r.redis.primaryLost).toBe(true);
      expect(r.redis.unavailable).toBeGreaterThan(0);
      expect(r.redis.lossToLastUnavailableSeconds!).toBeLessThan(r.redis.failoverSeconds + 2);
      expect(r.redis.counterDelta).toBeGreaterThanOrEqual(r.requests.succeeded);
    }
  });

  test('az-loss: no target missed, and every process it started is gone', () => {
    expect(result.presets[0].azLoss!.flatMap((r) => missedAzLossTargets(r))).toEqual([]);
    for (const r of result.presets[0].azLoss!) expect(r.processes.leftover).toEqual([]);
  });

  test('the report writes a JSON and an SVG per preset; the SVG shows every scenario', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-drill-results-'));
    try {
      const files = writeResults(result, dir);
      expect(files.map((f) => path.basename(f))).toEqual([expect.stringMatching(/^drill-fast-.*\.json$/), expect.stringMatching(/^drill-fast-.*\.svg$/)]);
      const json = JSON.parse(fs.readFileSync(files[0], 'utf8'));
      expect(json.scenarios.map((s: { kind: string }) => s.kind)).toEqual(SHORT_SCENARIOS);
      const svg = fs.readFileSync(files[1], 'utf8');
      for (const kind of SHORT_SCENARIOS) expect(svg).toContain(escapeXml(SCENARIO_TITLES[kind]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
