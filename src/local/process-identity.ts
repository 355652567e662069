/**
 * Which processes the drill started, told apart from later ones that got the same pid: on a machine with the
 * default `pid_max` of 32768, a drill that starts thousands of processes sees pids come round again within minutes.
 * A process is the one the drill started when its pid and its start time (field 22 of `/proc/PID/stat`) both match.
 */
import * as fs from 'fs';

const startTimes = new Map<number, string>();

/** The process's start time, in clock ticks since boot; undefined when it is gone (or there is no /proc). */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Notes the start time of a process the drill started (while it runs). */
export function rememberProcess(pid: number): void {
  const started = startTimeOf(pid);
  if (started !== undefined) startTimes.set(pid, started);
}

/** Whether a process the drill started still exists (not another one that got its pid since). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const remembered = startTimes.get(pid);
  return remembered === undefined || startTimeOf(pid) === remembered;
}
