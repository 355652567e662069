import { awscdk, cdk, javascript, TaskShell } from 'projen';
import { JobPermission } from 'projen/lib/github/workflows-model';

/**
 * The projen this repository builds with, and the floor of the project type package's peer dependency on it
 * (packages/cdk-zero-downtime-web-tier-app). The peer pins the dev dependency to this version, so upgrading
 * projen means changing it here.
 */
const PROJEN_VERSION = '0.103.25';
const CDK_VERSION = '2.273.0';
const CONSTRUCTS_VERSION = '10.5.1';
const AUTHOR = { author: 'cdk-zero-downtime-web-tier maintainers', authorAddress: 'maintainers@example.com' };
const REPOSITORY_URL = 'https://github.com/cdk-zero-downtime-web-tier/cdk-zero-downtime-web-tier.git';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-zero-downtime-web-tier',
  description:
    'A zero-downtime EC2 web tier in one line of CDK: VPC with five subnet groups over three AZs, a NAT gateway per AZ, an internet-facing ALB, a web Auto Scaling Group, a bastion with a stable Elastic IP and ElastiCache Redis.',
  ...AUTHOR,
  repositoryUrl: REPOSITORY_URL,
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'alb', 'autoscaling', 'zero-downtime', 'high-availability', 'elasticache', 'redis', 'bastion', 'vpc'],
  license: 'Apache-2.0',
  stability: 'experimental',

  // aws-cdk-lib 2.273.0 is the first release on npm with `NatProvider.regionalGateway()` (a regional NAT gateway,
  // `natGatewayPlacement: REGIONAL`; 2.272.0 was never published, 2.271.0 has only the L1's `availabilityMode`).
  // 2.263.0 was the first with `UpdatePolicy.instanceRefresh` (CloudFormation's AutoScalingInstanceRefresh update
  // policy), which every release of the web fleet rolls out with; 2.258.0 the first whose policy-validation context
  // carries the construct tree, `appConstruct`, that cdk-nag 3.x needs.
  cdkVersion: CDK_VERSION,
  constructsVersion: CONSTRUCTS_VERSION,
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  tsconfigDevFile: 'tsconfig.dev.json',

  // `npx cdk-zero-downtime-web-tier rehearse`: in the library itself, so that every app that installs it has the
  // command at the version of the constructs it synthesized with (compiled JavaScript, Node.js built-ins only).
  bin: { 'cdk-zero-downtime-web-tier': 'lib/rehearse/cli.js' },
  devDeps: [
    'cdk-nag@^3.0.2',
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
    // The integration test (test/integ.web-tier.ts). The alpha is pinned (its API may change in any release);
    // 2.245.0-alpha.0, the latest (no 2.273.0-alpha.0 exists), accepts aws-cdk-lib ^2.245.0, so the floor too. integ-runner is not used yet: its latest release
    // (2.197.10) bundles a toolkit that reads cloud assembly schema 53, and aws-cdk-lib 2.258.0 writes 54 (it stops
    // with AssemblyVersionMismatch). The CDK CLI below reads 54 (2.1144.0 or later).
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    'aws-cdk@^2.1148.1',
    // The rehearsal's corpus of real servers (test/rehearse/corpus): each app at its documented defaults.
    'express@^5.1.0',
    'koa@^3.0.0',
    'fastify@^5.4.0',
    'hono@^4.9.0',
    '@hono/node-server@^2.0.0',
    // The upgrade gate (test/upgrade/): the diff engine of `cdk diff`, which says which resources an update replaces.
    '@aws-cdk/cloudformation-diff@^2.187.5',
  ],
  // npm (on by default), PyPI, Maven Central, NuGet and Go. Locally and in CI the build generates the other languages'
  // source (`bindings` task below) without their toolchains; the release workflow builds and publishes them.
  publishToPypi: {
    distName: 'cdk-zero-downtime-web-tier',
    module: 'cdk_zero_downtime_web_tier',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkzerodowntimewebtier',
    mavenGroupId: 'io.github.cdk-zero-downtime-web-tier',
    mavenArtifactId: 'cdk-zero-downtime-web-tier',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkZeroDowntimeWebTier',
    packageId: 'CdkZeroDowntimeWebTier',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-zero-downtime-web-tier/cdk-zero-downtime-web-tier-go',
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'drill', 'docs', 'tools', 'projenrc', '.projenrc.ts'],
    // One typed-lint project for everything: tsconfig.dev.json covers src, test and examples.
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },

  gitignore: ['cdk.out/', '/results/', '/.tmp/'],
  // The on-instance software ships in the package: the constructs read it at synth time.
  npmignoreEnabled: true,

  jestOptions: {
    jestConfig: {
      testTimeout: 120_000,
      // CDK_VALIDATION=false: see test/setup-env.ts.
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      // Runtime tests start real servers on loopback; run files one at a time to keep ports and CPU calm.
      maxWorkers: 1,
    },
  },
});

// The tests in two runs. Synthesis is CPU-bound and shares nothing: it runs on both cores. The files that start real
// servers on 127.0.0.1 (web servers, Redis, the drill, npm installs) run one at a time after
// it, alone on the machine, so that their timings are not squeezed by a synthesis beside them. One file:
// `npx jest test/<path>`.
// The rehearsal's test (test/rehearse) runs with the synthesis tests on a third worker: it mostly waits (health
// checks, a connection left idle for 59 s) and none of its targets depends on a quiet machine.
// The rehearsal's corpus of real servers and its Ctrl-C test start many servers at once: they run here, alone, so
// that the timing-sensitive sigterm probe of test/rehearse/rehearse.test.ts never shares the cores with them.
const SERVER_TESTS = ['test/runtime/', 'test/drill/', 'test/e2e/', 'test/rehearse/server-corpus.test.ts', 'test/rehearse/cli-misuse.test.ts'];
project.testTask.reset();
project.testTask.exec(`jest --passWithNoTests --updateSnapshot --maxWorkers=3 --testPathIgnorePatterns /node_modules/ ${SERVER_TESTS.map((d) => `/${d}`).join(' ')}`, {
  name: 'synthesis tests on every core, and the rehearsal beside them',
});
project.testTask.exec(`JEST_JUNIT_OUTPUT_NAME=junit-servers.xml jest --passWithNoTests --maxWorkers=1 --coverageDirectory=coverage/servers ${SERVER_TESTS.join(' ')}`, {
  name: 'tests that start servers, one file at a time',
});
project.testTask.spawn(project.tasks.tryFind('eslint')!);

project.addTask('example', {
  description: 'Synthesize the example app into cdk.out/ and print a summary of what would be deployed',
  exec: 'ts-node --project tsconfig.dev.json examples/app.ts',
});

project.addTask('drill', {
  description: 'Zero-downtime drill on this machine: Redis, web servers, the rehearsal\'s load balancer stand-in; crash, deploy, scale-in, instance loss, releases (--short: fast preset only; --repeat N: a benchmark)',
  exec: 'ts-node --project tsconfig.dev.json drill/main.ts',
  receiveArgs: true,
});
project.addTask('burst', {
  description: 'Benchmark: 3 bursts of 100 simultaneous connections to one web server on this machine (not a test)',
  exec: 'ts-node --project tsconfig.dev.json drill/burst.ts',
  receiveArgs: true,
});

project.tsconfigDev.addInclude('examples/**/*.ts');

project.addTask('architecture', {
  description: 'Redraw the README\'s architecture picture (docs/architecture.svg) from docs/architecture.ts',
  exec: 'ts-node --project tsconfig.dev.json docs/architecture.ts',
});
project.tsconfigDev.addInclude('.projenrc.ts');
// The project type package has its own tsconfig and build (below).
project.tsconfigDev.addExclude('packages/**');

// Integration test (test/integ.web-tier.ts): the build compares its synthesis with the committed snapshot
// (test/integ-snapshot.test.ts); these record a new snapshot, and deploy, verify and destroy it on AWS.
project.addTask('integ:snapshot', {
  description: 'Record the integration test\'s snapshot (test/integ.web-tier.ts.snapshot/) without deploying',
  exec: 'ts-node --project tsconfig.dev.json tools/integ.ts snapshot',
});
project.addTask('integ:deploy', {
  description: 'Deploy the integration test to the AWS account of your credentials, check its assertions, destroy it',
  exec: 'ts-node --project tsconfig.dev.json tools/integ.ts deploy',
});

// ---- Packaging, API.md, end-to-end tests ----

// Only what the published package needs: no example app, synth output, scratch folders or the other package.
project.npmignore?.exclude('/.ci/', '/docs/', '/tools/', '/examples/', '/drill/', 'cdk.out/', '/.tmp/', '/results/', '/packages/');

// `package` would run `package-all` (Python, Java and Go packages) when CI is unset, which needs their
// toolchains and registries. Locally and in CI it builds the npm tarball and generates every other language's
// source only: an API jsii cannot carry to a language fails the build, not the release. The release workflow
// still runs `package:python`, `package:java` and `package:go` in their own jobs.
const bindings = project.addTask('bindings', {
  description: 'Generate the Python, Java, .NET and Go bindings as source only in .tmp/bindings/ (no toolchains needed)',
  steps: [
    { exec: 'rm -rf .tmp/bindings' },
    {
      exec: [
        'jsii-pacmak --code-only --force --no-npmignore --outdir .tmp/bindings',
        '--target python --target java --target dotnet --target go',
        // Example snippets go into the docs as written: translating them is the release build's job.
        '--rosetta-unknown-snippets verbatim',
      ].join(' '),
    },
  ],
});
// After every compile, so that the tests (test/bindings.test.ts) check the bindings of the code they test.
project.postCompileTask.spawn(bindings);
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// API.md is regenerated after every compile (docgen). In CI the committed copy must be the fresh one.
project.postCompileTask.exec([
  'if [ -n "$(git status --porcelain -- API.md)" ]; then',
  "echo 'API.md is not the committed one: the public API changed. Run npx projen build and commit API.md.' >&2;",
  'git --no-pager diff --stat -- API.md >&2; exit 1; fi',
].join(' '), {
  name: 'API.md is committed and up to date',
  condition: 'node -e "if (!process.env.CI) process.exit(1)"',
  // A POSIX `if`, which projen's built-in shell does not run. CI runs on Linux.
  shell: TaskShell.system(),
});

// End-to-end: pack lib/ as published, `projen new --from` the tarball, synth and test the app; install the
// tarball into a minimal CDK app. Slow (npm installs): run alone with `npx projen e2e` after a compile.
project.addTask('e2e', {
  description: 'Run the end-to-end tests (test/e2e/) against the compiled lib/',
  exec: 'jest --coverage=false test/e2e',
  receiveArgs: true,
});

// ---- The upgrade gate (test/upgrade/) and the changelog, recorded at each release ----

// The templates of test/upgrade/programs.ts, synthesized by this checkout, as a baseline of test/upgrade/baselines/
// that the gate diffs every later commit against. `--name` names the folder (default: package.json's version).
project.addTask('upgrade:baseline', {
  description: 'Record the upgrade gate\'s baseline: the user programs\' templates of this code (test/upgrade/baselines/<name>/)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json tools/upgrade-baseline.ts',
  env: { CDK_VALIDATION: 'false' },
  receiveArgs: true,
});
project.addTask('changelog:record', {
  description: 'Put the release notes of dist/changelog.md (written by bump) at the top of CHANGELOG.md',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json tools/record-changelog.ts',
});
// At each release (after the `release` job built and tagged it): record the baseline of the released code and its
// notes in CHANGELOG.md, and open a pull request to main with both (the same way projen's upgrade-main workflow
// proposes its changes, with the PROJEN_GITHUB_TOKEN secret). Merging that pull request is how the baseline gets
// into the repository: from then on the gate diffs every change against what that release deploys.
project.release?.addJobs({
  release_upgrade_baseline: {
    name: 'Record the upgrade baseline and the changelog of the release',
    needs: ['release'],
    runsOn: ['ubuntu-latest'],
    permissions: { contents: JobPermission.READ },
    if: "needs.release.outputs.tag_exists != 'true' && needs.release.outputs.latest_commit == github.sha",
    steps: [
      { name: 'Checkout', uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', with: { ref: '${{ github.sha }}' } },
      { uses: 'actions/setup-node@v7.0.0', with: { 'node-version': 'lts/*' } },
      { name: 'Install dependencies', run: 'npm ci' },
      {
        name: 'Download build artifacts',
        uses: 'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c',
        with: { 'artifact-ids': '${{ needs.release.outputs.artifact_id }}', 'path': 'dist' },
      },
      { name: 'Record the baseline', run: 'npx projen upgrade:baseline --name "$(cat dist/releasetag.txt)"' },
      { name: 'Record the changelog', run: 'npx projen changelog:record' },
      {
        name: 'Create Pull Request',
        uses: 'peter-evans/create-pull-request@v8.1.1',
        with: {
          'token': '${{ secrets.PROJEN_GITHUB_TOKEN }}',
          'commit-message': 'chore(release): the upgrade gate\'s baseline and the changelog of the latest release',
          'branch': 'github-actions/upgrade-baseline',
          'title': 'chore(release): the upgrade gate\'s baseline and the changelog of the latest release',
          'body': 'The templates of test/upgrade/programs.ts as the release just published synthesizes them '
            + '(test/upgrade/baselines/), and its notes at the top of CHANGELOG.md. Merge it so that the upgrade gate '
            + 'diffs every later change against what this release deploys.',
          'add-paths': 'test/upgrade/baselines/\nCHANGELOG.md',
          'author': 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
          'committer': 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
          'signoff': true,
        },
      },
    ],
  },
});

// ---- The projen project type: its own npm-only package (issue 15) ----

// `npx projen new --from cdk-zero-downtime-web-tier-app` creates a CDK app that deploys the web tier. It is a
// jsii package (projen finds project types in the .jsii manifest) with no target but JavaScript, so projen
// stays out of the construct library in every language. Its dependencies are the root's: node resolves them
// from ../../node_modules, so it installs nothing of its own (the install tasks below do nothing).
const APP_PACKAGE_DIR = 'packages/cdk-zero-downtime-web-tier-app';
const appPackage = new cdk.JsiiProject({
  parent: project,
  outdir: APP_PACKAGE_DIR,
  name: 'cdk-zero-downtime-web-tier-app',
  description: 'A projen project type: `npx projen new --from cdk-zero-downtime-web-tier-app` creates a CDK app that deploys a cdk-zero-downtime-web-tier web tier.',
  ...AUTHOR,
  repositoryUrl: REPOSITORY_URL,
  repositoryDirectory: APP_PACKAGE_DIR,
  keywords: ['projen', 'cdk', 'awscdk', 'zero-downtime'],
  license: 'Apache-2.0',
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  jsiiVersion: '~6.0.0',
  // The project type extends projen's AwsCdkTypeScriptApp; aws-cdk-lib (its peer) is installed beside it by
  // `projen new`, and its recommended feature flags go into the new app's cdk.json.
  peerDeps: [`projen@>=${PROJEN_VERSION}`, `constructs@^${CONSTRUCTS_VERSION}`, `aws-cdk-lib@^${CDK_VERSION}`],
  // Released with the library, from the same workflow (see the bump and package tasks of the root).
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  docgen: false,
  eslint: false,
  jestOptions: { jestConfig: { testTimeout: 120_000 } },
});
// The starting files of the generated app ship in the package; they import the construct library, so the
// end-to-end tests (test/e2e/) check them in a generated app.
appPackage.npmignore?.include('/templates/');
appPackage.tsconfigDev.addExclude('templates/**');
for (const name of ['install', 'install:ci']) {
  appPackage.tasks.tryFind(name)?.reset('echo "dependencies: the repository root\'s node_modules (npm ci at the root)"');
}
// The root build builds and tests the project type package after the library's compile, so that the tests
// (test/e2e/) find it built, and the package step puts its tarball in dist/app-js/ (not dist/js/, whose one tarball
// the release jobs of the other languages unpack), which the release workflow publishes.
const APP_DIST = 'dist/app-js';
const appBuild = project.addTask('app:build', {
  description: 'Build, test and pack the project type package (packages/cdk-zero-downtime-web-tier-app)',
  exec: 'projen build',
  cwd: APP_PACKAGE_DIR,
});
project.postCompileTask.spawn(appBuild);
project.packageTask.exec(`rm -rf ${APP_DIST} && mkdir -p ${APP_DIST} && cp ${APP_PACKAGE_DIR}/dist/js/*.tgz ${APP_DIST}/`, {
  name: 'the project type package\'s tarball, beside the library\'s',
});
project.release?.addJobs({
  release_npm_app: {
    name: 'Publish the project type package to npm',
    // After the library: a new app depends on the library of the same version, which must be on npm by then.
    needs: ['release', 'release_npm'],
    runsOn: ['ubuntu-latest'],
    permissions: { idToken: JobPermission.WRITE, contents: JobPermission.READ },
    if: "needs.release.outputs.tag_exists != 'true' && needs.release.outputs.latest_commit == github.sha",
    steps: [
      { uses: 'actions/setup-node@v7.0.0', with: { 'node-version': 'lts/*' } },
      {
        name: 'Download build artifacts',
        uses: 'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c',
        with: { 'artifact-ids': '${{ needs.release.outputs.artifact_id }}', 'path': 'dist' },
      },
      {
        name: 'Release',
        env: {
          NPM_DIST_TAG: 'latest',
          NPM_REGISTRY: 'registry.npmjs.org',
          NPM_CONFIG_PROVENANCE: 'true',
          NPM_TOKEN: '${{ secrets.NPM_TOKEN }}',
          PUBLIB_DRYRUN: '${{ inputs.dry_run }}',
        },
        run: `npx -p publib@latest publib-npm ${APP_DIST}`,
      },
    ],
  },
});
// Both packages carry the release's version: the generated app depends on the library's `^` that version.
const appVersion = (version: string) =>
  `node -e "const f='${APP_PACKAGE_DIR}/package.json', p=JSON.parse(require('fs').readFileSync(f));`
  + ` p.version=${version}; require('fs').writeFileSync(f, JSON.stringify(p, undefined, 2) + '\\n')"`;
project.tasks.tryFind('bump')!.exec(appVersion("require('./package.json').version"), { name: 'project type package: same version' });
project.tasks.tryFind('unbump')!.exec(appVersion("'0.0.0'"), { name: 'project type package: back to 0.0.0' });

project.synth();
