import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeScenario, RawScenario } from '../../drill/analysis';
import { DrillResult, runDrill, shippedRestartPolicy } from '../../drill/drill';
import { synthesizeExample } from '../../drill/example-template';
import { checkHaproxyConfig, parseShowStat } from '../../drill/haproxy';
import { haproxyConfig, HaproxyConfigOptions } from '../../drill/haproxy-config';
import { missingDrillPrerequisites, prerequisiteHint } from '../../drill/prerequisites';
import { formatTable, writeResults } from '../../drill/report';
import { alive } from '../../drill/scenario';
import { readTargetGroupHealthCheck, TargetGroupHealthCheck } from '../../drill/target-group-health-check';
import { escapeXml, timelineSvg } from '../../drill/timeline-svg';
import { REPO_ROOT } from '../runtime/harness';

const TG = 'AWS::ElasticLoadBalancingV2::TargetGroup';

/** A template with one target group and these properties. */
function templateWith(props: Record<string, unknown>): Record<string, unknown> {
  return { Resources: { Bucket: { Type: 'AWS::S3::Bucket' }, Group: { Type: TG, Properties: { Port: 8000, Protocol: 'HTTP', ...props } } } };
}

const FAST: TargetGroupHealthCheck = {
  logicalId: 'Group',
  path: '/cgi-bin/ping.py',
  port: 'traffic-port',
  intervalSeconds: 5,
  timeoutSeconds: 4,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  httpCodes: '200',
  targetPort: 8000,
  algorithm: 'round_robin',
  deregistrationDelaySeconds: 30,
};

function configOptions(overrides: Partial<HaproxyConfigOptions> = {}): HaproxyConfigOptions {
  return {
    healthCheck: FAST,
    frontend: { host: '127.0.0.1', port: 18080 },
    adminSocket: '/tmp/drill-test/admin.sock',
    targets: [
      { name: 'a', host: '127.0.0.1', port: 18001 },
      { name: 'b', host: '127.0.0.1', port: 18002 },
      { name: 'c', host: '127.0.0.1', port: 18003, standby: true },
    ],
    ...overrides,
  };
}

/** The config without its comments. */
const directives = (config: string) => config.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));

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
      port: 'traffic-port',
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

  test('with numbers as strings, an explicit port, a matcher range and attributes, all are read', () => {
    const hc = readTargetGroupHealthCheck(templateWith({
      HealthCheckIntervalSeconds: '10',
      HealthCheckPort: '9000',
      Matcher: { HttpCode: '200-299' },
      TargetGroupAttributes: [{ Key: 'load_balancing.algorithm.type', Value: 'least_outstanding_requests' },
        { Key: 'deregistration_delay.timeout_seconds', Value: '30' }],
    }));
    expect(hc).toEqual(expect.objectContaining({ intervalSeconds: 10, port: 9000, httpCodes: '200-299', algorithm: 'least_outstanding_requests', deregistrationDelaySeconds: 30 }));
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
  ];
  test.each(bad)('fails with %s', (_, template, message) => {
    expect(() => readTargetGroupHealthCheck(template)).toThrow(message);
  });
});

describe('haproxyConfig', () => {
  test('with the fast preset\'s check, every server is checked every 5 s in every state, with a 4 s timeout, rise 2, fall 2', () => {
    // WHEN
    const config = directives(haproxyConfig(configOptions()));

    // THEN
    expect(config).toContain('  default-server check inter 5s fastinter 5s downinter 5s rise 2 fall 2');
    expect(config).toContain('  timeout check 4s');
    expect(config).toContain('  option httpchk');
    expect(config).toContain('  http-check send meth GET uri /cgi-bin/ping.py ver HTTP/1.1 hdr Host 127.0.0.1 hdr User-Agent ELB-HealthChecker/2.0');
    expect(config).toContain('  http-check expect status 200');
    expect(config).toContain('  balance roundrobin');
  });

  test('with the tutorial preset\'s check read from the template, the intervals are 30 s and the timeout 3 s', () => {
    const hc = synthesizeExample('tutorial').healthCheck;
    const config = directives(haproxyConfig(configOptions({ healthCheck: hc })));
    expect(config).toContain('  default-server check inter 30s fastinter 30s downinter 30s rise 2 fall 2');
    expect(config).toContain('  timeout check 3s');
  });

  test('a failed request is never retried on another server, as on the ALB', () => {
    const config = directives(haproxyConfig(configOptions()));
    expect(config).toContain('  retries 0');
    expect(config.filter((l) => /redispatch|retry-on|observe|on-error/.test(l))).toEqual([]);
  });

  test('a connection refused by the picked server answers 502 as the ALB does; no server at all stays 503', () => {
    expect(directives(haproxyConfig(configOptions()))).toContain('  http-after-response set-status 502 if { status 503 } { srv_id -m found }');
  });

  test('with three targets, the standby one starts disabled and everything binds to 127.0.0.1', () => {
    const config = directives(haproxyConfig(configOptions()));
    expect(config.filter((l) => l.startsWith('  server '))).toEqual([
      '  server a 127.0.0.1:18001', '  server b 127.0.0.1:18002', '  server c 127.0.0.1:18003 disabled',
    ]);
    expect(config).toContain('  bind 127.0.0.1:18080');
    expect(config).toContain('  stats socket /tmp/drill-test/admin.sock mode 600 level admin');
  });

  test('with a matcher list, a health-check port and least outstanding requests, they are carried over', () => {
    const config = directives(haproxyConfig(configOptions({
      healthCheck: { ...FAST, httpCodes: '200-299,304', port: 9000, algorithm: 'least_outstanding_requests' },
    })));
    expect(config).toContain('  http-check expect status 200-299,304');
    expect(config).toContain('  default-server check port 9000 inter 5s fastinter 5s downinter 5s rise 2 fall 2');
    expect(config).toContain('  balance leastconn');
  });

  const bad: Array<[string, Partial<HaproxyConfigOptions>, RegExp]> = [
    ['a frontend on 0.0.0.0', { frontend: { host: '0.0.0.0', port: 80 } }, /127\.0\.0\.1 only/],
    ['a target on another host', { targets: [{ name: 'a', host: '10.0.41.10', port: 8000 }] }, /127\.0\.0\.1 only/],
    ['no target', { targets: [] }, /at least one target/],
    ['two targets with one name', { targets: [{ name: 'a', host: '127.0.0.1', port: 1 }, { name: 'a', host: '127.0.0.1', port: 2 }] }, /used twice/],
    ['port 0', { frontend: { host: '127.0.0.1', port: 0 } }, /expected a port/],
    ['a relative admin socket', { adminSocket: 'admin.sock' }, /absolute path/],
    ['weighted random replaced by an unknown algorithm', { healthCheck: { ...FAST, algorithm: 'fastest' } }, /no HAProxy equivalent/],
    ['a path with a space', { healthCheck: { ...FAST, path: '/a b' } }, /contains spaces/],
  ];
  test.each(bad)('fails with %s', (_, overrides, message) => {
    expect(() => haproxyConfig(configOptions(overrides))).toThrow(message);
  });
});

describe('drill pieces without processes', () => {
  test('parseShowStat keeps the server lines of "show stat" with their status and last check', () => {
    const csv = '# pxname,svname,qcur,status,check_status\nalb,FRONTEND,,OPEN,\ntargets,a,0,UP 1/2,L4CON\ntargets,c,0,MAINT,\ntargets,BACKEND,0,UP,\n';
    expect(parseShowStat(csv)).toEqual([
      { backend: 'targets', server: 'a', status: 'UP 1/2', checkStatus: 'L4CON' },
      { backend: 'targets', server: 'c', status: 'MAINT', checkStatus: '' },
    ]);
    expect(() => parseShowStat('Unknown command')).toThrow(/not a "show stat" answer/);
  });

  test('the supervisor restarts like the shipped unit: Restart=always, RestartSec=1', () => {
    expect(shippedRestartPolicy()).toEqual({ restart: 'always', restartSeconds: 1 });
  });

  test('with a recorded instance loss, the analysis finds detection, failures before it only, and the replacement\'s first answer', () => {
    // GIVEN: load from 1000 ms, kill at 4000, a DOWN at 11000, c launched at 20000, UP at 28000
    const records = [];
    for (let i = 0; i < 600; i++) {
      const sentAt = 1000 + i * 50;
      const toA = i % 2 === 0;
      const outcome = toA && sentAt > 4000 && sentAt < 11000 ? 502 : 200;
      const instanceId = outcome !== 200 ? undefined : toA && sentAt < 4000 ? 'i-a' : toA && sentAt > 28000 ? 'i-c' : 'i-b';
      records.push({ index: i, sentAt, doneAt: sentAt + 5, outcome, instanceId });
    }
    const raw: RawScenario = {
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
        { at: 6000, after: 5950, server: 'a', from: 'UP', to: 'UP 1/2', checkStatus: 'L4CON' },
        { at: 11000, after: 10950, server: 'a', from: 'UP 1/2', to: 'DOWN', checkStatus: 'L4CON' },
        { at: 20000, after: 19950, server: 'a', from: 'DOWN', to: 'MAINT', checkStatus: '' },
        { at: 20000, after: 19950, server: 'c', from: 'MAINT', to: 'DOWN', checkStatus: 'INI' },
        { at: 28000, after: 27950, server: 'c', from: 'DOWN 1/2', to: 'UP', checkStatus: 'L7OK' },
      ],
      supervisorEvents: [{ at: 20200, instance: 'c', type: 'listening', pid: 3 }],
      redisCounterDelta: 0,
      pids: [1, 2, 3],
      leftoverPids: [],
      statePollMs: 50,
      haproxyConfig: '',
    };

    // WHEN
    const result = analyzeScenario({ ...raw, redisCounterDelta: records.filter((r) => r.outcome === 200).length });

    // THEN
    expect(result.requests.sent).toBe(600);
    expect(result.requests.failedBy).toEqual({ 502: 69 });
    expect(result.requests.failedAfterOutOfRotation).toBe(0);
    expect(result.measured.killToOutOfRotationSeconds).toBe(7);
    // The last check 3 s before the kill: the next one fails 2 s after it, the second failure 5 s later.
    expect(result.measured.lastCheckBeforeKillSeconds).toBe(3);
    expect(result.measured.expectedDetectionSeconds).toBe(7);
    expect(result.measured.killToBackInRotationSeconds).toBe(24);
    expect(result.measured.registeredToFirstServedSeconds).toBe(8.105);
    expect(result.measured.registeredToBackInRotationSeconds).toBe(8);
    expect(result.measured.outOfRotationBy).toBe('health-checks');
    expect(result.measured.killToListeningSeconds).toBe(16.2);
    expect(result.redis.matches).toBe(true);
    expect(result.predicted.detectionLowerBoundSeconds).toBe(5);
    expect(result.marks.map((m) => [m.kind, m.t])).toEqual([
      ['kill', 3], ['out-of-rotation', 10], ['replacement-registered', 19], ['back-in-rotation', 27],
    ]);
    expect(result.perSecond).toHaveLength(30);
    expect(result.perSecond[5]).toEqual({ second: 5, sent: 20, ok: { b: 10 }, failed: 10 });

    // The SVG has a bar per non-empty slice, a line per mark, and escaped text.
    const svg = timelineSvg('fast <preset> & co', [result]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('fast &lt;preset&gt; &amp; co');
    expect(svg.match(/class="mark-/g)).toHaveLength(4);
    expect(svg).toContain('a out of rotation (10.0 s)');
    expect(svg.match(/<rect /g)!.length).toBeGreaterThan(30);
    expect(escapeXml('"\'')).toBe('&quot;&apos;');

    // The table puts the scenario under its heading.
    const drill: DrillResult = {
      startedAt: 'x',
      finishedAt: 'y',
      short: true,
      presets: [{ preset: 'fast', healthCheck: FAST, failoverWindowSeconds: 14, healthyAfterSeconds: 10, scenarios: [result] }],
    };
    expect(formatTable(drill)).toMatch(/Scenario 1: instance loss[^\n]*\n(.*\n)*kill -> out of rotation \(DOWN\) +7\.0 s/);
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

describeDrill('the kill-a-server drill, short mode (fast preset, both scenarios)', () => {
  let result: DrillResult;
  let elapsedMs: number;
  const log: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    result = await runDrill({ short: true, log: (line) => log.push(line) });
    elapsedMs = Date.now() - started;
  }, 115_000);

  const scenario = (kind: string) => {
    const s = result.presets[0].scenarios.find((x) => x.kind === kind);
    if (!s) throw new Error(`no ${kind} scenario; log:\n${log.join('\n')}`);
    return s;
  };

  test('runs the fast preset only, both scenarios, well under 2 minutes', () => {
    expect(result.presets.map((p) => p.preset)).toEqual(['fast']);
    expect(result.presets[0].scenarios.map((s) => s.kind)).toEqual(['crash', 'instance-loss']);
    expect(elapsedMs).toBeLessThan(90_000);
  });

  test('HAProxy accepts the config generated from the template (haproxy -c)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-drill-test-'));
    try {
      const file = path.join(dir, 'haproxy.cfg');
      fs.writeFileSync(file, scenario('crash').haproxyConfig);
      expect(checkHaproxyConfig(file)).toEqual({ ok: true, output: expect.any(String) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('instance loss: the balancer takes the dead instance out within the window failoverWindow predicts', () => {
    const s = scenario('instance-loss');
    const hc = s.healthCheck;
    const detected = s.measured.killToOutOfRotationSeconds;
    // After the kill, the first check fails at some phase p in (0, interval]: the check schedule does not know
    // about the kill. The UnhealthyThresholdCount-th failure follows (unhealthyThreshold - 1) intervals later, so
    // DOWN comes at p + (unhealthyThreshold - 1) x interval, within ((fall - 1) x interval, fall x interval].
    // failoverWindow = fall x interval + timeout is the construct's worst case: the timeout covers a target that hangs
    // instead of refusing (here a killed process refuses at once). Slack: 0.25 s below for timer and kill
    // granularity; 1 s above for the admin-socket polling (50 ms) and event-loop and check-scheduling delays.
    const lower = (hc.unhealthyThreshold - 1) * hc.intervalSeconds - 0.25;
    const upper = s.predicted.failoverWindowSeconds + 1;
    expect(detected).not.toBeNull();
    expect(detected!).toBeGreaterThanOrEqual(lower);
    expect(detected!).toBeLessThanOrEqual(upper);
    // Tighter: the phase is known from the killed server's request log (its last answered check), so the
    // detection time is predictable to the check scheduling and polling precision.
    expect(s.measured.expectedDetectionSeconds).not.toBeNull();
    expect(Math.abs(detected! - s.measured.expectedDetectionSeconds!)).toBeLessThanOrEqual(0.5);
  });

  test('instance loss: requests fail (502) only until the balancer takes the dead instance out', () => {
    const s = scenario('instance-loss');
    expect(s.requests.failed).toBeGreaterThan(0);
    expect(Object.keys(s.requests.failedBy)).toEqual(['502']);
    expect(s.requests.failedAfterOutOfRotation).toBe(0);
    expect(s.measured.killToLastFailureSeconds!).toBeLessThanOrEqual(s.measured.killToOutOfRotationSeconds!);
  });

  test('instance loss: the replacement serves after about healthyThreshold x interval', () => {
    const s = scenario('instance-loss');
    const hc = s.healthCheck;
    const joined = s.measured.registeredToFirstServedSeconds;
    // The replacement is registered once its server answers. Its first check comes at some phase p in (0, interval]
    // after registration (HAProxy's check schedule runs on), and healthyThreshold passes in a row put it UP at
    // p + (healthyThreshold - 1) x interval; the next request (every 1/rate s, round robin) goes to it.
    // healthyAfter = healthyThreshold x interval is the upper end. Slack: 0.25 s below; 1.5 s above for the
    // admin-socket polling, the next request and event-loop delays.
    expect(joined).not.toBeNull();
    expect(joined!).toBeGreaterThanOrEqual((hc.healthyThreshold - 1) * hc.intervalSeconds - 0.25);
    expect(joined!).toBeLessThanOrEqual(s.predicted.healthyAfterSeconds + 1.5);
    expect(s.requests.servedBy.c).toBeGreaterThan(0);
  });

  test('process crash: the supervisor restarts the server after RestartSec, and it serves again; the balancer never marks it DOWN', () => {
    const s = scenario('crash');
    const listening = s.measured.killToListeningSeconds!;
    expect(listening).toBeGreaterThanOrEqual(s.predicted.restartSeconds);
    expect(listening).toBeLessThan(s.predicted.restartSeconds + 3);
    expect(s.measured.killToFirstServedSeconds!).toBeLessThan(listening + 1);
    // Down for less than one interval, the server fails at most one check, and UnhealthyThresholdCount is 2.
    expect(listening).toBeLessThan(s.healthCheck.intervalSeconds);
    expect(s.measured.killToOutOfRotationSeconds).toBeNull();
    expect(Object.keys(s.requests.failedBy)).toEqual(['502']);
    expect(s.measured.killToLastFailureSeconds!).toBeLessThanOrEqual(listening + 0.5);
  });

  test('in both scenarios, the Redis counter equals the number of 200 answers: nothing lost, nothing counted twice', () => {
    for (const s of result.presets[0].scenarios) {
      // The kill waits for an instant without a request in flight, so no request can die between INCR and its answer.
      expect(s.redis.inFlightAtKill).toBe(0);
      expect(s.redis.counterDelta).toBe(s.requests.succeeded);
      expect(s.requests.succeeded + s.requests.failed).toBe(s.requests.sent);
    }
  });

  test('every process the drill started is gone afterwards', () => {
    for (const s of result.presets[0].scenarios) {
      // redis + haproxy + a + b (+ the restarted a, or the replacement c)
      expect(s.processes.started.length).toBe(5);
      expect(s.processes.leftover).toEqual([]);
      expect(s.processes.started.filter(alive)).toEqual([]);
    }
  });

  test('the report writes a JSON and an SVG per preset', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webtier-drill-results-'));
    try {
      const files = writeResults(result, dir);
      expect(files.map((f) => path.basename(f))).toEqual([expect.stringMatching(/^drill-fast-.*\.json$/), expect.stringMatching(/^drill-fast-.*\.svg$/)]);
      const json = JSON.parse(fs.readFileSync(files[0], 'utf8'));
      expect(json.scenarios[1].measured.killToOutOfRotationSeconds).toBe(scenario('instance-loss').measured.killToOutOfRotationSeconds);
      expect(fs.readFileSync(files[1], 'utf8')).toContain('a out of rotation');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
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
