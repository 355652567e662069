/**
 * Records the upgrade gate's baseline: the CloudFormation templates of the user programs of test/upgrade/programs.ts,
 * synthesized by one checkout of the library with the aws-cdk-lib that checkout resolves, into a folder of
 * test/upgrade/baselines/ that test/upgrade/upgrade-gate.test.ts diffs today's templates against.
 *
 *   npx projen upgrade:baseline                      the current code, as a baseline named after package.json's version
 *   ts-node --transpile-only --project tsconfig.dev.json tools/upgrade-baseline.ts \
 *     --source /tmp/base-017bc0c --variant baseline --name 017bc0c   an older checkout (its node_modules installed)
 *
 * For each program it writes `<name>.json`, the template of an app that sets no feature flag (an app created before
 * the flags existed, upgraded without touching its cdk.json), and, when the checkout has `WebTierFeatureFlags`,
 * `<name>.new-app.json`, the template of an app created with that release's recommended flags. `baseline.json` says
 * where the templates come from.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ProgramModules, PROGRAMS, ProgramVariant, synthesizeProgram } from '../test/upgrade/programs';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) {
    throw new Error(`upgrade-baseline: --${name} is required`);
  }
  return value;
}

const source = path.resolve(arg('source', '.'));
const variant = arg('variant', 'current') as ProgramVariant;
const ownVersion = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')).version as string;
const name = arg('name', ownVersion);
const out = path.resolve(arg('out', path.join('test', 'upgrade', 'baselines', name)));

// The checkout's own library and aws-cdk-lib: one copy of aws-cdk-lib for the library and the program.
/* eslint-disable @typescript-eslint/no-require-imports */
const fromSource = (id: string) => require(require.resolve(id, { paths: [source] }));
const modules: ProgramModules = {
  tier: require(path.join(source, 'src')),
  cdk: fromSource('aws-cdk-lib'),
  ec2: fromSource('aws-cdk-lib/aws-ec2'),
  route53: fromSource('aws-cdk-lib/aws-route53'),
};
/* eslint-enable @typescript-eslint/no-require-imports */
const flags = (modules.tier as any).WebTierFeatureFlags;

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const write = (file: string, value: unknown) => fs.writeFileSync(path.join(out, file), JSON.stringify(value, undefined, 1) + '\n');
for (const program of PROGRAMS) {
  write(`${program.name}.json`, synthesizeProgram(modules, program, variant));
  if (flags) {
    write(`${program.name}.new-app.json`, synthesizeProgram(modules, program, variant, flags.recommended()));
  }
  console.log(`upgrade-baseline: ${program.name}`);
}
write('baseline.json', {
  name,
  libraryVersion: ownVersion,
  awsCdkLibVersion: fromSource('aws-cdk-lib/package.json').version,
  variant,
  featureFlags: flags ? flags.recommended() : {},
  programs: PROGRAMS.map(p => p.name),
});
console.log(`upgrade-baseline: ${PROGRAMS.length} programs into ${path.relative(process.cwd(), out)}`);
