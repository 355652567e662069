import { awscdk, javascript, TaskShell } from 'projen';

/**
 * The projen this repository builds with, and the floor of the optional peer dependency on it. The peer pins
 * the dev dependency to this version, so upgrading projen means changing it here.
 */
const PROJEN_VERSION = '0.103.25';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-zero-downtime-web-tier',
  description:
    'A zero-downtime EC2 web tier in one line of CDK: VPC with five subnet groups over three AZs, a NAT gateway per AZ, an internet-facing ALB, a web Auto Scaling Group, a bastion with a stable Elastic IP and ElastiCache Redis.',
  author: 'cdk-zero-downtime-web-tier maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-zero-downtime-web-tier/cdk-zero-downtime-web-tier.git',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'alb', 'autoscaling', 'zero-downtime', 'high-availability', 'elasticache', 'redis', 'bastion', 'vpc'],
  license: 'Apache-2.0',
  stability: 'experimental',

  // aws-cdk-lib 2.258.0 is the first release whose policy-validation context carries the construct tree
  // (`appConstruct`) that cdk-nag 3.x needs: on 2.257.0 its packs fail without checking anything.
  cdkVersion: '2.258.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  tsconfigDevFile: 'tsconfig.dev.json',

  devDeps: [
    'cdk-nag@^3.0.2',
    '@cdklabs/cdk-validator-cfnguard@^0.0.62',
  ],
  // The projen project type (`npx projen new --from cdk-zero-downtime-web-tier`, src/project/) extends projen's
  // classes, so jsii needs projen as a peer. It is optional (peerDependenciesMeta below): a plain
  // `npm install cdk-zero-downtime-web-tier` does not install it, and the compile step keeps lib/index.js from
  // loading it (projenrc/optional-projen.ts). The floor is the projen this repository builds and tests with.
  peerDeps: [`projen@>=${PROJEN_VERSION}`],

  // npm (on by default), PyPI, Maven Central and Go. Locally and in CI the build generates the other languages'
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
  // No NuGet: projen publishes no .NET package, and the project type's base class (projen's
  // AwsCdkTypeScriptApp) is in this assembly, so jsii cannot generate a .NET binding (jsii-pacmak's dotnet
  // target fails on the `projen` dependency). Moving the project type to its own npm-only package would allow
  // `publishToNuget: { dotNetNamespace: 'CdkZeroDowntimeWebTier', packageId: 'CdkZeroDowntimeWebTier' }`.
  publishToGo: {
    moduleName: 'github.com/cdk-zero-downtime-web-tier/cdk-zero-downtime-web-tier-go',
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'drill', 'tools', 'projenrc', '.projenrc.ts'],
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
      // Runtime tests start real servers on loopback; run files one at a time to keep ports and CPU calm.
      maxWorkers: 1,
    },
  },
});

project.addTask('example', {
  description: 'Synthesize the example app into cdk.out/ and print a summary of what would be deployed',
  exec: 'ts-node --project tsconfig.dev.json examples/app.ts',
});

project.addTask('drill', {
  description: 'Zero-downtime drill on this machine: Redis, web servers, HAProxy standing in for the ALB; crash, deploy, scale-in, instance loss (--short: fast preset only)',
  exec: 'ts-node --project tsconfig.dev.json drill/main.ts',
  receiveArgs: true,
});
project.addTask('burst', {
  description: 'Benchmark: 3 bursts of 100 simultaneous connections to one web server on this machine (not a test)',
  exec: 'ts-node --project tsconfig.dev.json drill/burst.ts',
  receiveArgs: true,
});

project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('.projenrc.ts');

// ---- Project type, packaging, API.md, end-to-end tests (issue 6) ----

// projen is an optional peer: only `projen new --from` and the generated app's .projenrc.ts need it.
project.package.addField('peerDependenciesMeta', { projen: { optional: true } });
// Load the project type lazily and let TypeScript apps without projen type-check the declarations.
project.compileTask.exec('ts-node --project projenrc/tsconfig.json projenrc/optional-projen.ts');

// The generated app's starting files (templates/app/) ship in the package; they import the published
// package, so they are checked by the e2e tests in a generated app, not type-checked here.
project.tsconfigDev.addExclude('templates/**');
// Only what the published package needs: no example app, synth output or scratch folders.
project.npmignore?.exclude('/.ci/', '/examples/', '/drill/', '/tools/', 'cdk.out/', '/.tmp/', '/results/');

// `package` would run `package-all` (Python, Java and Go packages) when CI is unset, which needs their
// toolchains and registries. Locally and in CI it builds the npm tarball and generates every other language's
// source only: an API jsii cannot carry to a language fails the build, not the release. The release workflow
// still runs `package:python`, `package:java` and `package:go` in their own jobs.
const bindings = project.addTask('bindings', {
  description: 'Generate the Python, Java and Go bindings as source only in .tmp/bindings/ (no toolchains needed)',
  steps: [
    { exec: 'rm -rf .tmp/bindings' },
    {
      exec: [
        'jsii-pacmak --code-only --force --no-npmignore --outdir .tmp/bindings',
        '--target python --target java --target go',
        // Example snippets go into the docs as written: translating them is the release build's job.
        '--rosetta-unknown-snippets verbatim',
      ].join(' '),
    },
  ],
});
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);
project.packageTask.spawn(bindings);

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

project.synth();
