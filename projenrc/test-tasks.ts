import { awscdk } from 'projen';

// The tests in two runs. Synthesis is CPU-bound and shares nothing: it runs on both cores. The files that start real
// servers on 127.0.0.1 (web servers, Redis, the drill, npm installs) run one at a time after
// it, alone on the machine, so that their timings are not squeezed by a synthesis beside them. One file:
// `npx jest test/<path>`.
// The rehearsal's test (test/rehearse) runs with the synthesis tests on a third worker: it mostly waits (health
// checks, a connection left idle for 59 s) and none of its targets depends on a quiet machine.
// The rehearsal's corpus of real servers and its Ctrl-C test start many servers at once: they run here, alone, so
// that the timing-sensitive sigterm probe of test/rehearse/rehearse.test.ts never shares the cores with them.
export const SERVER_TESTS = ['test/runtime/', 'test/drill/', 'test/e2e/', 'test/rehearse/server-corpus.test.ts', 'test/rehearse/cli-misuse.test.ts', 'test/rehearse/repeat.test.ts', 'test/stand-ins/systemd/', 'test/stand-ins/load-balancing/', 'test/stand-ins/elasticache/', 'test/stand-ins/ec2/'];

/** The test task: the synthesis tests on every core, then the `SERVER_TESTS` one file at a time, then eslint. */
export function addTestTasks(project: awscdk.AwsCdkConstructLibrary): void {
  project.testTask.reset();
  project.testTask.exec(`jest --passWithNoTests --updateSnapshot --maxWorkers=3 --testPathIgnorePatterns /node_modules/ ${SERVER_TESTS.map((d) => `/${d}`).join(' ')}`, {
    name: 'synthesis tests on every core, and the rehearsal beside them',
  });
  project.testTask.exec(`JEST_JUNIT_OUTPUT_NAME=junit-servers.xml jest --passWithNoTests --maxWorkers=1 --coverageDirectory=coverage/servers ${SERVER_TESTS.join(' ')}`, {
    name: 'tests that start servers, one file at a time',
  });
  project.testTask.spawn(project.tasks.tryFind('eslint')!);
}

/** The integration test's tasks: record its snapshot, or deploy it to AWS. */
export function addIntegTasks(project: awscdk.AwsCdkConstructLibrary): void {
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
}
