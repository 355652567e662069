// The other languages' packages carry no projen: the project type lives in its own npm-only package
// (packages/cdk-zero-downtime-web-tier-app). Reads the bindings the `bindings` task generates after every
// compile (`jsii-pacmak --code-only` into .tmp/bindings/); `npx projen build` runs it before the tests.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const BINDINGS = path.join(ROOT, '.tmp', 'bindings');

/** Each language's folder, its dependency manifest, its source files and the line that imports a dependency. */
const LANGUAGES = [
  { name: 'python', manifest: /^setup\.py$/, source: /\.py$/, imports: /^\s*(?:import|from)\s+\S*projen/im },
  { name: 'java', manifest: /^pom\.xml$/, source: /\.java$/, imports: /^\s*import\s+\S*projen/im },
  { name: 'dotnet', manifest: /\.csproj$/, source: /\.cs$/, imports: /^\s*using\s+\S*projen/im },
  { name: 'go', manifest: /^go\.mod$/, source: /\.go$/, imports: /^\s*(?:import\s+)?(?:\w+\s+)?"[^"\n]*projen[^"\n]*"\s*$/im },
];

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? listFiles(path.join(dir, entry.name))
    : [path.join(dir, entry.name)]);
}

beforeAll(() => {
  if (!fs.existsSync(BINDINGS)) {
    throw new Error(`${BINDINGS} is missing: run \`npx projen compile && npx projen bindings\` (the build does both) first.`);
  }
});

describe('the generated bindings', () => {
  test('the jsii assembly depends on aws-cdk-lib and constructs only', () => {
    const assembly = JSON.parse(fs.readFileSync(path.join(ROOT, '.jsii'), 'utf8'));
    expect(Object.keys(assembly.dependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    expect(Object.keys(assembly.targets).sort()).toEqual(['dotnet', 'go', 'java', 'js', 'python']);
  });

  test.each(LANGUAGES)('$name: has the web tier, and neither depends on nor imports projen', ({ name, manifest, source, imports }) => {
    // GIVEN
    const files = listFiles(path.join(BINDINGS, name));
    const manifests = files.filter(file => manifest.test(path.basename(file)));
    const sources = files.filter(file => source.test(file));

    // THEN the binding is there: its manifest names aws-cdk-lib, and the one-liner class is in the source
    expect(manifests).toHaveLength(1);
    const dependencies = fs.readFileSync(manifests[0], 'utf8');
    expect(dependencies).toMatch(/aws-cdk-lib|awscdk|Amazon\.CDK\.Lib|software\.amazon\.awscdk/i);
    expect(sources.some(file => fs.readFileSync(file, 'utf8').includes('ZeroDowntimeWebTier'))).toBe(true);

    // THEN projen is neither a dependency nor imported (the README, embedded as documentation, may name it)
    expect(dependencies).not.toMatch(/projen/i);
    expect(sources.filter(file => imports.test(fs.readFileSync(file, 'utf8'))).map(file => path.relative(BINDINGS, file))).toEqual([]);
  });
});
