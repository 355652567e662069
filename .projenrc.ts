import { awscdk, javascript } from 'projen';

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

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'projenrc', '.projenrc.ts'],
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

project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('.projenrc.ts');

project.synth();
