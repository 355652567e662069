/**
 * The settings of the instance's own unit (`assets/web/webtier.service`, the file the boot installs) that the
 * rehearsal's unit stand-in obeys: read from the shipped file, never from a second copy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ASSETS_DIR } from '../../instance-files';

/** What the stand-in takes from the unit file. */
export interface ServiceUnitSettings {
  /**
   * `RestartSec=`: the time to sleep before restarting the service (systemd.service(5): default 100 ms).
   * https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#RestartSec=
   */
  readonly restartSeconds: number;
  /**
   * `TimeoutStopSec=`: how long systemd waits for the unit's processes to exit after the stop signal before it sends
   * SIGKILL (systemd.service(5); systemd.kill(5) `SendSIGKILL=yes`). Default 90 s (DefaultTimeoutStopSec=).
   * https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#TimeoutStopSec=
   */
  readonly timeoutStopSeconds: number;
  /**
   * `KillMode=`: `control-group` (the default) sends the stop signal to every remaining process of the unit's control
   * group, not only the main process (systemd.kill(5)).
   * https://www.freedesktop.org/software/systemd/man/latest/systemd.kill.html#KillMode=
   */
  readonly killMode: string;
  /** `KillSignal=` (systemd.kill(5): default SIGTERM). */
  readonly killSignal: NodeJS.Signals;
  /** Every `Environment=` assignment of the unit (systemd.exec(5)), e.g. `PYTHONDONTWRITEBYTECODE=1`. */
  readonly environment: Record<string, string>;
}

/** The instance's unit file. */
export const SERVICE_UNIT_FILE = path.join(ASSETS_DIR, 'web', 'webtier.service');

/** Reads the `[Service]` settings of `file` (default the shipped `webtier.service`), with systemd's defaults. */
export function readServiceUnit(file: string = SERVICE_UNIT_FILE): ServiceUnitSettings {
  const values = new Map<string, string[]>();
  let section = '';
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) {
      continue;
    }
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (section === 'Service' && eq > 0) {
      const key = line.slice(0, eq).trim();
      values.set(key, [...(values.get(key) ?? []), line.slice(eq + 1).trim()]);
    }
  }
  const last = (key: string) => values.get(key)?.slice(-1)[0];
  const environment: Record<string, string> = {};
  // systemd.exec(5) Environment=: space-separated VAR=value assignments, double quotes around one with spaces.
  for (const assignments of values.get('Environment') ?? []) {
    for (const match of assignments.matchAll(/"([^"=]+)=([^"]*)"|(\S+?)=(\S*)/g)) {
      environment[match[1] ?? match[3]] = match[2] ?? match[4];
    }
  }
  const signal = last('KillSignal') ?? 'SIGTERM';
  return {
    restartSeconds: seconds(last('RestartSec'), 0.1),
    timeoutStopSeconds: seconds(last('TimeoutStopSec'), 90),
    killMode: last('KillMode') ?? 'control-group',
    killSignal: (signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals,
    environment,
  };
}

/** A systemd time span (systemd.time(7)): a bare number is seconds; `30s`, `1min`, `500ms`, `1min 30s`. */
function seconds(value: string | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  const units: Record<string, number> = { ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600 };
  let total = 0;
  for (const part of value.split(/\s+/)) {
    const match = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(part);
    if (!match || (match[2] !== '' && units[match[2]] === undefined)) {
      throw new Error(`${SERVICE_UNIT_FILE}: cannot read the time span ${JSON.stringify(value)}`);
    }
    total += Number(match[1]) * (match[2] === '' ? 1 : units[match[2]]);
  }
  return total;
}
