// The unit stand-in against systemd's documented behaviour (systemd.kill(5), systemd.service(5)), with the settings
// of the shipped unit file (read by unit-file.ts, tested in unit-file.test.ts); and the client load's bounds. Small shell apps on 127.0.0.1, a few seconds in all.
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { freePort, waitUntil } from '../../../src/local/loopback';
import { clientLoad, MAX_OUTSTANDING } from '../../../src/rehearse/client-load';
import { rehearsalDeadlines, withinDeadline } from '../../../src/rehearse/deadlines';
import { RehearsedApplication, TIER_DEFAULT_SETTINGS } from '../../../src/stand-ins/synthesized-tier/fleet-settings';
import { processGroupAlive } from '../../../src/stand-ins/systemd/process-group';
import { WebServerUnit } from '../../../src/stand-ins/systemd/service';

describe('the unit stand-in stops as systemd does', () => {
  let workDir: string;
  const units: WebServerUnit[] = [];
  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-stop-'));
    fs.chmodSync(workDir, 0o755);
  });
  afterAll(async () => {
    await Promise.all(units.map(u => u.stop(1)));
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  /** A unit whose start command is `startCommand` (not exec'd: bash is the main process, as in the README's first form). */
  async function unit(name: string, startCommand: string): Promise<WebServerUnit> {
    const app: RehearsedApplication = {
      name,
      directory: workDir,
      startCommand,
      port: 8000,
      healthCheckPath: '/',
      socketActivation: false,
      environment: {},
      secretNames: [],
      installCommands: [],
    };
    const u = new WebServerUnit(app, workDir, `i-${name}`, 'z', await freePort(), undefined, workDir);
    units.push(u);
    await u.start();
    await new Promise(resolve => setTimeout(resolve, 500));
    return u;
  }

  test('without exec: bash exits at once, the stop still waits for its child to finish (1.5 s after SIGTERM), no SIGKILL', async () => {
    const u = await unit('slow-child', 'sh -c \'trap "sleep 1.5; exit 0" TERM; while :; do sleep 0.1; done\'');
    const group = u.pid!;
    await u.stop(10);
    expect(u.lastStop!.killed).toBe(false);
    expect(u.lastStop!.ms).toBeGreaterThanOrEqual(1_400);
    expect(processGroupAlive(group)).toBe(false);
  });

  test('a child that ignores SIGTERM gets SIGKILL at TimeoutStopSec, and nothing of the unit is left', async () => {
    const u = await unit('deaf-child', 'sh -c \'trap "" TERM; while :; do sleep 0.1; done\'');
    const group = u.pid!;
    await u.stop(1);
    expect(u.lastStop!.killed).toBe(true);
    expect(u.lastStop!.ms).toBeGreaterThanOrEqual(1_000);
    expect(processGroupAlive(group)).toBe(false);
  });

  test('the main process exiting by itself: what is left of the unit is stopped before the restart (systemd.service(5))', async () => {
    const shared = fs.mkdtempSync(path.join(workDir, 'leftover-'));
    fs.chmodSync(shared, 0o777);
    const [marker, childPid] = [path.join(shared, 'started-once'), path.join(shared, 'child.pid')];
    const u = await unit('leftover', `if [ ! -e ${marker} ]; then touch ${marker}; sleep 100 & echo $! > ${childPid}; sleep 0.3; exit 3; fi; sleep 100`);
    await waitUntil('the restart', 10_000, () => u.starts.length >= 2);
    expect(u.exits[0].code).toBe(3);
    const child = Number(fs.readFileSync(childPid, 'utf8'));
    expect(child).toBeGreaterThan(0);
    const left = fs.existsSync(`/proc/${child}`) && !/\) [ZX] /.test(fs.readFileSync(`/proc/${child}/stat`, 'utf8'));
    await u.stop(1);
    if (left) {
      process.kill(child, 'SIGKILL');
    }
    expect(left).toBe(false);
  });

  test('the application sees the unit\'s own Environment= (PYTHONDONTWRITEBYTECODE=1) and no REDIS_* without Redis', async () => {
    const out = path.join(workDir, 'env.txt');
    fs.writeFileSync(out, '');
    fs.chmodSync(out, 0o666);
    const u = await unit('env', `env > ${out}; sleep 30`);
    await u.stop(1);
    const env = fs.readFileSync(out, 'utf8');
    expect(env).toMatch(/^PYTHONDONTWRITEBYTECODE=1$/m);
    expect(env).not.toMatch(/^REDIS_/m);
  });
});

describe('the client load', () => {
  test('never has more than 64 requests waiting, each timed from when it is sent: a server that never answers ends it in time', async () => {
    const held: http.ServerResponse[] = [];
    const server = http.createServer((_req, res) => held.push(res));
    const port = await freePort();
    await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const results = await clientLoad(port, ['/'], 200, 1, undefined, 5, 1_000);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(held.length).toBeLessThanOrEqual(MAX_OUTSTANDING);
      expect(results.length).toBeGreaterThan(150);
      expect(results.filter(r => r.error?.startsWith('not sent: 64 requests already waiting')).length).toBeGreaterThan(0);
      expect(results.every(r => r.status === 0)).toBe(true);
    } finally {
      held.forEach(res => res.destroy());
      server.close();
    }
  });
});

describe('the deadlines', () => {
  test('come from the settings rehearsed: health checks, deregistration delay, TimeoutStopSec, idle timeout', () => {
    expect(rehearsalDeadlines(TIER_DEFAULT_SETTINGS)).toEqual({ bootSeconds: 120, scenarioSeconds: 158, runSeconds: 774 });
    const faster = rehearsalDeadlines({
      ...TIER_DEFAULT_SETTINGS, healthCheckIntervalSeconds: 5, deregistrationDelaySeconds: 0, readinessBudgetSeconds: 10,
    });
    // 2 x 5 + 3 + 5 healthy, 0 deregistration, 30 TimeoutStopSec, 30 margin; boot 10 + 30.
    expect(faster).toEqual({ bootSeconds: 40, scenarioSeconds: 78, runSeconds: 2 * 40 + 60 + 3 * 78 });
  });

  test('are enforced: work past its deadline resolves undefined at the deadline, work within it its value', async () => {
    const started = Date.now();
    expect(await withinDeadline(0.2, new Promise(resolve => setTimeout(() => resolve('late'), 1_500)))).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await withinDeadline(1, Promise.resolve('done'))).toEqual({ value: 'done' });
  });
});
