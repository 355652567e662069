import * as fs from 'fs';
import * as path from 'path';
import { FLAWED } from './rehearse-fixtures';
import { FINDING_IDS } from '../../src/rehearse/findings';

describe('the table of findings of docs/rehearsal.md (the README links it)', () => {
  const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'rehearsal.md'), 'utf8');
  const table = page.slice(page.indexOf('\n## The findings\n'), page.indexOf('\n## Exit codes and options\n'));
  const listed = [...table.matchAll(/^\| `([a-z-]+)`(?:, `([a-z-]+)`)? \|/gm)].flatMap(m => [m[1], m[2]]).filter(Boolean);

  test('names only findings the rehearsal has, and every one a fixture proves', () => {
    expect(listed.length).toBeGreaterThan(5);
    for (const id of listed) {
      expect(FINDING_IDS).toContain(id);
    }
    // start-command-exited is proven by test/rehearse/cli-misuse.test.ts (a typo in the start command).
    expect(listed.sort()).toEqual([...new Set([...FLAWED.map(f => f.finding), 'start-command-exited'])].sort());
  });
});
