/**
 * The layout's rules, kept true: shipped code (src/) and the drill (drill/) import nothing of the test harnesses
 * (tools/, test/), shipped code imports nothing of the drill, the package's entry point exports none of the stand-ins,
 * and every stand-in cites the documentation of the thing it stands in for.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** Every .ts file under `dir` (relative to the repository), recursively. */
function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(rel);
    return entry.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The module specifiers of `source`: `import ... from`, `export ... from`, `import('...')`, `require('...')`. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

/** The imports of `file` (relative to the repository) that reach into one of `forbidden` (repository folders). */
export function forbiddenImports(file: string, source: string, forbidden: string[]): string[] {
  return importsOf(source).filter((spec) => {
    if (!spec.startsWith('.')) return false;
    const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec));
    return forbidden.some((dir) => target === dir || target.startsWith(`${dir}${path.sep}`));
  }).map((spec) => `${file} imports '${spec}'`);
}

/** What a stand-in must cite: AWS's documentation, systemd's or Linux's manual pages, or the server's own docs. */
const CITATION = /https:\/\/(docs\.aws\.amazon\.com|man7\.org|(www\.)?freedesktop\.org|redis\.io)\//;

describe('import boundaries', () => {
  test('shipped code (src/) imports nothing of tools/, test/ or drill/', () => {
    const files = tsFiles('src');
    expect(files.length).toBeGreaterThan(50);
    const bad = files.flatMap((f) => forbiddenImports(f, fs.readFileSync(path.join(ROOT, f), 'utf8'), ['tools', 'test', 'drill']));
    expect(bad).toEqual([]);
  });

  test('the drill (drill/) imports nothing of tools/ or test/', () => {
    const files = tsFiles('drill');
    expect(files.length).toBeGreaterThan(10);
    const bad = files.flatMap((f) => forbiddenImports(f, fs.readFileSync(path.join(ROOT, f), 'utf8'), ['tools', 'test']));
    expect(bad).toEqual([]);
  });

  test('the check names the file and the import of every kind of import it is given', () => {
    const source = [
      "import { Cleanup } from '../tools/local-servers';",
      "export * from '../test/runtime/harness';",
      "import '../tools/side-effect';",
      "const x = require('../test/util');",
      "import { fine } from '../src/local/loopback';",
      "import * as fs from 'fs';",
    ].join('\n');
    expect(forbiddenImports('drill/example.ts', source, ['tools', 'test'])).toEqual([
      "drill/example.ts imports '../tools/local-servers'",
      "drill/example.ts imports '../test/runtime/harness'",
      "drill/example.ts imports '../tools/side-effect'",
      "drill/example.ts imports '../test/util'",
    ]);
    // A folder whose name only starts like a forbidden one is not forbidden.
    expect(forbiddenImports('drill/example.ts', "import { a } from '../tools-extra/a';", ['tools'])).toEqual([]);
  });

  test('the package\'s entry point exports none of the stand-ins, the local plumbing or the rehearsal', () => {
    const index = fs.readFileSync(path.join(ROOT, 'src', 'index.ts'), 'utf8');
    expect(importsOf(index).filter((spec) => /^\.\/(stand-ins|local|rehearse)(\/|$)/.test(spec))).toEqual([]);
  });
});

describe('stand-ins', () => {
  test('every file under src/stand-ins/ cites the documentation of what it stands in for', () => {
    const files = tsFiles(path.join('src', 'stand-ins'));
    expect(files.length).toBeGreaterThan(20);
    const uncited = files.filter((f) => !CITATION.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(uncited).toEqual([]);
  });

  test('the citation rule accepts the documentation sites and refuses any other link', () => {
    expect(CITATION.test('https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html')).toBe(true);
    expect(CITATION.test('https://www.freedesktop.org/software/systemd/man/latest/systemd.kill.html')).toBe(true);
    expect(CITATION.test('https://man7.org/linux/man-pages/man5/proc.5.html')).toBe(true);
    expect(CITATION.test('https://redis.io/docs/latest/develop/reference/protocol-spec/')).toBe(true);
    expect(CITATION.test('https://example.com/docs.aws.amazon.com/')).toBe(false);
    expect(CITATION.test('see the AWS documentation')).toBe(false);
  });
});
