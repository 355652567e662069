/**
 * The repository's documentation as the tests read it: README.md (the front door) and the pages of docs/ it links.
 * A claim a test checks is read from the page it lives on, with `readDoc('docs/cost.md')` or one section of it.
 */
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..', '..');

/** The text of a markdown file, by its path from the repository's root (`README.md`, `docs/releases.md`). */
export function readDoc(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

/** Every page of docs/, as paths from the repository's root (`docs/cost.md`), sorted. */
export function docPages(): string[] {
  return fs.readdirSync(path.join(ROOT, 'docs')).filter(name => name.endsWith('.md')).sort().map(name => `docs/${name}`);
}

/** README.md and every docs page. */
export function allDocs(): string[] {
  return ['README.md', ...docPages()];
}

/**
 * The lines of `file` from the heading line `heading` (for example '## The findings') to the next heading of the same
 * level or higher, headings inside fenced code blocks aside. Fails when the page has no such heading.
 */
export function docSection(file: string, heading: string): string {
  const lines = readDoc(file).split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) {
    throw new Error(`${file} has no heading "${heading}"`);
  }
  const level = heading.split(' ')[0].length;
  let fenced = false;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^\s*```/.test(lines[i])) {
      fenced = !fenced;
    }
    const m = /^(#{1,6}) /.exec(lines[i]);
    if (!fenced && m && m[1].length <= level) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end).join('\n');
}

/** The headings of a markdown text outside fenced code blocks, as [level, text]. */
export function headings(markdown: string): Array<[number, string]> {
  const found: Array<[number, string]> = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    const m = /^(#{1,6}) +(.*?)\s*#*\s*$/.exec(line);
    if (!fenced && m) {
      found.push([m[1].length, m[2]]);
    }
  }
  return found;
}

/**
 * The anchors GitHub gives a page's headings: the heading's rendered text, lower case, without punctuation other than
 * `-` and `_`, spaces turned into `-`; a repeated slug gets `-1`, `-2`... (github-slugger, which github.com uses).
 */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, text] of headings(markdown)) {
    const rendered = text.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = rendered.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** A markdown text with its fenced code blocks blanked out (their lines kept, so that line numbers stay right). */
export function withoutCodeBlocks(markdown: string): string {
  let fenced = false;
  return markdown.split('\n').map(line => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  }).join('\n');
}

/** A fenced code block of a markdown file. */
export interface CodeBlock {
  /** The markdown file it comes from. */
  readonly source: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  /** The fence's info string (`ts`, `python`, `sh`...). */
  readonly language: string;
  /** Its lines, without the fence's indentation. */
  readonly code: string;
  /** The line just before the opening fence (`<!-- snippet: partial -->` marks a block quoted in part). */
  readonly lineBefore: string;
}

/** The fenced code blocks of a markdown text. */
export function codeBlocks(source: string, markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
    if (!open) {
      continue;
    }
    const close = lines.findIndex((text, j) => j > i && text.trim() === '```');
    if (close < 0) {
      throw new Error(`${source} line ${i + 1}: a code block is not closed`);
    }
    const indent = open[1].length;
    blocks.push({
      source,
      line: i + 1,
      language: open[2],
      code: lines.slice(i + 1, close).map(text => text.slice(Math.min(indent, text.length - text.trimStart().length))).join('\n'),
      lineBefore: i > 0 ? lines[i - 1].trim() : '',
    });
    i = close;
  }
  return blocks;
}
