/**
 * What the unit imposes on the application where this machine lets the stand-in impose it: `User=nobody` (the unit's
 * user, https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#User=) and a folder it cannot
 * write (https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#ReadOnlyPaths=); both need root
 * on Linux. And how the stand-in for systemd itself (`unit-holder`) is run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** How to run `unit-holder`: the compiled file of the package, or (in this repository's tests) its TypeScript. */
export function unitHolderCommand(): string[] {
  const js = path.join(__dirname, 'unit-holder.js');
  return fs.existsSync(js) ? [js] : ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'unit-holder.ts')];
}

/** The uid and gid of `nobody` on Linux. */
export const NOBODY = 65534;

/** Whether the unit's user and read-only folder can be imposed here (root on Linux). */
export function canSandbox(): boolean {
  return os.platform() === 'linux' && typeof process.getuid === 'function' && process.getuid() === 0;
}
