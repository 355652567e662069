/**
 * The processes a rehearsal started, as groups: whether one still has a live process, and how to stop every one of
 * them at once when the command is interrupted (Ctrl-C or SIGTERM), whatever step it was in. A process group stands in
 * for the unit's control group, which systemd stops as a whole
 * (https://www.freedesktop.org/software/systemd/man/latest/systemd.kill.html); its state comes from /proc
 * (https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html).
 */
import * as fs from 'fs';

/**
 * Whether any process of the process group `pgid` is still running (a zombie, exited but not yet reaped, does not
 * count: systemd counts a unit's processes by its control group, where an exited process is gone).
 * On Linux from /proc/PID/stat (proc(5): field 3 the state, field 5 the process group); elsewhere `kill(-pgid, 0)`.
 */
export function processGroupAlive(pgid: number): boolean {
  if (fs.existsSync('/proc/self/stat')) {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) {
        continue;
      }
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      // The command name (field 2) is in parentheses and may hold spaces: the fields after its last ')'.
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(group) === pgid && state !== 'Z' && state !== 'X') {
        return true;
      }
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals the process group of `pid` (setsid made one), or the process alone where there is no group. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch {
      // Not a group, or already gone.
    }
  }
}

/** What kills, at once and synchronously, each thing a rehearsal started that is still running. */
const started = new Set<() => void>();

/** Records `kill` (synchronous, SIGKILL) for `stopEverything`; returns the function that forgets it once stopped. */
export function trackStarted(kill: () => void): () => void {
  started.add(kill);
  return () => started.delete(kill);
}

/** How many started things are still tracked. */
export function startedCount(): number {
  return started.size;
}

/** Kills every process the rehearsal started and has not stopped yet (the command was interrupted). */
export function stopEverything(): void {
  for (const kill of [...started]) {
    try {
      kill();
    } catch {
      // Already gone.
    }
    started.delete(kill);
  }
}
