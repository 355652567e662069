/**
 * The drill's timeline: its scenarios mapped to the rehearsal's SVG drawer (src/rehearse/timeline-svg.ts), one panel
 * per scenario, requests per second stacked by the instance that answered, failures on top, a mark per event.
 */
import { ScenarioResult, TimelineMark } from './analysis';
import { escapeXml, timelineSvg as drawTimeline } from '../../src/rehearse/timeline-svg';

export { escapeXml };

/** The drill's instances, in stacking order (a and b at the start, then replacements and new versions). */
const INSTANCES = 'abcdefghijkl'.split('');
const MARK_COLORS: Record<TimelineMark['kind'], string> = {
  'kill': '#e45756',
  'out-of-rotation': '#f58518',
  'restarted': '#9d755d',
  'replacement-registered': '#9d755d',
  'back-in-rotation': '#54a24b',
  'launch': '#9d755d',
  'ready': '#54a24b',
  'deregister': '#f58518',
  'drained': '#b279a2',
  'stopped': '#e45756',
  'failover': '#e45756',
  'refresh-start': '#9d755d',
  'abandoned': '#e45756',
  'counted': '#54a24b',
  'checkpoint': '#4c78a8',
  'bake': '#4c78a8',
  'alarm': '#e45756',
  'refresh-failed': '#e45756',
  'rollback-done': '#f58518',
  'successful': '#54a24b',
};

/** The summary line under a panel's title. */
export function scenarioSummary(s: ScenarioResult): string {
  const failed = Object.entries(s.requests.failedBy).map(([k, v]) => `${k} x${v}`).join(', ');
  const head = `sent ${s.requests.sent}, failed ${s.requests.failed}${failed ? ` (${failed})` : ''}; `;
  if (s.release) {
    const r = s.release;
    return head + `instance refresh ${r.status}${r.reason ? ` (${r.reason})` : ''} after ${r.refreshSeconds.toFixed(1)} s; ` +
      `fewest in rotation: ${r.minInRotation} of ${r.capacityBefore}`;
  }
  if (s.redisFailover) {
    const last = s.redisFailover.failoverToLastFailureSeconds;
    return head + `failover -> last failure: ${last === null ? 'none' : `${last.toFixed(1)} s`}; ` +
      `visits counted but answered 503: ${s.redisFailover.countedButFailed}`;
  }
  if (s.rollout) {
    const slow = s.rollout.slowRequest;
    return head + `fewest in rotation: ${s.rollout.minInRotation}; slow request during the drain: ` +
      `${slow ? `${slow.outcome} after ${(slow.doneSeconds - slow.sentSeconds).toFixed(1)} s` : 'none'}`;
  }
  const out = s.measured.killToOutOfRotationSeconds;
  const served = s.measured.killToFirstServedSeconds;
  return head +
    `kill -> out of rotation: ${out === null ? 'never' : `${out.toFixed(1)} s`} (failover window ${s.predicted.failoverWindowSeconds} s); ` +
    `kill -> ${s.kind === 'crash' ? 'restarted' : 'replacement'} served: ${served === null ? 'never' : `${served.toFixed(1)} s`}`;
}

/** The SVG document: a header, a legend, then one panel per scenario. */
export function timelineSvg(title: string, scenarios: ScenarioResult[]): string {
  return drawTimeline({
    title,
    targets: INSTANCES.map(name => ({ name, label: `200 from ${name}` })),
    failedLabel: 'failed (502/503/timeout)',
    panels: scenarios.map(s => ({
      title: `${s.preset} preset - ${s.title}`,
      summary: scenarioSummary(s),
      buckets: s.perSecond.map(b => ({ second: b.second, sent: b.sent, answered: b.ok, failed: b.failed })),
      marks: s.marks.map(m => ({ t: m.t, label: m.label, kind: m.kind, color: MARK_COLORS[m.kind] })),
      minScale: s.ratePerSecond,
    })),
  });
}
