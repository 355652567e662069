// Every repository path the documentation names in backticks (`src/...`, `test/...`, `drill/...`, `assets/...`,
// `docs/...`, `tools/...`, `examples/...`) exists: a file moved or renamed shows here, with the page and line to fix.
import * as fs from 'fs';
import * as path from 'path';
import { allDocs, readDoc, ROOT, withoutCodeBlocks } from './pages';

const REPOSITORY_PATH = /^(?:src|test|drill|assets|docs|tools|examples)\/[\w.@/-]*$/;

/** The backticked repository paths of a markdown text (code blocks aside), with their lines. */
function repositoryPaths(markdown: string): Array<{ line: number; file: string }> {
  const found: Array<{ line: number; file: string }> = [];
  withoutCodeBlocks(markdown).split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/`([^`\s]+)`/g)) {
      if (REPOSITORY_PATH.test(m[1])) {
        found.push({ line: i + 1, file: m[1] });
      }
    }
  });
  return found;
}

function missingPaths(page: string, markdown: string): string[] {
  return repositoryPaths(markdown).filter(({ file }) => !fs.existsSync(path.join(ROOT, file)))
    .map(({ line, file }) => `${page}:${line}: ${file}`);
}

describe('the repository paths the documentation names', () => {
  test('every backticked path of README.md and docs/*.md exists', () => {
    expect(allDocs().flatMap(page => repositoryPaths(readDoc(page))).length).toBeGreaterThan(50);
    expect(allDocs().flatMap(page => missingPaths(page, readDoc(page)))).toEqual([]);
  });

  test('a path that does not exist is reported at its line; other code is not a path', () => {
    const sample = 'The boot (`src/web-fleet/web-fleet.ts`, `src/web-fleet/nowhere.ts`)\nruns `npm run drill` and `tools/gone/`.';
    expect(missingPaths('docs/sample.md', sample)).toEqual(['docs/sample.md:1: src/web-fleet/nowhere.ts', 'docs/sample.md:2: tools/gone/']);
  });
});
