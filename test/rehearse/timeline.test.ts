// The timeline picture of `rehearse --out`, from a report written by hand: no server, so it runs everywhere (the
// rehearsals themselves need redis-server).
import { allElements, parseXml } from './well-formed-xml';
import { RehearsalReport, ScenarioResult } from '../../src/rehearse/rehearsal';
import { rehearsalTimeline } from '../../src/rehearse/report';
import { FAILED_COLOR, timelineSvg } from '../../src/rehearse/timeline-svg';

function scenario(name: ScenarioResult['name'], requests: Array<[number, string, number]>, events: ScenarioResult['timeline']['events']): ScenarioResult {
  const failed = requests.filter(([, , status]) => status === 0 || status >= 500).length;
  return {
    name,
    description: `${name} <of> "a" & b`,
    requests: requests.length,
    failed,
    statuses: {},
    zeroTarget: true,
    seconds: 2.5,
    causes: [],
    timeline: { startedAt: '2026-12-06T08:00:00.000Z', requests, events },
  };
}

const report: RehearsalReport = {
  application: 'Shop/Web & co',
  date: '2026-12-06T08:01:00.000Z',
  machine: 'test',
  redis: 'test',
  sandbox: 'none',
  bootSeconds: 0.1,
  scenarios: [
    scenario('crash', [[0.1, 'a', 200], [0.2, 'b', 200], [1.1, '', 502], [1.2, 'b', 200], [1.3, 'a', 503], [2.4, 'a', 200]],
      [{ t: 1, server: 'a', event: 'crash' }, { t: 2, server: 'a', event: 'restart' }]),
    scenario('sigterm', [[0, '', 0]], [{ t: 0.3, server: 'f', event: 'SIGTERM' }, { t: 0.4, server: 'f', event: 'stop' }]),
  ],
  findings: [],
  exitCode: 1,
};

describe('the rehearsal\'s timeline picture', () => {
  const svg = timelineSvg(rehearsalTimeline([report]));
  const root = parseXml(svg);
  const elements = allElements(root);
  const bars = elements.filter(e => e.name === 'rect' && e.children.some(c => c.name === 'title'));
  const tooltips = bars.map(r => r.children[0].text);

  test('is well-formed SVG with a panel per scenario and its text escaped', () => {
    expect(root.name).toBe('svg');
    expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    const titles = elements.filter(e => e.name === 'text' && e.attributes.class === 'title').map(e => e.text);
    expect(titles).toEqual([
      'Rehearsal of Shop/Web &amp; co',
      'crash: crash &lt;of&gt; &quot;a&quot; &amp; b',
      'sigterm: sigterm &lt;of&gt; &quot;a&quot; &amp; b',
    ]);
  });

  test('stacks each second\'s answers by server, each server in a colour of its own, and the failures on top in red', () => {
    expect(tooltips).toEqual([
      '0-1 s: 1 answered by a', '0-1 s: 1 answered by b',
      '1-2 s: 1 answered by b', '1-2 s: 2 failed',
      '2-3 s: 1 answered by a',
      '0-1 s: 1 failed',
    ]);
    const fill = (tooltip: string) => bars[tooltips.indexOf(tooltip)].attributes.fill;
    expect(fill('0-1 s: 1 answered by a')).toBe(fill('2-3 s: 1 answered by a'));
    expect(fill('0-1 s: 1 answered by a')).not.toBe(fill('0-1 s: 1 answered by b'));
    expect(fill('1-2 s: 2 failed')).toBe(FAILED_COLOR);
    // On top: above (a smaller y than) the answers of the same second.
    expect(Number(bars[tooltips.indexOf('1-2 s: 2 failed')].attributes.y)).toBeLessThan(Number(bars[tooltips.indexOf('1-2 s: 1 answered by b')].attributes.y));
  });

  test('marks each event with a dashed line and its label', () => {
    const marks = elements.filter(e => e.name === 'line' && /^mark-/.test(e.attributes.class ?? ''));
    expect(marks.map(m => m.attributes.class)).toEqual(['mark-crash', 'mark-restart', 'mark-SIGTERM', 'mark-stop']);
    const labels = elements.filter(e => e.name === 'text').map(e => e.text);
    expect(labels).toEqual(expect.arrayContaining(['crash a (1.0 s)', 'restart a (2.0 s)', 'SIGTERM f (0.3 s)', 'stop f (0.4 s)']));
  });

  test('a legend entry per server that answered, and for the failures', () => {
    const legend = elements.filter(e => e.name === 'text' && e.attributes.y === '43').map(e => e.text);
    expect(legend).toEqual(['answered by a', 'answered by b', 'failed (5xx, no answer)']);
  });
});
