import { missingPrerequisites } from '../src/local/prerequisites';

/** What the drill needs on the machine: Redis (the load balancer and systemd stand-ins are Node.js; the web app needs /usr/bin/python3 only). */
export function missingDrillPrerequisites(): string[] {
  return missingPrerequisites(['redis-server']);
}

/** What to do about missing prerequisites. */
export function prerequisiteHint(missing: string[]): string {
  return `the drill needs ${missing.join(', ')}: run .ci/run (as root, it installs them), ` +
    'or apt-get install redis-server';
}
