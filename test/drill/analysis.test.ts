import * as fs from 'fs';
import * as path from 'path';
import { DrillResult, shippedRestartPolicy, ZERO_TARGET_SCENARIOS } from '../../drill/drill';
import { formatRepeat, parseArgs } from '../../drill/main';
import { analyzeScenario, RawScenario, ScenarioKind } from '../../drill/report/analysis';
import { formatTable, missedTargets } from '../../drill/report/report';
import { escapeXml, timelineSvg } from '../../drill/report/timeline-svg';
import { synthesizeExample } from '../../drill/synthesized-example';
import { TIER_DEFAULT_SETTINGS } from '../../src/stand-ins/synthesized-tier/fleet-settings';
import { WebServerUnit } from '../../src/stand-ins/systemd/service';
import { FAST } from '../stand-ins/synthesized-tier/fast-health-check';

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
