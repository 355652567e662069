// `rehearse` for real: the hello counter and the starter web app from synthesized cloud assemblies (the settings a
// user deploys), and one small app per flaw (test/rehearse/fixtures), all against real redis-server processes on
// 127.0.0.1. Every rehearsal runs at once in beforeAll (each mostly waits on health checks and the 59 s idle
// connection), then each test reads its report.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { FAST, FIXTURES, FLAWED, STARTER } from './rehearse-fixtures';
import { allElements, parseXml, XmlElement } from './well-formed-xml';
import { WebApplication, ZeroDowntimeWebTier } from '../../src';
import { main } from '../../src/rehearse/cli';
import { rehearse, RehearsalReport, ScenarioName } from '../../src/rehearse/rehearsal';
import { formatReport } from '../../src/rehearse/report';
import { describeWith } from '../runtime/harness';

describeWith(['redis-server', 'openssl'])('rehearse', () => {
  const reports = new Map<string, RehearsalReport>();
  const cli = new Map<string, { code: number; output: string; json: any }>();
  /** The CLI with --out (and --json) on an app that drops a request at SIGTERM and refuses them while it restarts. */
  let withOut: { code: number; output: string; dir: string; json: string };
  /** The CLI with --out (and --json), sigterm only, on an app whose pages answer at once and touch nothing. */
  let nothingSlow: { code: number; output: string; dir: string; json: string };
  let workDir: string;

  /** The CLI on a fixture with --json and --out. */
  async function cliWithOut(fixture: string, scenarios: string): Promise<{ code: number; output: string; dir: string; json: string }> {
    const lines: string[] = [];
    const dir = path.join(workDir, 'out', fixture);
    const json = path.join(workDir, `${fixture}.json`);
    const code = await main(['rehearse', '--dir', path.join(FIXTURES, fixture), '--start', 'exec node server.js', '--health', '/healthz',
      '--scenarios', scenarios, '--json', json, '--out', dir], l => lines.push(l), l => lines.push(l));
    return { code, output: lines.join('\n'), dir, json };
  }

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearse-test-'));
    const synth = (name: string, application?: WebApplication) => {
      const outdir = path.join(workDir, name);
      const app = new App({ outdir });
      new ZeroDowntimeWebTier(new Stack(app, 'Shop'), 'Web', { application });
      app.synth();
      return outdir;
    };
    const assemblies = {
      hello: synth('hello'),
      starter: synth('starter', WebApplication.fromDirectory(STARTER, { startCommand: 'exec node server.js', healthCheckPath: '/healthz', socketActivation: true })),
    };
    await Promise.all([
      ...Object.entries(assemblies).map(async ([name, outdir]) => {
        const lines: string[] = [];
        const json = path.join(workDir, `${name}.json`);
        const code = await main(['rehearse', '--app', outdir, '--json', json], l => lines.push(l), l => lines.push(l));
        cli.set(name, { code, output: lines.join('\n'), json: fs.existsSync(json) ? JSON.parse(fs.readFileSync(json, 'utf8')) : undefined });
      }),
      (async () => {
        withOut = await cliWithOut('sigterm-abrupt', 'steady,crash,release,sigterm,scale-in');
      })(),
      (async () => {
        nothingSlow = await cliWithOut('sigterm-nothing-slow', 'sigterm');
      })(),
      ...FLAWED.map(async flawed => {
        const report = await rehearse({
          application: {
            name: flawed.name,
            directory: flawed.dir ?? path.join(FIXTURES, flawed.name),
            startCommand: 'exec node server.js',
            port: 8000,
            healthCheckPath: '/healthz',
            socketActivation: flawed.socketActivation ?? false,
            environment: {},
            secretNames: [],
            installCommands: [],
            releaseChecks: flawed.releaseChecks,
          },
          settings: { ...FAST, ...flawed.settings },
        }, { scenarios: flawed.scenarios });
        reports.set(flawed.name, report);
      }),
    ]);
  }, 300_000);

  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  test.each(['hello', 'starter'])('the %s app from its cloud assembly: every scenario with 0 failed, no finding, exit 0', (name) => {
    const { code, output, json } = cli.get(name)!;
    expect(output).toContain('No findings');
    expect(code).toBe(0);
    const [report] = json.reports as RehearsalReport[];
    expect(report.findings).toEqual([]);
    // Its release checks, read from the template, passed against its own server; the report says how long a release takes.
    expect(report.releaseChecks).toEqual({ passed: true, lines: [expect.stringMatching(/^release check (HEAD \/cgi-bin\/hello\.py|GET \/): passed \(200\)$/)] });
    expect(output).toMatch(/^Release: A release of \d+ servers takes about \d+ min/m);
    expect(report.scenarios.map(s => s.name).sort()).toEqual(['crash', 'idle-connection', 'release', 'scale-in', 'sigterm', 'steady']);
    for (const scenario of report.scenarios) {
      // Exercised, too: the sigterm probe held a request in flight (the POST's body or, for these, the GET on Redis).
      const { name: scenarioName, failed, notExercised } = scenario;
      expect({ scenario: scenarioName, failed, notExercised }).toEqual({ scenario: scenarioName, failed: 0 });
      expect(scenario.requests).toBeGreaterThan(0);
    }
    // The clients asked the app's own page, and it answered (the hello counter's is /cgi-bin/hello.py, not /)
    expect(Object.keys(report.scenarios.find(s => s.name === 'steady')!.statuses)).toEqual(['200']);
  });

  test('the cloud assembly\'s settings are the ones rehearsed: the one-liner\'s health check and deregistration delay, the ALB idle timeout', () => {
    expect(cli.get('starter')!.output).toContain('idle timeout 60 s, health check every 30 s (timeout 3 s, healthy after 2, unhealthy after 2), deregistration delay 30 s');
    // The deadlines those settings give, stated before anything starts (README: 158 s and 774 s).
    expect(cli.get('starter')!.output).toContain('deadlines: each scenario 158 s, the whole rehearsal 774 s');
    expect(cli.get('starter')!.output).toContain('Deadlines: each scenario 158 s, the whole rehearsal 774 s.');
    expect(cli.get('starter')!.output).toContain('Redis: a local redis-server for the tier\'s cache');
  });

  test.each(FLAWED.map(f => [f.name, f.finding] as const))('%s: reported as %s, with a fix', (name, finding) => {
    const report = reports.get(name)!;
    const found = report.findings.find(f => f.id === finding);
    expect(found).toBeDefined();
    expect(found!.fix.length).toBeGreaterThan(10);
    const severity = found!.severity;
    expect(report.exitCode).toBe(severity === 'error' ? 1 : 0);
  });

  test('release-check-fails: the report names the failed check and the passed one', () => {
    const report = reports.get('release-check-fails')!;
    expect(report.releaseChecks).toEqual({
      passed: false,
      lines: [
        'release check GET /: passed (200)',
        'release check GET /ready/db FAILED after 3 tries: answered 500, expected 200',
      ],
    });
    expect(report.findings[0].message).toContain('GET /ready/db FAILED after 3 tries: answered 500, expected 200');
    expect(formatReport(report, FAST)).toMatch(/^Release checks \(before a new server joins the target group\): FAILED$/m);
  });

  test('a clean run of the flawed apps reports only their own flaw', () => {
    for (const flawed of FLAWED.filter(f => f.finding !== 'port-ignored')) {
      const ids = reports.get(flawed.name)!.findings.map(f => f.id);
      expect({ app: flawed.name, ids }).toEqual({ app: flawed.name, ids: [flawed.finding] });
    }
  });

  test('health-page-hides-failures fires on one request in three failing while the health page passes, and alone', () => {
    const report = reports.get('health-hides-some')!;
    expect(report.findings.map(f => f.id)).toEqual(['health-page-hides-failures']);
    expect(report.exitCode).toBe(1);
    const steady = report.scenarios.find(s => s.name === 'steady')!;
    // About a third of the requests: the app's own 500s, named in the message.
    expect(steady.statuses['500'] / steady.requests).toBeGreaterThan(0.25);
    expect(steady.statuses['500'] / steady.requests).toBeLessThan(0.4);
    expect(report.findings[0].message).toContain(`500 x${steady.statuses['500']}`);
  });

  test('the full rehearsal runs its groups of scenarios at once: the release and the crash happen during the idle connection', () => {
    const [report] = cli.get('starter')!.json.reports as RehearsalReport[];
    const span = (name: ScenarioName) => {
      const s = report.scenarios.find(x => x.name === name)!;
      const start = Date.parse(s.timeline.startedAt);
      return [start, start + s.seconds * 1000];
    };
    const [idleStart, idleEnd] = span('idle-connection');
    for (const name of ['crash', 'release', 'sigterm'] as ScenarioName[]) {
      const [start, end] = span(name);
      expect({ name, during: start > idleStart && start < idleEnd }).toEqual({ name, during: true });
      expect(end).toBeGreaterThan(start);
    }
    // scale-in stops b, the server of the idle connection: after it.
    expect(span('scale-in')[0]).toBeGreaterThanOrEqual(idleEnd);
  });

  test('the timeline records each request\'s server and status, and the events of a release in order', () => {
    const [report] = cli.get('starter')!.json.reports as RehearsalReport[];
    const release = report.scenarios.find(s => s.name === 'release')!;
    expect(release.timeline.requests).toHaveLength(release.requests);
    expect(new Set(release.timeline.requests.map(([, server]) => server))).toEqual(new Set(['c', 'd', 'e']));
    const events = release.timeline.events.map(e => `${e.event} ${e.server}`);
    const order = ['register e', 'healthy e', 'deregister c', 'SIGTERM c', 'stop c'].map(e => events.indexOf(e));
    expect(order.every(i => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    const crash = report.scenarios.find(s => s.name === 'crash')!;
    expect(crash.timeline.events.map(e => `${e.event} ${e.server}`)).toEqual(['crash a', 'restart a']);
  });

  describe('--out DIR', () => {
    let svg: XmlElement;
    let report: RehearsalReport;
    beforeAll(() => {
      svg = parseXml(fs.readFileSync(path.join(withOut.dir, 'rehearsal.svg'), 'utf8'));
      [report] = JSON.parse(fs.readFileSync(path.join(withOut.dir, 'rehearsal.json'), 'utf8')).reports;
    });

    test('writes rehearsal.json, the same report as --json, and says where the files went', () => {
      expect(fs.readFileSync(path.join(withOut.dir, 'rehearsal.json'), 'utf8')).toEqual(fs.readFileSync(withOut.json, 'utf8'));
      expect(withOut.output).toContain(`The report: ${path.join(withOut.dir, 'rehearsal.json')}; its timeline`);
      expect(withOut.output).toContain(path.join(withOut.dir, 'rehearsal.svg'));
      expect(withOut.code).toBe(1);
    });

    test('rehearsal.svg is well-formed SVG with a panel per scenario', () => {
      expect(svg.name).toBe('svg');
      expect(svg.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
      const titles = allElements(svg).filter(e => e.name === 'text' && e.attributes.class === 'title').map(e => e.text);
      expect(titles.slice(1).map(t => t.split(':')[0])).toEqual(['steady', 'crash', 'release', 'sigterm', 'scale-in']);
    });

    test('a bar of its own colour for each server that answered, and a mark per event', () => {
      const rects = allElements(svg).filter(e => e.name === 'rect');
      const answered = report.scenarios.flatMap(s => s.timeline.requests).filter(([, , status]) => status > 0 && status < 500);
      const servers = new Set(answered.map(([, server]) => server));
      expect(servers).toEqual(new Set(['a', 'b', 'c', 'd', 'e']));
      const colours = new Set<string>();
      for (const server of servers) {
        const bars = rects.filter(r => r.children.some(t => t.name === 'title' && t.text.endsWith(` answered by ${server}`)));
        expect({ server, bars: bars.length > 0 }).toEqual({ server, bars: true });
        // Every bar of a server has one colour, which no other server has.
        const fills = new Set(bars.map(r => r.attributes.fill));
        expect(fills.size).toBe(1);
        colours.add([...fills][0]);
      }
      expect(colours.size).toBe(servers.size);
      const marks = allElements(svg).filter(e => e.name === 'line' && /^mark-/.test(e.attributes.class ?? ''));
      const events = report.scenarios.flatMap(s => s.timeline.events);
      expect(marks.map(m => m.attributes.class).sort()).toEqual(events.map(e => `mark-${e.event}`).sort());
      for (const event of ['crash', 'restart', 'register', 'healthy', 'deregister', 'SIGTERM', 'stop']) {
        expect(events.map(e => e.event)).toContain(event);
      }
    });

    test('the failed requests drawn on top, as many as failed', () => {
      const failed = report.scenarios.flatMap(s => s.timeline.requests).filter(([, , status]) => status === 0 || status >= 500).length;
      // The request in flight through SIGTERM, and those refused while server a restarted without socket activation.
      expect(report.scenarios.find(s => s.name === 'sigterm')!.failed).toBe(1);
      expect(failed).toBeGreaterThan(1);
      const drawn = allElements(svg).filter(e => e.name === 'rect').flatMap(r => r.children)
        .map(t => /: (\d+) failed$/.exec(t.text)).filter((m): m is RegExpExecArray => m !== null).map(m => Number(m[1]));
      expect(drawn.reduce((x, y) => x + y, 0)).toBe(failed);
    });
  });

  test('the starter answers its POST before reading the body, so the sigterm probe holds a GET on Redis\'s paused writes: in flight at SIGTERM, answered', () => {
    const { output, json } = cli.get('starter')!;
    const [report] = json.reports as RehearsalReport[];
    const sigterm = report.scenarios.find(s => s.name === 'sigterm')!;
    expect(sigterm.heldInFlightBy).toBe('GET / waiting on Redis (its writes paused)');
    expect(sigterm.notExercised).toBeUndefined();
    expect(sigterm.failed).toBe(0);
    // The POST (answered before SIGTERM, on f) and the GET held through it (on g), both 200: the INCR went through.
    expect(sigterm.timeline.requests.map(([, server, status]) => [server, status])).toEqual([['f', 200], ['g', 200]]);
    const events = sigterm.timeline.events.map(e => `${e.event} ${e.server}`);
    expect(events).toEqual(['start g', 'SIGTERM g', 'stop g']);
    // The GET was sent before SIGTERM and answered after it (the pause lasts 1.5 s, SIGTERM lands 300 ms in).
    const sent = sigterm.timeline.requests[1][0];
    const term = sigterm.timeline.events.find(e => e.event === 'SIGTERM')!.t;
    expect(term - sent).toBeGreaterThanOrEqual(0.25);
    expect(output).toMatch(/^sigterm +2 +0 +200 x2 +0 failed: met \(in flight at SIGTERM: GET \/ waiting on Redis \(its writes paused\)\)$/m);
  });

  test('sigterm-abrupt reads the body before answering: the POST is in flight at SIGTERM and dropped, one request', () => {
    const sigterm = reports.get('sigterm-abrupt')!.scenarios.find(s => s.name === 'sigterm')!;
    expect(sigterm.heldInFlightBy).toBe('POST / with its body still arriving');
    expect([sigterm.requests, sigterm.failed]).toEqual([1, 1]);
  });

  test('sigterm-redis-abrupt: its POST answered before SIGTERM, the GET held on Redis dropped by the exit: the finding names it', () => {
    const report = reports.get('sigterm-redis-abrupt')!;
    const sigterm = report.scenarios.find(s => s.name === 'sigterm')!;
    expect(sigterm.heldInFlightBy).toBe('GET / waiting on Redis (its writes paused)');
    expect(sigterm.timeline.requests.map(([, server, status]) => [server, status])).toEqual([['f', 200], ['', 0]]);
    expect(sigterm.failed).toBe(1);
    expect(report.findings[0].message).toContain('GET / waiting on Redis (its writes paused): the application closed the connection without an answer');
  });

  test('pages that answer at once and touch nothing: the sigterm row says not exercised, no finding, exit 0, the JSON says the same', () => {
    // --dir without --redis: no redis-server, so no GET can be held on one either.
    expect(nothingSlow.output).toContain('Redis: none (the application does not use the tier\'s cache: give --redis if it does)');
    expect(nothingSlow.output).toMatch(/^sigterm +1 +0 +200 x1 +not exercised: every answer came before SIGTERM \(and without Redis no page can be held on it\)$/m);
    expect(nothingSlow.output).toContain('Result: clean (exit 0).');
    expect(nothingSlow.code).toBe(0);
    expect(fs.readFileSync(path.join(nothingSlow.dir, 'rehearsal.json'), 'utf8')).toEqual(fs.readFileSync(nothingSlow.json, 'utf8'));
    const [report] = JSON.parse(fs.readFileSync(nothingSlow.json, 'utf8')).reports as RehearsalReport[];
    expect(report.findings).toEqual([]);
    expect(report.exitCode).toBe(0);
    const [sigterm] = report.scenarios;
    expect(sigterm).toMatchObject({ name: 'sigterm', notExercised: 'every answer came before SIGTERM (and without Redis no page can be held on it)', failed: 0 });
    expect(sigterm.heldInFlightBy).toBeUndefined();
    // SIGTERM was never sent: no request was in flight for it to rehearse.
    expect(sigterm.timeline.events.map(e => e.event)).not.toContain('SIGTERM');
  });

  test('the keep-alive finding names the time the app closed its connection and the Node.js fix', () => {
    const found = reports.get('keep-alive-default')!.findings[0];
    // Node.js 20's default is 5 s; its timer closes the connection within the next second.
    expect(found.message).toMatch(/after [56](\.\d)? s/);
    expect(found.fix).toContain('server.keepAliveTimeout = 65000');
  });
});
