import { spawnSync } from 'child_process';
import { missingPrerequisites } from '../tools/local-servers';

/** What the drill needs on the machine: HAProxy and Redis (the web app needs /usr/bin/python3 only). */
export function missingDrillPrerequisites(): string[] {
  const missing: string[] = missingPrerequisites(['redis-server']);
  const haproxy = spawnSync('haproxy', ['-v'], { stdio: 'ignore', timeout: 10_000 });
  if (haproxy.status !== 0) missing.unshift('haproxy');
  return missing;
}

/** What to do about missing prerequisites. */
export function prerequisiteHint(missing: string[]): string {
  return `the drill needs ${missing.join(', ')}: run .ci/run (as root, it installs them), ` +
    'or apt-get install haproxy redis-server';
}
