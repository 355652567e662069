// End-to-end: the two packages as npm would publish them (`npm pack` of the compiled trees), used the two ways
// people use them: the library installed into an existing CDK app, and the project type package
// (packages/cdk-zero-downtime-web-tier-app) as the template of a new one (`projen new --from`).
//
// Needs both compiled packages (`npx projen compile` and `npx projen app:build`; `npx projen build` does both
// before it tests). Slow, because of the npm
// installs (a few minutes with a warm npm cache); run it alone with `npx projen e2e`. It reaches no network
// but the npm registry: the CDK CLI runs without AWS credentials, instance metadata, notices, telemetry or
// version check.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { floor, listFiles, read, resourceCounts, runIsolated, writeJson } from './isolated-commands';

const ROOT = path.join(__dirname, '..', '..');
const LIBRARY = 'cdk-zero-downtime-web-tier';
const APP_PACKAGE = 'cdk-zero-downtime-web-tier-app';
const APP_PACKAGE_DIR = path.join(ROOT, 'packages', APP_PACKAGE);
const OWN_PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
/** The projen of this repository: its CLI runs `projen new`, and the new app installs the same version. */
const PROJEN_DIR = path.join(ROOT, 'node_modules', 'projen');
const PROJEN_VERSION: string = JSON.parse(fs.readFileSync(path.join(PROJEN_DIR, 'package.json'), 'utf8')).version;
/** The lowest versions the library accepts: what the minimal app installs. */
const CDK_FLOOR = floor(OWN_PACKAGE.peerDependencies['aws-cdk-lib']);
const CONSTRUCTS_FLOOR = floor(OWN_PACKAGE.peerDependencies.constructs);

const STEP_TIMEOUT_MS = 10 * 60_000;

/** The minimal app after its imports: the one-liner in a stack, in JavaScript or TypeScript alike. */
const MINIMAL_APP_BODY = [
  '',
  "const app = new App({ outdir: 'cdk.out' });",
  "new ZeroDowntimeWebTier(new Stack(app, 'MinimalApp'), 'WebTier');",
  'app.synth();',
  '',
];

let workDir: string;
let tarball: string;
let packedFiles: string[];
/** The project type package, as `npm pack` names it (`cdk-zero-downtime-web-tier-app-0.0.0.tgz`)... */
let appTarball: string;
/** ...and as jsii-pacmak names it (`cdk-zero-downtime-web-tier-app@0.0.0.jsii.tgz`: it runs `npm pack` and renames). */
let appJsiiTarball: string;
let appPackedFiles: string[];

beforeAll(async () => {
  for (const file of ['lib/index.js', '.jsii', `packages/${APP_PACKAGE}/lib/index.js`, `packages/${APP_PACKAGE}/.jsii`]) {
    if (!fs.existsSync(path.join(ROOT, file))) {
      throw new Error(`${file} is missing: the end-to-end tests pack the compiled packages. Run \`npx projen compile && npx projen app:build\` first.`);
    }
  }
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdwt-e2e-'));
  const packDir = path.join(workDir, 'pack');
  fs.mkdirSync(packDir);
  const [pack] = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', packDir], ROOT)).stdout);
  tarball = path.join(packDir, pack.filename);
  packedFiles = pack.files.map((file: { path: string }) => file.path);
  const [appPack] = JSON.parse((await run('npm', ['pack', '--json', '--pack-destination', packDir], APP_PACKAGE_DIR)).stdout);
  appTarball = path.join(packDir, appPack.filename);
  appPackedFiles = appPack.files.map((file: { path: string }) => file.path);
  appJsiiTarball = path.join(packDir, `${APP_PACKAGE}@${appPack.version}.jsii.tgz`);
  fs.copyFileSync(appTarball, appJsiiTarball);
}, STEP_TIMEOUT_MS);

afterAll(() => {
  if (workDir) {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
});

describe('the packed library', () => {
  test('has the compiled code, the jsii manifest, the docs and the on-instance assets', () => {
    expect(packedFiles).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'API.md', 'LICENSE', '.jsii', 'lib/index.js', 'lib/index.d.ts',
    ]));
    // The constructs read the assets at synth time, from `path.join(__dirname, '..', 'assets')`.
    const assets = listFiles(path.join(ROOT, 'assets')).map(file => `assets/${file}`);
    expect(assets.length).toBeGreaterThan(0);
    expect(packedFiles).toEqual(expect.arrayContaining(assets));
  });

  test('has no sources, tests, examples, build leftovers, project type or templates', () => {
    const unwanted = /^(src|test|examples|projenrc|packages|templates|\.projen|\.ci|\.tmp|cdk\.out|coverage|test-reports|dist)\/|^\.projenrc\.ts$|^tsconfig/;
    expect(packedFiles.filter(file => unwanted.test(file))).toEqual([]);
  });
});

describe('the packed project type package', () => {
  test('has the compiled code, the jsii manifest projen reads and the app template with its web app, and no sources or tests', () => {
    expect(appPackedFiles).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', '.jsii', 'lib/index.js', 'lib/index.d.ts',
      'templates/app/README.md', 'templates/app/src/main.ts', 'templates/app/test/main.test.ts',
    ]));
    // Every file of the template's web app, which the project type copies into the new app's webapp/.
    const webapp = listFiles(path.join(APP_PACKAGE_DIR, 'templates', 'app', 'webapp')).map(file => `templates/app/webapp/${file}`);
    expect(webapp).toEqual(expect.arrayContaining(['templates/app/webapp/server.js', 'templates/app/webapp/redis-client.js']));
    expect(appPackedFiles).toEqual(expect.arrayContaining(webapp));
    expect(appPackedFiles.filter(file => /^(src|test|dist|\.projen)\/|^tsconfig/.test(file))).toEqual([]);
  });
});

describe('installed into a minimal CDK app', () => {
  test('adds only itself, without projen, and synthesizes the web tier', async () => {
    // GIVEN an app with aws-cdk-lib and constructs at the library's floor
    const appDir = path.join(workDir, 'minimal-app');
    fs.mkdirSync(appDir);
    writeJson(path.join(appDir, 'package.json'), {
      name: 'minimal-app',
      version: '1.0.0',
      private: true,
      dependencies: { 'aws-cdk-lib': CDK_FLOOR, 'constructs': CONSTRUCTS_FLOOR },
    });
    await run('npm', ['install'], appDir);
    const before = await footprint(appDir);

    // WHEN
    await run('npm', ['install', tarball], appDir);

    // THEN it stays lean: one package, no projen (an optional peer dependency)
    const after = await footprint(appDir);
    console.log(`npm install ${LIBRARY} into a CDK app adds ${after.packages - before.packages} package(s), `
      + `${Math.round((after.bytes - before.bytes) / 1024)} KiB (apparent size) to node_modules`);
    expect(after.packages - before.packages).toBe(1);
    expect(after.bytes - before.bytes).toBeLessThan(5 * 1024 * 1024);
    expect(fs.existsSync(path.join(appDir, 'node_modules', 'projen'))).toBe(false);

    // THEN a JavaScript app synthesizes the tutorial's architecture
    fs.writeFileSync(path.join(appDir, 'app.js'), [
      "const { App, Stack } = require('aws-cdk-lib');",
      `const { ZeroDowntimeWebTier } = require('${LIBRARY}');`,
      ...MINIMAL_APP_BODY,
    ].join('\n'));
    await run(process.execPath, ['app.js'], appDir);
    const resources = resourceCounts(path.join(appDir, 'cdk.out', 'MinimalApp.template.json'));
    expect(resources).toMatchObject({
      'AWS::EC2::Subnet': 15,
      'AWS::EC2::NatGateway': 3,
      'AWS::ElasticLoadBalancingV2::LoadBalancer': 1,
      'AWS::AutoScaling::AutoScalingGroup': 2,
      'AWS::ElastiCache::ReplicationGroup': 1,
    });

    // THEN its command runs from the installed package (compiled JavaScript, no ts-node): the shipped hello counter
    // answers a request through SIGTERM
    const rehearsal = await run('npx', ['--no-install', LIBRARY, 'rehearse', '--scenarios', 'sigterm'], appDir);
    expect(rehearsal.stdout).toMatch(/^sigterm +\d+ +0 .*0 failed: met \(in flight at SIGTERM: .+\)$/m);
    expect(rehearsal.stdout).toContain('Result: clean (exit 0).');

    // THEN a TypeScript app type-checks against the declarations, without skipLibCheck and without projen
    fs.writeFileSync(path.join(appDir, 'app.ts'), [
      "import { App, Stack } from 'aws-cdk-lib';",
      `import { ZeroDowntimeWebTier } from '${LIBRARY}';`,
      ...MINIMAL_APP_BODY,
    ].join('\n'));
    writeJson(path.join(appDir, 'tsconfig.json'), {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['es2022'],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        // aws-cdk-lib's declarations use Node's types; borrow this repository's @types/node.
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['app.ts'],
    });
    await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], appDir);
  }, STEP_TIMEOUT_MS);
});

describe('projen new --from the packed project type package', () => {
  /** `projen new --from <tarball>` in a new empty folder (no options but the library's tarball, not on the npm registry). */
  async function projenNew(from: string): Promise<string> {
    const appDir = fs.mkdtempSync(path.join(workDir, 'my-web-tier-'));
    await run(process.execPath, [path.join(PROJEN_DIR, 'bin', 'projen'), 'new', '--from', from,
      '--projen-version', PROJEN_VERSION, '--library-version', `file:${tarball}`], appDir);
    return appDir;
  }

  // The tarball as `npm pack` names it creates the same project; the test below builds and tests one from the
  // tarball jsii-pacmak names (the one published), which is what makes this one short.
  test('from the tarball named as npm pack names it, creates the same CDK app of this project type', async () => {
    const appDir = await projenNew(appTarball);
    const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
    expect(pkg.dependencies).toMatchObject({ [LIBRARY]: `file:${tarball}`, 'aws-cdk-lib': `^${CDK_FLOOR}` });
    expect(pkg.devDependencies).toMatchObject({ [APP_PACKAGE]: `file:${appTarball}` });
    expect(read(appDir, '.projenrc.ts')).toContain(`import { ZeroDowntimeWebTierApp } from '${APP_PACKAGE}';`);
    expect(read(appDir, 'src/main.ts')).toContain('WebApplication.fromDirectory(');
  }, STEP_TIMEOUT_MS);

  test('from the tarball named as jsii-pacmak names it, creates a CDK app that synthesizes without warnings and passes its own tests', async () => {
    // GIVEN an empty folder, WHEN
    const appDir = await projenNew(appJsiiTarball);

    // THEN the app has the library as a runtime dependency, the project type package as a dev dependency,
    // a projenrc of this project type, and its starting files
    const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe(path.basename(appDir));
    expect(pkg.dependencies).toMatchObject({ [LIBRARY]: `file:${tarball}`, 'aws-cdk-lib': `^${CDK_FLOOR}` });
    expect(pkg.devDependencies).toMatchObject({ [APP_PACKAGE]: `file:${appJsiiTarball}`, projen: expect.stringContaining(PROJEN_VERSION) });
    expect(read(appDir, '.projenrc.ts')).toContain(`import { ZeroDowntimeWebTierApp } from '${APP_PACKAGE}';`);
    expect(read(appDir, 'src/main.ts')).toContain("application: WebApplication.fromDirectory(path.join(__dirname, '..', 'webapp'), {");
    expect(read(appDir, 'README.md')).toContain('npx cdk deploy');
    expect(fs.existsSync(path.join(appDir, 'test', 'main.test.ts'))).toBe(true);
    for (const file of ['server.js', 'redis-client.js']) {
      expect(read(appDir, `webapp/${file}`)).toBe(read(path.join(APP_PACKAGE_DIR, 'templates', 'app', 'webapp'), file));
    }

    // THEN cdk.json has the feature flags of the aws-cdk-lib the app installed, as `cdk init` writes them, and the
    // recommended flags of the library it installed (a new app gets today's defaults)
    const installedCdk = path.join(appDir, 'node_modules', 'aws-cdk-lib');
    const recommended = JSON.parse(fs.readFileSync(path.join(installedCdk, 'recommended-feature-flags.json'), 'utf8'));
    expect(Object.keys(recommended).length).toBeGreaterThan(50);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const installedLibrary = require(path.join(appDir, 'node_modules', LIBRARY));
    expect(JSON.parse(read(appDir, 'cdk.json')).context).toEqual({ ...recommended, ...installedLibrary.WebTierFeatureFlags.recommended() });

    // THEN `cdk synth` produces the web tier and warns about nothing (no unconfigured feature flags)
    const synth = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices'], appDir);
    expect(`${synth.stdout}\n${synth.stderr}`).not.toMatch(/feature flag|warning/i);
    expect(resourceCounts(path.join(appDir, 'cdk.out', 'ZeroDowntimeWebTier.template.json'))).toMatchObject({
      'AWS::EC2::Subnet': 15,
      'AWS::EC2::NatGateway': 3,
      'AWS::ElasticLoadBalancingV2::LoadBalancer': 1,
      'AWS::AutoScaling::AutoScalingGroup': 2,
    });
    // and stages webapp/ as a zip asset for the web servers to download
    const assets = JSON.parse(read(appDir, 'cdk.out/ZeroDowntimeWebTier.assets.json'));
    const staged = Object.values<{ source: { path: string; packaging?: string } }>(assets.files)
      .filter(asset => asset.source.packaging === 'zip')
      .map(asset => listFiles(path.join(appDir, 'cdk.out', asset.source.path)).sort());
    expect(staged).toContainEqual(listFiles(path.join(appDir, 'webapp')).sort());

    // THEN the app's own tests (jest, then eslint) pass, and they did run
    const test = await run('npx', ['projen', 'test'], appDir);
    const testOutput = `${test.stdout}\n${test.stderr}`;
    expect(testOutput).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    // and where redis-server is installed (CI installs it), none was skipped: the rehearsal of webapp/ through every
    // scenario ran too
    if (spawnSync('redis-server', ['--version']).status === 0) {
      expect(testOutput).toMatch(/Tests:\s+(\d+) passed, \1 total/);
      expect(testOutput).not.toContain('SKIPPING the rehearsal');
    }

    // THEN synthesizing again (ts-node type-checks .projenrc.ts) changes nothing
    await run('npx', ['projen'], appDir);
    expect((await run('git', ['status', '--porcelain'], appDir)).stdout).toBe('');
  }, STEP_TIMEOUT_MS);
});

/** Runs a command as a user in a fresh shell would (`runIsolated`), its AWS files pointing at none in this run's folder. */
function run(command: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return runIsolated(command, args, cwd, workDir);
}

async function footprint(appDir: string): Promise<{ packages: number; bytes: number }> {
  const packages = (await run('npm', ['ls', '--all', '--parseable'], appDir)).stdout.split('\n').filter(line => line.trim()).length;
  const bytes = listFiles(path.join(appDir, 'node_modules'))
    .reduce((sum, file) => sum + fs.lstatSync(path.join(appDir, 'node_modules', file)).size, 0);
  return { packages, bytes };
}
