/**
 * CloudFormation's schemas as a gate: `cfn-lint` (AWS's linter of CloudFormation templates, https://github.com/aws-cloudformation/cfn-lint)
 * judges the templates of every configuration of `cfn-lint-matrix.ts` in ONE run, with its errors, warnings and
 * informational findings (`--include-checks I`). Any finding fails the test unless `cfn-lint-allowlist.ts` names it
 * with a reason. cfn-lint is a Python program (on the machine image and CI's); without it the test is skipped with a
 * hint, and fails under CI.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CFN_LINT_ALLOWED, CfnLintFinding, allowedBy } from './cfn-lint-allowlist';
import { LINTED_CONFIGURATIONS } from './cfn-lint-matrix';

// The generated app imports the published package by name: here it is this repository's source.
jest.mock('cdk-zero-downtime-web-tier', () => jest.requireActual('../../src'), { virtual: true });

/** The version whose schemas the allow-list was reviewed against. */
const CFN_LINT_VERSION = '1.51.0';

/** The version of the cfn-lint on the PATH, or undefined when there is none. */
function findCfnLint(): string | undefined {
  const run = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return run.status === 0 ? run.stdout.trim().replace(/^cfn-lint\s+/, '') : undefined;
}
const installedVersion = findCfnLint();

function describeWithCfnLint(): jest.Describe {
  if (installedVersion !== undefined) return describe;
  const hint = 'the cfn-lint gate needs cfn-lint on the PATH: run .ci/run on CI\'s image, or pip install cfn-lint==' + CFN_LINT_VERSION;
  if (process.env.CI) throw new Error(`CI is set and cfn-lint is missing: ${hint}`);
  // eslint-disable-next-line no-console
  console.warn(`SKIPPING: ${hint}`);
  return describe.skip;
}

/** A file name for a configuration's stack template. */
function fileName(configuration: string, stack: string): string {
  return `${configuration.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}--${stack}.template.json`;
}

describeWithCfnLint()('cfn-lint over the templates of every configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdwt-cfn-lint-'));
  /** Template file -> the configuration it comes from. */
  const templates = new Map<string, string>();
  let findings: CfnLintFinding[] = [];
  let lintSeconds = 0;

  beforeAll(() => {
    for (const configuration of LINTED_CONFIGURATIONS) {
      const outdir = fs.mkdtempSync(path.join(dir, 'cdk-out-'));
      const assembly = configuration.app(outdir).synth();
      for (const stack of assembly.stacks) {
        const file = path.join(dir, fileName(configuration.name, stack.stackName));
        // The Region cfn-lint judges it for: the stack's own, eu-west-3 when it is environment-agnostic.
        const region = stack.environment.region === 'unknown-region' ? 'eu-west-3' : stack.environment.region;
        const template = JSON.parse(fs.readFileSync(stack.templateFullPath, 'utf8'));
        template.Metadata = { ...template.Metadata, 'cfn-lint': { config: { regions: [region] } } };
        fs.writeFileSync(file, JSON.stringify(template));
        templates.set(file, configuration.name);
      }
    }
    const started = Date.now();
    const run = spawnSync('cfn-lint', ['--format', 'json', '--include-checks', 'I', '--', ...templates.keys()],
      { encoding: 'utf8', timeout: 360_000, maxBuffer: 64 * 1024 * 1024 });
    lintSeconds = (Date.now() - started) / 1000;
    // Exit codes are a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a crash.
    if (run.error || run.status === null || run.status % 2 === 1) {
      throw new Error(`cfn-lint did not run: ${run.error ?? ''} status ${run.status}\n${run.stderr}`);
    }
    const resources = new Map([...templates.keys()].map(file => [file, JSON.parse(fs.readFileSync(file, 'utf8')).Resources ?? {}]));
    findings = (JSON.parse(run.stdout) as CfnLintFinding[]).map(f => {
      const [section, id] = f.Location.Path;
      return { ...f, resourceType: section === 'Resources' ? resources.get(f.Filename)?.[id]?.Type : undefined };
    });
  }, 420_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test(`cfn-lint is the version whose findings the allow-list was reviewed against (${CFN_LINT_VERSION})`, () => {
    expect(installedVersion).toBe(CFN_LINT_VERSION);
  });

  test('every configuration synthesized at least one template, and the matrix stays within its CI budget', () => {
    expect(new Set(templates.values())).toEqual(new Set(LINTED_CONFIGURATIONS.map(c => c.name)));
    // eslint-disable-next-line no-console
    console.log(`cfn-lint: ${templates.size} templates in ${lintSeconds.toFixed(1)} s`);
    // About 2 s of cfn-lint's CPU per template (22 templates: 40 to 50 s of CPU, 75 to 110 s on a shared machine):
    // a matrix that grows past 30 templates needs the CI budget reviewed.
    expect(templates.size).toBeLessThanOrEqual(30);
  });

  test('no error, warning or informational finding that the reviewed allow-list does not name', () => {
    const unexplained = findings.filter(f => !allowedBy(f)).map(f =>
      `${f.Rule.Id} ${f.Level} in ${templates.get(f.Filename) ?? f.Filename} at ${f.Location.Path.join('/')}: ${f.Message}`);
    expect(unexplained).toEqual([]);
  });

  test('every entry of the allow-list is still needed (a fixed finding leaves the list)', () => {
    const unused = CFN_LINT_ALLOWED.filter(entry => !findings.some(f => allowedBy(f) === entry)).map(entry => `${entry.rule} ${entry.path}`);
    expect(unused).toEqual([]);
  });
});

describe('the allow-list names exactly what it says', () => {
  const finding = (id: string, findingPath: string, resourceType: string | undefined, message = ''): CfnLintFinding =>
    ({ Filename: 't.json', Level: 'Error', Message: message, Location: { Path: findingPath.split('/') }, Rule: { Id: id }, resourceType });
  const UNEXPECTED = 'Additional properties are not allowed (\'AutoScalingInstanceRefresh\' was unexpected)';

  test.each<[string, boolean, CfnLintFinding]>([
    ['E3016 on the instance refresh policy of a group', true, finding('E3016', 'Resources/G/UpdatePolicy/AutoScalingInstanceRefresh', 'AWS::AutoScaling::AutoScalingGroup', UNEXPECTED)],
    ['E3016 inside the policy (a real error in its values)', false,
      finding('E3016', 'Resources/G/UpdatePolicy/AutoScalingInstanceRefresh/Preferences', 'AWS::AutoScaling::AutoScalingGroup', UNEXPECTED)],
    ['E3016 with another message', false, finding('E3016', 'Resources/G/UpdatePolicy/AutoScalingInstanceRefresh', 'AWS::AutoScaling::AutoScalingGroup', 'x')],
    ['W3010 on a subnet', true, finding('W3010', 'Resources/S/Properties/AvailabilityZone', 'AWS::EC2::Subnet')],
    ['W3010 on a volume', false, finding('W3010', 'Resources/V/Properties/AvailabilityZone', 'AWS::EC2::Volume')],
    ['I3011 on the cache (its final snapshot is a policy the tier sets)', false,
      finding('I3011', 'Resources/C', 'AWS::ElastiCache::ReplicationGroup', '\'DeletionPolicy\' is a required property')],
    ['I1022 deep in an output', true, finding('I1022', 'Outputs/O/Value/Fn::Join/0', undefined, 'Prefer using Fn::Sub over Fn::Join with an empty delimiter')],
    ['E3032 on the autoshift alarms', false, finding('E3032', 'Resources/A/Properties/PracticeRunConfiguration/OutcomeAlarms', 'AWS::ARCZonalShift::ZonalAutoshiftConfiguration')],
  ])('%s: allowed %p', (_, allowed, f) => {
    expect(allowedBy(f) !== undefined).toBe(allowed);
  });
});
