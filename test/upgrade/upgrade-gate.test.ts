/**
 * The upgrade gate, the infrastructure twin of jsii-diff: the templates of the user programs of ./programs.ts,
 * synthesized with today's code, diffed with the CDK diff engine against every baseline of ./baselines/ (the
 * templates that a release deployed for the same programs). It fails when an upgrade would replace or remove a
 * resource in a user's stack, unless ./intended-replacements.ts names it with a reason and an upgrade note.
 * A new baseline is recorded at each release (`npx projen upgrade:baseline`, tools/upgrade-baseline.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { INTENDED_REPLACEMENTS, STATEFUL_TYPES } from './intended-replacements';
import { ProgramModules, PROGRAMS, ProgramVariant, synthesizeProgram, UpgradeProgram } from './programs';
import { DestructiveChange, destructiveChanges } from './template-diff';
import * as tier from '../../src';

const BASELINES_DIR = path.join(__dirname, 'baselines');
const UPGRADING_DOC = path.join(__dirname, '..', '..', 'docs', 'upgrading.md');
const modules: ProgramModules = { tier, cdk, ec2, route53 };

interface Baseline {
  readonly name: string;
  readonly dir: string;
  readonly featureFlags: Record<string, unknown>;
  readonly programs: string[];
}

const baselines: Baseline[] = fs.readdirSync(BASELINES_DIR).sort().map(name => {
  const meta = JSON.parse(fs.readFileSync(path.join(BASELINES_DIR, name, 'baseline.json'), 'utf8'));
  return { name, dir: path.join(BASELINES_DIR, name), featureFlags: meta.featureFlags ?? {}, programs: meta.programs };
});

/** Today's template of a program's variant, once per set of flags. */
const synthesized = new Map<string, any>();
function today(program: UpgradeProgram, variant: ProgramVariant, flags: Record<string, unknown>): any {
  const key = `${program.name} ${variant} ${JSON.stringify(flags)}`;
  if (!synthesized.has(key)) {
    synthesized.set(key, synthesizeProgram(modules, program, variant, flags));
  }
  return synthesized.get(key);
}

/** The changes the reviewed list does not name, one line each. */
function unreviewed(baseline: string, program: string, changes: DestructiveChange[]): string[] {
  return changes
    .filter(c => !INTENDED_REPLACEMENTS.some(r => r.baseline === baseline && r.program === program
      && r.logicalId === c.logicalId && r.resourceType === c.resourceType))
    .map(c => `${baseline} ${program}: ${c.logicalId} (${c.resourceType}) ${c.impact}: ${c.causes.join('; ')}`);
}

describe('upgrade gate', () => {
  test('every baseline holds a template of each of its programs', () => {
    expect(baselines.length).toBeGreaterThan(0);
    for (const baseline of baselines) {
      for (const name of baseline.programs) {
        expect(fs.existsSync(path.join(baseline.dir, `${name}.json`))).toBe(true);
      }
    }
  });

  for (const baseline of baselines) {
    describe(`from ${baseline.name}`, () => {
      for (const program of PROGRAMS.filter(p => baseline.programs.includes(p.name))) {
        // An app without flags: the program as the user had it, and as they write it after upgrading (when it differs).
        for (const variant of (program.current ? ['baseline', 'current'] : ['baseline']) as ProgramVariant[]) {
          test(`${program.name} (${program.summary}), ${variant === 'current' ? 'as written today' : 'unchanged'}: an app without feature flags upgrades with no replacement and no removal`, () => {
            // GIVEN
            const before = JSON.parse(fs.readFileSync(path.join(baseline.dir, `${program.name}.json`), 'utf8'));
            // WHEN
            const problems = unreviewed(baseline.name, program.name, destructiveChanges(before, today(program, variant, {})));
            // THEN
            expect(problems).toEqual([]);
          });
        }

        const newApp = path.join(baseline.dir, `${program.name}.new-app.json`);
        if (fs.existsSync(newApp)) {
          test(`${program.name}: an app created with ${baseline.name}'s recommended flags upgrades with no replacement and no removal`, () => {
            const before = JSON.parse(fs.readFileSync(newApp, 'utf8'));
            const problems = unreviewed(baseline.name, `${program.name}.new-app`, destructiveChanges(before, today(program, 'current', baseline.featureFlags)));
            expect(problems).toEqual([]);
          });
        }
      }
    });
  }

  test('the diff engine sees a create-only property added to the cache: the replication group is replaced', () => {
    // GIVEN the one-liner's 017bc0c template, and the same with PreferredCacheClusterAZs set on the cache
    const before = JSON.parse(fs.readFileSync(path.join(BASELINES_DIR, '017bc0c', 'one-liner.json'), 'utf8'));
    const after = JSON.parse(JSON.stringify(before));
    const [cacheId, cache] = Object.entries<any>(after.Resources).find(([, r]) => r.Type === 'AWS::ElastiCache::ReplicationGroup')!;
    cache.Properties.PreferredCacheClusterAZs = ['eu-west-1a', 'eu-west-1b'];
    // WHEN
    const changes = destructiveChanges(before, after);
    // THEN
    expect(changes).toEqual([expect.objectContaining({ logicalId: cacheId, impact: 'WILL_REPLACE' })]);
    expect(unreviewed('017bc0c', 'one-liner', changes)).toHaveLength(1);
  });

  test('a resource dropped from the template is a removal', () => {
    const before = JSON.parse(fs.readFileSync(path.join(BASELINES_DIR, '017bc0c', 'redis-cache-part.json'), 'utf8'));
    const after = JSON.parse(JSON.stringify(before));
    const [secretId] = Object.entries<any>(after.Resources).find(([, r]) => r.Type === 'AWS::SecretsManager::Secret')!;
    delete after.Resources[secretId];
    expect(destructiveChanges(before, after)).toEqual([expect.objectContaining({ logicalId: secretId, impact: 'WILL_DESTROY' })]);
  });

  test('the reviewed list names no resource that holds data or a stable address, and each entry has its upgrade note', () => {
    const doc = fs.readFileSync(UPGRADING_DOC, 'utf8');
    for (const entry of INTENDED_REPLACEMENTS) {
      expect(STATEFUL_TYPES).not.toContain(entry.resourceType);
      expect(entry.reason.length).toBeGreaterThan(20);
      expect(doc).toContain(`## ${entry.upgradeNote}`);
    }
  });
});
