import { RehearsalReport } from './rehearsal';
import { LoadBalancerSettings } from './rehearsal-target';

/** The report as a person reads it: the scenarios as a table, then each finding with its fix. */
export function formatReport(report: RehearsalReport, settings: LoadBalancerSettings): string {
  const lines = [
    `Rehearsal of ${report.application} (${report.date}, ${report.machine})`,
    `Load balancer stand-in: idle timeout ${settings.idleTimeoutSeconds} s, health check every ${settings.healthCheckIntervalSeconds} s ` +
      `(timeout ${settings.healthCheckTimeoutSeconds} s, healthy after ${settings.healthyThreshold}, unhealthy after ${settings.unhealthyThreshold}), ` +
      `deregistration delay ${settings.deregistrationDelaySeconds} s. Redis: ${report.redis}. Sandbox: ${report.sandbox}.`,
    report.bootSeconds === undefined ? 'Boot: never answered its health page.' : `Boot: health page answered ${report.bootSeconds.toFixed(1)} s after the start.`,
    '',
  ];
  const rows = [['scenario', 'requests', 'failed', 'status codes', 'target'], ...report.scenarios.map(s => [
    s.name,
    String(s.requests),
    String(s.failed) + (s.lostInFlight ? ` (+${s.lostInFlight} in flight at the kill)` : ''),
    Object.entries(s.statuses).map(([code, n]) => `${code === '0' ? 'no answer' : code} x${n}`).join(', '),
    s.zeroTarget ? (s.failed === 0 ? '0 failed: met' : '0 failed: MISSED') : 'measured',
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
  lines.push('', report.exitCode === 0 ? 'Result: clean (exit 0).' : 'Result: not clean (exit 1).');
  return lines.join('\n');
}

/**
 * A benchmark's summary: for each scenario, the failed requests of every run, so that a zero that holds only on a
 * good run shows.
 */
export function formatRepeats(application: string, runs: RehearsalReport[]): string {
  const names = [...new Set(runs.flatMap(r => r.scenarios.map(s => s.name)))];
  const lines = [`${application}: ${runs.length} runs, failed requests of each run`];
  for (const name of names) {
    const failed = runs.map(r => r.scenarios.find(s => s.name === name)?.failed ?? NaN);
    const total = failed.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
    lines.push(`${name.padEnd(16)} ${failed.map(f => (Number.isNaN(f) ? '-' : String(f))).join(' ')}  (${total} in all)`);
  }
  lines.push(`runs not clean: ${runs.filter(r => r.exitCode !== 0).length} of ${runs.length}`);
  return lines.join('\n');
}
