// ARCHITECTURE.md answers "where is X modelled / built / checked" from folder and file names alone. This keeps its
// answers true: every path it names exists, and each of the "Where is ..." answers is a file named after the thing
// asked about, so that a newcomer finds it by name without searching.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const MAP = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');

/** The backticked repository paths of a text: `src/...`, `test/...`, `drill/...`, a file with an extension. */
function repositoryPaths(text: string): string[] {
  const paths = new Set<string>();
  for (const [, code] of text.matchAll(/`([^`\n]+)`/g)) {
    const candidate = code.trim();
    if (/^(src|test|drill|assets|docs|tools|examples|packages|projenrc|\.ci)\/[\w./-]*$/.test(candidate)) paths.add(candidate);
  }
  return [...paths];
}

interface Answer { readonly question: string; readonly name: string; readonly paths: string[] }

/** The rows of the "Where is ..." table: | question, with the thing asked about in bold | answer with its paths |. */
function answers(): Answer[] {
  const section = MAP.split(/^## /m).find(s => s.startsWith('Where is'));
  if (!section) throw new Error('ARCHITECTURE.md has no "## Where is ..." section');
  return section.split('\n')
    .filter(line => /^\| .*\*\*.+\*\*/.test(line))
    .map(line => {
      const [question, answer] = line.split(' | ');
      return { question: question.replace(/^\| /, ''), name: /\*\*(.+?)\*\*/.exec(question)![1], paths: repositoryPaths(answer) };
    });
}

/** "instance refresh" -> "instance-refresh": how a file is named after what it holds. */
function kebab(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

describe('ARCHITECTURE.md', () => {
  test('answers at least ten "where is X" questions', () => {
    expect(answers().length).toBeGreaterThanOrEqual(10);
  });

  test.each(answers().map(a => [a.question, a]))('%s: the answer names files that exist, the first one named after what was asked', (_q, answer) => {
    const a = answer as Answer;
    expect(a.paths.length).toBeGreaterThan(0);
    for (const p of a.paths) expect([p, fs.existsSync(path.join(ROOT, p))]).toEqual([p, true]);
    // "cloudwatch alarm" is found in src/stand-ins/cloudwatch/alarm.ts: folder and file name read together.
    expect(a.paths[0].replace(/\//g, '-')).toContain(kebab(a.name));
  });

  test('every path it names exists', () => {
    const missing = repositoryPaths(MAP).filter(p => !fs.existsSync(path.join(ROOT, p.replace(/\/\*.*$/, ''))));
    expect(missing).toEqual([]);
  });

  test('the check of paths can fail: a made-up path is reported', () => {
    expect(repositoryPaths('see `src/nowhere/made-up.ts` and `not/a/repo/path`')).toEqual(['src/nowhere/made-up.ts']);
    expect(fs.existsSync(path.join(ROOT, 'src/nowhere/made-up.ts'))).toBe(false);
  });
});
