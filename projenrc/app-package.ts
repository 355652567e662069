import { awscdk, cdk, javascript } from 'projen';
import { JobPermission } from 'projen/lib/github/workflows-model';
import { AUTHOR, CDK_VERSION, CONSTRUCTS_VERSION, PROJEN_VERSION, REPOSITORY_URL } from './versions';

/** The projen project type: its own npm-only package, built, packed and released with the library (issue 15). */
export function addAppPackage(project: awscdk.AwsCdkConstructLibrary): void {
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
}
