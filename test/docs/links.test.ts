// The documentation holds together: README.md stays a front door (at most 35 KB) that links every docs page, and
// every relative link of README.md and docs/*.md reaches a file of the repository, and its #anchor a heading of it.
import * as fs from 'fs';
import * as path from 'path';
import { allDocs, anchors, docPages, readDoc, ROOT, withoutCodeBlocks } from './pages';

const README_MAX_BYTES = 35 * 1024;

/** The targets of a markdown text's links and images, outside code blocks and inline code. */
function linkTargets(markdown: string): Array<{ line: number; target: string }> {
  const found: Array<{ line: number; target: string }> = [];
  withoutCodeBlocks(markdown).split('\n').forEach((text, i) => {
    for (const m of text.replace(/`[^`]*`/g, '``').matchAll(/!?\[[^\]]*\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) {
      found.push({ line: i + 1, target: m[1] });
    }
  });
  return found;
}

/** Each relative link of `file` (its text `markdown`) whose file or heading does not exist, with its line. */
function brokenLinks(file: string, markdown: string, read: (file: string) => string = readDoc): string[] {
  const broken: string[] = [];
  for (const { line, target } of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
      continue; // https:, mailto: ...
    }
    const [pathPart, anchor] = target.split('#', 2);
    const resolved = pathPart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(pathPart)));
    if (pathPart !== '' && (resolved.startsWith('..') || !fs.existsSync(path.join(ROOT, resolved)))) {
      broken.push(`${file}:${line}: ${target}: no file ${resolved}`);
      continue;
    }
    if (anchor !== undefined && resolved.endsWith('.md') && !anchors(pathPart === '' ? markdown : read(resolved)).has(anchor)) {
      broken.push(`${file}:${line}: ${target}: no heading of ${resolved} has the anchor #${anchor}`);
    }
  }
  return broken;
}

describe('the documentation\'s links', () => {
  test('README.md is at most 35 KB', () => {
    expect(fs.statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });

  test('every docs page is linked from README.md', () => {
    const linked = new Set(linkTargets(readDoc('README.md')).map(({ target }) => path.posix.normalize(target.split('#')[0])));
    expect(docPages().length).toBeGreaterThanOrEqual(10);
    expect(docPages().filter(page => !linked.has(page))).toEqual([]);
  });

  test('every relative link of README.md and docs/*.md reaches a file, and its #anchor a heading of that page', () => {
    const links = allDocs().flatMap(file => linkTargets(readDoc(file)));
    expect(links.filter(({ target }) => target.includes('#') && !/^https?:/.test(target)).length).toBeGreaterThan(10);
    expect(allDocs().flatMap(file => brokenLinks(file, readDoc(file)))).toEqual([]);
  });

  test('a link to a missing file or heading is reported at its line; code and outside links are not links', () => {
    const sample = [
      '# A page',
      '## What `cdk destroy` keeps',
      'See [the cost](./cost.md), [a missing page](./nowhere.md) and [kept](#what-cdk-destroy-keeps).',
      '[Upgrading](./upgrading.md#no-such-heading), [AWS](https://aws.amazon.com/), `[code](./nowhere.md)`',
      '```md',
      '[in a block](./nowhere.md)',
      '```',
      '[wrong anchor](#what-cdk-destroy-keeps-1)',
    ].join('\n');
    expect(brokenLinks('docs/sample.md', sample)).toEqual([
      'docs/sample.md:3: ./nowhere.md: no file docs/nowhere.md',
      'docs/sample.md:4: ./upgrading.md#no-such-heading: no heading of docs/upgrading.md has the anchor #no-such-heading',
      'docs/sample.md:8: #what-cdk-destroy-keeps-1: no heading of docs/sample.md has the anchor #what-cdk-destroy-keeps-1',
    ]);
  });

  test('anchors follow GitHub\'s rules: code, punctuation and repeats', () => {
    expect([...anchors([
      '## What `cdk destroy` keeps',
      '### `cdk-zero-downtime-web-tier:cacheEngineValkey`',
      '## Releases: canary, bake, gate and automatic rollback',
      '## IPv6: `ipProtocol: ec2.IpProtocol.DUAL_STACK`',
      "## The one-liner's defaults",
      '## Notes', '## Notes',
      '```sh', '# not a heading', '```',
    ].join('\n'))]).toEqual([
      'what-cdk-destroy-keeps',
      'cdk-zero-downtime-web-tiercacheenginevalkey',
      'releases-canary-bake-gate-and-automatic-rollback',
      'ipv6-ipprotocol-ec2ipprotocoldual_stack',
      'the-one-liners-defaults',
      'notes', 'notes-1',
    ]);
  });
});
