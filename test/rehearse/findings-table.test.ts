import * as fs from 'fs';
import * as path from 'path';
import { FLAWED } from './rehearse-fixtures';
import { FINDING_IDS } from '../../src/rehearse/findings';

describe('the README\'s table of findings', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('### Rehearse your application'), readme.indexOf('### Start a new app from the template'));
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
