/**
 * Puts the release notes of the release being made (dist/changelog.md, which projen's `bump` writes from the
 * conventional commits since the last tag) at the top of CHANGELOG.md, under its introduction, so that the
 * repository and the npm package carry every release's notes, not only the GitHub release. A hand-written
 * `## Unreleased: ...` section is renamed after the release (its summary stays, under the generated notes).
 * Run by the release workflow's upgrade-baseline job (.projenrc.ts), which opens a pull request with the result.
 */
import * as fs from 'fs';

/** CHANGELOG.md's text with `notes` (a release's notes, starting with its heading) recorded. */
export function recordChangelog(changelog: string, notes: string, version: string): string {
  const trimmed = notes.trim().replace(/^#+ /, '## ');
  const heading = trimmed.split('\n')[0];
  if (changelog.includes(`${heading}\n`)) {
    return changelog;
  }
  const renamed = changelog.replace(/^## Unreleased: /m, `## ${version}: `);
  // The first release heading ends the introduction; the new notes go just above it.
  const firstRelease = renamed.search(/^## /m);
  const [intro, releases] = firstRelease < 0 ? [renamed, ''] : [renamed.slice(0, firstRelease), renamed.slice(firstRelease)];
  return `${intro.trimEnd()}\n\n${trimmed}\n\n${releases}`.trimEnd() + '\n';
}

if (require.main === module) {
  const file = 'CHANGELOG.md';
  const version = fs.readFileSync('dist/version.txt', 'utf8').trim();
  const before = fs.readFileSync(file, 'utf8');
  const after = recordChangelog(before, fs.readFileSync('dist/changelog.md', 'utf8'), version);
  fs.writeFileSync(file, after);
  console.log(`record-changelog: ${after === before ? 'already recorded' : `the notes of ${version} added`} in ${file}`);
}
