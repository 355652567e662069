/**
 * The application's folder as a web server has it: a copy unpacked as the boot does, read-only to the application,
 * and what the application wrote into it (where the sandbox cannot refuse the writes).
 * Modes as chmod(1) sets them (https://man7.org/linux/man-pages/man1/chmod.1.html); on the instance the unit's
 * sandbox also mounts the system read-only
 * (https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#ProtectSystem=).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Copies the application's folder to `target` as the boot unpacks it: readable by everyone, writable by no one
 * but root (`chmod -R a+rX,go-w`, as `bootstrap-web.sh` does). Returns `target`.
 */
export function prepareApplicationFolder(source: string, target: string): string {
  fs.cpSync(source, target, { recursive: true, dereference: false, filter: src => !/(^|\/)(\.git|cdk\.out)$/.test(src) });
  const r = spawnSync('chmod', ['-R', 'a+rX,go-w', target], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`cannot make ${target} read-only: ${r.stderr}`);
  }
  return target;
}

/** The files of `folder` (relative path, size and modification time), to tell what the application wrote. */
export function folderSnapshot(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const stat = fs.lstatSync(full);
      files.set(path.relative(folder, full), entry.isDirectory() ? 'dir' : `${stat.size}:${stat.mtimeMs}`);
      if (entry.isDirectory()) {
        walk(full);
      }
    }
  };
  walk(folder);
  return files;
}

/** What changed between two snapshots of a folder: paths added, removed or modified. */
export function folderChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const [file, sig] of after) {
    // A folder counts when it is new; what changes inside an old one is counted by its files.
    if (!before.has(file) || (sig !== 'dir' && before.get(file) !== sig)) {
      changed.add(file);
    }
  }
  for (const file of before.keys()) {
    if (!after.has(file)) {
      changed.add(file);
    }
  }
  return [...changed].sort();
}
