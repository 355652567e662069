/**
 * A hand-written SVG timeline, one panel per scenario: requests per second stacked by the target that answered,
 * failures on top, with a dashed vertical mark per event. It knows nothing of what produced the numbers: the
 * rehearsal (`--out`) and the drill each map their results to a `Timeline`.
 */

/** The requests of one second of a panel. */
export interface TimelineBucket {
  /** Start of the second, since the panel's start. */
  readonly second: number;
  /** Requests sent in that second (sets the scale). */
  readonly sent: number;
  /** Answered requests, by target name. */
  readonly answered: Record<string, number>;
  /** Failed requests. */
  readonly failed: number;
}

/** An event on a panel's clock. */
export interface TimelineMark {
  /** Seconds since the panel's start. */
  readonly t: number;
  readonly label: string;
  /** Its class (`mark-<kind>`), for a reader or a test to find it. */
  readonly kind: string;
  readonly color: string;
}

export interface TimelinePanel {
  readonly title: string;
  /** The line under the title. */
  readonly summary: string;
  /** One bucket per second, in order; the panel spans `buckets.length` seconds (at least 1). */
  readonly buckets: TimelineBucket[];
  readonly marks: TimelineMark[];
  /** The y axis shows at least this many requests a second (the client rate). */
  readonly minScale: number;
}

/** A target a bar can stack: its name in `answered`, and its legend. */
export interface TimelineTarget {
  readonly name: string;
  readonly label: string;
}

export interface Timeline {
  readonly title: string;
  /** The targets, in stacking order; each gets the next colour of the palette. */
  readonly targets: TimelineTarget[];
  /** The legend of the failed requests. */
  readonly failedLabel: string;
  readonly panels: TimelinePanel[];
  /** Pixels from one legend entry to the next (default 150). */
  readonly legendSpacing?: number;
}

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

/** The colours of the targets, in order. */
export const TARGET_COLORS = [
  '#4c78a8', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#88d27a', '#83bcb6', '#d6a5c9', '#79706e',
];
export const FAILED_COLOR = '#e45756';

/** Text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', '\'': '&apos;' }[c]!));
}

const n = (x: number) => (Math.round(x * 10) / 10).toString();

/** A tick step that gives at most `maxTicks` ticks over `span`. */
function tickStep(span: number, maxTicks: number, steps: number[]): number {
  return steps.find((s) => span / s <= maxTicks) ?? steps[steps.length - 1];
}

function panel(p: TimelinePanel, targets: Array<TimelineTarget & { color: string }>, top: number): string {
  const parts: string[] = [];
  const seconds = Math.max(1, p.buckets.length);
  const x = (t: number) => LEFT + (t / seconds) * PLOT_W;
  const plotTop = top + TITLE_H + LABEL_ROWS * LABEL_H + 6;
  const maxSent = Math.max(...p.buckets.map((b) => b.sent), p.minScale);
  const yStep = tickStep(maxSent * 1.2, 4, [1, 2, 5, 10, 20, 50, 100, 200]);
  const yMax = Math.ceil((maxSent * 1.2) / yStep) * yStep;
  const y = (v: number) => plotTop + PLOT_H - (v / yMax) * PLOT_H;

  parts.push(`<text x="${LEFT}" y="${top + 16}" class="title">${escapeXml(p.title)}</text>`);
  parts.push(`<text x="${LEFT}" y="${top + 32}" class="small">${escapeXml(p.summary)}</text>`);

  // Grid and y axis.
  for (let v = 0; v <= yMax; v += yStep) {
    parts.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${n(y(v))}" y2="${n(y(v))}" class="grid"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${n(y(v) + 4)}" class="small" text-anchor="end">${n(v)}</text>`);
  }
  parts.push(`<text transform="translate(14 ${n(plotTop + PLOT_H / 2)}) rotate(-90)" class="small" text-anchor="middle">requests/s</text>`);

  // Bars: answers stacked by target, failures on top.
  const barW = Math.max(1, (PLOT_W / seconds) * 0.85);
  for (const b of p.buckets) {
    let base = 0;
    const stack: Array<[string, number, string]> = [
      ...targets.map((t): [string, number, string] => [t.color, b.answered[t.name] ?? 0, t.label]),
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
  p.marks.forEach((m, i) => {
    const mx = x(m.t);
    const row = i % LABEL_ROWS;
    const ly = top + TITLE_H + (row + 1) * LABEL_H - 3;
    const anchor = mx > LEFT + PLOT_W * 0.8 ? 'end' : 'start';
    parts.push(`<line x1="${n(mx)}" x2="${n(mx)}" y1="${n(ly + 3)}" y2="${plotTop + PLOT_H}" stroke="${m.color}" stroke-width="1.5" stroke-dasharray="4 3" class="mark-${m.kind}"/>`);
    parts.push(`<text x="${n(anchor === 'start' ? mx + 3 : mx - 3)}" y="${n(ly)}" class="small" fill="${m.color}" text-anchor="${anchor}">` +
      `${escapeXml(`${m.label} (${m.t.toFixed(1)} s)`)}</text>`);
  });
  return parts.join('\n');
}

/** The SVG document: the title, a legend, then one panel per scenario. */
export function timelineSvg(timeline: Timeline): string {
  const height = HEADER_H + timeline.panels.length * PANEL_H + 10;
  const targets = timeline.targets.map((t, i) => ({ ...t, color: TARGET_COLORS[i % TARGET_COLORS.length] }));
  const legend = [
    ...targets.map(t => [t.color, t.label]),
    [FAILED_COLOR, timeline.failedLabel],
  ].map(([color, label], i) => {
    const lx = LEFT + i * (timeline.legendSpacing ?? 150);
    return `<rect x="${lx}" y="34" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="43" class="small">${escapeXml(label)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    '<style>.title{font-size:14px;font-weight:bold}.small{font-size:11px}.grid{stroke:#ddd}.axis{stroke:#333}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="20" class="title">${escapeXml(timeline.title)}</text>`,
    ...legend,
    ...timeline.panels.map((p, i) => panel(p, targets, HEADER_H + i * PANEL_H)),
    '</svg>',
    '',
  ].join('\n');
}
