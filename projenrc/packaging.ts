import { awscdk, TaskShell } from 'projen';

/** What the package holds, the other languages' bindings, API.md kept fresh, and the end-to-end tests of the package. */
export function addPackaging(project: awscdk.AwsCdkConstructLibrary): void {
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
}
