import * as fs from 'fs';
import * as path from 'path';
import { awscdk, javascript, SampleDir, SampleFile } from 'projen';
import { WEB_TIER_FEATURE_FLAGS } from './web-tier-feature-flags';

/** The construct library's npm name: the generated app depends on it. */
const LIBRARY_NAME = 'cdk-zero-downtime-web-tier';

/** This package's npm name: `projen new --from` puts it in the generated app's dev dependencies. */
const PACKAGE_NAME = 'cdk-zero-downtime-web-tier-app';

/** The package root, from `lib/` (published) or `src/` (tests). */
const PACKAGE_ROOT = path.join(__dirname, '..');

/** The generated app's starting files, shipped in the package beside `lib/`. */
const TEMPLATE_DIR = path.join(PACKAGE_ROOT, 'templates', 'app');

/** The generated app's folder of the web app its web servers run (`src/main.ts` deploys it). */
const WEBAPP_DIR = 'webapp';

/**
 * Options of a `ZeroDowntimeWebTierApp`. Every one is optional, so
 * `npx projen new --from cdk-zero-downtime-web-tier` needs no flags.
 *
 * The result is a projen `AwsCdkTypeScriptApp`: everything else is configured in the app's
 * `.projenrc.ts` through the project object (`project.addDeps(...)`, `project.cdkConfig`...).
 */
export interface ZeroDowntimeWebTierAppOptions {
  /**
   * The app's npm package name.
   *
   * @default - the name of the folder the app is created in
   * @pjnew $BASEDIR
   */
  readonly name?: string;

  /**
   * The folder the app's files are written to.
   *
   * @default "."
   */
  readonly outdir?: string;

  /**
   * The lowest aws-cdk-lib version the app accepts.
   *
   * @default - the lowest aws-cdk-lib version this library supports (its peer dependency's floor)
   */
  readonly cdkVersion?: string;

  /**
   * The npm spec of cdk-zero-downtime-web-tier (the construct library) the app depends on: a version range,
   * or `file:` and the path of a tarball.
   *
   * The library and this package are released together, with the same version.
   *
   * @default - `^` and the version of this package
   */
  readonly libraryVersion?: string;

  /**
   * The package manager that installs the dependencies and runs the tasks.
   *
   * @default NodePackageManager.NPM
   * @pjnew $PACKAGE_MANAGER
   */
  readonly packageManager?: javascript.NodePackageManager;

  /**
   * The branch releases are made from.
   *
   * @default "main"
   */
  readonly defaultReleaseBranch?: string;

  /**
   * More runtime dependencies, as `name@range` specs.
   *
   * @default []
   */
  readonly deps?: string[];

  /**
   * More build-time dependencies, as `name@range` specs.
   *
   * `projen new --from SPEC` adds SPEC here. When SPEC is the path of this package's tarball, whatever its
   * name (`npm pack` writes `cdk-zero-downtime-web-tier-app-1.2.0.tgz`, jsii-pacmak
   * `cdk-zero-downtime-web-tier-app@1.2.0.jsii.tgz`), it becomes `cdk-zero-downtime-web-tier-app@file:SPEC`:
   * projen would otherwise read the `@` in the file name as the start of a version.
   *
   * @default []
   */
  readonly devDeps?: string[];

  /**
   * Whether to generate GitHub workflows (build, upgrade, pull request lint).
   *
   * @default true
   */
  readonly github?: boolean;
}

/**
 * A CDK app in TypeScript that deploys a `ZeroDowntimeWebTier`, ready to synthesize, test and deploy.
 *
 * It writes `webapp/` (a small Node.js web app with no npm dependency: a visit counter in the tier's Redis),
 * `src/main.ts` (a stack with the web tier running that app on its web servers), `test/main.test.ts` (assertions
 * on the template), a README that walks through synth, deploy, changing the app, the high-availability test and
 * destroy, and `cdk.json` with the feature flags `cdk init` writes: the ones aws-cdk-lib recommends for new
 * projects (its `recommended-feature-flags.json`), read from the aws-cdk-lib the app installs.
 * The sample files are written once (`webapp/` only when the folder does not exist): after that they are yours.
 *
 * @pjid zero-downtime-web-tier-app
 */
export class ZeroDowntimeWebTierApp extends awscdk.AwsCdkTypeScriptApp {
  /** The npm spec of cdk-zero-downtime-web-tier the app depends on. */
  public readonly libraryVersion: string;

  constructor(options: ZeroDowntimeWebTierAppOptions = {}) {
    const outdir = options.outdir ?? '.';
    const name = options.name ?? path.basename(path.resolve(outdir));
    const ownPackage = readOwnPackageJson();
    const libraryVersion = options.libraryVersion ?? `^${ownPackage.version}`;
    const cdkVersion = options.cdkVersion ?? minimumVersion(ownPackage.peerDependencies?.['aws-cdk-lib'], 'aws-cdk-lib');

    super({
      // Passes on what `projen new` adds (it renders .projenrc.ts from it).
      ...options,
      name,
      outdir,
      defaultReleaseBranch: options.defaultReleaseBranch ?? 'main',
      packageManager: options.packageManager ?? javascript.NodePackageManager.NPM,
      cdkVersion,
      deps: [...(options.deps ?? []), `${LIBRARY_NAME}@${libraryVersion}`],
      devDeps: (options.devDeps ?? []).map(ownTarballSpec),
      // `cdk init`'s flags (without them, `cdk synth` warns about every unconfigured one), and the web tier's: a new
      // app gets today's defaults, which an app created before them keeps out of until it opts in.
      context: { ...recommendedFeatureFlags(outdir), ...WEB_TIER_FEATURE_FLAGS },
      projenrcTs: true,
      // The sample below replaces projen's hello-world stack.
      sampleCode: false,
      readme: { contents: readTemplate('README.md').replace(/\{\{name\}\}/g, name) },
    });
    this.libraryVersion = libraryVersion;

    new SampleFile(this, path.posix.join(this.srcdir, 'main.ts'), { contents: readTemplate('src/main.ts') });
    new SampleFile(this, path.posix.join(this.testdir, 'main.test.ts'), { contents: readTemplate('test/main.test.ts') });
    new SampleDir(this, WEBAPP_DIR, { sourceDir: path.join(TEMPLATE_DIR, WEBAPP_DIR) });
  }
}

interface OwnPackageJson {
  readonly version: string;
  readonly peerDependencies?: Record<string, string>;
}

function readOwnPackageJson(): OwnPackageJson {
  return JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'));
}

function readTemplate(file: string): string {
  return fs.readFileSync(path.join(TEMPLATE_DIR, file), 'utf8');
}

/** `^2.258.0` or `>=2.258.0` -> `2.258.0`: the floor of a simple range. */
function minimumVersion(range: string | undefined, dependency: string): string {
  const match = /^(?:\^|~|>=)?\s*(\d+\.\d+\.\d+)/.exec(range ?? '');
  if (!match) {
    throw new Error(`${PACKAGE_NAME}'s package.json has peer dependency ${dependency}@${range}: expected a range such as ^2.258.0`);
  }
  return match[1];
}

/**
 * `projen new --from PATH` with a tarball of this package, whatever its file name, as a spec npm and projen
 * both read as a path: `cdk-zero-downtime-web-tier-app@file:PATH`. Other specs are returned as they are.
 */
function ownTarballSpec(spec: string): string {
  const isPath = /^(?:file:|\.{0,2}[\\/]|~[\\/]|[a-z]:[\\/])/i.test(spec) || /\.(?:tgz|tar\.gz)$/.test(spec);
  if (spec.startsWith(`${PACKAGE_NAME}@`) || !isPath || !path.basename(spec).startsWith(PACKAGE_NAME)) {
    return spec;
  }
  return `${PACKAGE_NAME}@${spec.startsWith('file:') ? spec : `file:${spec}`}`;
}

/**
 * The feature flags aws-cdk-lib recommends for new projects (what `cdk init` writes), from the aws-cdk-lib
 * the app has installed or, before its first install, the one installed beside this package.
 */
function recommendedFeatureFlags(outdir: string): Record<string, unknown> {
  const file = require.resolve('aws-cdk-lib/recommended-feature-flags.json', { paths: [path.resolve(outdir), PACKAGE_ROOT] });
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
