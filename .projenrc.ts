import { awscdk, javascript } from 'projen';
import { addAppPackage } from './projenrc/app-package';
import { addLocalTasks } from './projenrc/local-tasks';
import { addPackaging } from './projenrc/packaging';
import { addReleaseRecording } from './projenrc/release-recording';
import { addIntegTasks, addTestTasks } from './projenrc/test-tasks';
import { AUTHOR, CDK_VERSION, CONSTRUCTS_VERSION, REPOSITORY_URL } from './projenrc/versions';

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

// The tests in two runs: synthesis on every core, then the tests that start servers (projenrc/test-tasks.ts).
addTestTasks(project);
// The programs a contributor runs here: example, drill, burst, architecture (projenrc/local-tasks.ts).
addLocalTasks(project);
project.tsconfigDev.addInclude('.projenrc.ts');
// The project type package has its own tsconfig and build (below).
project.tsconfigDev.addExclude('packages/**');

// Integration test (test/integ.web-tier.ts): record its snapshot, or deploy it (projenrc/test-tasks.ts).
addIntegTasks(project);

// ---- Packaging, API.md, end-to-end tests (projenrc/packaging.ts) ----
addPackaging(project);

// ---- The upgrade gate's baseline and the changelog, recorded at each release (projenrc/release-recording.ts) ----
addReleaseRecording(project);

// ---- The projen project type: its own npm-only package (projenrc/app-package.ts) ----
addAppPackage(project);

project.synth();
