// Every TypeScript snippet of the README and of the docs pages compiles, in strict mode, against the built library
// (lib/, as published).
//
// The rule, for whoever adds a snippet:
// - every block fenced with ```ts (or ```typescript) is a complete TypeScript module: it imports what it uses
//   (`cdk-zero-downtime-web-tier`, `aws-cdk-lib`, `constructs`, or any other dependency of this repository) and
//   declares its variables; each block compiles on its own, with no shared preamble;
// - a block that is deliberately partial (a single line quoted in prose) is skipped when the line just before its
//   opening fence is `<!-- snippet: partial -->`. Keep those rare: a snippet a reader cannot paste is a bug.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { allDocs, codeBlocks, readDoc } from './docs/pages';

const ROOT = path.join(__dirname, '..');
/** Inside the repository, so that imports resolve from its node_modules. */
const SNIPPET_DIR = path.join(ROOT, '.tmp', 'readme-snippets');
const PARTIAL_MARKER = '<!-- snippet: partial -->';

interface Snippet {
  /** The markdown file it comes from. */
  readonly source: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  readonly code: string;
  readonly partial: boolean;
}

/** The ```ts blocks of a markdown text. */
function extractTypeScriptSnippets(source: string, markdown: string): Snippet[] {
  return codeBlocks(source, markdown).filter(block => ['ts', 'typescript'].includes(block.language))
    .map(block => ({ source, line: block.line, code: block.code, partial: block.lineBefore === PARTIAL_MARKER }));
}

/** Compiles each snippet as its own module (in one program: loading aws-cdk-lib's types takes most of the time). */
function compile(snippets: Snippet[]): string[] {
  fs.rmSync(SNIPPET_DIR, { recursive: true, force: true });
  fs.mkdirSync(SNIPPET_DIR, { recursive: true });
  const files = snippets.map(snippet => {
    const file = path.join(SNIPPET_DIR, `${snippet.source.replace(/\W/g, '-')}-line-${snippet.line}.ts`);
    fs.writeFileSync(file, `${snippet.code}\n`);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    moduleDetection: ts.ModuleDetectionKind.Force,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    // The package name, resolved to the built library's declarations as a user's app would see them.
    paths: { 'cdk-zero-downtime-web-tier': [path.join(ROOT, 'lib', 'index.d.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map(diagnostic => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) {
      return message;
    }
    const snippet = snippets[files.indexOf(path.normalize(diagnostic.file.fileName))];
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return snippet ? `${snippet.source} line ${snippet.line + 1 + line}: ${message}` : `${diagnostic.file.fileName}: ${message}`;
  });
}

/** A markdown text with the README's old monitoring snippet (`monitoring` and `alarmTopic` are optional) and a partial one. */
const BROKEN_SAMPLE = [
  'Subscribe:',
  '```ts',
  "import { App, Stack } from 'aws-cdk-lib';",
  "import { ZeroDowntimeWebTier } from 'cdk-zero-downtime-web-tier';",
  "const tier = new ZeroDowntimeWebTier(new Stack(new App(), 'S'), 'WebTier');",
  'tier.monitoring.alarmTopic.addSubscription(undefined as any);',
  '```',
  PARTIAL_MARKER,
  '```ts',
  'this is not TypeScript',
  '```',
].join('\n');

describe('README and docs TypeScript snippets', () => {
  const snippets = allDocs().flatMap(file => extractTypeScriptSnippets(file, readDoc(file)));
  const readme = snippets.filter(snippet => snippet.source === 'README.md');
  const sample = extractTypeScriptSnippets('sample.md', BROKEN_SAMPLE);
  let errors: string[];

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'lib', 'index.d.ts'))) {
      throw new Error('lib/index.d.ts is missing: the snippets compile against the built library. Run `npx projen compile` first.');
    }
    errors = compile([...snippets, ...sample].filter(snippet => !snippet.partial));
  });

  test('every README and docs snippet not marked partial compiles in strict mode', () => {
    const complete = readme.filter(snippet => !snippet.partial);
    expect(complete.length).toBeGreaterThanOrEqual(4);
    expect(readme.length - complete.length).toBeLessThanOrEqual(2);
    expect(snippets.filter(snippet => snippet.source !== 'README.md' && !snippet.partial).length).toBeGreaterThanOrEqual(10);
    expect(errors.filter(error => !error.startsWith('sample.md'))).toEqual([]);
  });

  test('a snippet with a strict-mode error fails, at its line; a partial one is skipped', () => {
    expect(sample.map(snippet => snippet.partial)).toEqual([false, true]);
    const sampleErrors = errors.filter(error => error.startsWith('sample.md'));
    expect(sampleErrors.length).toBeGreaterThan(0);
    expect(sampleErrors[0]).toMatch(/^sample\.md line 6: .*possibly 'undefined'/);
  });
});
