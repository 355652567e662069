// End-to-end: the two packages as npm would publish them (`npm pack` of the compiled trees), used the two ways
// people use them: the library installed into an existing CDK app, and the project type package
// (packages/cdk-zero-downtime-web-tier-app) as the template of a new one (`projen new --from`).
//
// Needs both compiled packages (`npx projen compile` and `npx projen app:build`; `npx projen build` does both
// before it tests). Slow, because of the npm
// installs (a few minutes with a warm npm cache); run it alone with `npx projen e2e`. It reaches no network
// but the npm registry: the CDK CLI runs without AWS credentials, instance metadata, notices, telemetry or
// version check.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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
/** A command that runs longer has hung (they take seconds to about a minute): it fails, and all its processes end. */
const COMMAND_TIMEOUT_MS = 5 * 60_000;

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

/**
 * Runs a command; rejects with the end of its output when it fails or hangs. A hung command is killed with
 * every process it started (its process group), so nothing outlives the test or its temporary folder.
 */
function run(command: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: isolatedEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (data: string) => stdout += data);
    child.stderr!.setEncoding('utf8').on('data', (data: string) => stderr += data);
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      killGroup(child);
    }, COMMAND_TIMEOUT_MS);
    child.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const tail = (text: string) => text.split('\n').slice(-40).join('\n');
      const why = hung ? `hung: killed after ${COMMAND_TIMEOUT_MS / 60_000} minutes` : signal ?? `exit ${code}`;
      reject(new Error(`\`${command} ${args.join(' ')}\` in ${cwd} failed (${why}):\n${tail(stdout)}\n${tail(stderr)}`));
    });
  });
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/**
 * The environment of a user in a fresh shell: not this repository's npm/projen/jest run (no `npm_*`, no local
 * `node_modules/.bin` on the PATH, no CI, which would make projen install with `npm ci`), no AWS credentials,
 * and nothing that makes the CDK CLI reach a network.
 */
function isolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|JEST_|AWS_|CDK_|PROJEN_)|^(CI|INIT_CWD|NODE_ENV)$/i.test(key)) {
      env[key] = value;
    }
  }
  const binDir = `${path.sep}node_modules${path.sep}.bin`;
  env.PATH = (process.env.PATH ?? '').split(path.delimiter).filter(dir => !dir.includes(binDir)).join(path.delimiter);
  return {
    ...env,
    GIT_AUTHOR_NAME: 'e2e',
    GIT_AUTHOR_EMAIL: 'e2e@example.com',
    GIT_COMMITTER_NAME: 'e2e',
    GIT_COMMITTER_EMAIL: 'e2e@example.com',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    AWS_CONFIG_FILE: path.join(workDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

async function footprint(appDir: string): Promise<{ packages: number; bytes: number }> {
  const packages = (await run('npm', ['ls', '--all', '--parseable'], appDir)).stdout.split('\n').filter(line => line.trim()).length;
  const bytes = listFiles(path.join(appDir, 'node_modules'))
    .reduce((sum, file) => sum + fs.lstatSync(path.join(appDir, 'node_modules', file)).size, 0);
  return { packages, bytes };
}

/** Files under `dir`, relative to it, with `/` separators. */
function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? listFiles(path.join(dir, entry.name)).map(file => `${entry.name}/${file}`)
    : [entry.name]);
}

function resourceCounts(templateFile: string): Record<string, number> {
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  const counts: Record<string, number> = {};
  for (const resource of Object.values<{ Type: string }>(template.Resources)) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

function read(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, undefined, 2)}\n`);
}

/** `^2.258.0` -> `2.258.0` */
function floor(range: string): string {
  const match = /\d+\.\d+\.\d+/.exec(range);
  if (!match) {
    throw new Error(`expected a version range such as ^2.258.0 in package.json, got ${range}`);
  }
  return match[0];
}
