// `rehearse` on real servers (test/rehearse/server-corpus.ts): each app of the corpus at its server's defaults,
// started with and without `exec`, through the idle-connection and sigterm scenarios; the verdict must be the one its
// documentation predicts. Every rehearsal runs at once in beforeAll (the idle connection's 59 s wait is shared).
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS, CORPUS_DIR, CorpusServer, withoutExec } from './server-corpus';
import { rehearsalDeadlines } from '../../src/rehearse/deadlines';
import { rehearse, RehearsalReport } from '../../src/rehearse/rehearsal';
import { TIER_DEFAULT_SETTINGS } from '../../src/stand-ins/synthesized-tier/fleet-settings';
import { describeWith } from '../runtime/harness';

/** The tier's fast health-check preset (every 5 s, 4 s timeout): the ALB's idle timeout stays its default 60 s. */
const SETTINGS = { ...TIER_DEFAULT_SETTINGS, healthCheckIntervalSeconds: 5, healthCheckTimeoutSeconds: 4 };
/** The Node.js apps find their packages in this repository's node_modules (the rehearsal runs a copy of the folder). */
const NODE_PATH = path.join(__dirname, '..', '..', 'node_modules');

const FORMS = ['exec', 'without exec'] as const;
const runs = CORPUS.flatMap(server => FORMS.map(form => ({ server, form, start: form === 'exec' ? server.start : withoutExec(server.start) })));

describeWith(['nginx', 'gunicorn-flask', 'uvicorn-starlette'])('rehearse on real servers, with and without exec', () => {
  const reports = new Map<string, RehearsalReport>();
  const key = (server: CorpusServer, form: string) => `${server.name} ${form}`;

  beforeAll(async () => {
    await Promise.all(runs.map(async ({ server, form, start }) => {
      reports.set(key(server, form), await rehearse({
        application: {
          name: key(server, form),
          directory: path.join(CORPUS_DIR, server.name),
          startCommand: start,
          port: 8000,
          healthCheckPath: '/',
          socketActivation: false,
          environment: { NODE_PATH },
          secretNames: [],
          installCommands: [],
          usesRedis: false,
        },
        settings: SETTINGS,
      }, { scenarios: ['idle-connection', 'sigterm'] }));
    }));
  }, 240_000);

  test('the start commands without exec are the same commands, for real', () => {
    expect(runs.filter(r => r.form === 'without exec').every(r => !/\bexec\b/.test(r.start))).toBe(true);
    expect(runs.length).toBe(16);
  });

  describe.each(runs.map(r => [r.server.name, r.form, r.server] as const))('%s (%s)', (_name, form, server) => {
    const report = () => reports.get(key(server, form))!;
    const ids = () => report().findings.map(f => f.id);

    test(`SIGTERM: ${server.sigtermGraceful ? 'the request in flight is answered' : 'the request in flight is dropped'}`, () => {
      const sigterm = report().scenarios.find(s => s.name === 'sigterm')!;
      // The request was held in flight (its body still arriving) when SIGTERM landed: the scenario was exercised.
      expect(sigterm.heldInFlightBy).toBe('POST / with its body still arriving');
      expect({ failed: sigterm.failed, finding: ids().includes('sigterm-drops-requests') })
        .toEqual(server.sigtermGraceful ? { failed: 0, finding: false } : { failed: 1, finding: true });
      if (server.sigtermFix) {
        expect(report().findings.find(f => f.id === 'sigterm-drops-requests')!.fix).toContain(server.sigtermFix);
      }
      // Nothing waited for SIGKILL: a graceful server exits once its request is answered.
      expect(ids()).not.toContain('stop-needs-sigkill');
    });

    test(`keep-alive: ${server.keepAlive}`, () => {
      const found = report().findings.find(f => f.id === 'keep-alive-shorter-than-load-balancer');
      const note = (report().notes ?? []).some(n => n.includes('Connection: close'));
      expect({ finding: found !== undefined, note }).toEqual({ finding: server.keepAlive === 'finding', note: server.keepAlive === 'connection-close' });
      if (server.keepAliveFix) {
        expect(found!.fix).toContain(server.keepAliveFix);
      }
      const idle = report().scenarios.find(s => s.name === 'idle-connection')!;
      expect(idle.failed).toBe(server.keepAlive === 'finding' ? 1 : 0);
    });

    test('no other finding (a Python app writes no __pycache__: the unit sets PYTHONDONTWRITEBYTECODE=1)', () => {
      expect(ids().filter(id => !['sigterm-drops-requests', 'keep-alive-shorter-than-load-balancer'].includes(id))).toEqual([]);
    });
  });
});

describe('docs/rehearsal.md (the README links it)', () => {
  const section = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'rehearsal.md'), 'utf8');

  test('lists every server of the corpus with the start command the tests use', () => {
    const rows = [...section.matchAll(/^\| [^|]+ \| `([^`]+)` \| [^|]+ \|$/gm)].map(m => m[1]);
    expect(rows.length).toBe(5);
    for (const server of CORPUS) {
      expect(rows).toContain(server.start);
    }
  });

  test('states the deadlines the one-liner\'s defaults give', () => {
    const { scenarioSeconds, runSeconds } = rehearsalDeadlines(TIER_DEFAULT_SETTINGS);
    expect(section).toContain(`(${scenarioSeconds} s and ${runSeconds} s with the one-liner's defaults)`);
  });
});
