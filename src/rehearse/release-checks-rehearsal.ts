import { spawn } from 'child_process';
import * as path from 'path';
import { Finding, FINDINGS } from './findings';
import { ASSETS_DIR } from '../instance-files';

/** The release checks as a rehearsal ran them against one of its servers. */
export interface ReleaseChecksRun {
  /** Whether every check passed. */
  readonly passed: boolean;
  /** The runner's lines: one per check, passed or FAILED with what was wrong. */
  readonly lines: string[];
}

/** The longest one check may take: 3 tries of 10 s and two pauses of 2 s (release-checks.sh's defaults), and a margin. */
const SECONDS_PER_CHECK = 3 * 10 + 2 * 2 + 2;

/**
 * Runs the tier's release checks (`checks`, one a line, as the user-data holds them) against a rehearsal server on
 * 127.0.0.1 `port`, with the runner every web server runs before it joins the target group
 * (assets/web/release-checks.sh, its real tries, pause and timeout): what a new server of a release would see.
 * Undefined when there are no checks. The runner is killed after its longest possible run.
 */
export async function runReleaseChecks(checks: string, port: number): Promise<ReleaseChecksRun | undefined> {
  const count = checks.split('\n').filter((line) => line !== '').length;
  if (count === 0) {
    return undefined;
  }
  const child = spawn('bash', [path.join(ASSETS_DIR, 'web', 'release-checks.sh')], {
    env: { PATH: process.env.PATH, WEBTIER_HOME: ASSETS_DIR, WEBTIER_WEB_PORT: String(port), WEBTIER_RELEASE_CHECKS: checks },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), count * SECONDS_PER_CHECK * 1000);
  const code = await new Promise<number | null>((resolve) => {
    child.once('close', (c) => resolve(c));
    child.once('error', () => resolve(null));
  });
  clearTimeout(timer);
  const lines = stderr.split('\n').map((line) => line.replace(/^release-checks\.sh: /, '').trim()).filter((line) => line !== '');
  return { passed: code === 0, lines: code === null && lines.length === 0 ? ['the runner did not finish (bash and curl are needed)'] : lines };
}

/** The finding of a run whose checks failed: every new server of a release would abandon its launch. */
export function releaseChecksFinding(run: ReleaseChecksRun | undefined): Finding | undefined {
  if (!run || run.passed) {
    return undefined;
  }
  return FINDINGS.releaseCheckFails(run.lines.filter((line) => !/: passed/.test(line)).join('; '));
}
