import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DrillResult, runDrill, SHORT_SCENARIOS, SHORT_TIME_SCALE, shippedRestartPolicy, ZERO_TARGET_SCENARIOS } from '../../drill/drill';
import { formatRepeat, parseArgs } from '../../drill/main';
import { missingDrillPrerequisites, prerequisiteHint } from '../../drill/prerequisites';
import { analyzeScenario, RawScenario, RELEASE_KINDS, ReleaseKind, SCENARIO_TITLES, ScenarioKind } from '../../drill/report/analysis';
import { formatTable, missedTargets, writeResults } from '../../drill/report/report';
import { escapeXml, timelineSvg } from '../../drill/report/timeline-svg';
import { AzLossVariant, missedAzLossTargets } from '../../drill/scenarios/az-loss';
import { synthesizeExample } from '../../drill/synthesized-example';
import { alive } from '../../src/local/process-identity';
import { plannedFailover, redisWithReplica } from '../../src/stand-ins/elasticache/failover';
import { TIER_DEFAULT_SETTINGS } from '../../src/stand-ins/synthesized-tier/fleet-settings';
import { readTargetGroupHealthCheck, TargetGroupHealthCheck } from '../../src/stand-ins/synthesized-tier/target-group-health-check';
import { WebServerUnit } from '../../src/stand-ins/systemd/service';
import { Cleanup, redisCommand, REPO_ROOT, startRedis } from '../../tools/local-servers';

const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';

/** A template with one target group and these properties. */
function templateWith(props: Record<string, unknown>): Record<string, unknown> {
  return { Resources: { Bucket: { Type: 'AWS::S3::Bucket' }, Group: { Type: TG, Properties: { Port: 8000, Protocol: 'HTTP', ...props } } } };
}

const FAST: TargetGroupHealthCheck = {
  logicalId: 'Group',
  path: '/cgi-bin/ping.py',
  intervalSeconds: 5,
  timeoutSeconds: 4,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  httpCodes: '200',
  targetPort: 8000,
  algorithm: 'round_robin',
  deregistrationDelaySeconds: 30,
};

describe('readTargetGroupHealthCheck', () => {
  test('with the fast preset, the example\'s target group checks /cgi-bin/ping.py every 5 s with a 4 s timeout, 2 to join, 2 to leave', () => {
    // WHEN
    const example = synthesizeExample('fast');

    // THEN
    // (FAST is written out by hand, from the preset's documentation and the target group's defaults in the construct.)
    expect(example.healthCheck).toEqual({ ...FAST, logicalId: expect.stringMatching(/TargetGroup/) });
  });

  test('with either preset, the construct\'s failoverWindow is interval x unhealthyThreshold + timeout of the template\'s check', () => {
    for (const preset of ['tutorial', 'fast'] as const) {
      const { healthCheck: hc, failoverWindowSeconds, healthyAfterSeconds } = synthesizeExample(preset);
      expect(failoverWindowSeconds).toBe(hc.intervalSeconds * hc.unhealthyThreshold + hc.timeoutSeconds);
      expect(healthyAfterSeconds).toBe(hc.intervalSeconds * hc.healthyThreshold);
    }
    expect(synthesizeExample('tutorial').failoverWindowSeconds).toBe(63);
  });

  test('with only Port, AWS\'s defaults are filled in (/, 30 s, 5 s, 5 healthy, 2 unhealthy, 200, round robin)', () => {
    expect(readTargetGroupHealthCheck(templateWith({}))).toEqual({
      logicalId: 'Group',
      path: '/',
      intervalSeconds: 30,
      timeoutSeconds: 5,
      healthyThreshold: 5,
      unhealthyThreshold: 2,
      httpCodes: '200',
      targetPort: 8000,
      algorithm: 'round_robin',
      deregistrationDelaySeconds: 300,
    });
  });

  test('with numbers as strings, a matcher range and attributes, all are read', () => {
    const hc = readTargetGroupHealthCheck(templateWith({
      HealthCheckIntervalSeconds: '10',
      Matcher: { HttpCode: '200-299' },
      TargetGroupAttributes: [{ Key: 'load_balancing.algorithm.type', Value: 'weighted_random' },
        { Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
    }));
    expect(hc).toEqual(expect.objectContaining({ intervalSeconds: 10, httpCodes: '200-299', algorithm: 'weighted_random', deregistrationDelaySeconds: 30 }));
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['no target group', { Resources: { B: { Type: 'AWS::S3::Bucket' } } }, /exactly one .* found 0/],
    ['two target groups', { Resources: { G1: { Type: TG, Properties: { Port: 1 } }, G2: { Type: TG, Properties: { Port: 2 } } } }, /found 2 \(G1, G2\)/],
    ['a disabled health check', templateWith({ HealthCheckEnabled: false }), /HealthCheckEnabled is false/],
    ['an HTTPS health check', templateWith({ HealthCheckProtocol: 'HTTPS' }), /HTTP checks only/],
    ['an interval CloudFormation must resolve', templateWith({ HealthCheckIntervalSeconds: { Ref: 'Interval' } }), /only CloudFormation can resolve/],
    ['an interval of 4 s', templateWith({ HealthCheckIntervalSeconds: 4 }), /integer from 5 to 300/],
    ['a timeout as long as the interval', templateWith({ HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 5 }), /must be shorter/],
    ['a matcher that is not codes', templateWith({ Matcher: { HttpCode: '2xx' } }), /list of codes or ranges/],
    ['a path without a leading slash', templateWith({ HealthCheckPath: 'ping' }), /must start with/],
    ['a health-check port of its own, which the construct never sets', templateWith({ HealthCheckPort: '9000' }), /always checks the traffic port/],
  ];
  test.each(bad)('fails with %s', (_, template, message) => {
    expect(() => readTargetGroupHealthCheck(template)).toThrow(message);
  });
});

describe('drill pieces without processes', () => {
  test('--repeat takes a whole number from 1 to 100, and each scenario\'s line lists the failed requests of every run', () => {
    expect(parseArgs(['--repeat', '20', '--scenario', 'crash']).repeat).toBe(20);
    for (const bad of ['0', '101', '2.5', 'x']) expect(() => parseArgs(['--repeat', bad])).toThrow(/--repeat/);
    const runs = new Map<ScenarioKind, Array<{ failed: number; missed: string[] }>>([
      ['crash', [0, 0, 0].map((failed) => ({ failed, missed: [] }))],
      ['redis-failover', [0, 1, 0].map((failed) => ({ failed, missed: failed ? ['x'] : [] }))],
    ]);
    expect(formatRepeat(runs)).toEqual(['crash:          0 0 0', 'redis-failover: 0 1 0   <- 1 of 3 runs failed']);
    expect(ZERO_TARGET_SCENARIOS).not.toContain('instance-loss');
    expect(ZERO_TARGET_SCENARIOS).not.toContain('bad-release');
    expect(ZERO_TARGET_SCENARIOS).toEqual(expect.arrayContaining(['crash', 'deploy', 'scale-in', 'redis-failover', 'release']));
  });

  test('the unit stand-in restarts like the shipped unit: Restart=always, RestartSec=1', () => {
    expect(shippedRestartPolicy()).toEqual({ restart: 'always', restartSeconds: WebServerUnit.RESTART_SECONDS });
    expect(WebServerUnit.RESTART_SECONDS).toBe(1);
  });

  test('the drill reads the example\'s application and settings from the synthesized cloud assembly, as the rehearsal does', () => {
    const { fleet, healthCheck } = synthesizeExample('fast');
    expect(fleet.application).toEqual(expect.objectContaining({
      startCommand: 'exec python3 webtier_server.py --config "$WEBTIER_ENV_FILE"',
      healthCheckPath: healthCheck.path,
      pages: ['/cgi-bin/hello.py'],
      socketActivation: true,
    }));
    expect(fs.existsSync(path.join(fleet.asset.path, 'webtier_server.py'))).toBe(true);
    expect(fleet.settings).toEqual(expect.objectContaining({
      healthCheckIntervalSeconds: healthCheck.intervalSeconds,
      healthCheckTimeoutSeconds: healthCheck.timeoutSeconds,
      healthyThreshold: healthCheck.healthyThreshold,
      unhealthyThreshold: healthCheck.unhealthyThreshold,
      healthyHttpCodes: healthCheck.httpCodes,
      deregistrationDelaySeconds: healthCheck.deregistrationDelaySeconds,
      idleTimeoutSeconds: 60,
    }));
  });
});

/** A recorded instance loss: load from 1000 ms, kill at 4000, a unhealthy at 11000, c registered at 20000, healthy at 28000. */
function recordedInstanceLoss(): RawScenario {
  const records = [];
  for (let i = 0; i < 600; i++) {
    const sentAt = 1000 + i * 50;
    const toA = i % 2 === 0;
    const outcome = toA && sentAt > 4000 && sentAt < 11000 ? 502 : 200;
    const instanceId = outcome !== 200 ? undefined : toA && sentAt < 4000 ? 'i-a' : toA && sentAt > 28000 ? 'i-c' : 'i-b';
    records.push({ index: i, sentAt, doneAt: sentAt + 5, outcome, instanceId });
  }
  return {
    kind: 'instance-loss',
    preset: 'fast',
    startedAt: '2026-01-01T00:00:00.000Z',
    healthCheck: FAST,
    failoverWindowSeconds: 14,
    healthyAfterSeconds: 10,
    restartSeconds: 1,
    ratePerSecond: 20,
    replacementDelaySeconds: 16,
    instances: [{ name: 'a', instanceId: 'i-a', role: 'killed' }, { name: 'b', instanceId: 'i-b', role: 'survivor' },
      { name: 'c', instanceId: 'i-c', role: 'replacement' }],
    loadStartMs: 1000,
    endMs: 31000,
    killMs: 4000,
    killedHealthChecks: [-4000, 1000],
    killedPid: 1,
    inFlightAtKill: 0,
    replacementRegisteredMs: 20000,
    records,
    transitions: [
      { at: 11000, server: 'a', from: 'healthy', to: 'unhealthy', reason: '2 health checks failed in a row (ECONNREFUSED)' },
      { at: 20000, server: 'a', from: 'unhealthy', to: 'draining', reason: 'deregistered' },
      { at: 20000, server: 'a', from: 'draining', to: 'unused', reason: 'drained' },
      { at: 20000, server: 'c', from: 'unused', to: 'initial', reason: 'registered' },
      { at: 28000, server: 'c', from: 'initial', to: 'healthy', reason: '2 health checks passed in a row' },
    ],
    instanceEvents: [{ at: 20200, instance: 'c', type: 'listening', pid: 3 }],
    redisCounterDelta: records.filter((r) => r.outcome === 200).length,
    pids: [1, 2, 3],
    leftoverPids: [],
    loadBalancer: TIER_DEFAULT_SETTINGS,
  };
}

/** A recorded scale-in: c deregistered at 5000 with a slow request in flight, drained at 7000, stopped at 7200. */
function recordedScaleIn(): RawScenario {
  const records = Array.from({ length: 200 }, (_, i) => ({ index: i, sentAt: 1000 + i * 50, doneAt: 1005 + i * 50, outcome: 200, instanceId: ['i-a', 'i-b'][i % 2] }));
  return {
    ...recordedInstanceLoss(),
    kind: 'scale-in',
    instances: [{ name: 'a', instanceId: 'i-a', role: 'survivor' }, { name: 'b', instanceId: 'i-b', role: 'survivor' }, { name: 'c', instanceId: 'i-c', role: 'removed' }],
    endMs: 11000,
    killMs: undefined,
    killedHealthChecks: undefined,
    replacementRegisteredMs: undefined,
    records,
    transitions: [{ at: 5050, server: 'c', from: 'healthy', to: 'draining', reason: 'deregistered' }],
    instanceEvents: [],
    redisCounterDelta: 200,
    rollout: {
      marks: [{ atMs: 5000, kind: 'deregister', label: 'c deregistered' }, { atMs: 7000, kind: 'drained', label: 'drained' },
        { atMs: 7200, kind: 'stopped', label: 'c stopped (SIGTERM)' }],
      slowRequest: { sentAt: 4500, doneAt: 7500, outcome: 200, server: 'c' },
      minInRotation: 2,
      signals: [],
      deregistrationDelaySeconds: 30,
      inFlightWhenStopped: 0,
    },
  };
}

describe('analyzeScenario', () => {
  test('with a recorded instance loss, every request is counted and failures are grouped by status', () => {
    const result = analyzeScenario(recordedInstanceLoss());
    expect(result.requests.sent).toBe(600);
    expect(result.requests.failedBy).toEqual({ 502: 69 });
  });

  test('with a recorded instance loss, no request fails after the dead instance is out of rotation', () => {
    expect(analyzeScenario(recordedInstanceLoss()).requests.failedAfterOutOfRotation).toBe(0);
  });

  test('with a recorded instance loss, detection is kill -> unhealthy, taken out by its health checks', () => {
    const { measured } = analyzeScenario(recordedInstanceLoss());
    expect(measured.killToOutOfRotationSeconds).toBe(7);
    expect(measured.outOfRotationBy).toBe('health-checks');
  });

  test('with the last check 3 s before the kill, the expected detection is 2 s to the next check plus one interval', () => {
    const { measured } = analyzeScenario(recordedInstanceLoss());
    expect(measured.lastCheckBeforeKillSeconds).toBe(3);
    expect(measured.expectedDetectionSeconds).toBe(7);
  });

  test('with a recorded instance loss, the replacement\'s join is measured from its registration', () => {
    const { measured } = analyzeScenario(recordedInstanceLoss());
    expect(measured.registeredToBackInRotationSeconds).toBe(8);
    expect(measured.registeredToFirstServedSeconds).toBe(8.105);
    expect(measured.killToBackInRotationSeconds).toBe(24);
    expect(measured.killToListeningSeconds).toBe(16.2);
  });

  test('with a recorded instance loss, the timeline marks kill, out of rotation, registration and back in rotation', () => {
    expect(analyzeScenario(recordedInstanceLoss()).marks.map((m) => [m.kind, m.t])).toEqual([
      ['kill', 3], ['out-of-rotation', 10], ['replacement-registered', 19], ['back-in-rotation', 27],
    ]);
  });

  test('with a recorded instance loss, each second of load is a bucket of 200s by instance and failures', () => {
    const { perSecond } = analyzeScenario(recordedInstanceLoss());
    expect(perSecond).toHaveLength(30);
    expect(perSecond[5]).toEqual({ second: 5, sent: 20, ok: { b: 10 }, failed: 10 });
  });

  test('with the Redis counter risen by the number of 200s, the counter matches', () => {
    expect(analyzeScenario(recordedInstanceLoss()).redis.matches).toBe(true);
    expect(analyzeScenario({ ...recordedInstanceLoss(), redisCounterDelta: 1 }).redis.matches).toBe(false);
  });

  test('with a recorded scale-in, the slow request, the capacity kept and the rollout marks are reported in seconds of load', () => {
    const result = analyzeScenario(recordedScaleIn());
    expect(result.rollout).toEqual({
      slowRequest: { sentSeconds: 3.5, doneSeconds: 6.5, outcome: 200, server: 'c' },
      minInRotation: 2,
      signals: [],
      deregistrationDelaySeconds: 30,
      inFlightWhenStopped: 0,
    });
    expect(result.marks.map((m) => [m.kind, m.t])).toEqual([['deregister', 4], ['drained', 6], ['stopped', 6.2]]);
    expect(result.measured.killToOutOfRotationSeconds).toBeNull();
  });
});

describe('analyzeScenario of a Redis failover', () => {
  test('with two 503s after the switch and the counter one above the 200s, it reports the last failure and one visit counted but failed', () => {
    // GIVEN: the endpoint switched at 5000 ms; requests at 5100 and 5600 answered 503; the counter rose by 200s + 1
    const base = recordedScaleIn();
    const records = base.records.map((r) => (r.sentAt === 5100 || r.sentAt === 5600 ? { ...r, outcome: 503, instanceId: undefined } : r));
    const raw: RawScenario = { ...base, kind: 'redis-failover', rollout: undefined, failoverMs: 5000, records, redisCounterDelta: 199 };

    // WHEN
    const result = analyzeScenario(raw);

    // THEN
    expect(result.redisFailover).toEqual({ failoverToLastFailureSeconds: 0.6, countedButFailed: 1 });
    expect(result.marks.map((m) => [m.kind, m.t])).toEqual([['failover', 4]]);
  });
});

describe('drill report', () => {
  const instanceLoss = analyzeScenario(recordedInstanceLoss());
  const scaleIn = analyzeScenario(recordedScaleIn());

  test('the SVG has a panel per scenario, a line per mark and escaped text', () => {
    const svg = timelineSvg('fast <preset> & co', [instanceLoss, scaleIn]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('fast &lt;preset&gt; &amp; co');
    expect(svg.match(/class="mark-/g)).toHaveLength(7);
    expect(svg).toContain('a out of rotation (10.0 s)');
    expect(svg).toContain('scale-in (one of three servers drained and stopped)');
    expect(escapeXml('"\'')).toBe('&quot;&apos;');
  });

  test('with a scale-in that kept every request, no target is missed', () => {
    expect(missedTargets(scaleIn)).toEqual([]);
  });

  test('with instance loss, failures miss no target (only AWS can shrink them)', () => {
    expect(missedTargets(instanceLoss)).toEqual([]);
  });

  test('with a failed request in a scale-in, a failed slow request and a counter off by one, each is a missed target', () => {
    const bad = analyzeScenario({
      ...recordedScaleIn(),
      records: recordedScaleIn().records.map((r, i) => (i === 3 ? { ...r, outcome: 502, instanceId: undefined } : r)),
      rollout: { ...recordedScaleIn().rollout!, slowRequest: { sentAt: 4500, doneAt: 5000, outcome: 'error', server: 'c' } },
    });
    expect(missedTargets(bad)).toEqual([
      'fast scale-in: 1 failed requests, target at most 0',
      'fast scale-in: the slow request during the drain got error',
      'fast scale-in: Redis counter rose by 200 for 199 successful requests',
    ]);
  });

  test('the table puts each scenario under its heading', () => {
    const drill: DrillResult = {
      startedAt: 'x',
      finishedAt: 'y',
      short: true,
      presets: [{ preset: 'fast', healthCheck: FAST, failoverWindowSeconds: 14, healthyAfterSeconds: 10, scenarios: [instanceLoss, scaleIn] }],
    };
    const table = formatTable(drill);
    expect(table).toMatch(/Scenario 1: instance loss[^\n]*\n(.*\n)*kill -> out of rotation \(unhealthy\) +7\.0 s/);
    expect(table).toMatch(/Scenario 2: scale-in[^\n]*\n(.*\n)*slow request during the drain +200 after 3\.0 s/);
  });
});

const missing = missingDrillPrerequisites();
const describeDrill = missing.length === 0 ? describe : process.env.CI
  ? (name: string, fn: () => void) => describe(name, () => {
    test('has its prerequisites', () => {
      throw new Error(`CI is set and ${prerequisiteHint(missing)}`);
    });
    void fn;
  })
  : (name: string, fn: () => void) => {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPING "${name}": ${prerequisiteHint(missing)}`);
    describe.skip(name, fn);
  };

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

describeDrill('plannedFailover (ElastiCache\'s planned failover, on two real redis-servers)', () => {
  test('every INCR acknowledged through the endpoint during the failover is on the promoted replica, none twice', async () => {
    // GIVEN: a primary with AUTH, its replica in sync, the endpoint in front of the primary
    const registry = new Cleanup();
    try {
      const primary = await startRedis({ registry, password: 'drill-test' });
      const { replica, endpoint } = await redisWithReplica(primary, registry);
      const viaEndpoint = { host: endpoint.host, port: endpoint.port, password: 'drill-test' };
      let acknowledged = 0;
      let stop = false;
      const writer = (async () => {
        for (let i = 0; i < 2_000 && !stop; i++) {
          const reply = await redisCommand(viaEndpoint, ['INCR', 'visits'], 3_000).catch(() => undefined);
          if (typeof reply === 'number') acknowledged++;
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 300));

      // WHEN
      const { heldMs } = await plannedFailover(primary, replica, endpoint);
      await primary.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop = true;
      await writer;

      // THEN
      expect(heldMs).toBeLessThan(2_000);
      expect(endpoint.upstreamPort).toBe(replica.port);
      expect(String(await redisCommand(replica, ['INFO', 'replication']))).toMatch(/role:master/);
      expect(acknowledged).toBeGreaterThan(10);
      expect(Number(await redisCommand(replica, ['GET', 'visits']))).toBe(acknowledged);
    } finally {
      await registry.run();
    }
  });
});

describeDrill('the drill entry point', () => {
  test('on SIGTERM, it stops everything it started and exits with an error', async () => {
    // GIVEN: the drill running, with its load started
    const child = spawn(process.execPath, ['-r', 'ts-node/register', path.join(REPO_ROOT, 'drill', 'main.ts'), '--short', '--out', os.tmpdir()], {
      cwd: REPO_ROOT, env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.dev.json', TS_NODE_TRANSPILE_ONLY: 'true' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      for (let i = 0; i < 600 && !/load: /.test(output) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      expect(output).toMatch(/load: /);
      const descendants = descendantsOf(child.pid!);
      expect(descendants.length).toBeGreaterThanOrEqual(4);

      // WHEN
      child.kill('SIGTERM');
      const code = await exited;

      // THEN
      expect(code).toBe(143);
      expect(output).toMatch(/SIGTERM: stopping the drill/);
      expect(descendants.filter(alive)).toEqual([]);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  }, 90_000);
});

/** Pids of all processes below `pid`, from /proc. */
function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent === p) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}
