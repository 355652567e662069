// The settings of the shipped unit file that the systemd stand-in obeys, read from assets/web/webtier.service with
// systemd's defaults and time spans (systemd.service(5), systemd.kill(5), systemd.time(7)). No process is started.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WebServerUnit } from '../../../src/stand-ins/systemd/service';
import { readServiceUnit, SERVICE_UNIT_FILE } from '../../../src/stand-ins/systemd/unit-file';

describe('the unit file the stand-in reads', () => {
  test('is the shipped webtier.service: RestartSec, TimeoutStopSec, KillMode (default control-group), Environment', () => {
    expect(SERVICE_UNIT_FILE).toBe(path.join(__dirname, '..', '..', '..', 'assets', 'web', 'webtier.service'));
    expect(readServiceUnit()).toEqual({
      restartSeconds: 1, timeoutStopSeconds: 30, killMode: 'control-group', killSignal: 'SIGTERM', environment: { PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(WebServerUnit.STOP_TIMEOUT_SECONDS).toBe(30);
  });

  test('is read, not copied: another file gives other settings, systemd time spans and quoted assignments included', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-file-'));
    const file = path.join(dir, 'x.service');
    fs.writeFileSync(file, '[Unit]\nDescription=x\n[Service]\nRestartSec=500ms\nTimeoutStopSec=1min 30s\nKillMode=mixed\n' +
      'KillSignal=QUIT\nEnvironment=A=1 "B=two words"\nEnvironment=C=3\n');
    expect(readServiceUnit(file)).toEqual({
      restartSeconds: 0.5, timeoutStopSeconds: 90, killMode: 'mixed', killSignal: 'SIGQUIT', environment: { A: '1', B: 'two words', C: '3' },
    });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('systemd\'s defaults where the unit file is silent', () => {
  test('RestartSec 100 ms, TimeoutStopSec 90 s, KillMode control-group, KillSignal SIGTERM, no environment', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-file-'));
    const file = path.join(dir, 'bare.service');
    fs.writeFileSync(file, '[Unit]\nDescription=bare\n# RestartSec=5 in a comment is not a setting\n[Service]\nExecStart=/bin/true\n[Install]\nRestartSec=7\n');
    expect(readServiceUnit(file)).toEqual({ restartSeconds: 0.1, timeoutStopSeconds: 90, killMode: 'control-group', killSignal: 'SIGTERM', environment: {} });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('fails, naming the file, on a time span systemd would not read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unit-file-'));
    const file = path.join(dir, 'odd.service');
    fs.writeFileSync(file, '[Service]\nRestartSec=soon\n');
    expect(() => readServiceUnit(file)).toThrow(/cannot read the time span "soon"/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
