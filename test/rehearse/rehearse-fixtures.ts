/** The rehearsal's test applications: the fixtures (one small app per flaw), the starter web app, and the flaw each shows. */
import * as path from 'path';
import { FindingId } from '../../src/rehearse/findings';
import { ScenarioName } from '../../src/rehearse/rehearsal';
import { LoadBalancerSettings, TIER_DEFAULT_SETTINGS } from '../../src/stand-ins/synthesized-tier/fleet-settings';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const STARTER = path.join(__dirname, '..', '..', 'packages', 'cdk-zero-downtime-web-tier-app', 'templates', 'app', 'webapp');

/** The tier's fast health-check preset (`WebHealthCheckPresets.fast()`: every 5 s, 4 s timeout), for the flawed apps. */
export const FAST: LoadBalancerSettings = { ...TIER_DEFAULT_SETTINGS, healthCheckIntervalSeconds: 5, healthCheckTimeoutSeconds: 4 };

/** Each flawed app, the scenarios that show its flaw, and what must be found. */
export interface FlawedApp {
  readonly name: string;
  readonly scenarios: ScenarioName[];
  readonly finding: FindingId;
  readonly settings?: Partial<LoadBalancerSettings>;
  readonly socketActivation?: boolean;
  readonly dir?: string;
  /** The tier's release checks, as the user-data holds them. */
  readonly releaseChecks?: string;
}
export const FLAWED: FlawedApp[] = [
  { name: 'keep-alive-default', scenarios: ['idle-connection'], finding: 'keep-alive-shorter-than-load-balancer' },
  { name: 'sigterm-abrupt', scenarios: ['sigterm'], finding: 'sigterm-drops-requests' },
  // Answers a POST before reading its body: only the GET that waits on the paused Redis is in flight at SIGTERM.
  { name: 'sigterm-redis-abrupt', scenarios: ['sigterm'], finding: 'sigterm-drops-requests' },
  { name: 'health-lies', scenarios: ['steady'], finding: 'health-page-hides-failures' },
  // One request in three fails while the health page answers 200: the finding, not only requests-failed.
  { name: 'health-hides-some', scenarios: ['steady'], finding: 'health-page-hides-failures' },
  { name: 'port-ignored', scenarios: ['steady'], finding: 'port-ignored', settings: { readinessBudgetSeconds: 1 } },
  { name: 'loopback-only', scenarios: ['steady'], finding: 'loopback-only' },
  { name: 'writes-own-folder', scenarios: ['steady'], finding: 'writes-own-folder' },
  { name: 'slow-boot', scenarios: ['steady'], finding: 'boot-slower-than-budget', settings: { readinessBudgetSeconds: 2 } },
  // The starter itself, without socket activation: a crash refuses connections until the restart (a warning).
  { name: 'starter-without-socket-activation', scenarios: ['crash'], finding: 'restart-refuses-connections', dir: STARTER },
  // Its main page answers; the deeper page its release checks ask fails.
  { name: 'release-check-fails', scenarios: ['steady'], finding: 'release-check-fails', releaseChecks: 'GET 200 /\nGET 200 /ready/db' },
];
