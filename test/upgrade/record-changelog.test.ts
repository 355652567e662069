import { recordChangelog } from '../../tools/record-changelog';

describe('recordChangelog', () => {
  const changelog = '# Changelog\n\nIntro.\n\n## Unreleased: changes since 2026-11-28\n\n* summary\n';

  test('puts a release\'s notes under the introduction and renames the hand-written Unreleased section after it', () => {
    // WHEN
    const after = recordChangelog(changelog, '## [0.1.0](https://x) (2026-12-08)\n\n### Features\n\n* a\n', '0.1.0');
    // THEN
    expect(after).toBe('# Changelog\n\nIntro.\n\n## [0.1.0](https://x) (2026-12-08)\n\n### Features\n\n* a\n\n'
      + '## 0.1.0: changes since 2026-11-28\n\n* summary\n');
  });

  test('records a release once, and above the previous one', () => {
    const once = recordChangelog(changelog, '## [0.1.0](https://x) (2026-12-08)\n\n* a', '0.1.0');
    expect(recordChangelog(once, '## [0.1.0](https://x) (2026-12-08)\n\n* a', '0.1.0')).toBe(once);
    const twice = recordChangelog(once, '### [0.1.1](https://x) (2026-12-09)\n\n* b', '0.1.1');
    expect(twice.indexOf('## [0.1.1]')).toBeLessThan(twice.indexOf('## [0.1.0]'));
    expect(twice).not.toContain('###  [0.1.1]');
  });
});
