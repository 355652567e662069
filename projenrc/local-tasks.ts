import { awscdk } from 'projen';

/** The programs a contributor runs on this machine: the example app, the drill, the burst benchmark, the architecture picture. */
export function addLocalTasks(project: awscdk.AwsCdkConstructLibrary): void {
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
}
