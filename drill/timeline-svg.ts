/**
 * A hand-written SVG timeline of a preset's scenarios: requests per second (stacked by the instance that
 * answered, failures on top) with vertical marks for the kill, out of rotation and back in rotation.
 */
import { ScenarioResult, TimelineMark } from './analysis';

const WIDTH = 1000;
const LEFT = 56;
const RIGHT = 24;
const PLOT_W = WIDTH - LEFT - RIGHT;
const TITLE_H = 40;
const LABEL_ROWS = 5;
const LABEL_H = 14;
const PLOT_H = 160;
const AXIS_H = 34;
const PANEL_H = TITLE_H + LABEL_ROWS * LABEL_H + 6 + PLOT_H + AXIS_H;
const HEADER_H = 52;

const INSTANCE_COLORS: Record<string, string> = {
  a: '#4c78a8',
  b: '#72b7b2',
  c: '#54a24b',
  d: '#eeca3b',
  e: '#b279a2',
  f: '#ff9da6',
  g: '#9d755d',
  h: '#bab0ac',
  i: '#88d27a',
  j: '#83bcb6',
  k: '#d6a5c9',
  l: '#79706e',
};
const FAILED_COLOR = '#e45756';
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
  'counted': '#54a24b',
  'checkpoint': '#4c78a8',
  'bake': '#4c78a8',
  'alarm': '#e45756',
  'refresh-failed': '#e45756',
  'rollback-done': '#f58518',
  'successful': '#54a24b',
};

/** Text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', '\'': '&apos;' }[c]!));
}

const n = (x: number) => (Math.round(x * 10) / 10).toString();

/** A tick step that gives at most `maxTicks` ticks over `span`. */
function tickStep(span: number, maxTicks: number, steps: number[]): number {
  return steps.find((s) => span / s <= maxTicks) ?? steps[steps.length - 1];
}

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

function panel(s: ScenarioResult, top: number): string {
  const parts: string[] = [];
  const seconds = Math.max(1, s.perSecond.length);
  const x = (t: number) => LEFT + (t / seconds) * PLOT_W;
  const plotTop = top + TITLE_H + LABEL_ROWS * LABEL_H + 6;
  const maxSent = Math.max(...s.perSecond.map((b) => b.sent), s.ratePerSecond);
  const yStep = tickStep(maxSent * 1.2, 4, [1, 2, 5, 10, 20, 50, 100, 200]);
  const yMax = Math.ceil((maxSent * 1.2) / yStep) * yStep;
  const y = (v: number) => plotTop + PLOT_H - (v / yMax) * PLOT_H;

  parts.push(`<text x="${LEFT}" y="${top + 16}" class="title">${escapeXml(`${s.preset} preset - ${s.title}`)}</text>`);
  parts.push(`<text x="${LEFT}" y="${top + 32}" class="small">${escapeXml(scenarioSummary(s))}</text>`);

  // Grid and y axis.
  for (let v = 0; v <= yMax; v += yStep) {
    parts.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${n(y(v))}" y2="${n(y(v))}" class="grid"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${n(y(v) + 4)}" class="small" text-anchor="end">${n(v)}</text>`);
  }
  parts.push(`<text transform="translate(14 ${n(plotTop + PLOT_H / 2)}) rotate(-90)" class="small" text-anchor="middle">requests/s</text>`);

  // Bars: 200s stacked by instance, failures on top.
  const barW = Math.max(1, (PLOT_W / seconds) * 0.85);
  for (const b of s.perSecond) {
    let base = 0;
    const stack: Array<[string, number, string]> = [
      ...Object.keys(INSTANCE_COLORS).map((name): [string, number, string] => [INSTANCE_COLORS[name], b.ok[name] ?? 0, `200 from ${name}`]),
      [FAILED_COLOR, b.failed, 'failed'],
    ];
    for (const [color, count, what] of stack) {
      if (count === 0) continue;
      parts.push(`<rect x="${n(x(b.second) + (PLOT_W / seconds - barW) / 2)}" y="${n(y(base + count))}" width="${n(barW)}" ` +
        `height="${n(y(base) - y(base + count))}" fill="${color}"><title>${escapeXml(`${b.second}-${b.second + 1} s: ${count} ${what}`)}</title></rect>`);
      base += count;
    }
  }

  // x axis.
  const step = tickStep(seconds, 14, [1, 2, 5, 10, 15, 20, 30, 60, 120, 300]);
  parts.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${plotTop + PLOT_H}" y2="${plotTop + PLOT_H}" class="axis"/>`);
  for (let t = 0; t <= seconds; t += step) {
    parts.push(`<line x1="${n(x(t))}" x2="${n(x(t))}" y1="${plotTop + PLOT_H}" y2="${plotTop + PLOT_H + 4}" class="axis"/>`);
    parts.push(`<text x="${n(x(t))}" y="${plotTop + PLOT_H + 16}" class="small" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<text x="${LEFT + PLOT_W}" y="${plotTop + PLOT_H + 30}" class="small" text-anchor="end">seconds since the load started</text>`);

  // Marks: a dashed line each, labels on rows above the plot so that close marks stay readable.
  s.marks.forEach((m, i) => {
    const mx = x(m.t);
    const row = i % LABEL_ROWS;
    const ly = top + TITLE_H + (row + 1) * LABEL_H - 3;
    const anchor = mx > LEFT + PLOT_W * 0.8 ? 'end' : 'start';
    const color = MARK_COLORS[m.kind];
    parts.push(`<line x1="${n(mx)}" x2="${n(mx)}" y1="${n(ly + 3)}" y2="${plotTop + PLOT_H}" stroke="${color}" stroke-width="1.5" stroke-dasharray="4 3" class="mark-${m.kind}"/>`);
    parts.push(`<text x="${n(anchor === 'start' ? mx + 3 : mx - 3)}" y="${n(ly)}" class="small" fill="${color}" text-anchor="${anchor}">` +
      `${escapeXml(`${m.label} (${m.t.toFixed(1)} s)`)}</text>`);
  });
  return parts.join('\n');
}

/** The SVG document: a header, a legend, then one panel per scenario. */
export function timelineSvg(title: string, scenarios: ScenarioResult[]): string {
  const height = HEADER_H + scenarios.length * PANEL_H + 10;
  const legend = [
    ...Object.entries(INSTANCE_COLORS).map(([name, color]) => [color, `200 from ${name}`]),
    [FAILED_COLOR, 'failed (502/503/timeout)'],
  ].map(([color, label], i) => {
    const lx = LEFT + i * 150;
    return `<rect x="${lx}" y="34" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="43" class="small">${escapeXml(label)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    '<style>.title{font-size:14px;font-weight:bold}.small{font-size:11px}.grid{stroke:#ddd}.axis{stroke:#333}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="20" class="title">${escapeXml(title)}</text>`,
    ...legend,
    ...scenarios.map((s, i) => panel(s, HEADER_H + i * PANEL_H)),
    '</svg>',
    '',
  ].join('\n');
}
