import * as fs from 'fs';
import * as path from 'path';
import { awscdk, javascript, SampleFile } from 'projen';

/** This library's npm name: the generated app depends on it. */
const LIBRARY_NAME = 'cdk-zero-downtime-web-tier';

/** The package root, from `lib/project/` (published) or `src/project/` (tests). */
const PACKAGE_ROOT = path.join(__dirname, '..', '..');

/** The generated app's starting files, shipped in the package beside `lib/`. */
const TEMPLATE_DIR = path.join(PACKAGE_ROOT, 'templates', 'app');

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
   * The npm spec of cdk-zero-downtime-web-tier the app depends on: a version range, or a path or URL of a tarball.
   *
   * `projen new --from SPEC` puts SPEC in `devDeps`: when this is not set, SPEC's version (or path) is used.
   *
   * @default - `^` and the version of this library that creates the app
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
   * More build-time dependencies, as `name@range` specs. A spec of this library moves to the runtime dependencies.
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
 * It writes `src/main.ts` (a stack with the one-line web tier), `test/main.test.ts` (assertions on the
 * template), `cdk.json` and a README that walks through synth, deploy, the high-availability test and destroy.
 * The sample files are written once: after that they are yours.
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

    // `projen new --from SPEC` adds SPEC to the dev dependencies; the app needs the library at run time.
    const isLibrarySpec = (spec: string) => spec === LIBRARY_NAME || spec.startsWith(`${LIBRARY_NAME}@`)
      || (path.basename(spec).startsWith(`${LIBRARY_NAME}-`) && spec.endsWith('.tgz'));
    const devDeps = options.devDeps ?? [];
    const fromSpec = devDeps.find(isLibrarySpec);
    const libraryVersion = options.libraryVersion ?? librarySpecVersion(fromSpec) ?? `^${ownPackage.version}`;

    super({
      // Passes on what `projen new` adds (it renders .projenrc.ts from it).
      ...options,
      name,
      outdir,
      defaultReleaseBranch: options.defaultReleaseBranch ?? 'main',
      packageManager: options.packageManager ?? javascript.NodePackageManager.NPM,
      cdkVersion: options.cdkVersion ?? minimumVersion(ownPackage.peerDependencies?.['aws-cdk-lib'], 'aws-cdk-lib'),
      deps: [...(options.deps ?? []), `${LIBRARY_NAME}@${libraryVersion}`],
      devDeps: devDeps.filter(spec => !isLibrarySpec(spec)),
      projenrcTs: true,
      // The sample below replaces projen's hello-world stack.
      sampleCode: false,
      readme: { contents: readTemplate('README.md').replace(/\{\{name\}\}/g, name) },
    });
    this.libraryVersion = libraryVersion;

    new SampleFile(this, path.posix.join(this.srcdir, 'main.ts'), { contents: readTemplate('src/main.ts') });
    new SampleFile(this, path.posix.join(this.testdir, 'main.test.ts'), { contents: readTemplate('test/main.test.ts') });
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
    throw new Error(`${LIBRARY_NAME}'s package.json has peer dependency ${dependency}@${range}: expected a range such as ^2.258.0`);
  }
  return match[1];
}

/**
 * The version part of a spec of this library: `cdk-zero-downtime-web-tier@^1.2.0` -> `^1.2.0`,
 * a tarball path -> `file:` and the path, a URL -> itself, the bare name -> undefined (the default range applies).
 */
function librarySpecVersion(spec: string | undefined): string | undefined {
  if (spec === undefined || spec === LIBRARY_NAME) {
    return undefined;
  }
  if (spec.startsWith(`${LIBRARY_NAME}@`)) {
    return spec.slice(LIBRARY_NAME.length + 1);
  }
  // A tarball or folder: npm reads a dependency's bare path as a package name, `file:` makes it a path.
  return /^[a-z][a-z+]+:/i.test(spec) ? spec : `file:${spec}`;
}
