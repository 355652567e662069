import { failed as isFailed } from './client-load';
import { RehearsalReport } from './rehearsal';
import { ScenarioResult, TimelineEvent } from './scenario-record';
import { Timeline } from './timeline-svg';
import { LoadBalancerSettings } from '../stand-ins/synthesized-tier/fleet-settings';

/** The report as a person reads it: the scenarios as a table, then each finding with its fix. */
export function formatReport(report: RehearsalReport, settings: LoadBalancerSettings): string {
  const lines = [
    `Rehearsal of ${report.application} (${report.date}, ${report.machine})`,
    `Load balancer stand-in: idle timeout ${settings.idleTimeoutSeconds} s, health check every ${settings.healthCheckIntervalSeconds} s ` +
      `(timeout ${settings.healthCheckTimeoutSeconds} s, healthy after ${settings.healthyThreshold}, unhealthy after ${settings.unhealthyThreshold}), ` +
      `deregistration delay ${settings.deregistrationDelaySeconds} s. Redis: ${report.redis}. Sandbox: ${report.sandbox}.`,
    report.bootSeconds === undefined ? 'Boot: never answered its health page.' : `Boot: health page answered ${report.bootSeconds.toFixed(1)} s after the start.`,
    ...(report.deadlines ? [`Deadlines: each scenario ${report.deadlines.scenarioSeconds} s, the whole rehearsal ${report.deadlines.runSeconds} s.`] : []),
    ...(report.releaseChecks ? [`Release checks (before a new server joins the target group): ${report.releaseChecks.passed ? 'passed' : 'FAILED'}`,
      ...report.releaseChecks.lines.map(line => `  ${line}`)] : []),
    ...(report.releaseDuration ? [`Release: ${report.releaseDuration}`] : []),
    '',
  ];
  const rows = [['scenario', 'requests', 'failed', 'status codes', 'target'], ...report.scenarios.map(s => [
    s.name,
    String(s.requests),
    String(s.failed) + (s.lostInFlight ? ` (+${s.lostInFlight} in flight at the kill)` : ''),
    formatStatuses(s.statuses),
    target(s),
  ])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  for (const row of rows) {
    lines.push(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  }
  lines.push('');
  if (report.findings.length === 0) {
    lines.push('No findings: the application keeps the tier\'s zero-downtime promise in every scenario rehearsed.');
  }
  for (const f of report.findings) {
    lines.push(`${f.severity.toUpperCase()} ${f.id}: ${f.message}`);
    lines.push(`  fix: ${f.fix}`);
  }
  for (const note of report.notes ?? []) {
    lines.push(`NOTE ${note}`);
  }
  lines.push('', report.exitCode === 0 ? 'Result: clean (exit 0).' : 'Result: not clean (exit 1).');
  return lines.join('\n');
}

function formatStatuses(statuses: Record<string, number>): string {
  return Object.entries(statuses).map(([code, n]) => `${code === '0' ? 'no answer' : code} x${n}`).join(', ');
}

/** Whether the scenario met the tier's promise, is only measured, or could not be rehearsed (neither pass nor failure). */
function target(s: ScenarioResult): string {
  if (s.notExercised) {
    return `not exercised: ${s.notExercised}`;
  }
  const met = s.zeroTarget ? (s.failed === 0 ? '0 failed: met' : '0 failed: MISSED') : 'measured';
  return s.heldInFlightBy ? `${met} (in flight at SIGTERM: ${s.heldInFlightBy})` : met;
}

/**
 * A benchmark's summary: for each scenario, the failed requests of every run, so that a zero that holds only on a
 * good run shows.
 */
export function formatRepeats(application: string, runs: RehearsalReport[]): string {
  const names = [...new Set(runs.flatMap(r => r.scenarios.map(s => s.name)))];
  const lines = [`${application}: ${runs.length} runs, failed requests of each run`];
  for (const name of names) {
    const failed = runs.map(r => r.scenarios.find(s => s.name === name && !s.notExercised)?.failed ?? NaN);
    const total = failed.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
    lines.push(`${name.padEnd(16)} ${failed.map(f => (Number.isNaN(f) ? '-' : String(f))).join(' ')}  (${total} in all)`);
  }
  lines.push(`runs not clean: ${runs.filter(r => r.exitCode !== 0).length} of ${runs.length}`);
  return lines.join('\n');
}

/** The colour of each event's mark in the timeline picture. */
const EVENT_COLORS: Record<TimelineEvent, string> = {
  'start': '#9d755d',
  'restart': '#9d755d',
  'crash': '#e45756',
  'register': '#9d755d',
  'healthy': '#54a24b',
  'unhealthy': '#e45756',
  'deregister': '#f58518',
  'drained': '#b279a2',
  'SIGTERM': '#f58518',
  'stop': '#e45756',
  'closed-idle': '#e45756',
};

/**
 * The timeline picture of rehearsals (`--out`): a panel per scenario of each report, its requests per second
 * stacked by the server that answered (any status below 500), failures (5xx, no answer) on top, a mark per event.
 */
export function rehearsalTimeline(reports: RehearsalReport[]): Timeline {
  const servers = [...new Set(reports.flatMap(r => r.scenarios.flatMap(s => s.timeline.requests.map(([, server]) => server))))]
    .filter(server => server !== '').sort();
  const several = reports.length > 1;
  return {
    title: `Rehearsal of ${[...new Set(reports.map(r => r.application))].join(', ')}`,
    targets: servers.map(name => ({ name, label: `answered by ${name}` })),
    failedLabel: 'failed (5xx, no answer)',
    legendSpacing: 110,
    panels: reports.flatMap((report, run) => report.scenarios.map(s => {
      const { requests, events } = s.timeline;
      const span = Math.max(1, Math.ceil(Math.max(s.seconds, ...requests.map(([t]) => t), ...events.map(e => e.t))));
      const buckets = Array.from({ length: span }, (_, second) => ({ second, sent: 0, answered: {} as Record<string, number>, failed: 0 }));
      for (const [t, server, status] of requests) {
        const bucket = buckets[Math.min(span - 1, Math.floor(t))];
        bucket.sent++;
        if (isFailed({ status })) {
          bucket.failed++;
        } else {
          bucket.answered[server] = (bucket.answered[server] ?? 0) + 1;
        }
      }
      return {
        title: `${several ? `${report.application} (${run + 1}) - ` : ''}${s.name}: ${s.description}`,
        summary: `${s.requests} requests, ${s.failed} failed${s.lostInFlight ? ` (+${s.lostInFlight} in flight at the kill)` : ''}; ` +
          `${formatStatuses(s.statuses)}; ${target(s)}; started ${s.timeline.startedAt}`,
        buckets,
        marks: events.map(e => ({ t: e.t, label: `${e.event} ${e.server}`, kind: e.event, color: EVENT_COLORS[e.event] })),
        minScale: 1,
      };
    })),
  };
}
